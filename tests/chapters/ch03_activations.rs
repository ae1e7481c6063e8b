//! Chapter 3, activation functions: the definitions, their derivatives against central
//! differences, the identities that connect them, the softmax Jacobian, and the gradient of a
//! chain of neurons.

use chapters::ch03_activations::{
    chain, largest_derivative_error, midpoints, softmax_jacobian, softmax_jacobian_numeric,
};
use nabla::activation::{
    Activation, Elementwise, LeakyRelu, Relu, Relu6, Sigmoid, Softmax, Tanh, sigmoid, softmax_into,
};
use nabla::gradcheck::{numeric_derivative, relative_error};
use nabla_tests::{
    FLOOR, STEP, TOLERANCE, activation_backward_error, finite_difference_gradient, seeded,
    uniform_vec,
};
use rand::Rng;

/// 2000 points spread over (-10, 10), none of them a whole number (so none is a kink).
fn points() -> Vec<f64> {
    midpoints(-10.0, 10.0, 2000)
}

/// Asserts that `derivative` matches the central difference of `value` at every point.
fn assert_derivative(
    name: &str,
    value: impl Fn(f64) -> f64,
    derivative: impl Fn(f64) -> f64,
    points: &[f64],
) {
    for &z in points {
        let analytic = derivative(z);
        let numeric = numeric_derivative(&value, z, STEP);
        let error = relative_error(analytic, numeric, FLOOR);
        assert!(
            error <= TOLERANCE,
            "{name}'({z}) = {analytic}, central differences give {numeric} (relative error {error:e})"
        );
    }
}

#[test]
fn eq_3_1_sigmoid_definition() {
    // σ(z) = 1 / (1 + e⁻ᶻ), strictly between 0 and 1 where it can be represented.
    for z in points() {
        let s = sigmoid(z);
        let direct = 1.0 / (1.0 + (-z).exp());
        assert!(relative_error(s, direct, 1e-300) < 1e-14, "σ({z})");
        assert!(s > 0.0 && s < 1.0);
        assert_eq!(Elementwise::<f64>::value(&Sigmoid, z), s);
    }
    assert_eq!(sigmoid(0.0f64), 0.5);
    // Far out, no overflow and no NaN: the limits 0 and 1.
    assert_eq!(sigmoid(-800.0f64), 0.0);
    assert_eq!(sigmoid(800.0f64), 1.0);
}

#[test]
fn eq_3_2_sigmoid_derivative() {
    // σ'(z) = σ(z)(1 − σ(z)): the library's derivative and the formula, against central
    // differences of σ.
    let points = points();
    assert_derivative(
        "σ",
        sigmoid,
        |z| Elementwise::<f64>::derivative(&Sigmoid, z),
        &points,
    );
    assert_derivative("σ", sigmoid, |z| sigmoid(z) * (1.0 - sigmoid(z)), &points);
    assert!(largest_derivative_error(&Sigmoid, &points) <= TOLERANCE);
}

#[test]
fn sigmoid_derivative_formula_is_in_terms_of_the_output() {
    // σ(1 − σ) must be evaluated at the output a = σ(z). Evaluating it at z instead, z(1 − z),
    // fails the same finite-difference check almost everywhere.
    let wrong = points()
        .into_iter()
        .filter(|&z| {
            let numeric = numeric_derivative(sigmoid, z, STEP);
            relative_error(z * (1.0 - z), numeric, FLOOR) > 0.1
        })
        .count();
    assert!(wrong > 1900, "z(1 − z) passed at {} points", 2000 - wrong);
}

#[test]
fn eq_3_3_sigmoid_derivative_at_most_a_quarter() {
    // s(1 − s) = 1/4 − (s − 1/2)² ≤ 1/4, with equality only at s = 1/2, that is z = 0.
    for z in points() {
        let s = sigmoid(z);
        let derivative = Elementwise::<f64>::derivative(&Sigmoid, z);
        assert!((s * (1.0 - s) - (0.25 - (s - 0.5).powi(2))).abs() < 1e-15);
        assert!(derivative < 0.25, "σ'({z}) = {derivative}");
    }
    assert_eq!(Elementwise::<f64>::derivative(&Sigmoid, 0.0), 0.25);
}

