//! Overfitting on purpose: 1,000 training images, a network with 200,000 weights and many
//! epochs, then the same run with an L2 penalty, with dropout, and with early stopping.

use super::Splits;
use crate::headline::count;
use crate::session::{ChapterResult, Session};
use nabla::Result;
use nabla::data::Dataset;
use nabla::loss::SoftmaxCrossEntropy;
use nabla::network::Network;
use nabla::optim::Adam;
use nabla::train::{EarlyStopping, TrainConfig, accuracy, fit, mean_loss, on_epoch};
use plot::{LineChart, Series};
use rand::SeedableRng;
use rand::rngs::StdRng;

nabla::network! {
    /// The network that overfits: one hidden layer of 256 ReLU units.
    pub struct Overfitter: 784 => relu 256 => softmax 10
}

nabla::network! {
    /// The same network with half of its hidden units dropped in every training step.
    pub struct Dropped: 784 => relu 256 => dropout(0.5) => softmax 10
}

/// Training images of the small subset.
pub const SUBSET: usize = 1000;

/// How a small run is trained: Adam with a constant rate, in mini-batches, for a number of
/// epochs, with optional L2 penalty and early stopping.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SmallRun {
    /// Epochs at most.
    pub epochs: usize,
    /// Adam's learning rate η.
    pub learning_rate: f64,
    /// Samples per mini-batch.
    pub batch_size: usize,
    /// λ of the L2 penalty (0 for none).
    pub l2: f64,
    /// Early stopping's patience, if it stops early.
    pub patience: Option<usize>,
}

/// The learning curves of one small run, each measured after every epoch in inference mode on
/// the whole set (without the penalty), and the validation accuracy of the network it returned.
#[derive(Clone, Debug, PartialEq)]
pub struct Curves {
    /// The data loss on the training set, per epoch.
    pub train_loss: Vec<f64>,
    /// The loss on the validation set, per epoch.
    pub validation_loss: Vec<f64>,
    /// The epoch whose weights were returned (the last, or early stopping's best).
    pub kept_epoch: usize,
    /// The validation loss of the returned network.
    pub final_validation_loss: f64,
    /// The validation accuracy of the returned network.
    pub validation_accuracy: f64,
}

// ANCHOR: curves
/// Trains `network` on `train` as `run` says, measuring both losses after every epoch.
pub fn curves<N, const IN: usize, const OUT: usize>(
    mut network: N,
    train: &Dataset<f32, IN, OUT>,
    validation: &Dataset<f32, IN, OUT>,
    run: SmallRun,
    rng: &mut StdRng,
) -> Result<Curves>
where
    N: Network<f32, IN, OUT>,
{
    let config = TrainConfig {
        epochs: run.epochs,
        batch_size: run.batch_size,
        l2: run.l2,
        early_stopping: run.patience.map(|patience| EarlyStopping {
            validation,
            patience,
        }),
        ..TrainConfig::default()
    };
    let (mut train_loss, mut validation_loss) = (Vec::new(), Vec::new());
    let reports = fit(
        &mut network,
        &SoftmaxCrossEntropy,
        &mut Adam::new(run.learning_rate),
        train,
        &config,
        rng,
        on_epoch(|_, network: &N, _: &Adam<f32>| {
            train_loss.push(mean_loss(network, &SoftmaxCrossEntropy, train));
            validation_loss.push(mean_loss(network, &SoftmaxCrossEntropy, validation));
            Ok(())
        }),
    )?;
    let last = reports.last().map_or(0, |r| r.epoch);
    Ok(Curves {
        train_loss,
        validation_loss,
        kept_epoch: reports.last().and_then(|r| r.best_epoch).unwrap_or(last),
        final_validation_loss: mean_loss(&network, &SoftmaxCrossEntropy, validation),
        validation_accuracy: accuracy(&network, validation),
    })
}
// ANCHOR_END: curves

/// The epoch (from 1) with the lowest value.
pub fn lowest(values: &[f64]) -> usize {
    values
        .iter()
        .enumerate()
        .min_by(|a, b| a.1.total_cmp(b.1))
        .map_or(0, |(i, _)| i + 1)
}

