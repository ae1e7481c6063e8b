//! ReLU and its variants: the derivatives of ReLU (3.10, with its kink at 0), leaky ReLU (3.11)
//! and ReLU6 (3.12).

use super::*;

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