#[test]
fn eq_3_4_sigmoid_symmetry() {
    // σ(−z) = 1 − σ(z).
    for z in points() {
        let error = (sigmoid(-z) - (1.0 - sigmoid(z))).abs();
        assert!(error < 1e-15, "z = {z}: off by {error:e}");
    }
}

#[test]
fn eq_3_5_sigmoid_inverse_is_log_odds() {
    // z = ln(σ / (1 − σ)), with 1 − σ(z) computed as σ(−z) to keep its digits.
    for z in points() {
        let log_odds = (sigmoid(z) / sigmoid(-z)).ln();
        assert!(
            (log_odds - z).abs() <= 1e-12 * (1.0 + z.abs()),
            "z = {z}: {log_odds}"
        );
    }
    // And σ turns log-odds back into a probability.
    for p in midpoints(0.0, 1.0, 999) {
        let log_odds = (p / (1.0 - p)).ln();
        assert!((sigmoid(log_odds) - p).abs() < 1e-14, "p = {p}");
    }
}

#[test]
fn eq_3_6_tanh_definition() {
    // tanh z = (eᶻ − e⁻ᶻ) / (eᶻ + e⁻ᶻ): odd, between −1 and 1.
    for z in points() {
        let t: f64 = Elementwise::<f64>::value(&Tanh, z);
        let direct = (z.exp() - (-z).exp()) / (z.exp() + (-z).exp());
        assert!(
            (t - direct).abs() < 1e-15,
            "tanh({z}) = {t}, formula {direct}"
        );
        assert_eq!(Elementwise::<f64>::value(&Tanh, -z), -t);
        assert!(t.abs() < 1.0);
    }
    assert_eq!(Elementwise::<f64>::value(&Tanh, 40.0), 1.0);
    assert_eq!(Elementwise::<f64>::value(&Tanh, -40.0), -1.0);
}

#[test]
fn eq_3_7_tanh_derivative() {
    // tanh'(z) = 1 − tanh²(z).
    let points = points();
    let tanh = |z: f64| z.tanh();
    assert_derivative(
        "tanh",
        tanh,
        |z| Elementwise::<f64>::derivative(&Tanh, z),
        &points,
    );
    assert_derivative("tanh", tanh, |z| 1.0 - z.tanh() * z.tanh(), &points);
}

#[test]
fn eq_3_8_tanh_is_a_rescaled_sigmoid() {
    // tanh(z) = 2σ(2z) − 1.
    for z in points() {
        let rescaled = 2.0 * sigmoid(2.0 * z) - 1.0;
        assert!((z.tanh() - rescaled).abs() < 1e-15, "z = {z}");
    }
}

#[test]
fn eq_3_9_tanh_derivative_from_sigmoid() {
    // tanh'(z) = 4σ'(2z), so tanh' ≤ 1 with equality at 0. (Far from 0 both sides are tiny
    // and 1 − tanh² has lost its leading digits, hence the floor.)
    for z in points() {
        let from_sigmoid = 4.0 * Elementwise::<f64>::derivative(&Sigmoid, 2.0 * z);
        let derivative = Elementwise::<f64>::derivative(&Tanh, z);
        assert!(
            relative_error(derivative, from_sigmoid, FLOOR) < 1e-10,
            "z = {z}: {derivative} vs {from_sigmoid}"
        );
        assert!(derivative < 1.0);
    }
    assert_eq!(Elementwise::<f64>::derivative(&Tanh, 0.0), 1.0);
}

#[test]
fn eq_3_10_relu_derivative() {
    // ReLU(z) = max(0, z); ReLU'(z) = 1 for z > 0 and 0 for z < 0.
    for z in points() {
        assert_eq!(Elementwise::<f64>::value(&Relu, z), z.max(0.0));
        let expected = if z > 0.0 { 1.0 } else { 0.0 };
        assert_eq!(Elementwise::<f64>::derivative(&Relu, z), expected);
    }
    assert_derivative(
        "relu",
        |z| Elementwise::<f64>::value(&Relu, z),
        |z| Elementwise::<f64>::derivative(&Relu, z),
        &points(),
    );
}

