//! Chapter 12's captured outputs: what its numbers are, and so how far another CPU's run may
//! move them (see `captured.rs` and `outputs.rs`).

use crate::captured::{Rule, Tolerance, rule};

/// Rounding noise: a rounding error's size, within a factor of ten, or the largest difference
/// between two runs that are the same computation in exact arithmetic (within a factor of 100:
/// it is the largest of 51 such errors after 200 steps).
const ROUNDING: Tolerance = Tolerance::Magnitude {
    factor: 10.0,
    floor: 1e-15,
};

/// The quick part (`ch12.txt`), re-run by `cargo test`. The gradient check's error is that of
/// the central difference (its size, not its digits, is the point). The hand-stepped runs go
/// through the matrix kernel for 200 steps, which moves the last bits; the SGD runs converge
/// smoothly, so their norms move in the fourth digit at most, and Adam's normalized steps
/// somewhat more. The dropout measurement uses no matrix product, and is the same everywhere.
pub const QUICK: &[Rule] = &[
    rule("against central differences {}", ROUNDING),
    rule(
        "penalized and the decayed run: {}",
        Tolerance::Magnitude {
            factor: 100.0,
            floor: 1e-15,
        },
    ),
    rule("none {}", Tolerance::Relative(1e-3)),
    rule("L# penalty {}", Tolerance::Relative(1e-3)),
    rule("= # {}", Tolerance::Relative(1e-3)),
    rule("AdamW decay {}", Tolerance::Relative(1e-3)),
    rule("penalized and the AdamW run: {}", Tolerance::Relative(0.01)),
];

/// The long MNIST experiments (`ch12-long.txt`), captured by `nabla figures` and not re-run.
/// Training on 1,000 images for 100 epochs amplifies the matrix kernel's last bits into a
/// somewhat different network, as another seed would: the validation losses move by a few
/// percent and the accuracy by under a point, and on a validation curve as flat near its bottom
/// as these, the epoch of the lowest loss (and so where early stopping stops) may move by many
/// epochs. The full MNIST runs move like chapter 8's (see `outputs.rs`): a few tenths of a point
/// of accuracy, a few percent of loss.
pub const LONG: &[Rule] = &[
    // The small-subset table: epochs, returned epoch, training loss, validation loss, lowest
    // validation loss (and its epoch), validation accuracy.
    rule("patience # {}", Tolerance::Absolute(40.0)).under("1,000 training images"),
    rule("patience # # {}", Tolerance::Absolute(40.0)).under("1,000 training images"),
    rule(
        "{} # # (",
        Tolerance::Magnitude {
            factor: 3.0,
            floor: 1e-6,
        },
    )
    .under("1,000 training images"),
    rule("{} # (", Tolerance::Relative(0.1)).under("1,000 training images"),
    rule("{} (", Tolerance::Relative(0.1)).under("1,000 training images"),
    rule("{})", Tolerance::Any).under("1,000 training images"),
    rule("{}%", Tolerance::Absolute(1.5)).under("1,000 training images"),
    // The recipes' short runs and the final runs.
    rule("validation loss {}", Tolerance::Relative(0.1)).under("choosing a recipe"),
    rule("accuracy {}%", Tolerance::Absolute(0.4)).under("choosing a recipe"),
    rule("training loss {}", Tolerance::Relative(0.25)).under("final run"),
    rule("measured once: {}%", Tolerance::Absolute(0.4)).under("final run"),
    rule("({} of", Tolerance::Absolute(40.0)).under("final run"),
    rule("test loss {}", Tolerance::Relative(0.15)).under("final run"),
];
