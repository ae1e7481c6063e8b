//! Chapter 3: reference solutions.

// ANCHOR: sigmoid_derivative
/// σ′(z) = σ(z)(1 − σ(z)) = a(1 − a) (equation 3.2).
pub fn sigmoid_derivative(output: f64) -> f64 {
    output * (1.0 - output)
}
// ANCHOR_END: sigmoid_derivative

// ANCHOR: tanh_derivative
/// tanh′(z) = 1 − tanh²(z) = 1 − a² (equation 3.7).
pub fn tanh_derivative(output: f64) -> f64 {
    1.0 - output * output
}
// ANCHOR_END: tanh_derivative

// ANCHOR: relu_derivative
/// 1 for z > 0, else 0: at the kink z = 0 the library uses 0.
pub fn relu_derivative(z: f64) -> f64 {
    if z > 0.0 { 1.0 } else { 0.0 }
}
// ANCHOR_END: relu_derivative

// ANCHOR: softmax
/// Subtract the largest logit first (equation 3.14), so that the largest exponential is e⁰ = 1.
pub fn softmax(logits: &[f64]) -> Vec<f64> {
    let max = logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let exps: Vec<f64> = logits.iter().map(|z| (z - max).exp()).collect();
    let sum: f64 = exps.iter().sum();
    exps.iter().map(|e| e / sum).collect()
}
// ANCHOR_END: softmax

// ANCHOR: softmax_backward
/// `s ⊙ (g − (sᵀg) 1)` (equation 3.16).
pub fn softmax_backward(logits: &[f64], upstream: &[f64]) -> Vec<f64> {
    let s = softmax(logits);
    let dot: f64 = s.iter().zip(upstream).map(|(s, g)| s * g).sum();
    s.iter().zip(upstream).map(|(s, g)| s * (g - dot)).collect()
}
// ANCHOR_END: softmax_backward
