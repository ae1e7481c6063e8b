//! The library's error type: everything that can go wrong that is not a programming bug.

pub use crate::data::DataError;

/// An error from loading data or training.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A data file is missing or malformed.
    #[error(transparent)]
    Data(#[from] DataError),
    /// The loss became NaN or infinite.
    #[error(
        "training diverged at epoch {epoch}, batch {batch}: the loss became {loss}. \
         The learning rate ({learning_rate}) is probably too large; try a smaller one, such as {suggestion}"
    )]
    Diverged {
        /// The epoch (from 1).
        epoch: usize,
        /// The batch within the epoch (from 1).
        batch: usize,
        /// The non-finite loss.
        loss: f64,
        /// The optimizer's learning rate.
        learning_rate: f64,
        /// A learning rate ten times smaller.
        suggestion: f64,
    },
    /// A training setting is unusable.
    #[error("invalid setting: {0}")]
    InvalidSetting(String),
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