#[test]
fn relu_has_no_derivative_at_zero() {
    // The one-sided difference quotients at 0 are 0 and 1 for every step size: no single slope
    // exists there, so relu'(0) is a convention (the library's is 0). The central difference
    // averages them to 1/2, so a gradient check at a kink tests nothing.
    let relu = |z: f64| Elementwise::<f64>::value(&Relu, z);
    for h in [1e-1, 1e-3, 1e-5, 1e-8] {
        assert_eq!((relu(0.0) - relu(-h)) / h, 0.0);
        assert_eq!((relu(h) - relu(0.0)) / h, 1.0);
        assert_eq!(numeric_derivative(relu, 0.0, h), 0.5);
    }
    assert_eq!(Elementwise::<f64>::derivative(&Relu, 0.0), 0.0);
}

#[test]
fn eq_3_11_leaky_relu_derivative() {
    // LeakyReLU(z) = z for z > 0 and αz otherwise; its derivative is 1 or α.
    for slope in [0.01, 0.1, 0.3] {
        let leaky = LeakyRelu { slope };
        for z in points() {
            let expected = if z > 0.0 { z } else { slope * z };
            assert!((Elementwise::<f64>::value(&leaky, z) - expected).abs() < 1e-15);
        }
        assert_derivative(
            "leaky_relu",
            |z| Elementwise::<f64>::value(&leaky, z),
            |z| Elementwise::<f64>::derivative(&leaky, z),
            &points(),
        );
        assert_eq!(Elementwise::<f64>::derivative(&leaky, -3.0), slope);
    }
}

#[test]
fn eq_3_12_relu6_derivative() {
    // ReLU6(z) = min(max(0, z), 6), a clamp to [0, 6]; its derivative is 1 on (0, 6) and 0
    // outside. Unlike ReLU it stops growing at 6.
    for z in points() {
        assert_eq!(
            Elementwise::<f64>::value(&Relu6, z),
            z.clamp(0.0, 6.0),
            "z = {z}"
        );
    }
    assert_derivative(
        "relu6",
        |z| Elementwise::<f64>::value(&Relu6, z),
        |z| Elementwise::<f64>::derivative(&Relu6, z),
        &points(),
    );
    assert_eq!(Elementwise::<f64>::value(&Relu6, 7.5), 6.0);
    assert_eq!(Elementwise::<f64>::value(&Relu, 7.5), 7.5);
    assert_eq!(Elementwise::<f64>::derivative(&Relu6, 7.5), 0.0);
}

#[test]
fn eq_3_13_softmax_definition() {
    // sᵢ = e^{zᵢ} / Σⱼ e^{zⱼ}: positive and summing to 1.
    let mut rng = seeded(31);
    for _ in 0..200 {
        let n = rng.random_range(2..8);
        let z = uniform_vec(&mut rng, n, -10.0, 10.0);
        let mut s = vec![0.0; n];
        softmax_into(&z, &mut s);
        let total: f64 = z.iter().map(|zj| zj.exp()).sum();
        for (si, zi) in s.iter().zip(&z) {
            assert!(relative_error(*si, zi.exp() / total, 1e-300) < 1e-13);
            assert!(*si > 0.0);
        }
        assert!((s.iter().sum::<f64>() - 1.0).abs() < 1e-15);
    }
}

#[test]
fn eq_3_14_softmax_shift_invariance() {
    // s(z + c 1) = s(z) for every c, which is why the library subtracts max z first: logits of
    // 1000 would overflow e^z but give the same probabilities as logits of 0.
    let mut rng = seeded(32);
    for _ in 0..200 {
        let z = uniform_vec(&mut rng, 5, -5.0, 5.0);
        let c = rng.random_range(-700.0..700.0);
        let shifted: Vec<f64> = z.iter().map(|zi| zi + c).collect();
        let (mut s, mut s_shifted) = (vec![0.0; 5], vec![0.0; 5]);
        softmax_into(&z, &mut s);
        softmax_into(&shifted, &mut s_shifted);
        for (a, b) in s.iter().zip(&s_shifted) {
            assert!(relative_error(*a, *b, 1e-300) < 1e-11, "c = {c}");
        }
    }
}

