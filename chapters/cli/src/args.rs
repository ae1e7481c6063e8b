//! The command line: every command and option of `nabla`, parsed by clap, and how a run's
//! options become a [`RunConfig`].

use chapters::headline::{self, OptimizerChoice, RunConfig};
use clap::{Parser, Subcommand, ValueEnum};
use nabla::clip::Clip;
use nabla::schedule::Schedule;
use std::path::PathBuf;

/// Neural networks from first principles. With no command, trains `784 → ReLU 128 → softmax 10`
/// on MNIST.
#[derive(Parser, Debug)]
#[command(name = "nabla", version)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Option<Command>,
    #[command(flatten)]
    pub(crate) run: RunArgs,
}

#[derive(Subcommand, Debug)]
pub(crate) enum Command {
    /// Train the headline MNIST network (the default).
    Train,
    /// Time training epochs: seconds per epoch, samples per second, and the test accuracy at the
    /// end.
    Bench {
        /// What to time: the headline MLP (its `network!` and hand-wired versions, alternating)
        /// or one of chapter 13's CNNs.
        #[arg(long, value_enum, default_value_t = BenchModel::Mlp)]
        model: BenchModel,
    },
    /// List the chapters' programs.
    List,
    /// Run every chapter's program, redrawing the book's figures and recapturing its outputs.
    Figures {
        /// Only this chapter (`ch09`, or `9`), with its long experiments if it has them.
        #[arg(long, value_name = "CHAPTER")]
        only: Option<String>,
    },
    /// Classify a handwritten digit: print the three likeliest classes and their probabilities.
    Predict(PredictArgs),
    /// The exercises: list them with their status, check them (once or after every save), or
    /// show a hint.
    Exercises {
        #[command(subcommand)]
        action: Option<ExerciseAction>,
    },
    /// A chapter's program: `ch01` … `ch12` (see `list`).
    #[command(external_subcommand)]
    Chapter(Vec<String>),
}

/// What `nabla exercises` does (list them, by default).
#[derive(Subcommand, Debug)]
pub(crate) enum ExerciseAction {
    /// Every exercise and its status: not started, failing or passing.
    List,
    /// Check one exercise (`ch05.mse_gradient`) or a chapter's (`ch05`, or `5`).
    Check {
        /// An exercise's id or a chapter.
        selector: String,
    },
    /// Re-check after every save of a file in exercises/src/: the exercise or chapter given,
    /// or else the chapter of the file saved.
    Watch {
        /// An exercise's id or a chapter [default: the chapter of each file saved].
        selector: Option<String>,
    },
    /// Show a hint: the first is a nudge, the last the equation itself.
    Hint {
        /// The exercise's id, e.g. `ch05.mse_gradient`.
        id: String,
        /// Which hint, from 1.
        #[arg(default_value_t = 1)]
        level: usize,
    },
}

/// The options after a chapter's name (`nabla ch08 --figures DIR`).
#[derive(Parser, Debug)]
pub(crate) struct ChapterOptions {
    #[command(flatten)]
    pub(crate) run: RunArgs,
    /// Skip the chapter's long MNIST experiments (chapters 9–12), running only its quick part.
    #[arg(long)]
    pub(crate) quick: bool,
}

/// What `nabla predict` classifies (exactly one of `--image` and `--test-index`), and with which
/// model.
#[derive(clap::Args, Debug)]
#[command(group(clap::ArgGroup::new("digit").required(true).args(["image", "test_index"])))]
pub(crate) struct PredictArgs {
    /// The trained headline network, as a safetensors file [default: train one for one epoch].
    #[arg(long, value_name = "FILE")]
    pub(crate) model: Option<PathBuf>,
    /// A PNG of a digit, any size, dark ink on light paper or the reverse.
    #[arg(long, value_name = "FILE.png")]
    pub(crate) image: Option<PathBuf>,
    /// One of the 10,000 MNIST test images (0 to 9999).
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = test_index)]
    pub(crate) test_index: Option<usize>,
}

