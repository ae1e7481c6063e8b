//! The training loop: epochs of shuffled mini-batches, each a forward pass, a loss, a backward
//! pass and an optimizer step, with every buffer allocated once and reused.

use crate::batch::Batch;
use crate::clip::Clip;
use crate::data::{Dataset, shuffled_indices};
use crate::layer::Pass;
use crate::loss::Loss;
use crate::network::{Network, Parameters};
use crate::optim::Optimizer;
use crate::parallel;
use crate::regularize::{add_l2, weight_slots};
use crate::schedule::Schedule;
use crate::{Error, Result, Scalar};
use rand::Rng;
use std::time::Instant;

/// Settings for [`fit`]: how many epochs, in batches of what size, from which epoch, and
/// evaluated on what; and the regularization, all off by default (so that a default run is
/// bit for bit the plain loop). `TrainConfig { epochs: 5, ..TrainConfig::default() }` changes
/// one.
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
    /// Gradient clipping, applied after the L2 term is added and before the optimizer's step
    /// (none by default).
    pub clip: Option<Clip>,
    /// The learning rate of each step, from the optimizer's rate when [`fit`] is called (the
    /// base rate, which `fit` gives back to the optimizer when it returns). Constant by
    /// default, which leaves the rate exactly as given.
    pub schedule: Schedule,
    /// λ of the L2 penalty `λ/2 Σ w²` over the weight matrices (not biases, not batch norm's γ
    /// and β; see [`crate::regularize`]), added to the reported loss and, as `λ w`, to the
    /// gradient. 0 (the default) turns it off.
    pub l2: f64,
    /// Stop when the loss on a validation set stops improving, and keep the best epoch's
    /// weights (off by default).
    pub early_stopping: Option<EarlyStopping<'a, T, IN, OUT>>,
}

/// Early stopping: after every epoch [`fit`] measures the mean loss on `validation` in
/// inference mode (the data loss, without the L2 penalty), keeps a copy of the parameters and
/// buffers of the best epoch so far, stops once `patience` epochs in a row have not improved on
/// it, and restores the best copy before it returns.
///
/// The loss rather than the accuracy decides: it is continuous, so it shows overfitting (growing
/// confidence in wrong answers) epochs before the accuracy, a count that often ties between
/// epochs on a small validation set, moves at all.
#[derive(Clone, Copy, Debug)]
pub struct EarlyStopping<'a, T: Scalar, const IN: usize, const OUT: usize> {
    /// The held-out set the loss is measured on (not the training set, nor the test set).
    pub validation: &'a Dataset<T, IN, OUT>,
    /// Epochs without a lower validation loss before training stops (at least 1).
    pub patience: usize,
}

impl<T: Scalar, const IN: usize, const OUT: usize> Default for TrainConfig<'_, T, IN, OUT> {
    fn default() -> Self {
        Self {
            epochs: 10,
            batch_size: 64,
            epochs_done: 0,
            test: None,
            clip: None,
            schedule: Schedule::constant(),
            l2: 0.0,
            early_stopping: None,
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
    /// With early stopping: the mean loss on the validation set after the epoch.
    pub validation_loss: Option<f64>,
    /// With early stopping: the epoch with the lowest validation loss so far (this one if it
    /// improved), whose weights [`fit`] returns if training ends before a better one.
    pub best_epoch: Option<usize>,
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
    /// What [`fit`] adds between the backward pass and the step (nothing for [`Trainer::new`]).
    regularization: Regularization,
}

/// The L2 term, clipping and schedule of a run, worked out once per [`fit`] call.
#[derive(Default)]
struct Regularization {
    l2: f64,
    /// Which slots are weights (for the L2 term).
    weights: Vec<bool>,
    clip: Option<Clip>,
    /// The schedule, the base rate, steps per epoch and steps in the whole run.
    schedule: Option<(Schedule, f64, usize, usize)>,
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
            regularization: Regularization::default(),
        }
    }

    /// Between the backward pass and the optimizer's step: adds the L2 term to the gradient,
    /// clips it, and sets the scheduled learning rate of step `step`. Returns the penalty to add
    /// to the batch's loss (0 without L2).
    fn before_step(&mut self, network: &N, optimizer: &mut impl Optimizer<T>, step: u64) -> f64 {
        let r = &self.regularization;
        let mut penalty = 0.0;
        if r.l2 != 0.0 {
            penalty = add_l2(network, &mut self.gradients, r.l2, &r.weights);
        }
        if let Some(clip) = r.clip {
            clip.apply(&mut self.gradients);
        }
        if let Some((schedule, base, per_epoch, total)) = r.schedule {
            optimizer.set_learning_rate(schedule.rate(base, step as usize, per_epoch, total));
        }
        penalty
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
        // The pool's other threads wait for each parallel pass awake (see `parallel::Awake`).
        let _awake = parallel::Awake::new();
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
            // L2 penalty, clipping and the scheduled rate, if the run asks for them.
            loss_sum += self.before_step(network, optimizer, self.steps_done - 1);
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
            validation_loss: None,
            best_epoch: None,
            seconds,
            samples_per_second: data.len() as f64 / seconds,
        })
    }
}

