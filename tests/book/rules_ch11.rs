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
/// of accuracy and a few per cent of loss for the batch-norm runs. The tolerances are a few
/// times that; a broken layer or a lost speed-up moves these numbers by more. The plain
/// network's test accuracy swings by a point or two from epoch to epoch (at η = 0.5 by two),
/// and every run's first epoch at the large rates is a snapshot of a network still moving fast:
/// those move more. At η = 0.5 the plain network is on the edge of diverging (the seed table
/// shows it), so its numbers there, and where a loss blows up, are up to the last bits of its
/// weights; on another CPU that run may even diverge. With batches of one sample every image
/// gets the same class, which one is up to the trained network, and the accuracy is that
/// class's share of the test set (8.9% to 11.4%).
pub const LONG: &[Rule] = &[
    rule("plain, η = # {}%", PLAIN_ACCURACY),
    rule("plain, η = # #% {}%", PLAIN_ACCURACY),
    rule("plain, η = # #% #% {}%", PLAIN_ACCURACY),
    rule("plain, η = # #% #% #% {}%", PLAIN_ACCURACY),
    rule("plain, η = # #% #% #% #% {}%", PLAIN_ACCURACY),
    rule("batch norm, η = # {}%", PLAIN_ACCURACY),
    rule("{}% (every image", Tolerance::Absolute(3.0)),
    rule("classified as {}", Tolerance::Any),
    rule("{}%", Tolerance::Absolute(1.0)),
    rule("plain, η = # {}", Tolerance::Relative(0.5)).under("Mean training loss"),
    rule("# {}", Tolerance::Relative(0.1)).under("Mean training loss"),
    rule("diverged at batch {}", Tolerance::Absolute(3.0)),
    rule("(ratio {})", Tolerance::Any),
    rule("batch norm at η = # {}", SWEEP_LOSS).under("Seeds"),
    rule("batch norm at η = # # {}", SWEEP_LOSS).under("Seeds"),
    rule("batch norm at η = # # # {}", SWEEP_LOSS).under("Seeds"),
    rule("batch norm at η = # # # # {}", SWEEP_LOSS).under("Seeds"),
    rule("batch norm at η = # # # # # {}", SWEEP_LOSS).under("Seeds"),
    rule("{}", Tolerance::Any).under("Seeds"),
];

/// The plain network's accuracy, and any network's after its first epoch (see [`LONG`]).
const PLAIN_ACCURACY: Tolerance = Tolerance::Absolute(3.0);

/// The batch-norm network's mean loss over its first pass in the seed table.
const SWEEP_LOSS: Tolerance = Tolerance::Relative(0.1);
