//! The long experiments: the deep network on MNIST with and without batch normalization, at an
//! ordinary learning rate and at one ten times larger; then the two modes of the trained
//! network.

use super::deep::{Normalized, Plain, Run, accuracy_in, predictions_in, smoothed, train};
use crate::{ChapterResult, Session};
use nabla::data::mnist;
use nabla::layer::Pass;
use plot::{LineChart, Series};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// The seed of the weights and of the batch order (the same for every run).
pub const SEED: u64 = 11;
/// The learning rates compared: an ordinary one for plain SGD, and one ten times larger.
pub const LEARNING_RATES: [f64; 2] = [0.05, 0.5];
/// Epochs of each run.
pub const EPOCHS: usize = 5;
/// Samples per mini-batch.
pub const BATCH_SIZE: usize = 64;
/// Batches averaged into one point of the loss curves.
pub const SMOOTHING: usize = 50;
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
         batch {BATCH_SIZE} | {EPOCHS} epochs | seed {SEED}"
    )?;
    // ANCHOR: runs
    let mut runs = Vec::new();
    let mut kept = None;
    for learning_rate in LEARNING_RATES {
        let settings = (EPOCHS, BATCH_SIZE);
        // The same seed for both: the same batches in the same order.
        let mut rng = StdRng::seed_from_u64(SEED);
        let mut plain = Plain::<f32>::new(&mut rng);
        let run = train(&mut plain, &data, &test, learning_rate, settings, &mut rng);
        runs.push(Labelled {
            normalized: false,
            learning_rate,
            run,
        });
        let mut rng = StdRng::seed_from_u64(SEED);
        let mut normalized = Normalized::<f32>::new(&mut rng);
        let run = train(
            &mut normalized,
            &data,
            &test,
            learning_rate,
            settings,
            &mut rng,
        );
        runs.push(Labelled {
            normalized: true,
            learning_rate,
            run,
        });
        kept.get_or_insert(normalized);
    }
    // ANCHOR_END: runs
    print_tables(session, &runs, data.len().div_ceil(BATCH_SIZE))?;
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

/// The accuracy table, the loss table, and the time per epoch.
fn print_tables(session: &mut Session, runs: &[Labelled], batches: usize) -> ChapterResult {
    let header: Vec<String> = runs.iter().map(|r| format!("{:>22}", r.name())).collect();
    for (title, percent) in [
        ("Test accuracy after each epoch (inference mode)", true),
        ("Mean training loss of each epoch", false),
    ] {
        writeln!(session.out, "{title}")?;
        writeln!(session.out, "  epoch {}", header.join(""))?;
        for epoch in 1..=EPOCHS {
            let cells: Vec<String> = runs
                .iter()
                .map(|r| match r.run.epochs.get(epoch - 1) {
                    Some(row) if percent => format!("{:>21.2}%", 100.0 * row.test_accuracy),
                    Some(row) => format!("{:>22.4}", row.mean_loss),
                    None => format!("{:>22}", "diverged"),
                })
                .collect();
            writeln!(session.out, "  {epoch:>5} {}", cells.join(""))?;
        }
    }
    writeln!(
        session.out,
        "Test accuracy after each epoch in training mode (batch statistics of 1000 images)"
    )?;
    for r in runs.iter().filter(|r| r.normalized) {
        let cells: Vec<String> = r
            .run
            .epochs
            .iter()
            .map(|e| format!("{:.2}%", 100.0 * e.batch_statistics_accuracy))
            .collect();
        writeln!(session.out, "  {:<20} {}", r.name(), cells.join("  "))?;
    }
    for r in runs {
        if let Some(batch) = r.run.diverged_at {
            writeln!(
                session.out,
                "{}: the loss was not finite at batch {batch} of the first epoch's {batches}",
                r.name()
            )?;
        }
    }
    let median_epoch = |normalized: bool| {
        let mut seconds: Vec<f64> = runs
            .iter()
            .filter(|r| r.normalized == normalized)
            .flat_map(|r| r.run.epochs.iter().map(|e| e.seconds))
            .collect();
        seconds.sort_by(f64::total_cmp);
        seconds.get(seconds.len() / 2).copied().unwrap_or(f64::NAN)
    };
    let (plain, normalized) = (median_epoch(false), median_epoch(true));
    writeln!(
        session.out,
        "Median training time per epoch: plain {plain:.2} s, batch norm {normalized:.2} s \
         (ratio {:.2})",
        normalized / plain
    )?;
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
                "  (every image classified as a {})",
                named.join(", ")
            )?;
        }
        writeln!(session.out)?;
    }
    Ok(())
}
// ANCHOR_END: modes
