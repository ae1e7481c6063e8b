//! Chapter 12: Overfitting and regularization. The quick part checks the L2 penalty's gradient,
//! shows that it is weight decay for plain SGD and not for Adam, and that inverted dropout keeps
//! the expected output; the long part overfits 1,000 MNIST images on purpose, regularizes them
//! three ways, and trains the book's best MLP on a recipe chosen on a validation split.

use crate::session::{ChapterResult, Session};
use nabla::data::Dataset;
use nabla::data::mnist::{self, CLASSES, PIXELS};
use rand::SeedableRng;
use rand::rngs::StdRng;

pub mod best;
pub mod decay;
pub mod dropout_mean;
pub mod overfit;

/// The seed of the validation split and of every long run.
pub const SEED: u64 = 42;

/// Images split off the 60,000 training images to choose with.
pub const VALIDATION: usize = 5000;

/// The quick part of the chapter, re-run by `cargo test`.
pub fn run(session: &mut Session) -> ChapterResult {
    decay::l2_gradient_check(session)?;
    decay::l2_against_weight_decay(session)?;
    dropout_mean::expectation(session)?;
    Ok(())
}

// ANCHOR: split
/// The three sets of the chapter: the 60,000 training images shuffled with `seed` and split
/// into 55,000 to train on and 5,000 to choose with, and the 10,000 test images, kept apart
/// until the very end.
pub fn splits(seed: u64) -> Result<Splits, nabla::Error> {
    let digits = mnist::load(&mnist::default_dir())?;
    let mut rng = StdRng::seed_from_u64(seed);
    let (train, validation) = digits
        .train
        .to_dataset::<f32>()
        .split_validation(VALIDATION, &mut rng);
    let test = digits.test.to_dataset::<f32>();
    Ok(Splits {
        train,
        validation,
        test,
    })
}
// ANCHOR_END: split

/// Training, validation and test images.
pub struct Splits {
    /// What the weights are fitted to.
    pub train: Dataset<f32, PIXELS, CLASSES>,
    /// What recipes (and the epoch to stop at) are chosen by.
    pub validation: Dataset<f32, PIXELS, CLASSES>,
    /// Evaluated once, for the chosen recipe.
    pub test: Dataset<f32, PIXELS, CLASSES>,
}

/// The chapter's long MNIST experiments: overfitting a small subset, then the best MLP.
pub fn run_long(session: &mut Session) -> ChapterResult {
    let splits = splits(SEED)?;
    overfit::run(&splits, session)?;
    best::run(&splits, session)?;
    Ok(())
}
