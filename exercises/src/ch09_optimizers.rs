//! Chapter 9, optimizers: exercises. Fill in each function marked `EXERCISE`, then run
//! `cargo run --release -- exercises check ch09`.
// The stubs do not use their arguments until you fill them in.
#![allow(unused_variables)]

// ANCHOR: momentum_step
/// EXERCISE 9.1: one step of SGD with momentum.
///
/// Apply equation (9.1) to every parameter, in place: `vᵢ ← μ vᵢ + gᵢ`, then
/// `θᵢ ← θᵢ − η vᵢ` with the new velocity. `velocity` holds v from the previous step (zeros
/// before the first) and must hold the new one afterwards: it is in units of the gradient, as
/// in (9.1).
pub fn momentum_step(theta: &mut [f64], velocity: &mut [f64], gradient: &[f64], eta: f64, mu: f64) {
    todo!("EXERCISE 9.1")
}
// ANCHOR_END: momentum_step

// ANCHOR: adam_settings
/// Adam's settings: the learning rate η and the constants β₁, β₂, ε of (9.7)–(9.9).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AdamSettings {
    /// η, the step size.
    pub eta: f64,
    /// β₁, the decay of the first moment m.
    pub beta1: f64,
    /// β₂, the decay of the second moment v.
    pub beta2: f64,
    /// ε, which keeps the division finite.
    pub epsilon: f64,
}

impl AdamSettings {
    /// Learning rate `eta` with the usual β₁ = 0.9, β₂ = 0.999 and ε = 1e-8.
    pub const fn new(eta: f64) -> Self {
        AdamSettings {
            eta,
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 1e-8,
        }
    }
}
// ANCHOR_END: adam_settings

// ANCHOR: adam_step
/// EXERCISE 9.2: one step of Adam, with its bias correction.
///
/// `t` is the number of this step, counted from 1. `m` and `v` hold the moments after step
/// `t − 1` (zeros before the first step); update them in place by equation (9.7), correct
/// them by (9.8), and move every parameter by (9.9):
/// `θᵢ ← θᵢ − η m̂ᵢ / (√v̂ᵢ + ε)`. Keep the *uncorrected* moments in `m` and `v`: they are what
/// the next step averages into.
pub fn adam_step(
    theta: &mut [f64],
    m: &mut [f64],
    v: &mut [f64],
    gradient: &[f64],
    t: i32,
    settings: AdamSettings,
) {
    todo!("EXERCISE 9.2")
}
// ANCHOR_END: adam_step

// ANCHOR: cosine_rate
/// EXERCISE 9.3: the learning rate of cosine annealing.
///
/// Return `η_t` of equation (9.12) for step `step` (from 0) of a run of `total` steps, falling
/// from `base` (η₀) at step 0 to `min` (η_min) at step `total`.
pub fn cosine_rate(base: f64, min: f64, step: usize, total: usize) -> f64 {
    todo!("EXERCISE 9.3")
}
// ANCHOR_END: cosine_rate
