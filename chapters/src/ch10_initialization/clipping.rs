//! The clipping experiment: plain SGD with a learning rate too large for a deep ReLU network,
//! once without clipping (it diverges) and once with each kind of clipping.

use nabla::Scalar;
use nabla::clip::{Clip, global_norm};
use nabla::data::mnist::{CLASSES, PIXELS};
use nabla::data::{Dataset, shuffled_indices};
use nabla::loss::SoftmaxCrossEntropy;
use nabla::network::{Network, loss_and_gradients};
use nabla::optim::{Optimizer, Sgd};
use nabla::train::{TrainConfig, fit, on_epoch};
use nabla::{Error, network};
use rand::SeedableRng;
use rand::rngs::StdRng;

// ANCHOR: deep_relu
network! {
    /// The deep network of the clipping run: six ReLU layers of 256.
    pub struct DeepRelu: 784 => relu 256 => relu 256 => relu 256 => relu 256 => relu 256
        => relu 256 => softmax 10
}
// ANCHOR_END: deep_relu

network! {
    /// The small network of the clipping test: six ReLU layers of 64.
    pub struct SmallRelu: 784 => relu 64 => relu 64 => relu 64 => relu 64 => relu 64
        => relu 64 => softmax 10
}

/// How a training run ended.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// It ran every epoch: the mean training loss of each, and the test accuracy at the end.
    Trained {
        /// The mean training loss of each epoch.
        losses: Vec<f64>,
        /// The fraction of the test set classified correctly after the last epoch.
        test_accuracy: f64,
        /// Seconds spent training.
        seconds: f64,
    },
    /// The loss stopped being finite: in which epoch and batch, and the losses of the epochs
    /// finished before.
    Diverged {
        /// The epoch (from 1).
        epoch: usize,
        /// The batch within the epoch (from 1).
        batch: usize,
        /// The non-finite loss.
        loss: f64,
        /// The mean training loss of each finished epoch.
        losses: Vec<f64>,
    },
}

// ANCHOR: clipped_run
/// Trains `network` with SGD at `learning_rate` for `epochs` epochs of batches of 64, clipping
/// each gradient by `clip` if given. A divergence (the loss turning NaN or infinite, which
/// makes `fit` stop with an error) is an outcome to report, not a failure of the program.
pub fn train<N: Network<f32, PIXELS, CLASSES>>(
    network: &mut N,
    (train, test): (
        &Dataset<f32, PIXELS, CLASSES>,
        &Dataset<f32, PIXELS, CLASSES>,
    ),
    learning_rate: f64,
    clip: Option<Clip>,
    epochs: usize,
    seed: u64,
) -> nabla::Result<Outcome> {
    let config = TrainConfig {
        epochs,
        batch_size: BATCH_SIZE,
        test: Some(test),
        clip,
        ..TrainConfig::default()
    };
    let mut rng = StdRng::seed_from_u64(seed);
    let mut losses = Vec::new();
    let observer = on_epoch(|report, _: &N, _: &Sgd| {
        losses.push(report.mean_loss);
        Ok(())
    });
    let mut sgd = Sgd::new(learning_rate);
    let result = fit(
        network,
        &SoftmaxCrossEntropy,
        &mut sgd,
        train,
        &config,
        &mut rng,
        observer,
    );
    match result {
        Ok(reports) => Ok(Outcome::Trained {
            losses,
            test_accuracy: reports.last().and_then(|r| r.test_accuracy).unwrap_or(0.0),
            seconds: reports.iter().map(|r| r.seconds).sum(),
        }),
        Err(Error::Diverged {
            epoch, batch, loss, ..
        }) => Ok(Outcome::Diverged {
            epoch,
            batch,
            loss,
            losses,
        }),
        Err(other) => Err(other),
    }
}
// ANCHOR_END: clipped_run

/// The samples per mini-batch of every clipping run.
pub const BATCH_SIZE: usize = 64;

// ANCHOR: first_steps
/// The first `steps` steps of the same run as [`train`], one by one (the same seed draws the
/// same batches): each batch's loss and the global norm ‖g‖ of its gradient before clipping.
/// Stops after the first batch whose loss is not finite.
pub fn first_steps<N: Network<f32, PIXELS, CLASSES>>(
    network: &mut N,
    train: &Dataset<f32, PIXELS, CLASSES>,
    learning_rate: f64,
    clip: Option<Clip>,
    steps: usize,
    seed: u64,
) -> Vec<(f64, f64)> {
    let mut rng = StdRng::seed_from_u64(seed);
    let order = shuffled_indices(train.len(), &mut rng);
    let mut sgd = Sgd::new(learning_rate);
    let mut measured = Vec::new();
    for indices in order.chunks(BATCH_SIZE).take(steps) {
        let batch = train.subset(indices);
        let (loss, mut gradients) =
            loss_and_gradients(network, &SoftmaxCrossEntropy, &batch.inputs, &batch.targets);
        measured.push((loss.as_f64(), global_norm(&gradients)));
        if !loss.is_finite() {
            break;
        }
        if let Some(clip) = clip {
            clip.apply(&mut gradients);
        }
        sgd.step(network, &gradients);
    }
    measured
}
// ANCHOR_END: first_steps

/// The outcome as one line: the losses per epoch and the accuracy, or where it diverged.
pub fn describe(outcome: &Outcome) -> String {
    let losses = |losses: &[f64]| {
        let printed: Vec<String> = (losses.iter().enumerate())
            .map(|(e, l)| format!("epoch {}: loss {l:.3}", e + 1))
            .collect();
        printed.join(", ")
    };
    match outcome {
        Outcome::Trained {
            losses: l,
            test_accuracy,
            seconds,
        } => format!(
            "{}; test accuracy {:.1}%; {seconds:.1} s",
            losses(l),
            100.0 * test_accuracy
        ),
        Outcome::Diverged {
            epoch,
            batch,
            loss,
            losses: l,
        } => {
            let before = if l.is_empty() {
                String::new()
            } else {
                format!(" (after {})", losses(l))
            };
            format!("diverged: loss {loss} in batch {batch} of epoch {epoch}{before}")
        }
    }
}
