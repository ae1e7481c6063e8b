//! The seven optimizers on MNIST: a learning rate for each chosen on a validation split, then
//! each trained at its rate with the headline recipe.

use crate::headline::{self, MnistNet, OptimizerChoice, RunConfig};
use crate::{ChapterResult, Session};
use nabla::data::Dataset;
use nabla::data::mnist::{self, CLASSES, PIXELS};
use nabla::loss::SoftmaxCrossEntropy;
use nabla::network::Network;
use nabla::train::{TrainConfig, fit};
use plot::{LineChart, Series};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// Images held out of the 60,000 training images to choose the rates on.
pub const VALIDATION: usize = 10_000;
/// Epochs of each trial run on the split.
pub const TRIAL_EPOCHS: usize = 2;
/// Epochs of each final run.
pub const EPOCHS: usize = 5;
/// The seed of the split, of the trials and of the final runs (the headline's).
pub const SEED: u64 = 42;

// ANCHOR: grid
/// The optimizers, each with the rates tried: four, a factor of about 3 apart, from a little
/// below the rate that is usual for it to well above.
pub fn grid() -> Vec<(OptimizerChoice, [f64; 4])> {
    use OptimizerChoice::*;
    vec![
        (Sgd, [0.03, 0.1, 0.3, 1.0]),
        (Momentum, [0.003, 0.01, 0.03, 0.1]),
        (Nesterov, [0.003, 0.01, 0.03, 0.1]),
        (AdaGrad, [0.01, 0.03, 0.1, 0.3]),
        (RmsProp, [0.0003, 0.001, 0.003, 0.01]),
        (Adam, [0.0003, 0.001, 0.003, 0.01]),
        (AdamW { weight_decay: 0.01 }, [0.0003, 0.001, 0.003, 0.01]),
    ]
}
// ANCHOR_END: grid

/// One trial: a rate, the mean training loss of its last epoch and its validation accuracy
/// (0 if training diverged).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Trial {
    /// The learning rate tried.
    pub rate: f64,
    /// The mean training loss of the last epoch (NaN if training diverged).
    pub loss: f64,
    /// The fraction of the validation set classified correctly afterwards.
    pub validation_accuracy: f64,
}

// ANCHOR: trial
/// Trains a fresh network from `make` (seeded with `seed`) with `choice` at `rate` for `epochs`
/// on `train`, and measures it on `validation`. A run whose loss stops being a number is a
/// trial with accuracy 0 (that rate is simply a bad one); any other failure is an error.
pub fn trial<N: Network<f32, PIXELS, CLASSES>>(
    make: impl Fn(&mut StdRng) -> N,
    choice: OptimizerChoice,
    rate: f64,
    (train, validation): (
        &Dataset<f32, PIXELS, CLASSES>,
        &Dataset<f32, PIXELS, CLASSES>,
    ),
    epochs: usize,
    seed: u64,
) -> nabla::Result<Trial> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut network = make(&mut rng);
    let mut optimizer = choice.build(rate);
    let config = TrainConfig {
        epochs,
        batch_size: 64,
        test: Some(validation),
        ..TrainConfig::default()
    };
    let fitted = fit(
        &mut network,
        &SoftmaxCrossEntropy,
        &mut optimizer,
        train,
        &config,
        &mut rng,
        (),
    );
    let diverged = Trial {
        rate,
        loss: f64::NAN,
        validation_accuracy: 0.0,
    };
    match fitted {
        Ok(reports) => Ok(reports.last().map_or(diverged, |last| Trial {
            rate,
            loss: last.mean_loss,
            validation_accuracy: last.test_accuracy.unwrap_or(0.0),
        })),
        Err(nabla::Error::Diverged { .. }) => Ok(diverged),
        Err(error) => Err(error),
    }
}

/// The trial with the highest validation accuracy (the first of equals).
pub fn best(trials: &[Trial]) -> Trial {
    let mut best = trials[0];
    for &trial in &trials[1..] {
        if trial.validation_accuracy > best.validation_accuracy {
            best = trial;
        }
    }
    best
}
// ANCHOR_END: trial

/// The command that reproduces a final run.
pub fn command(choice: OptimizerChoice, rate: f64) -> String {
    let decay = match choice {
        OptimizerChoice::AdamW { weight_decay } => format!(" --weight-decay {weight_decay}"),
        _ => String::new(),
    };
    format!(
        "cargo run --release -- --optimizer {}{decay} --lr {rate} --epochs {EPOCHS}",
        choice.name()
    )
}

