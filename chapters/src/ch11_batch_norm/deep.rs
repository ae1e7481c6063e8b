//! The long experiments' machinery: a deep ReLU network with and without batch normalization,
//! a training loop that records the loss of every batch, and accuracy in either mode.

use nabla::Batch;
use nabla::Scalar;
use nabla::batch::argmax_columns;
use nabla::data::Dataset;
use nabla::data::mnist::{CLASSES, PIXELS};
use nabla::layer::Pass;
use nabla::loss::{Loss, SoftmaxCrossEntropy};
use nabla::network::Network;
use nabla::optim::{Optimizer, Sgd};
use nabla::train::count_correct;
use rand::Rng;
use std::time::Instant;

// ANCHOR: networks
nabla::network! {
    /// Six hidden ReLU layers of 100 units, nothing else.
    pub struct Plain: 784 => relu 100 => relu 100 => relu 100 => relu 100 => relu 100
        => relu 100 => softmax 10
}

nabla::network! {
    /// The same six layers, each weighted input batch-normalized before its ReLU.
    pub struct Normalized: 784
        => linear 100 => batchnorm => relu => linear 100 => batchnorm => relu
        => linear 100 => batchnorm => relu => linear 100 => batchnorm => relu
        => linear 100 => batchnorm => relu => linear 100 => batchnorm => relu
        => softmax 10
}
// ANCHOR_END: networks

/// A batch loss above this (or not a number) counts as divergence: chance is ln 10 ≈ 2.3, so
/// the logits are hundreds apart and the weights have blown up.
pub const DIVERGED_LOSS: f64 = 1000.0;

/// One epoch of a run, measured after it.
#[derive(Clone, Debug, PartialEq)]
pub struct EpochRow {
    /// The epoch, from 1.
    pub epoch: usize,
    /// The mean of the epoch's batch losses.
    pub mean_loss: f64,
    /// The test accuracy after the epoch, in inference mode.
    pub test_accuracy: f64,
    /// The test accuracy after the epoch in training mode, each batch of 1000 test images
    /// normalized by its own statistics (the same as `test_accuracy` without batch norm).
    pub batch_statistics_accuracy: f64,
    /// Seconds spent training in the epoch (evaluation not counted).
    pub seconds: f64,
}

/// What a training run recorded.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Run {
    /// The loss of every batch, in order (up to and including the one that diverged, if any).
    pub batch_losses: Vec<f64>,
    /// One row per finished epoch.
    pub epochs: Vec<EpochRow>,
    /// The batch (counted from 1 over the whole run) whose loss diverged, if any.
    pub diverged_at: Option<usize>,
}

// ANCHOR: train
/// Trains `network` with plain SGD at `learning_rate` on mini-batches of `batch_size`, for
/// `epochs` epochs, recording every batch's loss and, after every epoch, the accuracy on `test`
/// in inference mode (and in training mode on batches of 1000). Stops at the first batch whose loss exceeds [`DIVERGED_LOSS`] or is not
/// a number.
pub fn train<N: Network<f32, PIXELS, CLASSES>>(
    network: &mut N,
    data: &Dataset<f32, PIXELS, CLASSES>,
    test: &Dataset<f32, PIXELS, CLASSES>,
    learning_rate: f64,
    (epochs, batch_size): (usize, usize),
    rng: &mut impl Rng,
) -> Run {
    let mut optimizer = Sgd::new(learning_rate);
    let (mut trace, mut gradients) = (N::Trace::default(), network.zeros_like());
    let (mut inputs, mut targets) = (Batch::zeros(0), Batch::zeros(0));
    let mut logits_gradient = Batch::zeros(0);
    let mut run = Run::default();
    for epoch in 1..=epochs {
        let start = Instant::now();
        let order = nabla::data::shuffled_indices(data.len(), rng);
        let mut sum = 0.0;
        for indices in order.chunks(batch_size) {
            data.gather_into(indices, &mut inputs, &mut targets);
            let step = run.batch_losses.len() as u64;
            let logits = network.forward_trace(&inputs, Pass::train(step), &mut trace);
            let loss = SoftmaxCrossEntropy
                .value_and_gradient(logits, &targets, &mut logits_gradient)
                .as_f64();
            if loss.is_nan() || loss > DIVERGED_LOSS {
                run.diverged_at = Some(run.batch_losses.len() + 1);
                run.batch_losses.push(loss);
                return run;
            }
            run.batch_losses.push(loss);
            sum += loss;
            network.backward(&inputs, &mut trace, &logits_gradient, &mut gradients);
            optimizer.step(network, &gradients);
            // Batch norm's running averages take a step towards this batch's statistics.
            network.update_buffers(&trace);
        }
        let seconds = start.elapsed().as_secs_f64();
        run.epochs.push(EpochRow {
            epoch,
            mean_loss: sum / order.len().div_ceil(batch_size) as f64,
            test_accuracy: accuracy_in(network, test, Pass::infer(), 1000),
            batch_statistics_accuracy: accuracy_in(network, test, Pass::train(0), 1000),
            seconds,
        });
    }
    run
}
// ANCHOR_END: train

// ANCHOR: accuracy_in
/// The fraction of `data` that `network` classifies correctly, fed in batches of `batch_size`
/// in the mode of `pass`: in training mode batch norm normalizes each batch by its own
/// statistics, in inference mode by its running averages.
pub fn accuracy_in<N: Network<f32, PIXELS, CLASSES>>(
    network: &N,
    data: &Dataset<f32, PIXELS, CLASSES>,
    pass: Pass,
    batch_size: usize,
) -> f64 {
    let mut trace = N::Trace::default();
    let (mut inputs, mut targets) = (Batch::zeros(0), Batch::zeros(0));
    let all: Vec<usize> = (0..data.len()).collect();
    let mut correct = 0;
    for indices in all.chunks(batch_size) {
        data.gather_into(indices, &mut inputs, &mut targets);
        correct += count_correct(network.forward_trace(&inputs, pass, &mut trace), &targets);
    }
    correct as f64 / data.len().max(1) as f64
}
// ANCHOR_END: accuracy_in

/// The class `network` picks for each sample of `data`, fed in batches of `batch_size` in the
/// mode of `pass`.
pub fn predictions_in<N: Network<f32, PIXELS, CLASSES>>(
    network: &N,
    data: &Dataset<f32, PIXELS, CLASSES>,
    pass: Pass,
    batch_size: usize,
) -> Vec<usize> {
    let mut trace = N::Trace::default();
    let (mut inputs, mut targets) = (Batch::zeros(0), Batch::zeros(0));
    let all: Vec<usize> = (0..data.len()).collect();
    let mut predictions = Vec::with_capacity(data.len());
    for indices in all.chunks(batch_size) {
        data.gather_into(indices, &mut inputs, &mut targets);
        predictions.extend(argmax_columns(
            network.forward_trace(&inputs, pass, &mut trace),
        ));
    }
    predictions
}

/// The mean of each window of `width` consecutive values (the last window may be shorter),
/// placed at the window's middle, for a readable loss curve.
pub fn smoothed(values: &[f64], width: usize) -> Vec<(f64, f64)> {
    values
        .chunks(width.max(1))
        .enumerate()
        .map(|(k, chunk)| {
            let middle = (k * width) as f64 + chunk.len() as f64 / 2.0;
            (middle, chunk.iter().sum::<f64>() / chunk.len() as f64)
        })
        .collect()
}
