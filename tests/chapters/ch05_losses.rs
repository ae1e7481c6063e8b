//! Chapter 5: loss functions. Gradients are checked against central differences of the loss
//! values; the stable forms are checked against references computed where the textbook formulas
//! are still exact (moderate logits, shifted back analytically) or against series expansions.

use chapters::ch03_activations::softmax_jacobian;
use chapters::ch05_losses::{
    bce_sigmoid_gradient, bernoulli, double_softmax_cross_entropy, mean_negative_log_likelihood,
    mse_sigmoid_gradient, naive_sigmoid, naive_sigmoid_bce, naive_softmax,
    naive_softmax_cross_entropy, softmax_ce_gradient_by_chain_rule, stable_sigmoid_bce,
    stable_softmax_cross_entropy, steps_to_escape,
};
use nabla::Batch;
use nabla::activation::{Sigmoid, sigmoid, softmax_into};
use nabla::gradcheck::{numeric_derivative, relative_error};
use nabla::loss::{
    AfterActivation, Loss, MeanSquaredError, SigmoidBinaryCrossEntropy, SoftmaxCrossEntropy,
    binary_cross_entropy, cross_entropy, log_sum_exp,
};
use nabla_tests::{
    FLOOR, STEP, assert_gradients_match, finite_difference_gradient, max_relative_error, seeded,
    uniform_vec,
};
use rand::Rng;

/// Logits spread over the range where the textbook formulas are still accurate.
fn moderate_logits() -> Vec<f64> {
    uniform_vec(&mut seeded(50), 40, -6.0, 6.0)
}

/// The library's gradient `∂L/∂z` for one logit and one target.
fn library_gradient(loss: &impl Loss<f64, 1>, z: f64, y: f64) -> f64 {
    let mut gradient = Batch::zeros(0);
    loss.value_and_gradient(
        &Batch::<f64, 1>::from_column_slice(&[z]),
        &Batch::<f64, 1>::from_column_slice(&[y]),
        &mut gradient,
    );
    gradient[0]
}

/// `relative_error` with the shared floor.
fn error(a: f64, b: f64) -> f64 {
    relative_error(a, b, FLOOR)
}

#[test]
fn eq_5_1_bernoulli_gives_p_for_one_and_one_minus_p_for_zero() {
    for p in uniform_vec(&mut seeded(51), 20, 0.0, 1.0) {
        assert!((bernoulli(p, 1.0) - p).abs() < 1e-15);
        assert!((bernoulli(p, 0.0) - (1.0 - p)).abs() < 1e-15);
        assert!((bernoulli(p, 1.0) + bernoulli(p, 0.0) - 1.0).abs() < 1e-15);
    }
}

#[test]
fn eq_5_2_bce_is_the_mean_negative_log_likelihood() {
    let mut rng = seeded(52);
    let logits = uniform_vec(&mut rng, 12, -4.0, 4.0);
    let labels: Vec<f64> = (0..12)
        .map(|_| f64::from(rng.random_range(0..2u8)))
        .collect();
    let probabilities: Vec<f64> = logits.iter().map(|&z| naive_sigmoid(z)).collect();
    // Through the product of the probabilities of the observed labels.
    let from_likelihood = mean_negative_log_likelihood(&probabilities, &labels);
    let textbook = binary_cross_entropy(&probabilities, &labels);
    let fused = SigmoidBinaryCrossEntropy.value(
        &Batch::<f64, 1>::from_column_slice(&logits),
        &Batch::<f64, 1>::from_column_slice(&labels),
    );
    assert!(error(textbook, from_likelihood) < 1e-12);
    assert!(error(fused, from_likelihood) < 1e-12);

    // Maximum likelihood: a constant prediction p fits best at the fraction of ones.
    let ones = labels.iter().sum::<f64>() / labels.len() as f64;
    let loss = |p: f64| binary_cross_entropy(&vec![p; labels.len()], &labels);
    assert!(numeric_derivative(loss, ones, STEP).abs() < 1e-9);
    assert!(loss(ones) < loss(ones - 0.01) && loss(ones) < loss(ones + 0.01));
}

