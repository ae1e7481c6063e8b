//! The headline run: `784 → ReLU 128 → softmax 10` learns the MNIST digits. The benchmark that
//! times it lives in [`crate::bench`].

use nabla::Result;
use nabla::checkpoint;
use nabla::clip::Clip;
use nabla::data::mnist::{self, CLASSES};
use nabla::loss::SoftmaxCrossEntropy;
use nabla::optim::{AdaGrad, Adam, AdamW, Momentum, Nesterov, Optimizer, RmsProp, Sgd};
use nabla::schedule::{Decay, Schedule};
use nabla::train::{EarlyStopping, EpochReport, TrainConfig, fit};
use rand::SeedableRng;
use rand::rngs::StdRng;
use std::path::{Path, PathBuf};

// ANCHOR: network
nabla::network! {
    /// The network of the headline run: 784 pixels → 128 ReLU units → 10 class probabilities.
    pub struct MnistNet: 784 => relu 128 => softmax 10
}
// ANCHOR_END: network

pub use crate::bench::{HandWiredNet, Implementation, bench};

/// The optimizers the command line offers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum OptimizerChoice {
    /// Plain SGD.
    Sgd,
    /// SGD with momentum 0.9.
    Momentum,
    /// Nesterov momentum 0.9.
    Nesterov,
    /// AdaGrad.
    AdaGrad,
    /// RMSProp with ρ = 0.99.
    RmsProp,
    /// Adam with β₁ = 0.9, β₂ = 0.999.
    Adam,
    /// AdamW: Adam with weight decay λ decoupled from the gradient (weights only).
    AdamW {
        /// The decay λ.
        weight_decay: f64,
    },
}

impl OptimizerChoice {
    /// The optimizer with learning rate `learning_rate`.
    pub fn build(self, learning_rate: f64) -> Box<dyn Optimizer<f32>> {
        match self {
            OptimizerChoice::Sgd => Box::new(Sgd::new(learning_rate)),
            OptimizerChoice::Momentum => Box::new(Momentum::new(learning_rate, 0.9)),
            OptimizerChoice::Nesterov => Box::new(Nesterov::new(learning_rate, 0.9)),
            OptimizerChoice::AdaGrad => Box::new(AdaGrad::new(learning_rate)),
            OptimizerChoice::RmsProp => Box::new(RmsProp::new(learning_rate)),
            OptimizerChoice::Adam => Box::new(Adam::new(learning_rate)),
            OptimizerChoice::AdamW { weight_decay } => {
                Box::new(AdamW::with_weight_decay(learning_rate, weight_decay))
            }
        }
    }