#[test]
fn eq_3_15_softmax_jacobian() {
    // ∂sᵢ/∂zⱼ = sᵢ(δᵢⱼ − sⱼ), that is J = diag(s) − s sᵀ, against central differences of the
    // library's softmax; its columns sum to 0 and it is symmetric.
    let mut rng = seeded(33);
    for _ in 0..100 {
        let n = rng.random_range(2..7);
        let z = uniform_vec(&mut rng, n, -4.0, 4.0);
        let analytic = softmax_jacobian(&z);
        let numeric = softmax_jacobian_numeric(&z);
        for i in 0..n {
            for j in 0..n {
                let error = relative_error(analytic[i][j], numeric[i][j], FLOOR);
                assert!(error <= TOLERANCE, "J[{i}][{j}]: relative error {error:e}");
                assert_eq!(analytic[i][j], analytic[j][i]);
            }
        }
        let column_sums = analytic.iter().fold(vec![0.0; n], |sums, row| {
            sums.iter().zip(row).map(|(sum, x)| sum + x).collect()
        });
        assert!(column_sums.iter().all(|sum: &f64| sum.abs() < 1e-15));
    }
    // The finite differences here are computed independently of the chapter's helper too.
    let z = [0.3, -1.2, 2.0, 0.0];
    let analytic = softmax_jacobian(&z);
    for (i, analytic_row) in analytic.iter().enumerate() {
        let numeric_row = finite_difference_gradient(
            |z| {
                let mut s = [0.0; 4];
                softmax_into(z, &mut s);
                s[i]
            },
            &z,
        );
        for (a, n) in analytic_row.iter().zip(&numeric_row) {
            assert!(relative_error(*a, *n, FLOOR) <= TOLERANCE);
        }
    }
}

#[test]
fn eq_3_16_softmax_backward() {
    // ∂L/∂z = Jᵀ g = s ⊙ (g − (sᵀg) 1): the library's backward pass against the Jacobian and
    // against central differences of C(z) = g · softmax(z), over a batch of 8 columns.
    let mut rng = seeded(34);
    let rows = 4;
    let z = uniform_vec(&mut rng, rows * 8, -4.0, 4.0);
    let g = uniform_vec(&mut rng, rows * 8, -1.0, 1.0);
    let error = activation_backward_error(&Softmax, &z, &g, rows);
    assert!(error <= TOLERANCE, "relative error {error:e}");

    let mut s = vec![0.0; z.len()];
    Softmax.forward(&z, &mut s, rows);
    let mut backward = g.clone();
    Softmax.backward(&z, &s, &mut backward, rows);
    for column in 0..8 {
        let range = column * rows..(column + 1) * rows;
        let jacobian = softmax_jacobian(&z[range.clone()]);
        for j in 0..rows {
            let through_jacobian: f64 =
                (0..rows).map(|i| jacobian[i][j] * g[range.start + i]).sum();
            assert!((backward[range.start + j] - through_jacobian).abs() < 1e-14);
        }
    }
}

