//! `nabla`: run the headline MNIST training, its benchmark, or a chapter's program.
#![forbid(unsafe_code)]

mod args;
mod exercise_runner;
mod watch;

use args::{BenchModel, ChapterOptions, Cli, Command, ExerciseAction};
use chapters::headline::{self, Checkpoints, RunConfig};
use chapters::predict;
use chapters::preflight;
use chapters::session::{captured_output_path, default_figures_dir, long_output_id};
use chapters::{CHAPTERS, Chapter, Session, find_chapter};
use clap::Parser;
use nabla::parallel::Threads;
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The whole command runs on the pool's threads, so that the training loop itself takes a
    // share of each parallel pass (see nabla::parallel).
    let threads = match &cli.command {
        Some(Command::Chapter(words)) => chapter_options(words).run.threads,
        _ => None,
    }
    .or(cli.run.threads)
    .map_or_else(default_threads, |threads| threads as usize);
    // On one thread the command runs on this one (the global pool, of one thread, is never
    // handed work: see `parallel::tasks`).
    let pool = match threads {
        1 => nabla::parallel::set_threads(1).map(|()| None),
        _ => Threads::new(threads).map(Some),
    };
    match pool {
        Ok(Some(pool)) => pool.run(|| run(cli)),
        Ok(None) => run(cli),
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// One thread per core (or 1 if the count is unknown).
fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// The options that follow a chapter's name, parsed like the global ones.
fn chapter_options(words: &[String]) -> ChapterOptions {
    ChapterOptions::parse_from(
        std::iter::once(words[0].as_str()).chain(words[1..].iter().map(String::as_str)),
    )
}

/// Runs the command `cli` asks for.
fn run(cli: Cli) -> ExitCode {
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
        Command::Bench { model } => bench(&cli.run, model),
        Command::Exercises { action } => return exercises_command(action),
        Command::List => {
            println!("train   the headline MNIST network (the default)");
            println!("bench   time training epochs (the headline MLP, or --model cnn)");
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
                let options = chapter_options(&words);
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
        ExerciseAction::Watch { selector } => watch::watch(selector.as_deref()).map(|()| true),
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

/// `nabla bench --model parts`: the headline MLP's training step, part by part.
fn bench_parts(config: &headline::RunConfig, epochs: &str, threads: &str) -> CommandResult {
    println!(
        "benchmark: {epochs} of the headline recipe on {threads} (batch {}), each part of the \
         training step timed",
        config.batch_size
    );
    let times = chapters::parts::time_parts(config)?;
    let line: Vec<String> = times
        .epoch_seconds
        .iter()
        .map(|s| format!("{s:.3}"))
        .collect();
    println!("epochs {} s", line.join(" "));
    println!(
        "{:>8}  part (median over the epochs after the first)",
        "µs/step"
    );
    for (part, micros) in chapters::parts::PARTS.iter().zip(&times.micros_per_step) {
        println!("{micros:>8.1}  {part}");
    }
    let step: f64 = times.micros_per_step.iter().sum();
    println!(
        "{step:>8.1}  the whole step: {:.3} s per epoch of {} steps",
        step * 1e-6 * times.steps_per_epoch as f64,
        times.steps_per_epoch
    );
    Ok(())
}

/// `nabla bench`: times training epochs of the MLP (both versions, alternating) or the CNN.
fn bench(run: &args::RunArgs, model: BenchModel) -> CommandResult {
    use chapters::bench::Implementation::{HandWired, LeNet, Macro, WideLeNet};
    let mut config = run.config();
    config.epochs = run.epochs.unwrap_or(model.default_epochs()) as usize;
    let epochs = headline::count(config.epochs, "training epoch", "training epochs");
    let threads = headline::count(nabla::parallel::threads(), "thread", "threads");
    let implementations: &[_] = match model {
        BenchModel::Parts => return bench_parts(&config, &epochs, &threads),
        BenchModel::Mlp => {
            println!(
                "benchmark: {epochs} of the headline recipe on {threads} (batch {}), network! \
                 and hand-wired versions alternating",
                config.batch_size
            );
            &[Macro, HandWired]
        }
        BenchModel::Cnn | BenchModel::Lenet => {
            let (implementation, architecture) = match model {
                BenchModel::Cnn => (WideLeNet, chapters::cnn::WideLeNet::<f32>::ARCHITECTURE),
                _ => (LeNet, chapters::cnn::LeNet::<f32>::ARCHITECTURE),
            };
            println!(
                "benchmark: {epochs} of chapter 13's {} on {threads} (batch {}, {:?} lr {}): {architecture}",
                implementation.name(),
                config.batch_size,
                config.optimizer,
                config.learning_rate,
            );
            if model == BenchModel::Cnn {
                &[WideLeNet]
            } else {
                &[LeNet]
            }
        }
    };
    let timings = chapters::bench::bench(&config, implementations)?;
    for (implementation, timing) in implementations.iter().zip(&timings) {
        let line: Vec<String> = timing.seconds.iter().map(|s| format!("{s:.3}")).collect();
        println!("{:>10}: epochs {} s", implementation.name(), line.join(" "));
    }
    for (implementation, timing) in implementations.iter().zip(&timings) {
        let median = timing.steady_median();
        println!(
            "{:>10}: steady epoch {median:.3} s, {:.0} samples/s, test accuracy {:.2}%",
            implementation.name(),
            60_000.0 / median,
            100.0 * timing.test_accuracy
        );
    }
    Ok(())
}
