//! Chapter 11's captured outputs: what its numbers are, and so how far another CPU's run may
//! move them (see `captured.rs` and `outputs.rs`).

use crate::captured::{Rule, Tolerance, rule};

/// Rounding noise: its size, within a factor of ten; anything below 10⁻¹⁵ is as good as zero.
const ROUNDING: Tolerance = Tolerance::Magnitude {
    factor: 10.0,
    floor: 1e-15,
};

/// The quick part (`ch11.txt`), re-run by `cargo test`: plain `f64` arithmetic on seeded
/// batches, without the matrix kernel, so the same on every CPU to the last printed digit,
/// except the sizes of rounding errors: the mean of a normalized feature, the gradient checks'
/// agreement with central differences (limited by the differences' own rounding), and how far
/// the undone normalization is from the identity.
pub const QUICK: &[Rule] = &[
    rule("|mean| {}", ROUNDING),
    rule("(#): largest relative error {}", ROUNDING),
    rule("largest |y − x| {}", ROUNDING),
];

/// The long MNIST experiments (`ch11-long.txt`), captured by `nabla figures` and not re-run.
/// Five epochs of SGD through the matrix kernel turn last-bit differences between CPUs into a
/// slightly different network, by about as much as another seed would: a few tenths of a point
/// of accuracy and a few per cent of loss. The tolerances are a few times that; a broken layer
/// or a lost speed-up moves these numbers by more. The exception is the accuracy after the
/// first epoch at η = 0.5 (in either mode), a snapshot of a network still moving fast, which
/// moves more. Where the plain run's loss overflows is up to the last bits of its growing
/// weights. With batches of one sample every image gets the same class, which one is up to the
/// trained network, and the accuracy is that class's share of the test set (8.9% to 11.4%).
pub const LONG: &[Rule] = &[
    rule("diverged {}%", Tolerance::Absolute(3.0)).under("Test accuracy after each epoch"),
    rule("η = # {}%", Tolerance::Absolute(3.0)).under("in training mode"),
    rule("{}% (every image", Tolerance::Absolute(3.0)),
    rule("classified as a {}", Tolerance::Any),
    rule("{}%", Tolerance::Absolute(1.0)),
    rule("# {}", Tolerance::Relative(0.1)).under("Mean training loss"),
    rule("diverged {}", Tolerance::Relative(0.1)).under("Mean training loss"),
    rule("at batch {} of", Tolerance::Absolute(5.0)),
    rule("(ratio {})", Tolerance::Any),
];
