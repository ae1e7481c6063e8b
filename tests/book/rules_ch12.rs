//! Chapter 12's captured outputs: what its numbers are, and so how far another CPU's run may
//! move them (see `captured.rs` and `outputs.rs`).

use crate::captured::Rule;

/// The quick part (`ch12.txt`), re-run by `cargo test`.
pub const QUICK: &[Rule] = &[];

/// The long MNIST experiments (`ch12-long.txt`), captured by `nabla figures` and not re-run.
pub const LONG: &[Rule] = &[];