#[derive(clap::Args, Debug)]
pub(crate) struct RunArgs {
    /// Passes over the training set [default: 10; 3 for `bench --model cnn` and `lenet`].
    #[arg(long, global = true, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub(crate) epochs: Option<u32>,
    /// Images per mini-batch.
    #[arg(long, default_value_t = 64, global = true, value_parser = clap::value_parser!(u32).range(1..=60000))]
    pub(crate) batch_size: u32,
    /// Learning rate (a positive number).
    #[arg(long, default_value_t = 1e-3, global = true, value_parser = positive_number, allow_negative_numbers = true)]
    pub(crate) lr: f64,
    /// Optimizer.
    #[arg(long, value_enum, default_value_t = OptimizerArg::Adam, global = true)]
    pub(crate) optimizer: OptimizerArg,
    /// AdamW's decoupled weight decay λ (weights only; not biases or batch norm).
    #[arg(long, default_value_t = 0.01, global = true, value_parser = non_negative_number)]
    pub(crate) weight_decay: f64,
    /// Learning-rate schedule: constant, step (halve every 3 epochs) or cosine (to 0 at the end).
    #[arg(long, value_enum, default_value_t = ScheduleArg::Constant, global = true)]
    pub(crate) schedule: ScheduleArg,
    /// Linear warm-up over this many steps (mini-batches) before the schedule.
    #[arg(long, default_value_t = 0, global = true)]
    pub(crate) warmup: usize,
    /// Clip each gradient to its global L2 norm being at most this.
    #[arg(long, global = true, value_parser = positive_number, conflicts_with = "clip_value")]
    pub(crate) clip_norm: Option<f64>,
    /// Clip each gradient entry to [-this, this].
    #[arg(long, global = true, value_parser = positive_number)]
    pub(crate) clip_value: Option<f64>,
    /// L2 penalty λ/2 Σw² on the weights (0 for none).
    #[arg(long, default_value_t = 0.0, global = true, value_parser = non_negative_number)]
    pub(crate) l2: f64,
    /// Stop when the validation loss has not improved for this many epochs, and keep the best
    /// epoch's weights (the validation images are split off the training set with the seed).
    #[arg(long, global = true, value_name = "PATIENCE", value_parser = patience)]
    pub(crate) early_stopping: Option<usize>,
    /// Training images held out as early stopping's validation set [default: 5000].
    #[arg(long, global = true, value_name = "N", value_parser = validation_size, allow_negative_numbers = true)]
    pub(crate) validation: Option<usize>,
    /// Random seed for the weights and the batch order.
    #[arg(long, default_value_t = 42, global = true)]
    pub(crate) seed: u64,
    /// Threads that training splits its work across (every layer, the optimizer, the batch
    /// gathering); the results are the same for every count [default: one per core].
    #[arg(long, global = true, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub(crate) threads: Option<u32>,
    /// Directory holding the four MNIST .gz files [default: data/mnist in this repository].
    #[arg(long, global = true)]
    pub(crate) data: Option<PathBuf>,
    /// Directory the programs draw their figures into [default: book/src/figures for chapters,
    /// target/figures for the headline run].
    #[arg(long, global = true)]
    pub(crate) figures: Option<PathBuf>,
    /// After training, save the network to this file (safetensors; loads into PyTorch too).
    #[arg(long, global = true, value_name = "FILE")]
    pub(crate) save: Option<PathBuf>,
    /// Save a checkpoint (network and optimizer state) into this directory after every epoch.
    #[arg(long, global = true, value_name = "DIR")]
    pub(crate) checkpoint: Option<PathBuf>,
    /// Continue from the latest checkpoint in the --checkpoint directory, exactly as if the run
    /// had not stopped (needs the same settings; --epochs may be larger).
    #[arg(long, global = true, requires = "checkpoint")]
    pub(crate) resume: bool,
    /// Delete the checkpoints an earlier run left in the --checkpoint directory and start
    /// afresh (without this, such a directory is refused, so that no run is overwritten).
    #[arg(
        long,
        global = true,
        requires = "checkpoint",
        conflicts_with = "resume"
    )]
    pub(crate) replace_checkpoints: bool,
}

