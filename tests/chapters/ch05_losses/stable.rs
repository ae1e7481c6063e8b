//! The stable forms: cross-entropy as log-sum-exp minus the label logit (5.10), log-sum-exp on
//! logits that overflow (5.11), and binary cross-entropy with logits (5.12).

use super::*;

#[test]
fn eq_5_10_cross_entropy_is_log_sum_exp_minus_the_label_logit() {
    let mut rng = seeded(61);
    for _ in 0..10 {
        let z: [f64; 5] = std::array::from_fn(|_| rng.random_range(-5.0..5.0));
        let label = rng.random_range(0..5);
        let mut y = [0.0; 5];
        y[label] = 1.0;
        let naive_lse = z.iter().map(|zj| zj.exp()).sum::<f64>().ln();
        assert!(error(log_sum_exp(&z), naive_lse) < 1e-14);
        let expected = naive_softmax_cross_entropy(&z, &y);
        assert!(error(log_sum_exp(&z) - z[label], expected) < 1e-12);
        assert!(error(stable_softmax_cross_entropy(z, y), expected) < 1e-12);
    }
}

#[test]
fn eq_5_11_log_sum_exp_survives_logits_that_overflow_exp() {
    // LSE(z + c) = LSE(z) + c: the reference is the naive formula at moderate logits, shifted.
    let mut rng = seeded(62);
    for shift in [1000.0, -1000.0, 800.0] {
        let z: [f64; 3] = std::array::from_fn(|_| rng.random_range(-3.0..3.0));
        let shifted = z.map(|zj| zj + shift);
        let reference = z.iter().map(|zj| zj.exp()).sum::<f64>().ln() + shift;
        let naive = shifted.iter().map(|zj| zj.exp()).sum::<f64>().ln();
        assert!(
            !naive.is_finite(),
            "exp over- or underflows at {shift}: naive gives {naive}"
        );
        assert!(error(log_sum_exp(&shifted), reference) < 1e-14);
        // The loss itself does not depend on the shift.
        let y = [0.0, 1.0, 0.0];
        let reference_loss = naive_softmax_cross_entropy(&z, &y);
        assert!(naive_softmax_cross_entropy(&shifted, &y).is_nan());
        assert!(error(stable_softmax_cross_entropy(shifted, y), reference_loss) < 1e-12);
    }
    // [1000, 0]: the exact loss for label 1 is 1000 + ln(1 + e^{−1000}); e^{−1000} ≈ 10^{−434} is
    // far below half an ulp of 1000 (5.7e−14), so the correctly rounded value is 1000.
    assert!(naive_softmax_cross_entropy(&[1000.0, 0.0], &[0.0, 1.0]).is_infinite());
    assert!(naive_softmax_cross_entropy(&[1000.0, 0.0], &[1.0, 0.0]).is_nan());
    assert_eq!(
        stable_softmax_cross_entropy([1000.0, 0.0], [0.0, 1.0]),
        1000.0
    );
    assert_eq!(stable_softmax_cross_entropy([1000.0, 0.0], [1.0, 0.0]), 0.0);
    // Four equal logits: the loss is ln 4 whatever their size. It is computed as
    // (1000 + ln 4) − 1000, and rounding 1000 + ln 4 costs up to half an ulp of 1000 (5.7e−14).
    let equal = [1000.0; 4];
    let one_hot = [1.0, 0.0, 0.0, 0.0];
    assert!(naive_softmax_cross_entropy(&equal, &one_hot).is_nan());
    assert!((stable_softmax_cross_entropy(equal, one_hot) - 4f64.ln()).abs() <= 5.7e-14);
}

/// `ln(1 + e^{−a})` for `a ≥ 20` by its series `u − u²/2 + u³/3` with `u = e^{−a}`: the next term
/// is below `u⁴ < 1e−34`, far below the rounding of anything it is added to.
fn softplus_tail(a: f64) -> f64 {
    let u = (-a).exp();
    u - u * u / 2.0 + u * u * u / 3.0
}

#[test]
fn eq_5_12_stable_bce_with_logits() {
    // Where the textbook form is accurate, the two agree.
    for z in uniform_vec(&mut seeded(63), 40, -5.0, 5.0) {
        for y in [0.0, 1.0, 0.3] {
            assert!(error(stable_sigmoid_bce(z, y), naive_sigmoid_bce(z, y)) < 1e-12);
        }
    }
    // Large logits: the exact loss is |z| + ln(1 + e^{−|z|}) for the wrong label.
    for (z, y) in [(40.0, 0.0), (800.0, 0.0), (-800.0, 1.0), (-750.0, 1.0)] {
        let reference = f64::abs(z) + softplus_tail(f64::abs(z));
        let naive = naive_sigmoid_bce(z, y);
        assert!(
            naive.is_infinite(),
            "z = {z}: σ(z) rounds to {y}, so ln 0 = −∞"
        );
        assert!(error(stable_sigmoid_bce(z, y), reference) < 1e-15);
    }
    // z = 20: the textbook form is finite but has lost half its digits in 1 − σ(z).
    let reference = 20.0 + softplus_tail(20.0);
    assert!(error(naive_sigmoid_bce(20.0, 0.0), reference) > 1e-10);
    assert!(error(stable_sigmoid_bce(20.0, 0.0), reference) < 1e-15);
    // Its gradient is still σ(z) − y, also where the textbook form is infinite.
    for z in [-40.0, -3.0, 0.5, 40.0] {
        let numeric = numeric_derivative(|z| stable_sigmoid_bce(z, 1.0), z, STEP);
        assert_gradients_match("stable BCE", &[sigmoid(z) - 1.0], &[numeric]);
    }
}