#[test]
fn eq_5_3_gaussian_negative_log_likelihood_is_mse_plus_a_constant() {
    let mut rng = seeded(53);
    let predictions = uniform_vec(&mut rng, 10, -2.0, 2.0);
    let targets = uniform_vec(&mut rng, 10, -2.0, 2.0);
    let sigma = 0.7;
    // −(1/n) Σ ln of the normal density N(yᵢ; ŷᵢ, σ²), written out.
    let density = |y: f64, mean: f64| {
        (-(y - mean).powi(2) / (2.0 * sigma * sigma)).exp()
            / (sigma * (2.0 * std::f64::consts::PI).sqrt())
    };
    let n = predictions.len() as f64;
    let nll = -predictions
        .iter()
        .zip(&targets)
        .map(|(&p, &y)| density(y, p).ln())
        .sum::<f64>()
        / n;
    let mse = MeanSquaredError.value(
        &Batch::<f64, 1>::from_column_slice(&predictions),
        &Batch::<f64, 1>::from_column_slice(&targets),
    );
    let constant = (sigma * (2.0 * std::f64::consts::PI).sqrt()).ln();
    assert!(error(nll, mse / (2.0 * sigma * sigma) + constant) < 1e-12);
}

#[test]
fn eq_5_4_bce_through_a_sigmoid_has_gradient_p_minus_y() {
    for z in moderate_logits() {
        for y in [0.0, 1.0, 0.3] {
            let numeric = numeric_derivative(|z| naive_sigmoid_bce(z, y), z, STEP);
            assert_gradients_match("σ(z) − y", &[bce_sigmoid_gradient(z, y)], &[numeric]);
            let library = library_gradient(&SigmoidBinaryCrossEntropy, z, y);
            assert_gradients_match("SigmoidBinaryCrossEntropy", &[library], &[numeric]);
        }
    }
}

#[test]
fn eq_5_5_mse_through_a_sigmoid_carries_the_sigmoid_derivative() {
    let after_sigmoid = AfterActivation {
        activation: Sigmoid,
        loss: MeanSquaredError,
    };
    for z in moderate_logits() {
        for y in [0.0, 1.0, 0.3] {
            let numeric = numeric_derivative(|z| (naive_sigmoid(z) - y).powi(2), z, STEP);
            assert_gradients_match("2(ŷ − y)σ'(z)", &[mse_sigmoid_gradient(z, y)], &[numeric]);
            let library = library_gradient(&after_sigmoid, z, y);
            assert_gradients_match("AfterActivation<Sigmoid, MSE>", &[library], &[numeric]);
        }
    }
}

#[test]
fn mse_gradient_vanishes_through_a_saturated_sigmoid_while_bce_does_not() {
    // A confident wrong answer: label 1, z = −10. σ'(−10) < 5e−5.
    let (z, y) = (-10.0, 1.0);
    assert!(mse_sigmoid_gradient(z, y).abs() < 1e-4);
    assert!(bce_sigmoid_gradient(z, y).abs() > 0.9999);
    // So gradient descent on the logit escapes in a few steps with BCE, thousands with MSE.
    let bce = steps_to_escape(bce_sigmoid_gradient, z, 1.0, 100_000).expect("BCE escapes");
    let mse = steps_to_escape(mse_sigmoid_gradient, z, 1.0, 100_000).expect("MSE escapes");
    assert!(bce <= 12, "BCE took {bce} steps");
    assert!(mse >= 100 * bce, "MSE took {mse} steps, BCE {bce}");
}

#[test]
fn using_the_bce_output_error_with_an_mse_loss_fails_the_gradient_check() {
    // MSE on a sigmoid: the output error ŷ − y (right for BCE) is not its gradient.
    let (z, y) = (0.3, 0.0);
    let numeric = numeric_derivative(|z| (naive_sigmoid(z) - y).powi(2), z, STEP);
    assert!(error(mse_sigmoid_gradient(z, y), numeric) < 1e-8);
    assert!(error(bce_sigmoid_gradient(z, y), numeric) > 0.5);
    // BCE on a sigmoid: the σ'(z) of the MSE pattern does not belong in its gradient.
    let (z, y) = (0.7, 1.0);
    let numeric = numeric_derivative(|z| naive_sigmoid_bce(z, y), z, STEP);
    let with_sigmoid_derivative = (sigmoid(z) - y) * sigmoid(z) * (1.0 - sigmoid(z));
    assert!(error(bce_sigmoid_gradient(z, y), numeric) < 1e-8);
    assert!(error(with_sigmoid_derivative, numeric) > 0.5);
}

