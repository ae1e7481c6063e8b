//! Chapter 2, the artificial neuron: exercises. Fill in each function marked `EXERCISE`, then
//! run `cargo run --release -- exercises check ch02`.
// The stubs do not use their arguments until you fill them in.
#![allow(unused_variables)]

// ANCHOR: neuron
/// EXERCISE 2.1: the perceptron's output.
///
/// Compute the weighted input `z = w · x + b` of equation (2.1) and return the step activation
/// of equation (2.2): `1.0` if `z > 0`, else `0.0`.
pub fn perceptron_output(weights: &[f64], bias: f64, inputs: &[f64]) -> f64 {
    todo!("EXERCISE 2.1")
}
// ANCHOR_END: neuron

// ANCHOR: update
/// EXERCISE 2.2: one step of the perceptron learning rule.
///
/// With `ŷ` the perceptron's output on `inputs` (your [`perceptron_output`]), apply
/// equation (2.3): `wᵢ ← wᵢ + η (y − ŷ) xᵢ` and `b ← b + η (y − ŷ)`, changing `weights` and
/// `bias` in place. `target` is y, 0 or 1; `eta` is the learning rate η.
pub fn perceptron_update(
    weights: &mut [f64],
    bias: &mut f64,
    inputs: &[f64],
    target: f64,
    eta: f64,
) {
    todo!("EXERCISE 2.2")
}
// ANCHOR_END: update
