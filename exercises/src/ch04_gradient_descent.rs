//! Chapter 4, gradient descent and linear regression: exercises. Fill in each function marked
//! `EXERCISE`, then run `cargo run --release -- exercises check ch04`.
//!
//! The model is the line `ŷ = w x + b` (equation 4.1), fitted to the points `(xs[i], ys[i])`.
// The stubs do not use their arguments until you fill them in.
#![allow(unused_variables)]

// ANCHOR: mse_loss
/// EXERCISE 4.1: the mean squared error of a line.
///
/// Return `L(w, b) = (1/N) Σᵢ (ŷᵢ − yᵢ)²` (equation 4.2), with `ŷᵢ = w xᵢ + b` (4.1) and N the
/// number of points.
pub fn mse_loss(w: f64, b: f64, xs: &[f64], ys: &[f64]) -> f64 {
    todo!("EXERCISE 4.1")
}
// ANCHOR_END: mse_loss

// ANCHOR: mse_gradient
/// EXERCISE 4.2: its gradient.
///
/// Return `[∂L/∂w, ∂L/∂b]` of the loss of [`mse_loss`] (equations 4.3 and 4.4).
pub fn mse_gradient(w: f64, b: f64, xs: &[f64], ys: &[f64]) -> [f64; 2] {
    todo!("EXERCISE 4.2")
}
// ANCHOR_END: mse_gradient

// ANCHOR: gradient_descent_step
/// EXERCISE 4.3: one step of gradient descent.
///
/// Apply equation (4.5) once with the learning rate `eta`: move `w` and `b` against the
/// gradient of the loss on all the points, in place.
pub fn gradient_descent_step(w: &mut f64, b: &mut f64, xs: &[f64], ys: &[f64], eta: f64) {
    todo!("EXERCISE 4.3")
}
// ANCHOR_END: gradient_descent_step

// ANCHOR: minibatch_epoch
/// EXERCISE 4.4: one epoch of mini-batch gradient descent.
///
/// Visit the points in the order `order` (a permutation of `0..N`, as a shuffle gives), cut
/// into consecutive batches of `batch_size` points (the last batch may be smaller), and take
/// one step of (4.5) per batch with that batch's gradient (4.10), in place.
pub fn minibatch_epoch(
    w: &mut f64,
    b: &mut f64,
    xs: &[f64],
    ys: &[f64],
    order: &[usize],
    batch_size: usize,
    eta: f64,
) {
    todo!("EXERCISE 4.4")
}
// ANCHOR_END: minibatch_epoch
