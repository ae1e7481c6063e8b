//! The progress bar of a training run: one bar per epoch on standard error, drawn only when
//! standard error is a terminal, around an observer that hears the finished epochs. The library
//! only reports progress ([`nabla::train::Observer`]); drawing it is the program's business.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use nabla::Result;
use nabla::train::{EpochReport, Observer};

/// A progress bar for each epoch, around `on_epoch`, which hears each finished epoch.
pub struct WithProgressBar<F> {
    bar: ProgressBar,
    on_epoch: F,
}

/// An observer that draws a bar while each epoch trains and calls `on_epoch` after it.
pub fn with_progress_bar<N, O, F>(on_epoch: F) -> WithProgressBar<F>
where
    F: FnMut(&EpochReport, &N, &O) -> Result<()>,
{
    WithProgressBar {
        bar: ProgressBar::hidden(),
        on_epoch,
    }
}

impl<N, O, F> Observer<N, O> for WithProgressBar<F>
where
    F: FnMut(&EpochReport, &N, &O) -> Result<()>,
{
    fn epoch_started(&mut self, epoch: usize, epochs: usize, batches: usize) {
        // `stderr()` hides itself when standard error is not a terminal.
        let bar = ProgressBar::with_draw_target(Some(batches as u64), ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template(
            "epoch {prefix} [{bar:30}] {pos}/{len} batches, {per_sec}, eta {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
        bar.set_style(style);
        bar.set_prefix(format!("{epoch}/{epochs}"));
        self.bar = bar;
    }

    fn batch_done(&mut self) {
        self.bar.inc(1);
    }

    fn epoch_trained(&mut self) {
        self.bar.finish_and_clear();
    }

    fn epoch_done(&mut self, report: &EpochReport, network: &N, optimizer: &O) -> Result<()> {
        (self.on_epoch)(report, network, optimizer)
    }
}
