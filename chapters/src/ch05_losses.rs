//! Chapter 5: loss functions. Derives binary cross-entropy from the likelihood of the labels,
//! measures why mean squared error is a poor loss behind a sigmoid, checks that softmax followed
//! by cross-entropy has the gradient `ŷ − y`, and shows the textbook formulas overflowing where
//! nabla's fused, log-sum-exp forms stay exact.

mod report;

pub use report::run;

use crate::ch03_activations::softmax_jacobian;
use crate::{ChapterResult, Session};
use nabla::Batch;
use nabla::activation::{Sigmoid, sigmoid, softmax_into};
use nabla::gradcheck::numeric_derivative;
use nabla::loss::{
    AfterActivation, Loss, MeanSquaredError, SigmoidBinaryCrossEntropy, SoftmaxCrossEntropy,
    binary_cross_entropy, cross_entropy, log_sum_exp,
};
use plot::{LineChart, Series, line_chart};

/// The step of the central differences.
const STEP: f64 = 1e-5;

// ANCHOR: likelihood
/// The probability that a Bernoulli variable with `P(1) = p` takes the value `y ∈ {0, 1}`:
/// `p^y (1 − p)^(1 − y)` (equation 5.1).
pub fn bernoulli(p: f64, y: f64) -> f64 {
    p.powf(y) * (1.0 - p).powf(1.0 - y)
}

/// The negative log-likelihood of the labels, per sample: `−(1/n) ln Π P(yᵢ)` (equation 5.2),
/// computed the long way, through the product.
pub fn mean_negative_log_likelihood(probabilities: &[f64], labels: &[f64]) -> f64 {
    let likelihood: f64 = probabilities
        .iter()
        .zip(labels)
        .map(|(&p, &y)| bernoulli(p, y))
        .product();
    -likelihood.ln() / probabilities.len() as f64
}
// ANCHOR_END: likelihood

// ANCHOR: output_gradients
/// `∂L/∂z` for binary cross-entropy on `ŷ = σ(z)`: `ŷ − y` (equation 5.4).
pub fn bce_sigmoid_gradient(z: f64, y: f64) -> f64 {
    sigmoid(z) - y
}

/// `∂L/∂z` for the squared error on `ŷ = σ(z)`: `2 (ŷ − y) σ'(z)` (equation 5.5).
pub fn mse_sigmoid_gradient(z: f64, y: f64) -> f64 {
    let p = sigmoid(z);
    2.0 * (p - y) * p * (1.0 - p)
}
// ANCHOR_END: output_gradients

// ANCHOR: escape
/// Gradient descent on a single logit `z` with label 1, starting from a confident wrong answer
/// `z = start`: the number of steps until `σ(z) > 0.5`, or `None` within `limit` steps.
pub fn steps_to_escape(
    gradient: impl Fn(f64, f64) -> f64,
    start: f64,
    learning_rate: f64,
    limit: usize,
) -> Option<usize> {
    let mut z = start;
    for step in 1..=limit {
        z -= learning_rate * gradient(z, 1.0);
        if sigmoid(z) > 0.5 {
            return Some(step);
        }
    }
    None
}
// ANCHOR_END: escape

// ANCHOR: chain_rule
/// `∂L/∂zⱼ = Σₖ (∂L/∂ŷₖ) (∂ŷₖ/∂zⱼ)` for `L = −Σₖ yₖ ln ŷₖ`, with `∂L/∂ŷₖ = −yₖ/ŷₖ`: the full
/// chain rule through the Jacobian `∂ŷₖ/∂zⱼ = ŷₖ (δₖⱼ − ŷⱼ)` (equation 5.8, computed by
/// chapter 3's `softmax_jacobian`), which equation 5.9 simplifies to `ŷ − y`.
pub fn softmax_ce_gradient_by_chain_rule(z: &[f64], y: &[f64]) -> Vec<f64> {
    let mut p = vec![0.0; z.len()];
    softmax_into(z, &mut p);
    let jacobian = softmax_jacobian(z);
    (0..z.len())
        .map(|j| (0..z.len()).map(|k| -y[k] / p[k] * jacobian[k][j]).sum())
        .collect()
}
// ANCHOR_END: chain_rule

// ANCHOR: naive
/// The sigmoid exactly as the textbook writes it.
pub fn naive_sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// Softmax exactly as the textbook writes it: `e^{zₖ} / Σⱼ e^{zⱼ}`.
pub fn naive_softmax(z: &[f64]) -> Vec<f64> {
    let total: f64 = z.iter().map(|zj| zj.exp()).sum();
    z.iter().map(|zk| zk.exp() / total).collect()
}

/// Cross-entropy of softmax outputs, computed as written: softmax, then `−Σ yₖ ln ŷₖ`.
pub fn naive_softmax_cross_entropy(z: &[f64], y: &[f64]) -> f64 {
    cross_entropy(&naive_softmax(z), y)
}

/// Binary cross-entropy of a sigmoid output, computed as written: `σ(z)`, then
/// `−[y ln ŷ + (1 − y) ln(1 − ŷ)]`.
pub fn naive_sigmoid_bce(z: f64, y: f64) -> f64 {
    binary_cross_entropy(&[naive_sigmoid(z)], &[y])
}
// ANCHOR_END: naive

// ANCHOR: stable
/// Softmax cross-entropy of one sample through nabla's fused loss (log-sum-exp inside).
pub fn stable_softmax_cross_entropy<const K: usize>(z: [f64; K], y: [f64; K]) -> f64 {
    let logits = Batch::<f64, K>::from_column_slice(&z);
    let targets = Batch::<f64, K>::from_column_slice(&y);
    SoftmaxCrossEntropy.value(&logits, &targets)
}

/// Binary cross-entropy of one sample through nabla's fused loss:
/// `max(z, 0) − z y + ln(1 + e^{−|z|})` (equation 5.12).
pub fn stable_sigmoid_bce(z: f64, y: f64) -> f64 {
    let logits = Batch::<f64, 1>::from_column_slice(&[z]);
    let targets = Batch::<f64, 1>::from_column_slice(&[y]);
    SigmoidBinaryCrossEntropy.value(&logits, &targets)
}
// ANCHOR_END: stable

// ANCHOR: double_softmax
/// A classic bug: softmax applied to outputs that already are probabilities, as when a network
/// ending in softmax is given to a loss that expects logits. Returns the loss for `label`.
pub fn double_softmax_cross_entropy(z: &[f64], label: usize) -> f64 {
    let once = naive_softmax(z);
    let twice = naive_softmax(&once);
    -twice[label].ln()
}
// ANCHOR_END: double_softmax
