//! The library's error type: everything that can go wrong that is not a programming bug.

pub use crate::data::DataError;
pub use crate::model_file::ModelFileError;

/// An error from loading data, saving or loading a model, or training.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A data file is missing or malformed.
    #[error(transparent)]
    Data(#[from] DataError),
    /// A model file cannot be saved or loaded.
    #[error(transparent)]
    ModelFile(#[from] ModelFileError),
    /// The loss became NaN or infinite.
    #[error(
        "training diverged at epoch {epoch}, batch {batch}: the loss became {loss}. \
         The learning rate ({rate}) is probably too large; try a smaller one, such as {smaller}",
        rate = short_number(*.learning_rate),
        smaller = short_number(*.suggestion)
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
    /// Training was refused (its data cannot be trained or tested on) or stopped by a check of
    /// its progress (the loss far above where it started, accuracy at chance level); the
    /// message says what happened and what to try.
    #[error("{0}")]
    Training(String),
    /// A checkpoint cannot be resumed from (missing, or saved with other settings).
    #[error("{0}")]
    Checkpoint(String),
    /// A training setting is unusable.
    #[error("invalid setting: {0}")]
    InvalidSetting(String),
    /// The thread pool cannot be set up as asked (see [`crate::parallel`]).
    #[error("cannot set up the threads: {0}")]
    Threads(String),
}

/// A number written with at most 6 significant digits: `0.07`, not `0.06999999999999999`;
/// `1e30`, not thirty-one digits.
pub fn short_number(value: f64) -> String {
    if value != 0.0 && !(1e-4..1e6).contains(&value.abs()) {
        let text = format!("{value:.5e}");
        let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
        let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
        format!("{mantissa}e{exponent}")
    } else {
        let text = format!(
            "{:.*}",
            6usize.saturating_sub(value.abs().log10().floor().max(0.0) as usize),
            value
        );
        let text = if text.contains('.') {
            text.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            text
        };
        if text.is_empty() || text == "-" {
            "0".into()
        } else {
            text
        }
    }
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::short_number;

    #[test]
    fn numbers_in_messages_are_short() {
        assert_eq!(short_number(0.7 / 10.0), "0.07");
        assert_eq!(short_number(1e30), "1e30");
        assert_eq!(short_number(1e-3), "0.001");
        assert_eq!(short_number(2.5e-7), "2.5e-7");
        assert_eq!(short_number(0.1), "0.1");
        assert_eq!(short_number(3.0), "3");
    }
}
