//! Chapter 3, activation functions: exercises. Fill in each function marked `EXERCISE`, then
//! run `cargo run --release -- exercises check ch03`.
// The stubs do not use their arguments until you fill them in.
#![allow(unused_variables)]

// ANCHOR: sigmoid_derivative
/// EXERCISE 3.1: the sigmoid's derivative, from its output.
///
/// The backward pass keeps the forward pass's output `a = σ(z)` (equation 3.1), not z. Return
/// `σ′(z)` computed from `output` = a alone, as equation (3.2) allows, with no exponential.
pub fn sigmoid_derivative(output: f64) -> f64 {
    todo!("EXERCISE 3.1")
}
// ANCHOR_END: sigmoid_derivative

// ANCHOR: tanh_derivative
/// EXERCISE 3.2: tanh's derivative, from its output.
///
/// With `output` = a = tanh z (equation 3.6), return `tanh′(z)` from a alone (equation 3.7).
pub fn tanh_derivative(output: f64) -> f64 {
    todo!("EXERCISE 3.2")
}
// ANCHOR_END: tanh_derivative

// ANCHOR: relu_derivative
/// EXERCISE 3.3: ReLU's derivative, with the library's choice at the kink.
///
/// Return `ReLU′(z)` of equation (3.10) at the weighted input `z`. At `z = 0` ReLU has no
/// derivative; return what nabla (like PyTorch) uses there.
pub fn relu_derivative(z: f64) -> f64 {
    todo!("EXERCISE 3.3")
}
// ANCHOR_END: relu_derivative

// ANCHOR: softmax
/// EXERCISE 3.4: softmax, safe for large logits.
///
/// Return `sᵢ = e^{zᵢ} / Σⱼ e^{zⱼ}` (equation 3.13) for the logits `z`, correct for logits like
/// `[1000, 999, 998]`, whose exponentials overflow an `f64`, and `[-1000, -1001]`, whose
/// exponentials round to 0. Equation (3.14) says how.
pub fn softmax(logits: &[f64]) -> Vec<f64> {
    todo!("EXERCISE 3.4")
}
// ANCHOR_END: softmax

// ANCHOR: softmax_backward
/// EXERCISE 3.5: backpropagating through softmax.
///
/// `upstream` is `g = ∂L/∂s`, the gradient of a loss with respect to the outputs
/// `s = softmax(logits)`. Return `∂L/∂z` (equation 3.16), without building the Jacobian.
pub fn softmax_backward(logits: &[f64], upstream: &[f64]) -> Vec<f64> {
    todo!("EXERCISE 3.5")
}
// ANCHOR_END: softmax_backward
