//! The headline run: `784 → ReLU 128 → softmax 10` learns the MNIST digits, and the benchmark that
//! times it.

use crate::hand_wired::Mlp;
use nabla::Result;
use nabla::checkpoint;
use nabla::data::mnist::{self, CLASSES, PIXELS};
use nabla::loss::SoftmaxCrossEntropy;
use nabla::network::Network;
use nabla::optim::{Adam, Momentum, Optimizer, Sgd};
use nabla::train::{EpochReport, TrainConfig, Trainer, fit_from};
use rand::SeedableRng;
use rand::rngs::StdRng;
use std::path::{Path, PathBuf};

// ANCHOR: network
nabla::network! {
    /// The network of the headline run: 784 pixels → 128 ReLU units → 10 class probabilities.
    pub struct MnistNet: 784 => relu 128 => softmax 10
}
// ANCHOR_END: network

/// The same network wired by hand (see `hand_wired.rs`), for the benchmark.
pub type HandWiredNet = Mlp<f32, PIXELS, 128, CLASSES>;

/// The optimizers the command line offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptimizerChoice {
    /// Plain SGD.
    Sgd,
    /// SGD with momentum 0.9.
    Momentum,
    /// Adam with β₁ = 0.9, β₂ = 0.999.
    Adam,
}

impl OptimizerChoice {
    /// The optimizer with learning rate `learning_rate`.
    pub fn build(self, learning_rate: f64) -> Box<dyn Optimizer<f32>> {
        match self {
            OptimizerChoice::Sgd => Box::new(Sgd::new(learning_rate)),
            OptimizerChoice::Momentum => Box::new(Momentum::new(learning_rate, 0.9)),
            OptimizerChoice::Adam => Box::new(Adam::new(learning_rate)),
        }
    }
}

/// Everything the headline run can be told.
#[derive(Clone, Debug, PartialEq)]
pub struct RunConfig {
    /// Passes over the 60,000 training images.
    pub epochs: usize,
    /// Images per mini-batch.
    pub batch_size: usize,
    /// The optimizer's learning rate.
    pub learning_rate: f64,
    /// Which optimizer.
    pub optimizer: OptimizerChoice,
    /// Seeds the weights and the batch order.
    pub seed: u64,
    /// Where the four MNIST files are.
    pub data_dir: PathBuf,
}

impl Default for RunConfig {
    fn default() -> Self {
        Self {
            epochs: 10,
            batch_size: 64,
            learning_rate: 1e-3,
            optimizer: OptimizerChoice::Adam,
            seed: 42,
            data_dir: mnist::default_dir(),
        }
    }
}

/// Where the headline run draws its figures by default: `target/figures/` in the workspace.
pub fn run_figures_dir() -> PathBuf {
    let chapters = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    chapters
        .parent()
        .unwrap_or(chapters)
        .join("target")
        .join("figures")
}

/// The outcome of a headline run: the trained network, its epoch reports and the data.
pub struct Trained {
    /// The network after the last epoch.
    pub network: MnistNet,
    /// One report per epoch.
    pub reports: Vec<EpochReport>,
    /// The training and test digits, as loaded.
    pub digits: mnist::Mnist,
}

/// Trains on all 60,000 training images and evaluates on the 10,000 test images after every
/// epoch, calling `on_epoch` with each report.
pub fn run(config: &RunConfig, on_epoch: impl FnMut(&EpochReport)) -> Result<Trained> {
    run_with_checkpoints(config, None, on_epoch)
}

/// Where a run keeps its per-epoch checkpoints (see [`nabla::checkpoint`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoints {
    /// The directory: a checkpoint is saved into it after every epoch.
    pub dir: PathBuf,
    /// Continue from the latest checkpoint in `dir` instead of starting afresh.
    pub resume: bool,
}

/// [`run`], saving a checkpoint after every epoch if `checkpoints` is given, and first resuming
/// from the latest one if asked to. A resumed run trains (and reports) only the remaining epochs,
/// numbered as in the full run, and ends exactly as an uninterrupted run with the same settings.
pub fn run_with_checkpoints(
    config: &RunConfig,
    checkpoints: Option<&Checkpoints>,
    mut on_epoch: impl FnMut(&EpochReport),
) -> Result<Trained> {
    let digits = mnist::load(&config.data_dir)?;
    let (train, test) = (
        digits.train.to_dataset::<f32>(),
        digits.test.to_dataset::<f32>(),
    );
    // The generator's only draws: the initial weights, then one shuffle per epoch, which is
    // what lets a resumed run recreate it without saving it.
    let mut rng = StdRng::seed_from_u64(config.seed);
    let mut network = MnistNet::<f32>::new(&mut rng);
    let mut optimizer = config.optimizer.build(config.learning_rate);
    let settings = checkpoint_settings(config);
    let mut epochs_done = 0;
    if let Some(Checkpoints { dir, resume: true }) = checkpoints {
        epochs_done = checkpoint::load_latest(dir, &mut network, &mut optimizer, &settings)?;
        if epochs_done >= config.epochs {
            return Err(nabla::Error::Checkpoint(format!(
                "cannot resume: the latest checkpoint in {} is of epoch {epochs_done}, and this \
                 run has {} epochs; ask for more with --epochs",
                dir.display(),
                config.epochs
            )));
        }
        checkpoint::replay_shuffles(&mut rng, train.len(), epochs_done);
    }
    let train_config = TrainConfig {
        epochs: config.epochs,
        batch_size: config.batch_size,
        progress: true,
    };
    let save_to: Option<&Path> = checkpoints.map(|c| c.dir.as_path());
    let reports = fit_from(
        &mut network,
        &SoftmaxCrossEntropy,
        &mut optimizer,
        &train,
        Some(&test),
        &train_config,
        epochs_done,
        &mut rng,
        |report, network, optimizer| {
            if let Some(dir) = save_to {
                checkpoint::save(dir, report.epoch, network, optimizer, &settings)?;
            }
            on_epoch(report);
            Ok(())
        },
    )?;
    Ok(Trained {
        network,
        reports,
        digits,
    })
}