    /// The lowercase name, as the command line spells it.
    pub fn name(self) -> &'static str {
        match self {
            OptimizerChoice::Sgd => "sgd",
            OptimizerChoice::Momentum => "momentum",
            OptimizerChoice::Nesterov => "nesterov",
            OptimizerChoice::AdaGrad => "adagrad",
            OptimizerChoice::RmsProp => "rmsprop",
            OptimizerChoice::Adam => "adam",
            OptimizerChoice::AdamW { .. } => "adamw",
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
    /// The learning-rate schedule (constant by default).
    pub schedule: Schedule,
    /// Gradient clipping, if any.
    pub clip: Option<Clip>,
    /// The L2 penalty λ on the weights (0 for none).
    pub l2: f64,
    /// Early stopping's patience in epochs, if the run stops early (see
    /// [`nabla::train::EarlyStopping`]): the validation set is then split off the training
    /// images with the run's seed, and the network returned is the best epoch's.
    pub early_stopping: Option<usize>,
    /// How many training images early stopping holds out as its validation set.
    pub validation: usize,
}

/// The validation set early stopping splits off the training images unless told otherwise.
pub const DEFAULT_VALIDATION: usize = 5000;

impl Default for RunConfig {
    fn default() -> Self {
        Self {
            epochs: 10,
            batch_size: 64,
            learning_rate: 1e-3,
            optimizer: OptimizerChoice::Adam,
            seed: 42,
            data_dir: mnist::default_dir(),
            schedule: Schedule::constant(),
            clip: None,
            l2: 0.0,
            early_stopping: None,
            validation: DEFAULT_VALIDATION,
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
    /// The network after the last epoch (with early stopping, after the best epoch).
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
    check_data(&digits, &config.data_dir)?;
    let (mut train, test) = (
        digits.train.to_dataset::<f32>(),
        digits.test.to_dataset::<f32>(),
    );
    // The generator's only draws: the validation split (with early stopping), the initial
    // weights, then one shuffle per epoch, which is what lets a resumed run recreate it
    // without saving it.
    let mut rng = StdRng::seed_from_u64(config.seed);
    let mut validation = None;
    if config.early_stopping.is_some() {
        check_validation_size(config.validation, train.len(), &config.data_dir)?;
        let (rest, held_out) = train.split_validation(config.validation, &mut rng);
        (train, validation) = (rest, Some(held_out));
    }
    let mut network = MnistNet::<f32>::new(&mut rng);
    let mut optimizer = config.optimizer.build(config.learning_rate);
    let settings = checkpoint_settings(config)?;
    let mut epochs_done = 0;
    if let Some(Checkpoints { dir, resume: true }) = checkpoints {
        epochs_done = checkpoint::load_latest(dir, &mut network, &mut optimizer, &settings)?;
        if epochs_done >= config.epochs {
            return Err(nabla::Error::Checkpoint(format!(
                "cannot resume: the latest checkpoint in {} is of epoch {epochs_done}, and this \
                 run has {}; ask for more with --epochs",
                dir.display(),
                count(config.epochs, "epoch", "epochs")
            )));
        }
        checkpoint::replay_shuffles(&mut rng, train.len(), epochs_done);
    }
    let train_config = TrainConfig {
        epochs: config.epochs,
        batch_size: config.batch_size,
        epochs_done,
        test: Some(&test),
        schedule: config.schedule,
        clip: config.clip,
        l2: config.l2,
        early_stopping: config.early_stopping.zip(validation.as_ref()).map(
            |(patience, validation)| EarlyStopping {
                validation,
                patience,
            },
        ),
    };
    let save_to: Option<&Path> = checkpoints.map(|c| c.dir.as_path());
    let reports = fit(
        &mut network,
        &SoftmaxCrossEntropy,
        &mut optimizer,
        &train,
        &train_config,
        &mut rng,
        crate::progress::with_progress_bar(|report, network, optimizer| {
            // Report the epoch first, so that the numbers that stop a run are shown too.
            on_epoch(report);
            if let Some(problem) = progress_problem(report, config) {
                return Err(nabla::Error::Training(problem));
            }
            if let Some(dir) = save_to {
                checkpoint::save(dir, report.epoch, network, optimizer, &settings)?;
            }
            Ok(())
        }),
    )
    .map_err(|error| better_suggestion(error, config))?;
    Ok(Trained {
        network,
        reports,
        digits,
    })
}

/// Refuses a validation set that would leave no training images, or that is empty (`images`
/// training images in `dir`).
pub fn check_validation_size(validation: usize, images: usize, dir: &Path) -> Result<()> {
    if validation == 0 || validation >= images {
        return Err(nabla::Error::InvalidSetting(format!(
            "--validation {validation} would leave no images to train on: {} holds {}, so \
             hold out at least 1 and at most {}",
            dir.display(),
            count(images, "training image", "training images"),
            count(images.saturating_sub(1), "", "").trim_end()
        )));
    }
    Ok(())
}

/// Refuses data a run cannot learn from or be measured on, and warns about data that looks
/// mixed up (on standard error, before training starts).
pub fn check_data(digits: &mnist::Mnist, dir: &Path) -> Result<()> {
    for (set, file) in [
        (&digits.train, mnist::TRAIN_IMAGES),
        (&digits.test, mnist::TEST_IMAGES),
    ] {
        if set.is_empty() {
            return Err(nabla::Error::Training(format!(
                "{} holds no images: a run needs images to train on and to test with",
                dir.join(file).display()
            )));
        }
    }
    if digits.train.len() < digits.test.len() {
        eprintln!(
            "warning: the training set ({}) is smaller than the test set ({}): are the \
             training and test files in {} swapped?",
            count(digits.train.len(), "image", "images"),
            count(digits.test.len(), "image", "images"),
            dir.display()
        );
    }
    Ok(())
}

/// A learning rate that trains the headline network well with each optimizer (measured:
/// `cargo run --release -- --optimizer sgd --lr 0.1` and so on).
pub fn good_learning_rate(optimizer: OptimizerChoice) -> f64 {
    match optimizer {
        OptimizerChoice::Sgd => 0.1,
        OptimizerChoice::Momentum | OptimizerChoice::Nesterov => 0.01,
        OptimizerChoice::AdaGrad => 0.01,
        OptimizerChoice::RmsProp => 1e-3,
        OptimizerChoice::Adam | OptimizerChoice::AdamW { .. } => 1e-3,
    }
}

/// What to try instead of `config`'s learning rate when a run blew up.
fn smaller_rate(config: &RunConfig) -> f64 {
    let good = good_learning_rate(config.optimizer);
    if good < config.learning_rate {
        good
    } else {
        config.learning_rate / 10.0
    }
}

/// Why training should stop after this epoch, if it should: the mean loss far above that of a
/// network that guesses evenly among the classes (ln 10 ≈ 2.3), or the training accuracy near
/// chance level (10%) after a whole epoch. (A NaN loss stops a run within its epoch already.)
pub fn progress_problem(report: &EpochReport, config: &RunConfig) -> Option<String> {
    let even_guess = (CLASSES as f64).ln();
    let blew_up = report.mean_loss > 2.0 * even_guess;
    let at_chance = report.train_accuracy < 1.5 / CLASSES as f64;
    if !(blew_up || at_chance) {
        return None;
    }
    let loss = nabla::error::short_number(report.mean_loss);
    let what = if blew_up {
        format!("the mean loss rose to {loss} (a network that guesses evenly has ln 10 = 2.30)")
    } else {
        format!("the mean loss is {loss}, no better than an even guess (ln 10 = 2.30)")
    };
    let rate = nabla::error::short_number(config.learning_rate);
    let optimizer = config.optimizer.name();
    let good = good_learning_rate(config.optimizer);
    let advice = if config.learning_rate > good {
        format!(
            "The learning rate {rate} is too large for {optimizer}; try --lr {}",
            nabla::error::short_number(smaller_rate(config))
        )
    } else {
        format!(
            "The learning rate {rate} may be too small for {optimizer}; try --lr {}",
            nabla::error::short_number(good)
        )
    };
    Some(format!(
        "training stopped after epoch {}: {what}, and {:.1}% of the training images were \
         classified correctly (chance is 10%). {advice}",
        report.epoch,
        100.0 * report.train_accuracy
    ))
}

/// A divergence error that suggests a learning rate known to work, rather than only a tenth.
fn better_suggestion(error: nabla::Error, config: &RunConfig) -> nabla::Error {
    match error {
        nabla::Error::Diverged {
            epoch,
            batch,
            loss,
            learning_rate,
            ..
        } => nabla::Error::Diverged {
            epoch,
            batch,
            loss,
            learning_rate,
            suggestion: smaller_rate(config),
        },
        other => other,
    }
}

/// The settings a checkpoint must share with the run that resumes from it (not the number of
/// epochs, which a resumed run may raise), including a digest of the data files.
pub fn checkpoint_settings(config: &RunConfig) -> Result<Vec<(String, String)>> {
    Ok([
        ("architecture", MnistNet::<f32>::ARCHITECTURE.to_string()),
        ("optimizer", format!("{:?}", config.optimizer)),
        ("schedule", format!("{:?}", config.schedule)),
        ("clip", format!("{:?}", config.clip)),
        ("l2", config.l2.to_string()),
        ("learning_rate", config.learning_rate.to_string()),
        ("batch_size", config.batch_size.to_string()),
        ("seed", config.seed.to_string()),
        ("data", data_digest(&config.data_dir)?),
    ]
    .into_iter()
    // Early stopping changes the training images (and the generator's draws), so its run
    // resumes only with the same split; runs without it keep the settings they always had.
    .chain(config.early_stopping.map(|patience| {
        (
            "early_stopping",
            format!("patience {patience}, validation {}", config.validation),
        )
    }))
    .map(|(key, value)| (key.to_string(), value))
    .collect())
}

/// A CRC-32 of the four MNIST files' names and bytes: which data a run was trained on,
/// wherever the files are.
pub fn data_digest(dir: &Path) -> Result<String> {
    let mut crc = crc32fast::Hasher::new();
    for name in mnist::FILES {
        let path = dir.join(name);
        let bytes = std::fs::read(&path).map_err(|source| nabla::data::DataError::Io {
            path: path.clone(),
            source,
        })?;
        crc.update(name.as_bytes());
        crc.update(&bytes);
    }
    Ok(format!("MNIST files with crc32 0x{:08x}", crc.finalize()))
}

/// The one-line summary of the run's settings that precedes the epoch lines.
pub fn describe(config: &RunConfig) -> String {
    let optimizer = match config.optimizer {
        OptimizerChoice::AdamW { weight_decay } => format!("AdamW (weight decay {weight_decay})"),
        other => format!("{other:?}"),
    };
    let mut line = format!(
        "MNIST {} | {optimizer} lr {} | batch {} | {} | seed {}",
        MnistNet::<f32>::ARCHITECTURE,
        config.learning_rate,
        config.batch_size,
        count(config.epochs, "epoch", "epochs"),
        config.seed
    );
    // Settings that are off by default are named only when on.
    let schedule = config.schedule;
    if schedule.warmup_steps > 0 {
        line += &format!(" | {} warm-up steps", schedule.warmup_steps);
    }
    match schedule.decay {
        Decay::Constant => {}
        Decay::Step {
            every_epochs,
            gamma,
        } => {
            line += &format!(
                " | rate × {gamma} every {}",
                count(every_epochs, "epoch", "epochs")
            );
        }
        Decay::Cosine { min_rate } => line += &format!(" | cosine schedule to {min_rate}"),
    }
    match config.clip {
        Some(Clip::Norm(norm)) => line += &format!(" | gradient norm clipped to {norm}"),
        Some(Clip::Value(value)) => line += &format!(" | gradients clipped to ±{value}"),
        None => {}
    }
    if config.l2 > 0.0 {
        line += &format!(" | l2 {}", config.l2);
    }
    if let Some(patience) = config.early_stopping {
        line += &format!(
            " | early stopping: patience {}, {} held out",
            count(patience, "epoch", "epochs"),
            count(config.validation, "validation image", "validation images")
        );
    }
    line
}

/// `1 epoch`, `10 epochs`; `10000` written `10,000`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    let digits = n.to_string();
    let mut grouped = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("{grouped} {}", if n == 1 { one } else { many })
}

/// One line per epoch: loss, accuracies, time and throughput (and, with early stopping, the
/// validation loss and the best epoch so far).
pub fn format_epoch(report: &EpochReport) -> String {
    let mut line = format!(
        "epoch {:>2}  loss {:.4}  train {:.2}%  test {:.2}%  {:.2} s  {:.0} samples/s",
        report.epoch,
        report.mean_loss,
        100.0 * report.train_accuracy,
        100.0 * report.test_accuracy.unwrap_or(f64::NAN),
        report.seconds,
        report.samples_per_second
    );
    if let (Some(loss), Some(best)) = (report.validation_loss, report.best_epoch) {
        line += &format!("  validation loss {loss:.4} (best epoch {best})");
    }
    line
}

/// The closing line: accuracy on the test set of the network the run returns (after the last
/// epoch, or with early stopping after the best one), and the test set's size.
pub fn format_final(trained: &Trained) -> String {
    let last = trained.reports.last();
    let kept = last.and_then(|r| r.best_epoch);
    let report = match kept {
        Some(best) => trained.reports.iter().find(|r| r.epoch == best),
        None => last,
    };
    let accuracy = report.and_then(|r| r.test_accuracy).unwrap_or(f64::NAN);
    let line = format!(
        "final test accuracy: {:.2}% ({})",
        100.0 * accuracy,
        count(trained.digits.test.len(), "test image", "test images")
    );
    match (kept, last) {
        (Some(best), Some(last)) => format!(
            "{line}, with the weights of epoch {best}: the lowest validation loss of the {} \
             trained",
            count(last.epoch, "epoch", "epochs")
        ),
        _ => line,
    }
}
