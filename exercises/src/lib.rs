//! # The exercises of the nabla book
//!
//! Each chapter's exercises are functions to fill in, in `exercises/src/chNN_*.rs`: every stub
//! is marked `EXERCISE` and calls `todo!()`, and its doc comment states the task. You never
//! edit the library or the chapter programs. Check your work with
//!
//! ```text
//! cargo run --release -- exercises               # every exercise and its status
//! cargo run --release -- exercises check ch05    # one chapter's (or one exercise's) checks
//! cargo run --release -- exercises hint ch05.mse_gradient     # a nudge; again for more
//! ```
//!
//! A check grades numerically: it says which entry is wrong, what it should be, the relative
//! error, and, when the answer has the shape of a typical mistake (a factor of 2, a sign), which
//! one. Gradients are compared with central differences of the function they differentiate, so
//! nothing is compared with a copy of the solution. The reference solutions in
//! `exercises/solutions/` pass the same checks (`cargo test -p nabla-exercises` runs them); read
//! them after you have tried.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod catalog;
pub mod checks;
pub mod grade;

pub mod ch01_introduction;
pub mod ch02_neuron;
pub mod ch03_activations;
pub mod ch04_gradient_descent;
pub mod ch05_losses;
pub mod ch06_backpropagation;
pub mod ch07_network_macro;
pub mod ch08_mnist;
pub mod ch09_optimizers;
pub mod ch10_initialization;
pub mod ch11_batch_norm;
pub mod ch12_regularization;
pub mod ch13_convolutions;

/// The reference solutions, with the same signatures as the stubs (in `exercises/solutions/`,
/// outside `src/`, so that they are not where the learner works).
#[path = "../solutions/mod.rs"]
pub mod solutions;

pub use catalog::{Exercise, all, select};
pub use grade::{Failure, Outcome};
