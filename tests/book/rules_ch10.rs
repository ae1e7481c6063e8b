//! Chapter 10's captured outputs: what its numbers are, and so how far another CPU's run may
//! move them (see `captured.rs` and `outputs.rs`).
//!
//! Most of chapter 10 is a single forward and backward pass (the sampled variances, the tables
//! of standard deviations and gradient norms): no training amplifies the last bits the matrix
//! kernel rounds differently, so their printed digits hold to the last one. Only the trained
//! numbers get more room.

use crate::captured::{Rule, Tolerance, rule};

/// The tables print two significant digits, so one unit in the last digit is up to 10% of the
/// value. They are compared by ratio rather than by last digit, so that a value printed
/// `9.8e10` moved to `1.0e11` (one unit of the new last digit, but 2% of the old one) counts as
/// what it is; a real change (another initializer, a broken layer) moves them by far more.
const TABLE: Tolerance = Tolerance::Magnitude {
    factor: 1.15,
    floor: 1e-30,
};

/// The quick part (`ch10.txt`), re-run by `cargo test`. The symmetry experiment trains a small
/// network for 200 epochs in `f64`: its loss, accuracy and unit difference may move a little
/// between CPUs, but the difference of the equal start is exactly 0 on any CPU (that is the
/// point of equation 10.1).
pub const QUICK: &[Rule] = &[
    // `^ ` is the start of an indented line: every number of a table's rows, not its heading.
    rule("^ ", TABLE).under("Standard deviation of a"),
    rule("^ ", TABLE).under("Gradient norms"),
    rule("hidden units {} (exactly)", Tolerance::Exact).under("Symmetry"),
    rule("hidden units {}$", Tolerance::Relative(0.05)).under("Symmetry"),
    rule("loss {},", Tolerance::Relative(0.05)).under("Symmetry"),
    rule("accuracy {}%", Tolerance::Absolute(3.0)).under("Symmetry"),
];

/// The long MNIST experiments (`ch10-long.txt`), captured by `nabla figures` and not re-run.
/// The gradient table is one pass, compared like the quick part's. The clipping runs train for three
/// epochs: the losses and accuracies of the runs that train move by about as much as a seed
/// does (a few per cent of the loss, tenths of a point of accuracy), and the batch in which the
/// unclipped run meets NaN may come a step or two sooner or later. The first steps of the
/// runs grow by orders of magnitude within a few batches, so they are compared by magnitude.
pub const LONG: &[Rule] = &[
    rule("^ ", TABLE).under("Gradient norms"),
    rule("First {} steps", Tolerance::Exact).under("First"),
    rule("step {}:", Tolerance::Exact).under("First"),
    rule(
        "{}",
        Tolerance::Magnitude {
            factor: 3.0,
            floor: 1e-3,
        },
    )
    .under("First"),
    rule("in batch {}", Tolerance::Absolute(3.0)).under("Clipping"),
    rule("loss {}", Tolerance::Relative(0.15)).under("Clipping"),
    rule("accuracy {}%", Tolerance::Absolute(5.0)).under("Clipping"),
];
