//! Chapter 11, batch normalization: exercises. Fill in each function marked `EXERCISE`, then run
//! `cargo run --release -- exercises check ch11`.
// The stubs do not use their arguments until you fill them in.
#![allow(unused_variables)]

/// The ε of equation (11.2), as in the library and PyTorch.
pub const EPSILON: f64 = 1e-5;

// ANCHOR: forward
/// EXERCISE 11.1: batch normalization of one feature over a batch, in training mode.
///
/// `x` holds the feature's values `x₁, …, x_m` in the m samples of the batch. Compute the batch
/// mean and variance of equation (11.1), standardize each value as in (11.2) with
/// ε = [`EPSILON`], and return the outputs `yᵢ = γ x̂ᵢ + β` of (11.3).
pub fn batch_norm_forward(x: &[f64], gamma: f64, beta: f64) -> Vec<f64> {
    todo!("EXERCISE 11.1")
}
// ANCHOR_END: forward

// ANCHOR: backward
/// The gradients of the loss that the backward pass of one feature returns.
#[derive(Clone, Debug, PartialEq)]
pub struct BatchNormGradients {
    /// `∂L/∂xᵢ` for every sample i.
    pub input: Vec<f64>,
    /// `∂L/∂γ`.
    pub gamma: f64,
    /// `∂L/∂β`.
    pub beta: f64,
}

/// EXERCISE 11.2: the backward pass of batch normalization, in training mode.
///
/// `output_gradient` holds `gᵢ = ∂L/∂yᵢ` for the outputs of [`batch_norm_forward`] on `x`,
/// `gamma` and `beta`. Return `∂L/∂γ` and `∂L/∂β` (equation 11.4) and `∂L/∂xᵢ` for every i
/// (equations 11.5–11.8, or their simplified form 11.9). Every xᵢ moves μ_B and σ_B², and
/// through them every output of the feature.
pub fn batch_norm_backward(
    x: &[f64],
    gamma: f64,
    beta: f64,
    output_gradient: &[f64],
) -> BatchNormGradients {
    todo!("EXERCISE 11.2")
}
// ANCHOR_END: backward