/// The four small runs of the chapter, on the first [`SUBSET`] training images, with their
/// figures.
pub fn run(splits: &Splits, session: &mut Session) -> ChapterResult {
    let train = splits.train.take(SUBSET);
    let validation = &splits.validation;
    // ANCHOR: runs
    let plain = SmallRun {
        epochs: 100,
        learning_rate: 1e-3,
        batch_size: 50,
        l2: 0.0,
        patience: None,
    };
    let recipes = [
        ("no regularization", plain),
        ("L2 penalty λ = 0.001", SmallRun { l2: 0.001, ..plain }),
        ("dropout p = 0.5", plain),
        (
            "early stopping, patience 10",
            SmallRun {
                patience: Some(10),
                ..plain
            },
        ),
    ];
    // ANCHOR_END: runs
    writeln!(
        session.out,
        "{} of {}, {} of validation, Adam η = {}, batch {}, up to {}",
        count(SUBSET, "training image", "training images"),
        Overfitter::<f32>::ARCHITECTURE,
        count(validation.len(), "image", "images"),
        plain.learning_rate,
        plain.batch_size,
        count(plain.epochs, "epoch", "epochs")
    )?;
    writeln!(
        session.out,
        "  recipe                       epochs  returned  training loss  validation loss  lowest (epoch)  accuracy  time"
    )?;
    let mut all = Vec::new();
    for (i, (name, recipe)) in recipes.iter().enumerate() {
        let start = std::time::Instant::now();
        let mut rng = StdRng::seed_from_u64(super::SEED);
        let curves = if i == 2 {
            curves(
                Dropped::<f32>::new(&mut rng),
                &train,
                validation,
                *recipe,
                &mut rng,
            )?
        } else {
            curves(
                Overfitter::<f32>::new(&mut rng),
                &train,
                validation,
                *recipe,
                &mut rng,
            )?
        };
        let best = lowest(&curves.validation_loss);
        writeln!(
            session.out,
            "  {name:<28} {:>6} {:>9} {:>14.1e} {:>16.3} {:>9.3} ({best:>3}) {:>8.1}%  {:.1} s",
            curves.validation_loss.len(),
            curves.kept_epoch,
            curves.train_loss[curves.kept_epoch - 1],
            curves.final_validation_loss,
            curves.validation_loss[best - 1],
            100.0 * curves.validation_accuracy,
            start.elapsed().as_secs_f64()
        )?;
        all.push((*name, curves));
    }
    draw(&all, session)
}

/// The learning curves: training and validation loss without regularization, then the
/// validation loss of every recipe.
fn draw(all: &[(&str, Curves)], session: &mut Session) -> ChapterResult {
    let points = |values: &[f64]| -> Vec<(f64, f64)> {
        values
            .iter()
            .enumerate()
            .map(|(i, &v)| ((i + 1) as f64, v))
            .collect()
    };
    if let Some(path) = session.figure("ch12-overfit.png")? {
        let plain = &all[0].1;
        plot::line_chart(
            &path,
            &LineChart {
                title: "1,000 training images, no regularization".into(),
                x_label: "epoch".into(),
                y_label: "mean cross-entropy (after the epoch)".into(),
                series: vec![
                    Series::new("training set", points(&plain.train_loss)),
                    Series::new("validation set", points(&plain.validation_loss)),
                ],
                y_range: None,
                log_y: true,
            },
        )?;
    }
    if let Some(path) = session.figure("ch12-curves.png")? {
        plot::line_chart(
            &path,
            &LineChart {
                title: "Validation loss of the four recipes".into(),
                x_label: "epoch".into(),
                y_label: "validation cross-entropy".into(),
                series: all
                    .iter()
                    .map(|(name, curves)| Series::new(*name, points(&curves.validation_loss)))
                    .collect(),
                // The first epochs' losses (up to 2.3) would squash the part that matters.
                y_range: Some((0.3, 0.6)),
                log_y: false,
            },
        )?;
    }
    Ok(())
}