/// Chooses each optimizer's rate on a validation split, trains each at its rate and draws the
/// curves.
pub fn run_long(session: &mut Session) -> ChapterResult {
    let digits = mnist::load(&mnist::default_dir())?;
    let all = digits.train.to_dataset::<f32>();
    let (train, validation) = all.split_validation(VALIDATION, &mut StdRng::seed_from_u64(SEED));
    writeln!(
        session.out,
        "choosing the rates: {} training images, {} validation images, {TRIAL_EPOCHS} epochs \
         per trial, seed {SEED}",
        train.len(),
        validation.len()
    )?;
    writeln!(session.out, "  optimizer   rate     loss    validation")?;
    let mut chosen = Vec::new();
    for (choice, rates) in grid() {
        let trials = rates
            .iter()
            .map(|&rate| {
                let make = |rng: &mut StdRng| MnistNet::<f32>::new(rng);
                trial(
                    make,
                    choice,
                    rate,
                    (&train, &validation),
                    TRIAL_EPOCHS,
                    SEED,
                )
            })
            .collect::<nabla::Result<Vec<Trial>>>()?;
        let pick = best(&trials);
        for t in &trials {
            let mark = if t.rate == pick.rate {
                "  ← chosen"
            } else {
                ""
            };
            writeln!(
                session.out,
                "  {:<10} {:<7} {:.4}   {:.2}%{mark}",
                choice.name(),
                t.rate,
                t.loss,
                100.0 * t.validation_accuracy
            )?;
        }
        chosen.push((choice, pick));
    }

    writeln!(
        session.out,
        "\nfinal runs: all 60,000 training images, {EPOCHS} epochs, batch 64, seed {SEED}, \
         tested on the 10,000 test images"
    )?;
    writeln!(
        session.out,
        "  optimizer   rate     final loss   validation (trial)   test     time"
    )?;
    let mut losses = Vec::new();
    let mut accuracies = Vec::new();
    let mut commands = Vec::new();
    for (choice, pick) in chosen {
        let config = RunConfig {
            epochs: EPOCHS,
            learning_rate: pick.rate,
            optimizer: choice,
            seed: SEED,
            ..RunConfig::default()
        };
        let trained = headline::run(&config, |_| {})?;
        let reports = &trained.reports;
        let last = reports.last().ok_or("no epoch was trained")?;
        let seconds: f64 = reports.iter().map(|r| r.seconds).sum();
        writeln!(
            session.out,
            "  {:<10} {:<7} {:.4}       {:.2}%               {:.2}%   {seconds:.1} s",
            choice.name(),
            pick.rate,
            last.mean_loss,
            100.0 * pick.validation_accuracy,
            100.0 * last.test_accuracy.unwrap_or(f64::NAN)
        )?;
        let label = format!("{} η = {}", choice.name(), pick.rate);
        let per_epoch = |value: &dyn Fn(&nabla::train::EpochReport) -> f64| {
            reports.iter().map(|r| (r.epoch as f64, value(r))).collect()
        };
        losses.push(Series::new(&label, per_epoch(&|r| r.mean_loss)));
        accuracies.push(Series::new(
            &label,
            per_epoch(&|r| 100.0 * r.test_accuracy.unwrap_or(f64::NAN)),
        ));
        commands.push(command(choice, pick.rate));
    }
    writeln!(session.out, "\nthe commands that reproduce each run:")?;
    for command in commands {
        writeln!(session.out, "  {command}")?;
    }

    if let Some(path) = session.figure("ch09-mnist-loss.png")? {
        plot::line_chart(
            &path,
            &LineChart {
                title: "MNIST: training loss per epoch at each optimizer's chosen rate".into(),
                x_label: "epoch".into(),
                y_label: "mean training loss".into(),
                series: losses,
                y_range: None,
                log_y: true,
            },
        )?;
    }
    if let Some(path) = session.figure("ch09-mnist-accuracy.png")? {
        plot::line_chart(
            &path,
            &LineChart {
                title: "MNIST: test accuracy after each epoch".into(),
                x_label: "epoch".into(),
                y_label: "test accuracy (%)".into(),
                series: accuracies,
                y_range: None,
                log_y: false,
            },
        )?;
    }
    Ok(())
}
