//! Chapter 5, loss functions: exercises. Fill in each function marked `EXERCISE`, then run
//! `cargo run --release -- exercises check ch05`.
// The stubs do not use their arguments until you fill them in.
#![allow(unused_variables)]

// ANCHOR: mse_gradient
/// EXERCISE 5.1: the gradient of the mean squared error.
///
/// For a prediction ŷ and a target y with N entries each,
/// `L = (1/N) Σᵢ (ŷᵢ − yᵢ)²`. Return `∂L/∂ŷᵢ` for every i.
pub fn mse_gradient(prediction: &[f64], target: &[f64]) -> Vec<f64> {
    todo!("EXERCISE 5.1")
}
// ANCHOR_END: mse_gradient

// ANCHOR: log_sum_exp
/// EXERCISE 5.2: log-sum-exp without overflow.
///
/// Return `ln Σⱼ e^{zⱼ}` for the logits `z`, correct for logits like `[1000, 999]`, whose
/// exponentials overflow an `f64`, and for logits like `[-1000, -1001]`, whose exponentials
/// round to 0.
pub fn log_sum_exp(logits: &[f64]) -> f64 {
    todo!("EXERCISE 5.2")
}
// ANCHOR_END: log_sum_exp

// ANCHOR: softmax_cross_entropy
/// EXERCISE 5.3: the softmax cross-entropy of one sample, from its logits.
///
/// `L = −ln softmax(z)_c` for the logits `z` and the correct class `c = label`, computed as in
/// equation (5.10) so that no logit overflows it.
pub fn softmax_cross_entropy(logits: &[f64], label: usize) -> f64 {
    todo!("EXERCISE 5.3")
}

/// EXERCISE 5.4: its gradient with respect to the logits.
///
/// Return `∂L/∂zⱼ` for every j, with L as in [`softmax_cross_entropy`].
pub fn softmax_cross_entropy_gradient(logits: &[f64], label: usize) -> Vec<f64> {
    todo!("EXERCISE 5.4")
}
// ANCHOR_END: softmax_cross_entropy
