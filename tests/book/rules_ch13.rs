//! Chapter 13's captured outputs: what its numbers are, and so how far another CPU's run may
//! move them (see `captured.rs` and `outputs.rs`).

use crate::captured::{Rule, Tolerance, rule};

/// The quick part (`ch13.txt`), re-run by `cargo test`. Shapes, parameter counts, receptive
/// fields and the pooled example are exact. The library's convolution differs from the
/// definitions only by the order of its additions (the matrix kernel's order, chosen per CPU):
/// rounding noise, compared by its size. The central differences are computed by the
/// definition in plain `f64`; their errors against the library are the difference quotient's
/// rounding, steady to a factor of a few.
pub const QUICK: &[Rule] = &[
    rule(
        "against (#) {}",
        Tolerance::Magnitude {
            factor: 100.0,
            floor: 1e-14,
        },
    ),
    rule(
        "against central differences {}",
        Tolerance::Magnitude {
            factor: 10.0,
            floor: 1e-15,
        },
    ),
];

/// The long MNIST experiments (`ch13-long.txt`), captured by `nabla figures` and not re-run.
/// Each run of a few epochs of Adam turns the matrix kernel's last bits into a slightly
/// different network, as another seed would: the three seeds' test accuracies span 0.07
/// points and their losses 1%, so the tolerances are a few times that. The MLP is chapter 8's
/// headline run (see `outputs.rs`), and the error counts move with both networks.
pub const LONG: &[Rule] = &[
    rule("validation loss {}", Tolerance::Relative(0.1)).under("choosing a CNN"),
    rule("accuracy {}%", Tolerance::Absolute(0.4)).under("choosing a CNN"),
    rule("training loss {}", Tolerance::Relative(0.25)).under("final run"),
    rule("measured once: {}%", Tolerance::Absolute(0.3)).under("final run"),
    rule("({} of", Tolerance::Absolute(30.0)).under("final run"),
    rule("test loss {}", Tolerance::Relative(0.15)).under("final run"),
    rule("mean {}%", Tolerance::Absolute(0.3)),
    rule("lowest {}%", Tolerance::Absolute(0.3)),
    rule("highest {}%", Tolerance::Absolute(0.3)),
    rule("MLP test accuracy {}%", Tolerance::Absolute(0.5)),
    rule("wrong: CNN {}", Tolerance::Absolute(30.0)),
    rule("MLP {}; both", Tolerance::Absolute(50.0)),
    rule("both wrong {}", Tolerance::Absolute(30.0)),
    rule("only the CNN {}", Tolerance::Absolute(30.0)),
    rule("only the MLP {}", Tolerance::Absolute(50.0)),
];
