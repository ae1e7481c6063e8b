//! The long experiments: the deep network on MNIST with and without batch normalization, at an
//! ordinary learning rate (0.05) and at two larger ones (0.5 and 2, 10 and 40 times as large); then the two modes of the trained
//! network.

use super::deep::{EpochRow, Normalized, Plain, Run, accuracy_in, predictions_in, smoothed, train};
use crate::{ChapterResult, Session};
use nabla::data::Dataset;
use nabla::data::mnist;
use nabla::data::mnist::{CLASSES, PIXELS};
use nabla::layer::Pass;
use plot::{LineChart, Series};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// The seed of the weights (and, plus one, of the batch order), the same for every run.
pub const SEED: u64 = 11;
/// The learning rates compared: an ordinary one for plain SGD, and 10 and 40 times larger.
pub const LEARNING_RATES: [f64; 3] = [0.05, 0.5, 2.0];
/// Epochs of each run.
pub const EPOCHS: usize = 5;
/// Samples per mini-batch.
pub const BATCH_SIZE: usize = 64;
/// Batches averaged into one point of the loss curves.
pub const SMOOTHING: usize = 50;
/// Epochs timed for each network, alternating between the two.
pub const TIMED_EPOCHS: usize = 3;
/// The seeds of the short runs at the large learning rates.
pub const SWEEP_SEEDS: [u64; 5] = [0, 1, 2, 3, 4];
/// Training images in each short run (one pass, 200 batches).
pub const SWEEP_SAMPLES: usize = 12_800;
/// Batches shown one by one in the figure of the start of training.
pub const FIRST_BATCHES: usize = 100;

/// One run: which network, at which rate, and what it recorded.
struct Labelled {
    normalized: bool,
    learning_rate: f64,
    run: Run,
}

impl Labelled {
    fn name(&self) -> String {
        let kind = if self.normalized {
            "batch norm"
        } else {
            "plain"
        };
        format!("{kind}, η = {}", self.learning_rate)
    }
}

/// Runs the experiments and prints their tables.
pub fn run_long(session: &mut Session) -> ChapterResult {
    let digits = mnist::load(&mnist::default_dir())?;
    let (data, test) = (
        digits.train.to_dataset::<f32>(),
        digits.test.to_dataset::<f32>(),
    );
    writeln!(
        session.out,
        "784 => 6 × 100 ReLU => softmax 10 on MNIST, with and without batch norm | plain SGD | \
         batch {BATCH_SIZE} | {EPOCHS} epochs | seeds {SEED} (weights), {} (order)",
        SEED + 1
    )?;
    // ANCHOR: runs
    let mut runs = Vec::new();
    let mut kept = None;
    for learning_rate in LEARNING_RATES {
        let settings = (EPOCHS, BATCH_SIZE);
        // One generator draws the weights and another the batch order, both seeded alike for
        // the two networks: they see the same batches in the same order.
        let generators = || (StdRng::seed_from_u64(SEED), StdRng::seed_from_u64(SEED + 1));
        let (mut weights, mut order) = generators();
        let mut plain = Plain::<f32>::new(&mut weights);
        let run = train(
            &mut plain,
            &data,
            &test,
            learning_rate,
            settings,
            &mut order,
        );
        runs.push(Labelled {
            normalized: false,
            learning_rate,
            run,
        });
        let (mut weights, mut order) = generators();
        let mut normalized = Normalized::<f32>::new(&mut weights);
        let run = train(
            &mut normalized,
            &data,
            &test,
            learning_rate,
            settings,
            &mut order,
        );
        runs.push(Labelled {
            normalized: true,
            learning_rate,
            run,
        });
        kept.get_or_insert(normalized);
    }
    // ANCHOR_END: runs
    print_tables(session, &runs)?;
    time_epochs(session, &data, &test)?;
    seed_sweep(session, &data, &test)?;
    if let Some(network) = &kept {
        print_modes(session, network, &test)?;
    }
    if let Some(path) = session.figure("ch11-loss.png")? {
        plot::line_chart(
            &path,
            &LineChart {
                title: format!("Training loss (mean of each {SMOOTHING} batches)"),
                x_label: "batch".into(),
                y_label: "loss".into(),
                series: runs
                    .iter()
                    .filter(|r| r.run.diverged_at.is_none())
                    .map(|r| Series::new(r.name(), smoothed(&r.run.batch_losses, SMOOTHING)))
                    .collect(),
                y_range: Some((0.03, 3.0)),
                log_y: true,
            },
        )?;
    }
    if let Some(path) = session.figure("ch11-first-batches.png")? {
        let first = |losses: &[f64]| -> Vec<(f64, f64)> {
            let shown = &losses[..losses.len().min(FIRST_BATCHES)];
            (1..).map(f64::from).zip(shown.iter().copied()).collect()
        };
        plot::line_chart(
            &path,
            &LineChart {
                title: format!("Training loss of each of the first {FIRST_BATCHES} batches"),
                x_label: "batch".into(),
                y_label: "loss".into(),
                series: runs
                    .iter()
                    .map(|r| Series::new(r.name(), first(&r.run.batch_losses)))
                    .collect(),
                y_range: Some((0.1, 1e4)),
                log_y: true,
            },
        )?;
    }
    Ok(())
}