/// Trains `network` on `train` for `config.epochs` epochs (continuing after
/// `config.epochs_done`), measuring the accuracy on `config.test` after each, and returns one
/// report per epoch trained. `observer` hears each batch and each finished epoch (with the
/// network and the optimizer, so it may save a checkpoint); an error from it stops training.
///
/// With [`TrainConfig::early_stopping`], training may end before `config.epochs`, and the
/// network returned is the best epoch's (named by the reports' `best_epoch`), not the last
/// one's; the observer still heard every epoch trained, with the network as that epoch left it.
/// The best copy lives only in this call: a resumed run starts looking for the best anew.
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
    validate(config)?;
    let epochs_done = config.epochs_done;
    let batches = train.len().div_ceil(config.batch_size.max(1));
    let mut trainer = Trainer::new(network);
    trainer.epochs_done = epochs_done;
    // Every epoch has the same number of batches, so a resumed run numbers its steps (and
    // draws its dropout masks, and schedules its rates) as the uninterrupted run did.
    trainer.steps_done = (epochs_done * batches) as u64;
    let base_rate = optimizer.learning_rate();
    trainer.regularization = Regularization {
        l2: config.l2,
        weights: if config.l2 != 0.0 {
            weight_slots(&network.tensor_specs())
        } else {
            Vec::new()
        },
        clip: config.clip,
        schedule: Some((config.schedule, base_rate, batches, config.epochs * batches)),
    };
    let mut best = config.early_stopping.map(|_| Best::new(network));
    let mut reports = Vec::with_capacity(config.epochs.saturating_sub(epochs_done));
    let result: Result<()> = (|| {
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
            let mut stop = false;
            if let (Some(stopping), Some(best)) = (&config.early_stopping, &mut best) {
                let validation_loss = mean_loss(network, loss, stopping.validation);
                if validation_loss < best.loss {
                    best.keep(network, validation_loss, epoch);
                }
                report.validation_loss = Some(validation_loss);
                report.best_epoch = Some(best.epoch);
                stop = epoch - best.epoch >= stopping.patience;
            }
            observer.epoch_done(&report, network, optimizer)?;
            reports.push(report);
            if stop {
                break;
            }
        }
        Ok(())
    })();
    optimizer.set_learning_rate(base_rate);
    result?;
    if let Some(best) = &best {
        best.restore(network);
    }
    Ok(reports)
}

/// Rejects settings that cannot train, naming the setting.
fn validate<T: Scalar, const IN: usize, const OUT: usize>(
    config: &TrainConfig<T, IN, OUT>,
) -> Result<()> {
    if let Some(clip) = &config.clip {
        clip.validate()?;
    }
    config.schedule.validate()?;
    if !(config.l2.is_finite() && config.l2 >= 0.0) {
        return Err(Error::InvalidSetting(format!(
            "the L2 penalty λ must be a number ≥ 0, not {}",
            config.l2
        )));
    }
    if let Some(stopping) = &config.early_stopping {
        if stopping.patience == 0 {
            return Err(Error::InvalidSetting(
                "early stopping needs a patience of at least 1 epoch".into(),
            ));
        }
        if stopping.validation.is_empty() {
            return Err(Error::InvalidSetting(
                "the validation set for early stopping is empty".into(),
            ));
        }
    }
    Ok(())
}

/// The best epoch so far, for early stopping: its validation loss and a copy of its parameters
/// and buffers, flat in visiting order (allocated once).
struct Best<T> {
    loss: f64,
    epoch: usize,
    parameters: Vec<T>,
    buffers: Vec<T>,
}

impl<T: Scalar> Best<T> {
    /// Nothing kept yet (the first epoch evaluated will be kept).
    fn new<P: Parameters<T>>(model: &P) -> Self {
        let buffers = model.buffer_specs().iter().map(|spec| spec.len()).sum();
        Self {
            loss: f64::INFINITY,
            epoch: 0,
            parameters: Vec::with_capacity(model.parameter_count()),
            buffers: Vec::with_capacity(buffers),
        }
    }

    /// Keeps `model` as the best, from epoch `epoch` with validation loss `loss`.
    fn keep<P: Parameters<T>>(&mut self, model: &P, loss: f64, epoch: usize) {
        self.loss = loss;
        self.epoch = epoch;
        self.parameters.clear();
        model.visit(&mut |tensor| self.parameters.extend_from_slice(tensor));
        self.buffers.clear();
        model.visit_buffers(&mut |tensor| self.buffers.extend_from_slice(tensor));
    }

    /// Writes the kept copy back into `model` (if one was kept).
    fn restore<P: Parameters<T>>(&self, model: &mut P) {
        if self.epoch == 0 {
            return;
        }
        let mut at = 0;
        model.visit_mut(&mut |tensor| {
            tensor.copy_from_slice(&self.parameters[at..at + tensor.len()]);
            at += tensor.len();
        });
        let mut at = 0;
        model.visit_buffers_mut(&mut |tensor| {
            tensor.copy_from_slice(&self.buffers[at..at + tensor.len()]);
            at += tensor.len();
        });
    }
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

/// The mean loss of `network` over `data` in inference mode (evaluated in chunks of 1,000, each
/// weighted by its size), in `f64`.
pub fn mean_loss<T: Scalar, N: Network<T, IN, OUT>, const IN: usize, const OUT: usize>(
    network: &N,
    loss: &impl Loss<T, OUT>,
    data: &Dataset<T, IN, OUT>,
) -> f64 {
    let mut trace = N::Trace::default();
    let (mut inputs, mut targets) = (Batch::zeros(0), Batch::zeros(0));
    let mut sum = 0.0;
    let all: Vec<usize> = (0..data.len()).collect();
    for indices in all.chunks(1000) {
        data.gather_into(indices, &mut inputs, &mut targets);
        let logits = network.forward_trace(&inputs, Pass::infer(), &mut trace);
        sum += loss.value(logits, &targets).as_f64() * indices.len() as f64;
    }
    sum / data.len().max(1) as f64
}
