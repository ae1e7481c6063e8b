//! The training loop: epochs of shuffled mini-batches, each a forward pass, a loss, a backward
//! pass and an optimizer step, with every buffer allocated once and reused.

use crate::batch::Batch;
use crate::data::{Dataset, shuffled_indices};
use crate::loss::Loss;
use crate::network::Network;
use crate::optim::Optimizer;
use crate::{Error, Result, Scalar};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rand::Rng;
use std::time::Instant;

/// Settings for [`fit`].
#[derive(Clone, Debug, PartialEq)]
pub struct TrainConfig {
    /// Passes over the training data.
    pub epochs: usize,
    /// Samples per mini-batch.
    pub batch_size: usize,
    /// Show a progress bar (only ever drawn when standard error is a terminal).
    pub progress: bool,
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            epochs: 10,
            batch_size: 64,
            progress: true,
        }
    }
}

/// What one epoch of training measured.
#[derive(Clone, Debug, PartialEq)]
pub struct EpochReport {
    /// The epoch, from 1.
    pub epoch: usize,
    /// The mean of the batch losses.
    pub mean_loss: f64,
    /// The fraction of training samples classified correctly as they were trained on (the
    /// weights change during the epoch, so this lags slightly behind a fresh evaluation).
    pub train_accuracy: f64,
    /// The fraction of the held-out set classified correctly after the epoch, if one was given.
    pub test_accuracy: Option<f64>,
    /// Seconds spent training (not evaluating).
    pub seconds: f64,
    /// Training samples processed per second.
    pub samples_per_second: f64,
}

/// Reusable buffers for training a network `N`: after the first batch, an epoch allocates nothing
/// (but the shuffled order).
pub struct Trainer<T: Scalar, N: Network<T, IN, OUT>, const IN: usize, const OUT: usize> {
    trace: N::Trace,
    gradients: N,
    inputs: Batch<T, IN>,
    targets: Batch<T, OUT>,
    logits_gradient: Batch<T, OUT>,
    epochs_done: usize,
}

impl<T: Scalar, N: Network<T, IN, OUT>, const IN: usize, const OUT: usize> Trainer<T, N, IN, OUT> {
    /// Buffers for training `network`.
    pub fn new(network: &N) -> Self {
        Self {
            trace: N::Trace::default(),
            gradients: network.zeros_like(),
            inputs: Batch::zeros(0),
            targets: Batch::zeros(0),
            logits_gradient: Batch::zeros(0),
            epochs_done: 0,
        }
    }

    /// One pass over `data` in an order drawn from `rng`. Fails if the loss stops being finite.
    #[allow(clippy::too_many_arguments)]
    pub fn epoch(
        &mut self,
        network: &mut N,
        loss: &impl Loss<T, OUT>,
        optimizer: &mut impl Optimizer<T>,
        data: &Dataset<T, IN, OUT>,
        batch_size: usize,
        rng: &mut impl Rng,
        progress: &ProgressBar,
    ) -> Result<EpochReport> {
        if batch_size == 0 {
            return Err(Error::InvalidSetting(
                "the batch size must be at least 1".into(),
            ));
        }
        if data.is_empty() {
            return Err(Error::InvalidSetting("the training set is empty".into()));
        }
        self.epochs_done += 1;
        let start = Instant::now();
        let order = shuffled_indices(data.len(), rng);
        let (mut loss_sum, mut correct, mut batches) = (0.0, 0, 0);
        // ANCHOR: batch_loop
        for indices in order.chunks(batch_size) {
            batches += 1;
            data.gather_into(indices, &mut self.inputs, &mut self.targets);
            let logits = network.forward_trace(&self.inputs, &mut self.trace);
            let batch_loss = loss
                .value_and_gradient(logits, &self.targets, &mut self.logits_gradient)
                .as_f64();
            if !batch_loss.is_finite() {
                let learning_rate = optimizer.learning_rate();
                return Err(Error::Diverged {
                    epoch: self.epochs_done,
                    batch: batches,
                    loss: batch_loss,
                    learning_rate,
                    suggestion: learning_rate / 10.0,
                });
            }
            correct += count_correct(logits, &self.targets);
            loss_sum += batch_loss;
            network.backward(
                &self.inputs,
                &mut self.trace,
                &self.logits_gradient,
                &mut self.gradients,
            );
            optimizer.step(network, &self.gradients);
            progress.inc(1);
        }
        // ANCHOR_END: batch_loop
        let seconds = start.elapsed().as_secs_f64();
        Ok(EpochReport {
            epoch: self.epochs_done,
            mean_loss: loss_sum / batches as f64,
            train_accuracy: correct as f64 / data.len() as f64,
            test_accuracy: None,
            seconds,
            samples_per_second: data.len() as f64 / seconds,
        })
    }
}

