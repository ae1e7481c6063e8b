//! Chapter 3, activation functions: the definitions, their derivatives against central
//! differences, the identities that connect them, the softmax Jacobian, and the gradient of a
//! chain of neurons.
//!
//! The tests are split by concept into the submodules declared below, one file each in the
//! directory of the same name; the helpers they share live here.

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

mod chain;
mod exercise_checks;
mod relu;
mod sigmoid;
mod softmax;
mod tanh;

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