/// The settings a checkpoint must share with the run that resumes from it (not the number of
/// epochs, which a resumed run may raise).
pub fn checkpoint_settings(config: &RunConfig) -> Vec<(String, String)> {
    [
        ("architecture", MnistNet::<f32>::ARCHITECTURE.to_string()),
        ("optimizer", format!("{:?}", config.optimizer)),
        ("learning_rate", config.learning_rate.to_string()),
        ("batch_size", config.batch_size.to_string()),
        ("seed", config.seed.to_string()),
    ]
    .into_iter()
    .map(|(key, value)| (key.to_string(), value))
    .collect()
}

/// The one-line summary of the run's settings that precedes the epoch lines.
pub fn describe(config: &RunConfig) -> String {
    format!(
        "MNIST {} | {:?} lr {} | batch {} | {} epochs | seed {}",
        MnistNet::<f32>::ARCHITECTURE,
        config.optimizer,
        config.learning_rate,
        config.batch_size,
        config.epochs,
        config.seed
    )
}

/// One line per epoch: loss, accuracies, time and throughput.
pub fn format_epoch(report: &EpochReport) -> String {
    format!(
        "epoch {:>2}  loss {:.4}  train {:.2}%  test {:.2}%  {:.2} s  {:.0} samples/s",
        report.epoch,
        report.mean_loss,
        100.0 * report.train_accuracy,
        100.0 * report.test_accuracy.unwrap_or(f64::NAN),
        report.seconds,
        report.samples_per_second
    )
}

/// The closing line: accuracy on the test set after the last epoch.
pub fn format_final(reports: &[EpochReport]) -> String {
    let accuracy = reports
        .last()
        .and_then(|r| r.test_accuracy)
        .unwrap_or(f64::NAN);
    format!(
        "final test accuracy: {:.2}% (10,000 test images)",
        100.0 * accuracy
    )
}

/// Which implementation of the headline network to time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Implementation {
    /// Declared with `network!`.
    Macro,
    /// Wired by hand from `Dense` layers.
    HandWired,
}

/// Times `config.epochs` training epochs of the headline recipe for each implementation,
/// alternating between them epoch by epoch so that both see the same machine conditions.
/// Returns the seconds of each epoch, per implementation.
pub fn bench(config: &RunConfig, implementations: &[Implementation]) -> Result<Vec<Vec<f64>>> {
    let train = mnist::load(&config.data_dir)?.train.to_dataset::<f32>();
    let mut runs: Vec<Box<dyn FnMut() -> Result<f64>>> = Vec::new();
    for &implementation in implementations {
        let mut rng = StdRng::seed_from_u64(config.seed);
        runs.push(match implementation {
            Implementation::Macro => {
                timed_epochs(MnistNet::<f32>::new(&mut rng), config, &train, rng)
            }
            Implementation::HandWired => {
                timed_epochs(HandWiredNet::new(&mut rng), config, &train, rng)
            }
        });
    }
    let mut seconds = vec![Vec::new(); runs.len()];
    for _ in 0..config.epochs {
        for (run, times) in runs.iter_mut().zip(&mut seconds) {
            times.push(run()?);
        }
    }
    Ok(seconds)
}

/// A closure that trains `network` for one more epoch each call and returns its seconds.
fn timed_epochs<'a, N: Network<f32, PIXELS, CLASSES> + 'a>(
    mut network: N,
    config: &RunConfig,
    train: &'a nabla::data::Dataset<f32, PIXELS, CLASSES>,
    mut rng: StdRng,
) -> Box<dyn FnMut() -> Result<f64> + 'a> {
    let mut optimizer = config.optimizer.build(config.learning_rate);
    let mut trainer = Trainer::new(&network);
    let batch_size = config.batch_size;
    let hidden = indicatif::ProgressBar::hidden();
    Box::new(move || {
        let report = trainer.epoch(
            &mut network,
            &SoftmaxCrossEntropy,
            &mut optimizer,
            train,
            batch_size,
            &mut rng,
            &hidden,
        )?;
        Ok(report.seconds)
    })
}
