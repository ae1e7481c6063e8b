//! The CNNs on MNIST: two candidates compared on the validation split in short runs, the chosen
//! one trained in full with three seeds and each final network evaluated on the test set once;
//! then chapter 8's MLP, for the digits each gets wrong.

use crate::ch12_regularization::Splits;
use crate::ch12_regularization::best::fit_printing_epochs;
use crate::cnn::LeNet;
pub use crate::cnn::WideLeNet;
use crate::headline::count;
use crate::session::Session;
use nabla::data::Dataset;
use nabla::data::mnist::{CLASSES, PIXELS};
use nabla::layer::Pass;
use nabla::loss::SoftmaxCrossEntropy;
use nabla::network::Network;
use nabla::optim::Adam;
use nabla::schedule::Schedule;
use nabla::train::{TrainConfig, accuracy, mean_loss};
use nabla::{Batch, Result};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// Epochs of each candidate's short run on the validation split.
pub const SHORT_EPOCHS: usize = 2;

/// Epochs of each final run.
pub const FINAL_EPOCHS: usize = 5;

/// The seeds of the final runs: the chapter's, then two more to show the spread.
pub const SEEDS: [u64; 3] = [super::SEED, 7, 1];

/// Adam's base learning rate, annealed to 0 over each run by a cosine schedule.
pub const LEARNING_RATE: f64 = 1e-3;

/// Samples per mini-batch.
pub const BATCH_SIZE: usize = 64;

/// What a run measured on the set it was scored on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Score {
    /// The mean cross-entropy on the set.
    pub loss: f64,
    /// The fraction classified correctly.
    pub accuracy: f64,
    /// Seconds of training (not evaluating).
    pub seconds: f64,
    /// The mean seconds per epoch.
    pub epoch_seconds: f64,
}

// ANCHOR: recipe
/// The recipe: Adam (η = 10⁻³ annealed to 0 by a cosine schedule), batches of 64, `epochs`
/// epochs on `train`, then one evaluation on `scored_on`; each epoch's training loss is printed
/// to `out` if given. Returns the trained network and its score.
pub fn recipe<N: Network<f32, PIXELS, CLASSES>>(
    mut network: N,
    epochs: usize,
    train: &Dataset<f32, PIXELS, CLASSES>,
    scored_on: &Dataset<f32, PIXELS, CLASSES>,
    rng: &mut StdRng,
    out: Option<&mut dyn std::io::Write>,
) -> Result<(N, Score)> {
    let config = TrainConfig {
        epochs,
        batch_size: BATCH_SIZE,
        schedule: Schedule::cosine(0.0),
        ..TrainConfig::default()
    };
    let mut optimizer = Adam::new(LEARNING_RATE);
    let reports = fit_printing_epochs(&mut network, &mut optimizer, train, &config, rng, out)?;
    let seconds: f64 = reports.iter().map(|r| r.seconds).sum();
    let score = Score {
        loss: mean_loss(&network, &SoftmaxCrossEntropy, scored_on),
        accuracy: accuracy(&network, scored_on),
        seconds,
        epoch_seconds: seconds / reports.len().max(1) as f64,
    };
    Ok((network, score))
}
// ANCHOR_END: recipe

/// The class `network` predicts for each sample of `data` (inference mode, 500 at a time, so
/// that the unrolled images stay a few tens of megabytes).
pub fn predictions<N: Network<f32, PIXELS, CLASSES>>(
    network: &N,
    data: &Dataset<f32, PIXELS, CLASSES>,
) -> Vec<usize> {
    let mut trace = N::Trace::default();
    let (mut inputs, mut targets) = (Batch::zeros(0), Batch::zeros(0));
    let all: Vec<usize> = (0..data.len()).collect();
    let mut predicted = Vec::with_capacity(data.len());
    for indices in all.chunks(500) {
        data.gather_into(indices, &mut inputs, &mut targets);
        let logits = network.forward_trace(&inputs, Pass::infer(), &mut trace);
        predicted.extend(nabla::batch::argmax_columns(logits));
    }
    predicted
}

/// The networks trained in full: the chosen CNN of the first seed, and its test predictions.
pub struct Trained {
    /// The chosen network with seed [`SEEDS`]`[0]`.
    pub network: WideOrNarrow,
    /// Its prediction for every test image.
    pub predictions: Vec<usize>,
}

/// One of the two candidates, trained.
pub enum WideOrNarrow {
    /// The LeNet (8 and 16 channels).
    Narrow(LeNet<f32>),
    /// [`WideLeNet`] (16 and 32 channels).
    Wide(WideLeNet<f32>),
}

