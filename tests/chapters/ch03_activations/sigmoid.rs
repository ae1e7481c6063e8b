//! The sigmoid: its definition (3.1), its derivative (3.2) in terms of its output, the bound
//! 1/4 (3.3), its symmetry (3.4) and its inverse, the log-odds (3.5).

use super::*;

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
