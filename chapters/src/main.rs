//! `nabla`: run the headline MNIST training, its benchmark, or a chapter's program.
#![forbid(unsafe_code)]

use chapters::exercise_runner;
use chapters::headline::{self, Checkpoints, OptimizerChoice, RunConfig};
use chapters::predict;
use chapters::preflight;
use chapters::session::{captured_output_path, default_figures_dir, long_output_id};
use chapters::{CHAPTERS, Chapter, Session, find_chapter};
use clap::{Parser, Subcommand, ValueEnum};
use nabla::clip::Clip;
use nabla::schedule::Schedule;
use std::path::PathBuf;
use std::process::ExitCode;

/// Neural networks from first principles. With no command, trains `784 → ReLU 128 → softmax 10`
/// on MNIST.
#[derive(Parser, Debug)]
#[command(name = "nabla", version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Train the headline MNIST network (the default).
    Train,
    /// Time training epochs of the headline recipe: seconds per epoch and samples per second.
    Bench,
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
    /// The exercises: list them with their status, check them, or show a hint.
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
enum ExerciseAction {
    /// Every exercise and its status: not started, failing or passing.
    List,
    /// Check one exercise (`ch05.mse_gradient`) or a chapter's (`ch05`, or `5`).
    Check {
        /// An exercise's id or a chapter.
        selector: String,
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
struct ChapterOptions {
    #[command(flatten)]
    run: RunArgs,
    /// Skip the chapter's long MNIST experiments (chapters 9–12), running only its quick part.
    #[arg(long)]
    quick: bool,
}

/// What `nabla predict` classifies (exactly one of `--image` and `--test-index`), and with which
/// model.
#[derive(clap::Args, Debug)]
#[command(group(clap::ArgGroup::new("digit").required(true).args(["image", "test_index"])))]
struct PredictArgs {
    /// The trained headline network, as a safetensors file [default: train one for one epoch].
    #[arg(long, value_name = "FILE")]
    model: Option<PathBuf>,
    /// A PNG of a digit, any size, dark ink on light paper or the reverse.
    #[arg(long, value_name = "FILE.png")]
    image: Option<PathBuf>,
    /// One of the 10,000 MNIST test images (0 to 9999).
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = test_index)]
    test_index: Option<usize>,
}