#[test]
fn eq_3_17_sigmoid_chain_gradient() {
    // ∂aₙ/∂a₀ = Πₖ wₖ σ'(zₖ), and |∂aₙ/∂a₀| ≤ Πₖ |wₖ|/4; with |wₖ| ≤ 1 that is at most 4⁻ⁿ.
    let mut rng = seeded(35);
    for _ in 0..200 {
        let n = rng.random_range(1..=5);
        let layers: Vec<(f64, f64)> = (0..n)
            .map(|_| {
                let magnitude = rng.random_range(1.5..3.0);
                let sign = if rng.random_bool(0.5) { 1.0 } else { -1.0 };
                (sign * magnitude, rng.random_range(-1.0..1.0))
            })
            .collect();
        let input = rng.random_range(-1.0..1.0);
        let (_, gradient) = chain(&Sigmoid, &layers, input);
        let numeric = numeric_derivative(|a0| chain(&Sigmoid, &layers, a0).0, input, STEP);
        let error = relative_error(gradient, numeric, FLOOR);
        assert!(error <= TOLERANCE, "n = {n}: relative error {error:e}");
        let bound: f64 = layers.iter().map(|(w, _)| w.abs() / 4.0).product();
        assert!(gradient.abs() <= bound);
    }
    // With weights in [−1, 1] the bound is 4⁻ⁿ, for every depth.
    for n in 1..=30 {
        let layers: Vec<(f64, f64)> = (0..n)
            .map(|_| (rng.random_range(-1.0..1.0), rng.random_range(-3.0..3.0)))
            .collect();
        let (_, gradient) = chain(&Sigmoid, &layers, rng.random_range(-1.0..1.0));
        assert!(gradient.abs() <= 0.25f64.powi(n));
    }
    // The same chain of ReLUs on positive inputs passes the gradient on unchanged.
    let (_, relu_gradient) = chain(&Relu, &vec![(1.0, 0.0); 30], 0.5);
    assert_eq!(relu_gradient, 1.0);
}

// The exercises' checks, run on the library: one function verifies each equation for the book
// and grades the learner's answer. The library differentiates at z, the exercises from the
// output a, so the adapters recover z from a: by the log-odds (3.5) and by atanh.

/// (3.2): the check of exercise 3.1 passes the library's `Sigmoid::derivative`, at
/// `z = ln(a / (1 − a))`.
#[test]
fn eq_3_2_the_librarys_sigmoid_derivative_passes_the_exercise_check() {
    let from_output = |a: f64| Elementwise::<f64>::derivative(&Sigmoid, (a / (1.0 - a)).ln());
    let outcome = exercises::checks::ch03_activations::sigmoid_derivative(from_output);
    assert!(outcome.passed(), "{outcome:?}");
}

/// (3.7): the check of exercise 3.2 passes the library's `Tanh::derivative`, at `z = atanh a`.
#[test]
fn eq_3_7_the_librarys_tanh_derivative_passes_the_exercise_check() {
    let from_output = |a: f64| Elementwise::<f64>::derivative(&Tanh, a.atanh());
    let outcome = exercises::checks::ch03_activations::tanh_derivative(from_output);
    assert!(outcome.passed(), "{outcome:?}");
}

/// (3.10): the check of exercise 3.3 passes the library's `Relu::derivative`, 0 at the kink.
#[test]
fn eq_3_10_the_librarys_relu_derivative_passes_the_exercise_check() {
    let derivative = |z: f64| Elementwise::<f64>::derivative(&Relu, z);
    let outcome = exercises::checks::ch03_activations::relu_derivative(derivative);
    assert!(outcome.passed(), "{outcome:?}");
}

/// The library's softmax of one column.
fn library_softmax(z: &[f64]) -> Vec<f64> {
    let mut s = vec![0.0; z.len()];
    softmax_into(z, &mut s);
    s
}

/// (3.13) and (3.14): the check of exercise 3.4 passes the library's `softmax_into`, on logits
/// of ±1000 whose exponentials overflow or vanish, which the tests above do not reach.
#[test]
fn eq_3_14_the_librarys_softmax_passes_the_exercise_check() {
    let outcome = exercises::checks::ch03_activations::softmax(library_softmax);
    assert!(outcome.passed(), "{outcome:?}");
}

/// (3.16): the check of exercise 3.5 passes the library's `Softmax::backward` on one column,
/// against central differences of `g · softmax(z)` through the library's softmax.
#[test]
fn eq_3_16_the_librarys_softmax_backward_passes_the_exercise_check() {
    let backward = |z: &[f64], g: &[f64]| {
        let s = library_softmax(z);
        let mut gradient = g.to_vec();
        Softmax.backward(z, &s, &mut gradient, z.len());
        gradient
    };
    let outcome = exercises::checks::ch03_activations::softmax_backward(backward, library_softmax);
    assert!(outcome.passed(), "{outcome:?}");
}
