//! Chapter 9's captured outputs: what its numbers are, and so how far another CPU's run may
//! move them (see `captured.rs` and `outputs.rs`).

use crate::captured::{Rule, Tolerance, rule};

/// The quick part (`ch09.txt`), re-run by `cargo test`: the optimizers on two parameters and the
/// schedules, in plain `f64` arithmetic without the matrix kernel, so every number is compared
/// to its last printed digit.
pub const QUICK: &[Rule] = &[];

/// The long MNIST experiments (`ch09-long.txt`), captured by `nabla figures` and not re-run.
/// Each is a training run through the matrix kernel, like chapter 8's, and gets chapter 8's
/// tolerances: half a point of accuracy and 10% of a loss, several times what another CPU's
/// rounding moves them, far less than a broken optimizer would. (Where two rates' validation
/// accuracies are closer than that, another CPU may choose the other one; the words would then
/// differ, as they should.)
pub const LONG: &[Rule] = &[
    rule("{}%", Tolerance::Absolute(0.5)),
    rule("{} #%", Tolerance::Relative(0.1)),
];