#[test]
fn eq_5_6_softmax_is_a_probability_distribution() {
    let z = uniform_vec(&mut seeded(56), 7, -5.0, 5.0);
    let mut library = vec![0.0; z.len()];
    softmax_into(&z, &mut library);
    let total: f64 = z.iter().map(|zj| zj.exp()).sum();
    for (k, &p) in library.iter().enumerate() {
        assert!(error(p, z[k].exp() / total) < 1e-14);
        assert!(p > 0.0);
    }
    assert!((library.iter().sum::<f64>() - 1.0).abs() < 1e-15);
}

#[test]
fn eq_5_7_cross_entropy_is_minus_the_log_probability_of_the_label() {
    let z = [0.3, -1.2, 2.0, 0.5];
    let p = naive_softmax(&z);
    for label in 0..4 {
        let mut y = [0.0; 4];
        y[label] = 1.0;
        assert!(error(cross_entropy(&p, &y), -p[label].ln()) < 1e-14);
        assert!(error(stable_softmax_cross_entropy(z, y), -p[label].ln()) < 1e-12);
    }
    // Two classes with logits [0, z] are one sigmoid: softmax CE is then BCE on z.
    for z in moderate_logits() {
        for t in [0.0, 1.0, 0.25] {
            let two_class = stable_softmax_cross_entropy([0.0, z], [1.0 - t, t]);
            assert!(error(two_class, naive_sigmoid_bce(z, t)) < 1e-9);
        }
    }
}

#[test]
fn eq_5_8_softmax_jacobian() {
    let z = uniform_vec(&mut seeded(58), 5, -3.0, 3.0);
    let jacobian = softmax_jacobian(&z);
    for j in 0..z.len() {
        let column: Vec<f64> = (0..z.len()).map(|k| jacobian[k][j]).collect();
        let numeric: Vec<f64> = (0..z.len())
            .map(|k| {
                let moved = |zj: f64| {
                    let mut moved = z.clone();
                    moved[j] = zj;
                    naive_softmax(&moved)[k]
                };
                numeric_derivative(moved, z[j], STEP)
            })
            .collect();
        assert_gradients_match("∂ŷ/∂zⱼ", &column, &numeric);
    }
}

#[test]
fn eq_5_9_softmax_ce_gradient_is_p_minus_y() {
    let mut rng = seeded(59);
    for _ in 0..10 {
        let z: [f64; 4] = std::array::from_fn(|_| rng.random_range(-4.0..4.0));
        let mut y = [0.0; 4];
        y[rng.random_range(0..4)] = 1.0;
        let numeric = finite_difference_gradient(|z| naive_softmax_cross_entropy(z, &y), &z);
        let p = naive_softmax(&z);
        let p_minus_y: Vec<f64> = p.iter().zip(&y).map(|(p, y)| p - y).collect();
        assert_gradients_match("ŷ − y", &p_minus_y, &numeric);
        let chain_rule = softmax_ce_gradient_by_chain_rule(&z, &y);
        assert_gradients_match("Jᵀ(−y/ŷ)", &chain_rule, &numeric);
        let mut library = Batch::<f64, 4>::zeros(1);
        SoftmaxCrossEntropy.value_and_gradient(
            &Batch::from_column_slice(&z),
            &Batch::from_column_slice(&y),
            &mut library,
        );
        assert_gradients_match("SoftmaxCrossEntropy", library.as_slice(), &numeric);
    }
}

