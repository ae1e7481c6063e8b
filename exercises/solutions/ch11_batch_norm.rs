//! Chapter 11: reference solutions.

use crate::ch11_batch_norm::{BatchNormGradients, EPSILON};

/// The batch mean and biased variance of (11.1), and `1/√(σ_B² + ε)`.
fn statistics(x: &[f64]) -> (f64, f64) {
    let m = x.len() as f64;
    let mean = x.iter().sum::<f64>() / m;
    let var = x.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / m;
    (mean, 1.0 / (var + EPSILON).sqrt())
}

// ANCHOR: forward
/// `γ (xᵢ − μ_B)/√(σ_B² + ε) + β`, with the variance divided by m (equations 11.1–11.3).
pub fn batch_norm_forward(x: &[f64], gamma: f64, beta: f64) -> Vec<f64> {
    let (mean, inverse_std) = statistics(x);
    x.iter()
        .map(|x| gamma * (x - mean) * inverse_std + beta)
        .collect()
}
// ANCHOR_END: forward

// ANCHOR: backward
/// Equation (11.4) for γ and β, and the simplified (11.9) for the input:
/// `∂L/∂xᵢ = γ/(m √(σ_B² + ε)) · (m gᵢ − Σ g − x̂ᵢ Σ g x̂)`.
pub fn batch_norm_backward(
    x: &[f64],
    gamma: f64,
    beta: f64,
    output_gradient: &[f64],
) -> BatchNormGradients {
    let _ = beta; // β shifts the outputs; it appears in no gradient.
    let (mean, inverse_std) = statistics(x);
    let m = x.len() as f64;
    let normalized: Vec<f64> = x.iter().map(|x| (x - mean) * inverse_std).collect();
    let sum_g: f64 = output_gradient.iter().sum();
    let sum_g_normalized: f64 = output_gradient
        .iter()
        .zip(&normalized)
        .map(|(g, n)| g * n)
        .sum();
    let scale = gamma * inverse_std / m;
    let input = output_gradient
        .iter()
        .zip(&normalized)
        .map(|(g, n)| scale * (m * g - sum_g - n * sum_g_normalized))
        .collect();
    BatchNormGradients {
        input,
        gamma: sum_g_normalized,
        beta: sum_g,
    }
}
// ANCHOR_END: backward
