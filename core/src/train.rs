//! The training loop: epochs of shuffled mini-batches, each a forward pass, a loss, a backward
//! pass and an optimizer step, with every buffer allocated once and reused.

use crate::batch::Batch;
use crate::data::{Dataset, shuffled_indices};
use crate::layer::Pass;
use crate::loss::Loss;
use crate::network::Network;
use crate::optim::Optimizer;
use crate::{Error, Result, Scalar};
use rand::Rng;
use std::time::Instant;

/// Settings for [`fit`]: how many epochs, in batches of what size, from which epoch, and
/// evaluated on what. `TrainConfig { epochs: 5, ..TrainConfig::default() }` changes one.
#[derive(Clone, Copy, Debug)]
pub struct TrainConfig<'a, T: Scalar, const IN: usize, const OUT: usize> {
    /// Passes over the training data, in all (including `epochs_done`).
    pub epochs: usize,
    /// Samples per mini-batch.
    pub batch_size: usize,
    /// Epochs a resumed run has already done (0 for a fresh run): training continues with epoch
    /// `epochs_done + 1`. The network, the optimizer and the random number generator must be as
    /// those epochs left them (see [`crate::checkpoint`]).
    pub epochs_done: usize,
    /// A held-out set to measure the accuracy on after every epoch, if any.
    pub test: Option<&'a Dataset<T, IN, OUT>>,
}

impl<T: Scalar, const IN: usize, const OUT: usize> Default for TrainConfig<'_, T, IN, OUT> {
    fn default() -> Self {
        Self {
            epochs: 10,
            batch_size: 64,
            epochs_done: 0,
            test: None,
        }
    }
}

/// What the caller of [`fit`] hears while training runs: each batch (for a progress bar,
/// which is the program's business, not the library's) and each finished epoch (to print it,
/// check it, or save a checkpoint). [`on_epoch`] makes one of a closure that hears only the
/// finished epochs.
pub trait Observer<N, O> {
    /// Epoch `epoch` of `epochs` begins; it has `batches` mini-batches.
    fn epoch_started(&mut self, _epoch: usize, _epochs: usize, _batches: usize) {}
    /// One more mini-batch is done.
    fn batch_done(&mut self) {}
    /// The epoch's batches are over (also when training failed in it), before evaluation.
    fn epoch_trained(&mut self) {}
    /// The epoch is over and evaluated; an error stops training.
    fn epoch_done(&mut self, report: &EpochReport, network: &N, optimizer: &O) -> Result<()>;
}

/// An [`Observer`] that hears only the finished epochs, made by [`on_epoch`].
pub struct OnEpoch<F>(F);

/// An observer that calls `f` with each finished epoch's report, the network and the optimizer.
pub fn on_epoch<N, O, F: FnMut(&EpochReport, &N, &O) -> Result<()>>(f: F) -> OnEpoch<F> {
    OnEpoch(f)
}

/// Nobody listening: `fit(…, &mut rng, ())`.
impl<N, O> Observer<N, O> for () {
    fn epoch_done(&mut self, _: &EpochReport, _: &N, _: &O) -> Result<()> {
        Ok(())
    }
}

impl<N, O, F: FnMut(&EpochReport, &N, &O) -> Result<()>> Observer<N, O> for OnEpoch<F> {
    fn epoch_done(&mut self, report: &EpochReport, network: &N, optimizer: &O) -> Result<()> {
        (self.0)(report, network, optimizer)
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
    /// Training steps (batches) done: numbers each training pass, which seeds dropout's masks.
    steps_done: u64,
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
            steps_done: 0,
        }
    }

    /// One pass over `data` in an order drawn from `rng`, calling `on_batch` after each
    /// mini-batch. Fails if the loss stops being finite.
    #[allow(clippy::too_many_arguments)]
    pub fn epoch(
        &mut self,
        network: &mut N,
        loss: &impl Loss<T, OUT>,
        optimizer: &mut impl Optimizer<T>,
        data: &Dataset<T, IN, OUT>,
        batch_size: usize,
        rng: &mut impl Rng,
        on_batch: &mut dyn FnMut(),
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
            let pass = Pass::train(self.steps_done);
            self.steps_done += 1;
            let logits = network.forward_trace(&self.inputs, pass, &mut self.trace);
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
            network.update_buffers(&self.trace);
            on_batch();
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

/// Trains `network` on `train` for `config.epochs` epochs (continuing after
/// `config.epochs_done`), measuring the accuracy on `config.test` after each, and returns one
/// report per epoch trained. `observer` hears each batch and each finished epoch (with the
/// network and the optimizer, so it may save a checkpoint); an error from it stops training.
pub fn fit<T, N, O, const IN: usize, const OUT: usize>(
    network: &mut N,
    loss: &impl Loss<T, OUT>,
    optimizer: &mut O,
    train: &Dataset<T, IN, OUT>,
    config: &TrainConfig<T, IN, OUT>,
    rng: &mut impl Rng,
    mut observer: impl Observer<N, O>,
) -> Result<Vec<EpochReport>>
where
    T: Scalar,
    N: Network<T, IN, OUT>,
    O: Optimizer<T>,
{
    let epochs_done = config.epochs_done;
    let mut trainer = Trainer::new(network);
    trainer.epochs_done = epochs_done;
    // Every epoch has the same number of batches, so a resumed run numbers its steps (and
    // draws its dropout masks) as the uninterrupted run did.
    trainer.steps_done = (epochs_done * train.len().div_ceil(config.batch_size.max(1))) as u64;
    let mut reports = Vec::with_capacity(config.epochs.saturating_sub(epochs_done));
    let batches = train.len().div_ceil(config.batch_size.max(1));
    for epoch in epochs_done + 1..=config.epochs {
        observer.epoch_started(epoch, config.epochs, batches);
        let result = trainer.epoch(
            network,
            loss,
            optimizer,
            train,
            config.batch_size,
            rng,
            &mut || observer.batch_done(),
        );
        observer.epoch_trained();
        let mut report = result?;
        report.test_accuracy = config.test.map(|test| accuracy(network, test));
        observer.epoch_done(&report, network, optimizer)?;
        reports.push(report);
    }
    Ok(reports)
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
        let logits = network.forward_trace(&inputs, Pass::infer(), &mut trace);
        correct += count_correct(logits, &targets);
    }
    correct as f64 / data.len().max(1) as f64
}