/// What `nabla bench` times.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BenchModel {
    /// `784 => relu 128 => softmax 10`, declared with `network!` and wired by hand.
    Mlp,
    /// The CNN chapter 13 trains: `WideLeNet` (16 and 32 channels).
    Cnn,
    /// Chapter 13's smaller CNN, `LeNet` (8 and 16 channels).
    Lenet,
    /// The headline MLP's training step, timed part by part (gathering, each layer's
    /// passes, the loss, the optimizer).
    Parts,
}

impl BenchModel {
    /// The epochs the benchmark runs unless `--epochs` says otherwise.
    pub(crate) fn default_epochs(self) -> u32 {
        match self {
            BenchModel::Mlp => DEFAULT_EPOCHS,
            BenchModel::Parts => 4,
            BenchModel::Cnn | BenchModel::Lenet => 3,
        }
    }
}

/// The epochs a run trains unless `--epochs` says otherwise.
const DEFAULT_EPOCHS: u32 = 10;

#[derive(ValueEnum, Clone, Copy, Debug)]
pub(crate) enum OptimizerArg {
    Sgd,
    Momentum,
    Nesterov,
    Adagrad,
    Rmsprop,
    Adam,
    Adamw,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub(crate) enum ScheduleArg {
    Constant,
    Step,
    Cosine,
}

fn non_negative_number(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(value) if value.is_finite() && value >= 0.0 => Ok(value),
        Ok(_) => Err(format!("{text} is not a finite number of at least 0")),
        Err(_) => Err(format!("{text} is not a number")),
    }
}

fn positive_number(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(value) if value.is_finite() && value > 0.0 => Ok(value),
        Ok(_) => Err(format!("{text} is not a positive, finite number")),
        Err(_) => Err(format!("{text} is not a number")),
    }
}

fn patience(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(0) => Err(
            "a patience of 0 epochs would stop after the first epoch, before any \
             comparison: give at least 1"
                .into(),
        ),
        Ok(epochs) => Ok(epochs),
        Err(_) => Err(format!(
            "{text} is not a number of epochs (a whole number, at least 1)"
        )),
    }
}

fn validation_size(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(0) => Err("early stopping needs at least 1 validation image".into()),
        Ok(images) => Ok(images),
        Err(_) => Err(format!(
            "{text} is not a number of images (a whole number, at least 1)"
        )),
    }
}

fn test_index(text: &str) -> Result<usize, String> {
    text.parse()
        .map_err(|_| format!("{text} is not an image index (a whole number from 0 to 9999)"))
}

impl RunArgs {
    pub(crate) fn config(&self) -> RunConfig {
        RunConfig {
            epochs: self.epochs.unwrap_or(DEFAULT_EPOCHS) as usize,
            batch_size: self.batch_size as usize,
            learning_rate: self.lr,
            optimizer: match self.optimizer {
                OptimizerArg::Sgd => OptimizerChoice::Sgd,
                OptimizerArg::Momentum => OptimizerChoice::Momentum,
                OptimizerArg::Nesterov => OptimizerChoice::Nesterov,
                OptimizerArg::Adagrad => OptimizerChoice::AdaGrad,
                OptimizerArg::Rmsprop => OptimizerChoice::RmsProp,
                OptimizerArg::Adam => OptimizerChoice::Adam,
                OptimizerArg::Adamw => OptimizerChoice::AdamW {
                    weight_decay: self.weight_decay,
                },
            },
            schedule: {
                let schedule = match self.schedule {
                    ScheduleArg::Constant => Schedule::constant(),
                    ScheduleArg::Step => Schedule::step_decay(3, 0.5),
                    ScheduleArg::Cosine => Schedule::cosine(0.0),
                };
                schedule.with_warmup(self.warmup)
            },
            clip: match (self.clip_norm, self.clip_value) {
                (Some(norm), _) => Some(Clip::Norm(norm)),
                (None, Some(value)) => Some(Clip::Value(value)),
                (None, None) => None,
            },
            l2: self.l2,
            early_stopping: self.early_stopping,
            validation: self.validation.unwrap_or(headline::DEFAULT_VALIDATION),
            seed: self.seed,
            data_dir: self
                .data
                .clone()
                .unwrap_or_else(nabla::data::mnist::default_dir),
        }
    }
}
