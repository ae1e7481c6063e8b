//! Chapter 13: Convolutional networks. The quick part reads LeNet's shapes and parameter counts
//! from its types, follows its receptive fields, and checks the library's convolution and
//! max-pooling against the chapter's equations; the long part trains convolutional networks on
//! MNIST with a recipe chosen on a validation split, and draws the learned filters, the feature
//! maps of one digit, the confusion matrix and the digits the CNN and an MLP get wrong.

use crate::session::{ChapterResult, Session};

pub mod check;
pub mod definition;
pub mod figures;
pub mod permuted;
pub mod shapes;
pub mod train;

/// The seed of the validation split, of the quick part and of the first final run.
pub const SEED: u64 = 42;

/// The quick part of the chapter, re-run by `cargo test`.
pub fn run(session: &mut Session) -> ChapterResult {
    shapes::run(session)?;
    check::run(session)?;
    Ok(())
}

/// The chapter's long MNIST experiments.
pub fn run_long(session: &mut Session) -> ChapterResult {
    let splits = crate::ch12_regularization::splits(SEED)?;
    let trained = train::run(&splits, session)?;
    figures::run(&trained, &splits, session)
}
