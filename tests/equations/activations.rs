//! Activation derivatives σ'(z), checked against central differences of σ, both one number at a
//! time ([`Elementwise::derivative`]) and as the backward pass over a batch
//! ([`Activation::backward`], which turns `∂L/∂a` into `∂L/∂z`).

use nabla::activation::{
    Activation, Elementwise, Identity, LeakyRelu, Relu, Relu6, Sigmoid, Softmax, Tanh,
};
use nabla::gradcheck::{numeric_derivative, relative_error};
use nabla_tests::{FLOOR, STEP, TOLERANCE, activation_backward_error, seeded, uniform_vec};

/// Points away from every kink (0 and 6) by much more than the step, on both sides of each.
const POINTS: [f64; 12] = [
    -7.5, -3.2, -1.1, -0.4, -0.01, 0.02, 0.5, 1.3, 3.7, 5.9, 6.05, 8.4,
];

/// Checks `derivative(z)` against the central difference of `value` at every point, then the
/// batch backward pass on a 4-row batch of the same points.
fn check_elementwise<A: Elementwise<f64> + Activation<f64>>(activation: &A) {
    for z in POINTS {
        let analytic = activation.derivative(z);
        let numeric = numeric_derivative(|z| activation.value(z), z, STEP);
        let error = relative_error(analytic, numeric, FLOOR);
        assert!(
            error <= TOLERANCE,
            "{}'({z}) = {analytic}, finite differences give {numeric} (relative error {error:e})",
            A::NAME
        );
    }
    let upstream = uniform_vec(&mut seeded(1), POINTS.len(), -2.0, 2.0);
    let error = activation_backward_error(activation, &POINTS, &upstream, 4);
    assert!(
        error <= TOLERANCE,
        "{} backward: relative error {error:e}",
        A::NAME
    );
}

#[test]
fn identity_derivative_matches_finite_differences() {
    check_elementwise(&Identity);
}

#[test]
fn sigmoid_derivative_matches_finite_differences() {
    check_elementwise(&Sigmoid);
}

#[test]
fn tanh_derivative_matches_finite_differences() {
    check_elementwise(&Tanh);
}

#[test]
fn relu_derivative_matches_finite_differences() {
    check_elementwise(&Relu);
}

#[test]
fn leaky_relu_derivative_matches_finite_differences() {
    check_elementwise(&LeakyRelu::default());
    check_elementwise(&LeakyRelu { slope: 0.2 });
}

#[test]
fn relu6_derivative_matches_finite_differences() {
    check_elementwise(&Relu6);
}

#[test]
fn sigmoid_derivative_is_sigmoid_times_one_minus_sigmoid() {
    // σ'(z) = σ(z)(1 − σ(z)), with σ written out naively (fine for moderate z).
    for z in POINTS {
        let s = 1.0 / (1.0 + (-z).exp());
        let derivative = Elementwise::<f64>::derivative(&Sigmoid, z);
        assert!(
            relative_error(derivative, s * (1.0 - s), 1e-300) < 1e-12,
            "z = {z}"
        );
        assert!(
            derivative <= 0.25,
            "σ' peaks at 1/4, got {derivative} at {z}"
        );
    }
}

#[test]
fn tanh_derivative_is_one_minus_tanh_squared() {
    // 1 − tanh²(z) = sech²(z) = (2 / (eᶻ + e⁻ᶻ))², written without cancellation.
    for z in POINTS {
        let sech = 2.0 / (z.exp() + (-z).exp());
        let derivative = Elementwise::<f64>::derivative(&Tanh, z);
        let error = relative_error(derivative, sech * sech, FLOOR);
        assert!(error < 1e-10, "z = {z}: {derivative} vs {}", sech * sech);
    }
}

#[test]
fn kinks_use_the_one_sided_value_like_pytorch() {
    // At z = 0 (and z = 6 for ReLU6) there is no derivative; the documented convention is the
    // left-hand slope for ReLU and leaky ReLU at 0, and 0 for ReLU6 at both kinks.
    assert_eq!(Elementwise::<f64>::derivative(&Relu, 0.0), 0.0);
    assert_eq!(
        Elementwise::<f64>::derivative(&LeakyRelu { slope: 0.1 }, 0.0),
        0.1
    );
    assert_eq!(Elementwise::<f64>::derivative(&Relu6, 0.0), 0.0);
    assert_eq!(Elementwise::<f64>::derivative(&Relu6, 6.0), 0.0);
    assert_eq!(Elementwise::<f64>::value(&Relu6, 6.0), 6.0);
}

#[test]
fn softmax_jacobian_vector_product_matches_finite_differences() {
    // ∂L/∂z = a ⊙ (g − (aᵀg) 1) for C = g · softmax(z), over a batch of 6 columns of 5 logits.
    let mut rng = seeded(2);
    let rows = 5;
    let logits = uniform_vec(&mut rng, rows * 6, -4.0, 4.0);
    let upstream = uniform_vec(&mut rng, rows * 6, -1.0, 1.0);
    let error = activation_backward_error(&Softmax, &logits, &upstream, rows);
    assert!(error <= TOLERANCE, "relative error {error:e}");
}

#[test]
fn softmax_jacobian_is_a_times_identity_minus_a_transpose() {
    // ∂aᵢ/∂zⱼ = aᵢ(1[i = j] − aⱼ): backpropagating the unit vector eᵢ gives row i of the Jacobian.
    let rows = 4;
    let logits = [0.3, -1.2, 2.0, 0.1];
    let mut a = [0.0; 4];
    Softmax.forward(&logits, &mut a, rows);
    for i in 0..rows {
        let mut row = [0.0; 4];
        row[i] = 1.0;
        Softmax.backward(&logits, &a, &mut row, rows);
        for j in 0..rows {
            let expected = a[i] * (f64::from(u8::from(i == j)) - a[j]);
            assert!((row[j] - expected).abs() < 1e-15, "∂a{i}/∂z{j}");
            let numeric = numeric_derivative(
                |zj| {
                    let mut z = logits;
                    z[j] = zj;
                    let mut out = [0.0; 4];
                    Softmax.forward(&z, &mut out, rows);
                    out[i]
                },
                logits[j],
                STEP,
            );
            assert!(
                relative_error(row[j], numeric, FLOOR) <= TOLERANCE,
                "∂a{i}/∂z{j}"
            );
        }
    }
}