/// Trains `network` for `config.epochs` epochs, evaluating on `test` after each, and calls
/// `on_epoch` with each epoch's report. Returns all reports.
#[allow(clippy::too_many_arguments)]
pub fn fit<T: Scalar, N: Network<T, IN, OUT>, const IN: usize, const OUT: usize>(
    network: &mut N,
    loss: &impl Loss<T, OUT>,
    optimizer: &mut impl Optimizer<T>,
    train: &Dataset<T, IN, OUT>,
    test: Option<&Dataset<T, IN, OUT>>,
    config: &TrainConfig,
    rng: &mut impl Rng,
    mut on_epoch: impl FnMut(&EpochReport),
) -> Result<Vec<EpochReport>> {
    fit_from(
        network,
        loss,
        optimizer,
        train,
        test,
        config,
        0,
        rng,
        |report, _, _| {
            on_epoch(report);
            Ok(())
        },
    )
}

/// [`fit`] for a run that has already done `epochs_done` of its `config.epochs` epochs (0 for
/// a fresh run): trains the remaining ones, numbering their reports from `epochs_done + 1`.
/// `network`, `optimizer` and `rng` must be as those epochs left them (see
/// [`crate::checkpoint`]). After each epoch `on_epoch` gets the report, the network and the
/// optimizer, and may save a checkpoint; an error from it stops training.
#[allow(clippy::too_many_arguments)]
pub fn fit_from<T, N, O, const IN: usize, const OUT: usize>(
    network: &mut N,
    loss: &impl Loss<T, OUT>,
    optimizer: &mut O,
    train: &Dataset<T, IN, OUT>,
    test: Option<&Dataset<T, IN, OUT>>,
    config: &TrainConfig,
    epochs_done: usize,
    rng: &mut impl Rng,
    mut on_epoch: impl FnMut(&EpochReport, &N, &O) -> Result<()>,
) -> Result<Vec<EpochReport>>
where
    T: Scalar,
    N: Network<T, IN, OUT>,
    O: Optimizer<T>,
{
    let mut trainer = Trainer::new(network);
    trainer.epochs_done = epochs_done;
    let mut reports = Vec::with_capacity(config.epochs.saturating_sub(epochs_done));
    let batches = train.len().div_ceil(config.batch_size.max(1)) as u64;
    for epoch in epochs_done + 1..=config.epochs {
        let progress = progress_bar(config.progress, batches, epoch, config.epochs);
        let result = trainer.epoch(
            network,
            loss,
            optimizer,
            train,
            config.batch_size,
            rng,
            &progress,
        );
        progress.finish_and_clear();
        let mut report = result?;
        report.test_accuracy = test.map(|test| accuracy(network, test));
        on_epoch(&report, network, optimizer)?;
        reports.push(report);
    }
    Ok(reports)
}

fn progress_bar(enabled: bool, batches: u64, epoch: usize, epochs: usize) -> ProgressBar {
    if !enabled {
        return ProgressBar::hidden();
    }
    // `stderr()` hides itself when standard error is not a terminal.
    let bar = ProgressBar::with_draw_target(Some(batches), ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template(
        "epoch {prefix} [{bar:30}] {pos}/{len} batches, {per_sec}, eta {eta}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar())
    .progress_chars("=> ");
    bar.set_style(style);
    bar.set_prefix(format!("{epoch}/{epochs}"));
    bar
}

/// How many columns of `logits` pick the class of `targets`: the largest entry for several
/// outputs, the sign for a single output (logit > 0 means class 1).
pub fn count_correct<T: Scalar, const OUT: usize>(
    logits: &Batch<T, OUT>,
    targets: &Batch<T, OUT>,
) -> usize {
    let half = T::of(0.5);
    logits
        .column_iter()
        .zip(targets.column_iter())
        .filter(|(z, y)| {
            if OUT == 1 {
                (z[0] > T::zero()) == (y[0] > half)
            } else {
                z.imax() == y.imax()
            }
        })
        .count()
}

/// The fraction of `data` that `network` classifies correctly (evaluated in chunks of 1,000).
pub fn accuracy<T: Scalar, N: Network<T, IN, OUT>, const IN: usize, const OUT: usize>(
    network: &N,
    data: &Dataset<T, IN, OUT>,
) -> f64 {
    let mut trace = N::Trace::default();
    let (mut inputs, mut targets) = (Batch::zeros(0), Batch::zeros(0));
    let mut correct = 0;
    let all: Vec<usize> = (0..data.len()).collect();
    for indices in all.chunks(1000) {
        data.gather_into(indices, &mut inputs, &mut targets);
        correct += count_correct(network.forward_trace(&inputs, &mut trace), &targets);
    }
    correct as f64 / data.len().max(1) as f64
}
