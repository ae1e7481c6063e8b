//! Chapter 7, declaring networks with `network!`: exercises. Fill in each function marked
//! `EXERCISE`, then run `cargo run --release -- exercises check ch07`.
// The stubs do not use their arguments until you fill them in.
#![allow(unused_variables)]

use nabla::rand::rngs::StdRng;

// ANCHOR: digits_network
nabla::network! {
    /// Your network for exercise 7.1. Change the architecture after the colon; the placeholder,
    /// with no hidden layer, is a linear classifier and does not reach the target.
    pub struct Digits: 784 => softmax 10
}

/// EXERCISE 7.1: a network that reads digits.
///
/// Declare `Digits` above with `network!` (the grammar `INPUT (=> ACTIVATION WIDTH)+`) so that
/// it reaches 89% accuracy on 2,000 held-out digits after the check's brief training: 10,000
/// MNIST digits, 5 epochs of Adam (η = 10⁻³) in batches of 64 with softmax cross-entropy, seeded.
/// It takes 784 pixels, ends in `softmax 10`, and has at most 200,000 parameters (so that the
/// check stays quick). Return a new one with weights drawn from `rng` (`Digits::new`).
pub fn digits_network(rng: &mut StdRng) -> Digits {
    todo!("EXERCISE 7.1")
}
// ANCHOR_END: digits_network

// ANCHOR: parameter_count
/// EXERCISE 7.2: how many numbers a network learns.
///
/// `widths` lists a network's widths input first, as the `WIDTHS` constant of a declared
/// network does: `[784, 128, 10]` for `784 => relu 128 => softmax 10`. Layer ℓ has a weight
/// matrix `W^ℓ` of `widths[ℓ] × widths[ℓ − 1]` and a bias `b^ℓ` of `widths[ℓ]` entries. Return
/// the number of weights and biases in all (equation 8.2 counts them for the MNIST network).
pub fn parameter_count(widths: &[usize]) -> usize {
    todo!("EXERCISE 7.2")
}
// ANCHOR_END: parameter_count