#[derive(clap::Args, Debug)]
struct RunArgs {
    /// Passes over the training set.
    #[arg(long, default_value_t = 10, global = true, value_parser = clap::value_parser!(u32).range(1..=1000))]
    epochs: u32,
    /// Images per mini-batch.
    #[arg(long, default_value_t = 64, global = true, value_parser = clap::value_parser!(u32).range(1..=60000))]
    batch_size: u32,
    /// Learning rate (a positive number).
    #[arg(long, default_value_t = 1e-3, global = true, value_parser = positive_number, allow_negative_numbers = true)]
    lr: f64,
    /// Optimizer.
    #[arg(long, value_enum, default_value_t = OptimizerArg::Adam, global = true)]
    optimizer: OptimizerArg,
    /// AdamW's decoupled weight decay λ (weights only; not biases or batch norm).
    #[arg(long, default_value_t = 0.01, global = true, value_parser = non_negative_number)]
    weight_decay: f64,
    /// Learning-rate schedule: constant, step (halve every 3 epochs) or cosine (to 0 at the end).
    #[arg(long, value_enum, default_value_t = ScheduleArg::Constant, global = true)]
    schedule: ScheduleArg,
    /// Linear warm-up over this many steps (mini-batches) before the schedule.
    #[arg(long, default_value_t = 0, global = true)]
    warmup: usize,
    /// Clip each gradient to its global L2 norm being at most this.
    #[arg(long, global = true, value_parser = positive_number, conflicts_with = "clip_value")]
    clip_norm: Option<f64>,
    /// Clip each gradient entry to [-this, this].
    #[arg(long, global = true, value_parser = positive_number)]
    clip_value: Option<f64>,
    /// L2 penalty λ/2 Σw² on the weights (0 for none).
    #[arg(long, default_value_t = 0.0, global = true, value_parser = non_negative_number)]
    l2: f64,
    /// Stop when the validation loss has not improved for this many epochs, and keep the best
    /// epoch's weights (the validation images are split off the training set with the seed).
    #[arg(long, global = true, value_name = "PATIENCE", value_parser = patience)]
    early_stopping: Option<usize>,
    /// Training images held out as early stopping's validation set [default: 5000].
    #[arg(long, global = true, value_name = "N", value_parser = validation_size, allow_negative_numbers = true)]
    validation: Option<usize>,
    /// Random seed for the weights and the batch order.
    #[arg(long, default_value_t = 42, global = true)]
    seed: u64,
    /// Directory holding the four MNIST .gz files [default: data/mnist in this repository].
    #[arg(long, global = true)]
    data: Option<PathBuf>,
    /// Directory the programs draw their figures into [default: book/src/figures for chapters,
    /// target/figures for the headline run].
    #[arg(long, global = true)]
    figures: Option<PathBuf>,
    /// After training, save the network to this file (safetensors; loads into PyTorch too).
    #[arg(long, global = true, value_name = "FILE")]
    save: Option<PathBuf>,
    /// Save a checkpoint (network and optimizer state) into this directory after every epoch.
    #[arg(long, global = true, value_name = "DIR")]
    checkpoint: Option<PathBuf>,
    /// Continue from the latest checkpoint in the --checkpoint directory, exactly as if the run
    /// had not stopped (needs the same settings; --epochs may be larger).
    #[arg(long, global = true, requires = "checkpoint")]
    resume: bool,
    /// Delete the checkpoints an earlier run left in the --checkpoint directory and start
    /// afresh (without this, such a directory is refused, so that no run is overwritten).
    #[arg(
        long,
        global = true,
        requires = "checkpoint",
        conflicts_with = "resume"
    )]
    replace_checkpoints: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum OptimizerArg {
    Sgd,
    Momentum,
    Nesterov,
    Adagrad,
    Rmsprop,
    Adam,
    Adamw,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum ScheduleArg {
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
    fn config(&self) -> RunConfig {
        RunConfig {
            epochs: self.epochs as usize,
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    if cli.run.validation.is_some() && cli.run.early_stopping.is_none() {
        eprintln!(
            "error: --validation N sets the size of early stopping's validation set, and this \
             run does not stop early: add --early-stopping PATIENCE"
        );
        return ExitCode::from(2);
    }
    let figures = cli.run.figures.clone().unwrap_or_else(default_figures_dir);
    let result = match cli.command.unwrap_or(Command::Train) {
        Command::Train => {
            // The headline run draws into target/figures unless told otherwise, so that runs
            // with other settings do not overwrite the book's figures.
            let figures = cli
                .run
                .figures
                .clone()
                .unwrap_or_else(headline::run_figures_dir);
            let checkpoints = cli.run.checkpoint.clone().map(|dir| Checkpoints {
                dir,
                resume: cli.run.resume,
            });
            train(
                &cli.run.config(),
                checkpoints.as_ref(),
                cli.run.replace_checkpoints,
                &figures,
                cli.run.save.as_deref(),
            )
        }
        Command::Bench => bench(&cli.run.config()),
        Command::Exercises { action } => return exercises_command(action),
        Command::List => {
            println!("train   the headline MNIST network (the default)");
            println!("bench   time the headline recipe");
            println!("figures run every chapter, redrawing figures and recapturing outputs");
            println!("predict classify a handwritten digit (a PNG or an MNIST test image)");
            println!("exercises  the exercises: their status, checks and hints");
            for chapter in CHAPTERS {
                println!("{:<7} {}", chapter.id, chapter.title);
            }
            Ok(())
        }
        Command::Figures { only: None } => regenerate_book(figures, CHAPTERS, true),
        Command::Figures { only: Some(id) } => match find_chapter(&id) {
            Some(chapter) => regenerate_book(figures, std::slice::from_ref(chapter), false),
            None => {
                eprintln!("error: unknown chapter `{id}`; `nabla list` shows them");
                return ExitCode::from(2);
            }
        },
        Command::Predict(args) => {
            let digit = match (args.image, args.test_index) {
                (Some(path), _) => predict::Digit::Image(path),
                (None, index) => predict::Digit::TestIndex(index.unwrap_or_default()),
            };
            let model = args.model.as_deref();
            predict::run(&digit, model, &cli.run.config(), &mut std::io::stdout())
        }
        Command::Chapter(words) => match find_chapter(&words[0]) {
            Some(chapter) => {
                // Options may follow the chapter's name: parse them like the global ones.
                let options = ChapterOptions::parse_from(
                    std::iter::once(chapter.id).chain(words[1..].iter().map(String::as_str)),
                );
                let figures = options
                    .run
                    .figures
                    .or(cli.run.figures)
                    .unwrap_or_else(default_figures_dir);
                let long = chapter.long.filter(|_| !options.quick);
                let mut stdout = std::io::stdout();
                preflight::writable_dir(&figures, "the figure directory")
                    .map_err(Into::into)
                    .and_then(|()| {
                        let mut session = Session::new(&mut stdout, Some(figures));
                        (chapter.run)(&mut session)?;
                        long.map_or(Ok(()), |long| long(&mut session))
                    })
            }
            None => {
                eprintln!(
                    "error: unknown command or chapter `{}`; `nabla list` shows them",
                    words[0]
                );
                return ExitCode::from(2);
            }
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

type CommandResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// `nabla exercises …`: exits 0 when everything checked passes, 1 when a check fails or is not
/// started, 2 for an unknown exercise.
fn exercises_command(action: Option<ExerciseAction>) -> ExitCode {
    let mut out = std::io::stdout();
    let result = match action.unwrap_or(ExerciseAction::List) {
        ExerciseAction::List => exercise_runner::list(&mut out)
            .map(|()| true)
            .map_err(|e| e.to_string()),
        ExerciseAction::Check { selector } => exercise_runner::check(&selector, &mut out),
        ExerciseAction::Hint { id, level } => {
            exercise_runner::hint(&id, level, &mut out).map(|()| true)
        }
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

/// Runs `chapters`, drawing into `figures` and saving what each printed for the book (and the
/// seed table of chapter 8 if `seed_table`).
fn regenerate_book(figures: PathBuf, chapters: &[Chapter], seed_table: bool) -> CommandResult {
    for chapter in chapters {
        println!("== {} {}", chapter.id, chapter.title);
        let mut captured = Vec::new();
        (chapter.run)(&mut Session::new(&mut captured, Some(figures.clone())))?;
        let path = captured_output_path(chapter.id);
        std::fs::create_dir_all(path.parent().unwrap_or(&figures))?;
        std::fs::write(&path, &captured)?;
        print!("{}", String::from_utf8_lossy(&captured));
        if let Some(long) = chapter.long {
            println!("== {} {}: the long experiments", chapter.id, chapter.title);
            let mut captured = Vec::new();
            long(&mut Session::new(&mut captured, Some(figures.clone())))?;
            std::fs::write(captured_output_path(&long_output_id(chapter.id)), &captured)?;
            print!("{}", String::from_utf8_lossy(&captured));
        }
    }
    if !seed_table {
        return Ok(());
    }
    println!("== ch08 results over several seeds");
    let mut captured = Vec::new();
    chapters::ch08_mnist::seed_table(&mut Session::new(&mut captured, None))?;
    std::fs::write(captured_output_path("ch08-seeds"), &captured)?;
    print!("{}", String::from_utf8_lossy(&captured));
    Ok(())
}

fn train(
    config: &RunConfig,
    checkpoints: Option<&Checkpoints>,
    replace_checkpoints: bool,
    figures: &std::path::Path,
    save: Option<&std::path::Path>,
) -> CommandResult {
    // Every output is checked before the first epoch, so that no training is lost to a path
    // that cannot be written at the end.
    preflight::writable_dir(figures, "the figure directory")?;
    if let Some(checkpoints) = checkpoints {
        let notes =
            preflight::checkpoint_dir(&checkpoints.dir, checkpoints.resume, replace_checkpoints)?;
        for note in notes {
            println!("{note}");
        }
        nabla::checkpoint::prepare(&checkpoints.dir, 1..=config.epochs)?;
    }
    let save = match save {
        Some(path) => {
            let target = nabla::model_file::check_save_target(path)?;
            if let Some(note) = target.symlink_note() {
                println!("{note}");
            }
            Some(target.file)
        }
        None => None,
    };
    println!("{}", headline::describe(config));
    let trained = headline::run_with_checkpoints(config, checkpoints, |report| {
        println!("{}", headline::format_epoch(report))
    })?;
    println!("{}", headline::format_final(&trained));
    if let Some(path) = &save {
        nabla::model_file::save(path, &trained.network)?;
        println!(
            "saved the network to {} (predict with `nabla predict --model {0} --image FILE.png`)",
            path.display()
        );
    }
    let mut stdout = std::io::stdout();
    chapters::ch08_mnist::draw_figures(
        &trained,
        &mut Session::new(&mut stdout, Some(figures.to_path_buf())),
    )?;
    println!("figures: {}", figures.display());
    Ok(())
}

fn bench(config: &RunConfig) -> CommandResult {
    use headline::Implementation::{HandWired, Macro};
    println!(
        "benchmark: {} of the headline recipe on one thread (batch {}), network! and \
         hand-wired versions alternating",
        headline::count(config.epochs, "training epoch", "training epochs"),
        config.batch_size
    );
    let seconds = headline::bench(config, &[Macro, HandWired])?;
    for (name, times) in ["network!", "hand-wired"].iter().zip(&seconds) {
        let line: Vec<String> = times.iter().map(|s| format!("{s:.3}")).collect();
        println!("{name:>10}: epochs {} s", line.join(" "));
    }
    for (name, times) in ["network!", "hand-wired"].iter().zip(&seconds) {
        let median = steady_median(times);
        println!(
            "{name:>10}: steady epoch {median:.3} s, {:.0} samples/s",
            60_000.0 / median
        );
    }
    Ok(())
}

/// The median epoch time, leaving out the first epoch (cold caches, page faults) when there
/// are others.
fn steady_median(seconds: &[f64]) -> f64 {
    let mut steady: Vec<f64> = seconds
        .iter()
        .skip(usize::from(seconds.len() > 1))
        .copied()
        .collect();
    steady.sort_by(f64::total_cmp);
    steady[steady.len() / 2]
}