#[test]
fn summing_per_class_bce_over_softmax_outputs_is_a_different_loss() {
    // −Σₖ [yₖ ln ŷₖ + (1 − yₖ) ln(1 − ŷₖ)] on softmax outputs: its gradient is not ŷ − y.
    let z = [1.0, -0.5, 0.3];
    let y = [0.0, 1.0, 0.0];
    let mixed = |z: &[f64]| {
        let p = naive_softmax(z);
        -p.iter()
            .zip(&y)
            .map(|(p, y)| y * p.ln() + (1.0 - y) * (1.0 - p).ln())
            .sum::<f64>()
    };
    let numeric = finite_difference_gradient(mixed, &z);
    let p = naive_softmax(&z);
    let p_minus_y: Vec<f64> = p.iter().zip(&y).map(|(p, y)| p - y).collect();
    assert!(max_relative_error(&p_minus_y, &numeric) > 0.1);
}

#[test]
fn softmax_applied_twice_cannot_go_below_ln_e_plus_9_minus_1() {
    // After one softmax the scores lie in [0, 1], so the second softmax gives the right class
    // at most e / (e + 9): the loss is at least ln(e + 9) − 1, however right the network is.
    let floor = (std::f64::consts::E + 9.0).ln() - 1.0;
    let mut rng = seeded(60);
    for _ in 0..100 {
        let z: Vec<f64> = (0..10).map(|_| rng.random_range(-20.0..20.0)).collect();
        let label = rng.random_range(0..10);
        assert!(double_softmax_cross_entropy(&z, label) >= floor - 1e-12);
    }
    let mut confident = [0.0; 10];
    confident[0] = 50.0;
    let mut y = [0.0; 10];
    y[0] = 1.0;
    assert!((double_softmax_cross_entropy(&confident, 0) - floor).abs() < 1e-12);
    assert!(stable_softmax_cross_entropy(confident, y) < 1e-12);
}

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

/// (5.11) The check that grades the learner's log-sum-exp (exercise 5.2) passes the library's:
/// one function verifies the equation for the book and for the learner.
#[test]
fn eq_5_11_the_librarys_log_sum_exp_passes_the_exercise_check() {
    let outcome = exercises::checks::ch05_losses::log_sum_exp(nabla::loss::log_sum_exp::<f64>);
    assert!(outcome.passed(), "{outcome:?}");
}

/// The library's `SoftmaxCrossEntropy` on one sample of `K` logits: its loss and gradient.
fn library_softmax_cross_entropy<const K: usize>(z: &[f64], label: usize) -> (f64, Vec<f64>) {
    use nabla::loss::{Loss, SoftmaxCrossEntropy};
    let logits = nabla::Batch::<f64, K>::from_column_slice(z);
    let targets = nabla::batch::one_hot::<f64, K>(&[label as u8]);
    let mut gradient = logits.clone();
    let value = SoftmaxCrossEntropy.value_and_gradient(&logits, &targets, &mut gradient);
    (value, gradient.as_slice().to_vec())
}

/// `library_softmax_cross_entropy` for the sizes the exercise's checks use.
fn library_for(z: &[f64], label: usize) -> (f64, Vec<f64>) {
    match z.len() {
        2 => library_softmax_cross_entropy::<2>(z, label),
        3 => library_softmax_cross_entropy::<3>(z, label),
        4 => library_softmax_cross_entropy::<4>(z, label),
        n => panic!("no case with {n} logits"),
    }
}

/// (5.10) and (5.9): the checks of exercises 5.3 and 5.4 pass the library's
/// `SoftmaxCrossEntropy`, its gradient compared with central differences of its loss.
#[test]
fn eq_5_10_the_librarys_softmax_cross_entropy_passes_the_exercise_checks() {
    use exercises::checks::ch05_losses::{softmax_cross_entropy, softmax_cross_entropy_gradient};
    let loss = |z: &[f64], label: usize| library_for(z, label).0;
    let gradient = |z: &[f64], label: usize| library_for(z, label).1;
    let outcome = softmax_cross_entropy(loss);
    assert!(outcome.passed(), "{outcome:?}");
    let outcome = softmax_cross_entropy_gradient(gradient, loss);
    assert!(outcome.passed(), "{outcome:?}");
}
