//! tanh: its definition (3.6), its derivative (3.7), and its relation to the sigmoid (3.8, 3.9).

use super::*;

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