/// Trains candidate `wide` (or LeNet) from `seed`.
fn train_candidate(
    wide: bool,
    epochs: usize,
    seed: u64,
    train: &Dataset<f32, PIXELS, CLASSES>,
    scored_on: &Dataset<f32, PIXELS, CLASSES>,
    out: Option<&mut dyn std::io::Write>,
) -> Result<(WideOrNarrow, Score)> {
    let mut rng = StdRng::seed_from_u64(seed);
    if wide {
        let network = WideLeNet::<f32>::new(&mut rng);
        let (network, score) = recipe(network, epochs, train, scored_on, &mut rng, out)?;
        Ok((WideOrNarrow::Wide(network), score))
    } else {
        let network = LeNet::<f32>::new(&mut rng);
        let (network, score) = recipe(network, epochs, train, scored_on, &mut rng, out)?;
        Ok((WideOrNarrow::Narrow(network), score))
    }
}

/// The candidates' names and architectures.
fn describe(wide: bool) -> (&'static str, &'static str) {
    if wide {
        (
            "WideLeNet (16, 32 channels)",
            WideLeNet::<f32>::ARCHITECTURE,
        )
    } else {
        ("LeNet (8, 16 channels)", LeNet::<f32>::ARCHITECTURE)
    }
}

/// Chooses between LeNet and [`WideLeNet`] on the validation split, trains the chosen one with
/// each of [`SEEDS`] and evaluates each on the test set once.
pub fn run(
    splits: &Splits,
    session: &mut Session,
) -> Result<Trained, Box<dyn std::error::Error + Send + Sync>> {
    writeln!(
        session.out,
        "choosing a CNN: {} each (Adam, cosine schedule from η = {LEARNING_RATE} to 0, batch \
         {BATCH_SIZE}) on {}, scored on {}",
        count(SHORT_EPOCHS, "epoch", "epochs"),
        count(splits.train.len(), "training image", "training images"),
        count(
            splits.validation.len(),
            "validation image",
            "validation images"
        ),
    )?;
    // ANCHOR: choose
    let mut chosen = (false, f64::NEG_INFINITY);
    for wide in [false, true] {
        let (_, score) = train_candidate(
            wide,
            SHORT_EPOCHS,
            super::SEED,
            &splits.train,
            &splits.validation,
            None,
        )?;
        writeln!(
            session.out,
            "  {:<28} validation loss {:.4}  accuracy {:.2}%  {:.1} s per epoch",
            describe(wide).0,
            score.loss,
            100.0 * score.accuracy,
            score.epoch_seconds
        )?;
        if score.accuracy > chosen.1 {
            chosen = (wide, score.accuracy);
        }
    }
    let wide = chosen.0;
    // ANCHOR_END: choose
    writeln!(
        session.out,
        "chosen (highest validation accuracy): {}",
        describe(wide).1
    )?;
    let mut first = None;
    let mut accuracies = Vec::new();
    for seed in SEEDS {
        writeln!(
            session.out,
            "final run, seed {seed}: {} on the {} (the validation images unused)",
            count(FINAL_EPOCHS, "epoch", "epochs"),
            count(splits.train.len(), "training image", "training images"),
        )?;
        let (network, score) = train_candidate(
            wide,
            FINAL_EPOCHS,
            seed,
            &splits.train,
            &splits.test,
            Some(&mut *session.out),
        )?;
        let correct = (score.accuracy * splits.test.len() as f64).round() as usize;
        writeln!(
            session.out,
            "  test accuracy, measured once: {:.2}% ({correct} of {}), test loss {:.4}, \
             training time {:.1} s ({:.1} s per epoch)",
            100.0 * score.accuracy,
            count(splits.test.len(), "test image", "test images"),
            score.loss,
            score.seconds,
            score.epoch_seconds
        )?;
        accuracies.push(100.0 * score.accuracy);
        first.get_or_insert(network);
    }
    let mean = accuracies.iter().sum::<f64>() / accuracies.len() as f64;
    let (low, high) = accuracies
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &a| {
            (l.min(a), h.max(a))
        });
    writeln!(
        session.out,
        "over the {} seeds: mean {mean:.2}%, lowest {low:.2}%, highest {high:.2}%",
        SEEDS.len()
    )?;
    let network = first.expect("at least one seed");
    let predictions = match &network {
        WideOrNarrow::Narrow(n) => predictions(n, &splits.test),
        WideOrNarrow::Wide(n) => predictions(n, &splits.test),
    };
    Ok(Trained {
        network,
        predictions,
    })
}
