//! Chapter 5: reference solutions.

// ANCHOR: mse_gradient
/// ∂L/∂ŷᵢ = (2/N)(ŷᵢ − yᵢ): each term's derivative, divided by the N of the mean.
pub fn mse_gradient(prediction: &[f64], target: &[f64]) -> Vec<f64> {
    let n = prediction.len() as f64;
    prediction
        .iter()
        .zip(target)
        .map(|(p, y)| 2.0 * (p - y) / n)
        .collect()
}
// ANCHOR_END: mse_gradient

// ANCHOR: log_sum_exp
/// `M + ln Σ e^{zⱼ − M}` with `M = max zⱼ` (equation 5.11): the largest term is e⁰ = 1.
pub fn log_sum_exp(logits: &[f64]) -> f64 {
    let max = logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    max + logits.iter().map(|z| (z - max).exp()).sum::<f64>().ln()
}
// ANCHOR_END: log_sum_exp

// ANCHOR: softmax_cross_entropy
/// `ln Σ e^{zⱼ} − z_c` (equation 5.10).
pub fn softmax_cross_entropy(logits: &[f64], label: usize) -> f64 {
    log_sum_exp(logits) - logits[label]
}

/// `softmax(z)ⱼ − [j = c]` (equation 5.9).
pub fn softmax_cross_entropy_gradient(logits: &[f64], label: usize) -> Vec<f64> {
    let lse = log_sum_exp(logits);
    logits
        .iter()
        .enumerate()
        .map(|(j, z)| (z - lse).exp() - if j == label { 1.0 } else { 0.0 })
        .collect()
}
// ANCHOR_END: softmax_cross_entropy
