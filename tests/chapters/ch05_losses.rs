//! Chapter 5: loss functions. Gradients are checked against central differences of the loss
//! values; the stable forms are checked against references computed where the textbook formulas
//! are still exact (moderate logits, shifted back analytically) or against series expansions.
//!
//! The tests are split by concept into the submodules declared below, one file each in the
//! directory of the same name; the helpers they share live here.

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

mod binary;
mod categorical;
mod exercise_checks;
mod stable;

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
