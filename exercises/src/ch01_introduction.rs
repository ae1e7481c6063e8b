//! Chapter 1, the introduction: exercises. Fill in each function marked `EXERCISE`, then run
//! `cargo run --release -- exercises check ch01`.
// The stubs do not use their arguments until you fill them in.
#![allow(unused_variables)]

// ANCHOR: parameter_count
/// EXERCISE 1.1: how many numbers a multilayer perceptron learns.
///
/// `widths` lists the width of every layer, input first: `[2, 4, 1]` is the network
/// `2 => tanh 4 => sigmoid 1` of figure 1.1. Every arrow of the figure carries a weight, and
/// every unit after the inputs has a bias. Return how many weights and biases there are in all.
pub fn parameter_count(widths: &[usize]) -> usize {
    todo!("EXERCISE 1.1")
}
// ANCHOR_END: parameter_count

// ANCHOR: xor_forward
/// EXERCISE 1.2: the forward pass of the XOR network `2 => tanh H => sigmoid 1`.
///
/// Hidden unit j computes `aⱼ = tanh(Σₖ W[j, k] xₖ + bⱼ)` from the two inputs `x`; the output
/// unit computes `σ(Σⱼ vⱼ aⱼ + c)`, with `σ(z) = 1 / (1 + e^{−z})`. The hidden weights are
/// stored one row per hidden unit (PyTorch's layout `[out, in]`): `W[j, k]` is
/// `hidden_weights[2 * j + k]`, and H is `hidden_biases.len()`. `output_weights` holds the
/// `vⱼ`, `output_bias` is c. Return the output, a number between 0 and 1.
pub fn xor_forward(
    hidden_weights: &[f64],
    hidden_biases: &[f64],
    output_weights: &[f64],
    output_bias: f64,
    input: [f64; 2],
) -> f64 {
    todo!("EXERCISE 1.2")
}
// ANCHOR_END: xor_forward
