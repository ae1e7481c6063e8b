//! Chapter 10, initialization and gradient flow: exercises. Fill in each function marked
//! `EXERCISE`, then run `cargo run --release -- exercises check ch10`.
// The stubs do not use their arguments until you fill them in.
#![allow(unused_variables)]

// ANCHOR: clip_by_norm
/// EXERCISE 10.1: clipping by the global norm.
///
/// `gradients` holds every gradient tensor of a network (each weight matrix and bias vector
/// flattened into one `Vec`). Treat them all together as one vector g, with
/// `‖g‖ = √(Σ gᵢ²)` over every entry of every tensor, and apply equation (10.8) in place:
/// `g ← g · min(1, c/‖g‖)` with `c = max_norm`. Return `‖g‖` as it was before clipping.
pub fn clip_by_norm(gradients: &mut [Vec<f64>], max_norm: f64) -> f64 {
    todo!("EXERCISE 10.1")
}
// ANCHOR_END: clip_by_norm

// ANCHOR: clip_by_value
/// EXERCISE 10.2: clipping by value.
///
/// Apply equation (10.9) to every entry, in place: `gᵢ ← max(−c, min(c, gᵢ))` with
/// `c = max_value`.
pub fn clip_by_value(gradients: &mut [f64], max_value: f64) {
    todo!("EXERCISE 10.2")
}
// ANCHOR_END: clip_by_value

// ANCHOR: init_std
/// EXERCISE 10.3: the standard deviation of Xavier initialization.
///
/// Return the standard deviation of a weight of a layer with `fan_in` inputs and `fan_out`
/// outputs drawn by `Init::Xavier`, whose variance is equation (10.4).
pub fn xavier_std(fan_in: usize, fan_out: usize) -> f64 {
    todo!("EXERCISE 10.3")
}

/// EXERCISE 10.4: the standard deviation of He initialization.
///
/// The same for `Init::He`, whose variance is equation (10.6). (It needs only one of the two
/// widths: which one?)
pub fn he_std(fan_in: usize, fan_out: usize) -> f64 {
    todo!("EXERCISE 10.4")
}
// ANCHOR_END: init_std