/// A table of one number per run and epoch: its title, how it prints an epoch's number, and
/// whether it shows the batch-norm runs only.
type Table = (&'static str, fn(&EpochRow) -> String, bool);

/// The accuracy table, the loss table, the accuracy with batch statistics, and the time per
/// epoch.
fn print_tables(session: &mut Session, runs: &[Labelled]) -> ChapterResult {
    let epochs: Vec<String> = (1..=EPOCHS).map(|e| format!("{e:>8}")).collect();
    let tables: [Table; 3] = [
        (
            "Test accuracy after each epoch (inference mode)",
            |e| format!("{:>7.2}%", 100.0 * e.test_accuracy),
            false,
        ),
        (
            "Mean training loss of each epoch",
            |e| format!("{:>8.4}", e.mean_loss),
            false,
        ),
        (
            "Test accuracy after each epoch in training mode (batch statistics of 1000 images)",
            |e| format!("{:>7.2}%", 100.0 * e.batch_statistics_accuracy),
            true,
        ),
    ];
    for (title, cell, normalized_only) in tables {
        writeln!(session.out, "{title}")?;
        writeln!(session.out, "  {:<20}{}", "epoch", epochs.join(""))?;
        for r in runs.iter().filter(|r| r.normalized || !normalized_only) {
            let cells: Vec<String> = r.run.epochs.iter().map(cell).collect();
            let diverged = match r.run.diverged_at {
                Some(batch) => format!("   diverged at batch {batch}"),
                None => String::new(),
            };
            writeln!(
                session.out,
                "  {:<20}{}{diverged}",
                r.name(),
                cells.join("")
            )?;
        }
    }
    Ok(())
}

// ANCHOR: modes
/// The trained batch-norm network on the test set: in inference mode, and in training mode
/// (each batch normalized by its own statistics) with batches of 1000, 64 and 1.
fn print_modes(
    session: &mut Session,
    network: &Normalized,
    test: &nabla::data::Dataset<f32, 784, 10>,
) -> ChapterResult {
    writeln!(
        session.out,
        "The batch-norm network trained at η = {}, on the {} test images",
        LEARNING_RATES[0],
        test.len()
    )?;
    let infer = accuracy_in(network, test, Pass::infer(), 1000);
    writeln!(
        session.out,
        "  inference mode (running averages):  {:.2}%",
        100.0 * infer
    )?;
    for batch_size in [1000, 64, 1] {
        let accuracy = accuracy_in(network, test, Pass::train(0), batch_size);
        write!(
            session.out,
            "  training mode, batches of {batch_size:>4}:     {:.2}%",
            100.0 * accuracy
        )?;
        if batch_size == 1 {
            let mut classes = predictions_in(network, test, Pass::train(0), 1);
            classes.sort_unstable();
            classes.dedup();
            let named: Vec<String> = classes.iter().map(|c| c.to_string()).collect();
            write!(
                session.out,
                "  (every image classified as {})",
                named.join(", ")
            )?;
        }
        writeln!(session.out)?;
    }
    Ok(())
}
// ANCHOR_END: modes

// ANCHOR: sweep
/// One pass over the first [`SWEEP_SAMPLES`] training images for each seed of
/// [`SWEEP_SEEDS`], at the two large learning rates, with and without batch norm: the mean loss
/// of the pass, or `diverged` (a loss above [`DIVERGED_LOSS`], or not a number).
fn seed_sweep(
    session: &mut Session,
    data: &Dataset<f32, PIXELS, CLASSES>,
    test: &Dataset<f32, PIXELS, CLASSES>,
) -> ChapterResult {
    let (data, test) = (data.take(SWEEP_SAMPLES), test.take(100));
    writeln!(
        session.out,
        "Seeds {}–{}, one pass over {SWEEP_SAMPLES} training images: mean loss, or diverged",
        SWEEP_SEEDS[0],
        SWEEP_SEEDS[SWEEP_SEEDS.len() - 1]
    )?;
    let seeds: Vec<String> = SWEEP_SEEDS.iter().map(|s| format!("{s:>9}")).collect();
    writeln!(session.out, "  {:<22}{}", "seed", seeds.join(""))?;
    for &rate in &LEARNING_RATES[1..] {
        for normalized in [false, true] {
            let mut cells = Vec::new();
            for seed in SWEEP_SEEDS {
                let (mut weights, mut order) =
                    (StdRng::seed_from_u64(seed), StdRng::seed_from_u64(seed + 1));
                let settings = (1, BATCH_SIZE);
                let run = if normalized {
                    let mut network = Normalized::<f32>::new(&mut weights);
                    train(&mut network, &data, &test, rate, settings, &mut order)
                } else {
                    let mut network = Plain::<f32>::new(&mut weights);
                    train(&mut network, &data, &test, rate, settings, &mut order)
                };
                cells.push(match run.epochs.first() {
                    Some(epoch) => format!("{:>9.3}", epoch.mean_loss),
                    None => format!("{:>9}", "diverged"),
                });
            }
            let kind = if normalized { "batch norm" } else { "plain" };
            let name = format!("{kind} at η = {rate}");
            writeln!(session.out, "  {name:<22}{}", cells.join(""))?;
        }
    }
    Ok(())
}
// ANCHOR_END: sweep

// ANCHOR: timing
/// Times [`TIMED_EPOCHS`] epochs of each network at the ordinary rate, alternating between the
/// two so that a change in the machine's load slows both alike, and prints the medians.
fn time_epochs(
    session: &mut Session,
    data: &Dataset<f32, PIXELS, CLASSES>,
    test: &Dataset<f32, PIXELS, CLASSES>,
) -> ChapterResult {
    let test = test.take(100);
    let (mut rng, settings) = (StdRng::seed_from_u64(SEED), (1, BATCH_SIZE));
    let mut plain = Plain::<f32>::new(&mut rng);
    let mut normalized = Normalized::<f32>::new(&mut rng);
    let (mut plain_seconds, mut normalized_seconds) = (Vec::new(), Vec::new());
    for _ in 0..TIMED_EPOCHS {
        let run = train(
            &mut plain,
            data,
            &test,
            LEARNING_RATES[0],
            settings,
            &mut rng,
        );
        plain_seconds.extend(run.epochs.iter().map(|e| e.seconds));
        let run = train(
            &mut normalized,
            data,
            &test,
            LEARNING_RATES[0],
            settings,
            &mut rng,
        );
        normalized_seconds.extend(run.epochs.iter().map(|e| e.seconds));
    }
    let median = |mut seconds: Vec<f64>| {
        seconds.sort_by(f64::total_cmp);
        seconds.get(seconds.len() / 2).copied().unwrap_or(f64::NAN)
    };
    let (plain, normalized) = (median(plain_seconds), median(normalized_seconds));
    writeln!(
        session.out,
        "Training time per epoch, {TIMED_EPOCHS} epochs of each alternating (median): plain \
         {plain:.2} s, batch norm {normalized:.2} s (ratio {:.2})",
        normalized / plain
    )?;
    Ok(())
}
// ANCHOR_END: timing
