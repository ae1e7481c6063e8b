//! Chapter 8: MNIST. Reads the IDX headers, trains the headline network `784 → relu 128 →
//! softmax 10`, and draws its learning curves, its confusion matrix and the digits it gets
//! wrong.

use crate::headline::{self, RunConfig, Trained};
use crate::{ChapterResult, Session};
use nabla::batch::argmax_columns;
use nabla::data::idx;
use nabla::data::mnist::{CLASSES, PIXELS};
use nabla::network::Network;
use plot::{ConfusionMatrix, DigitGrid, LineChart, Series};

/// The four files of the data set, in the order the book lists them.
pub use nabla::data::mnist::FILES;

/// The seeds of the several-seed comparison.
pub const SEEDS: [u64; 3] = [0, 1, 2];

/// Runs this chapter's program: the headline run with the default settings, then its figures.
pub fn run(session: &mut Session) -> ChapterResult {
    let config = RunConfig::default();
    describe_files(&config, session)?;
    writeln!(session.out, "{}", headline::describe(&config))?;
    let mut failed_write = None;
    let trained = headline::run(&config, |report| {
        if let Err(error) = writeln!(session.out, "{}", headline::format_epoch(report)) {
            failed_write.get_or_insert(error);
        }
    })?;
    if let Some(error) = failed_write {
        return Err(error.into());
    }
    writeln!(session.out, "{}", headline::format_final(&trained))?;
    draw_figures(&trained, session)
}

// ANCHOR: headers
/// Prints the header of each IDX file: its magic number and dimensions.
fn describe_files(config: &RunConfig, session: &mut Session) -> ChapterResult {
    for name in FILES {
        let bytes = idx::read_bytes(&config.data_dir.join(name))?;
        let word = |i: usize| {
            u32::from_be_bytes([
                bytes[4 * i],
                bytes[4 * i + 1],
                bytes[4 * i + 2],
                bytes[4 * i + 3],
            ])
        };
        let rank = (word(0) & 0xff) as usize;
        let dimensions: Vec<String> = (1..=rank).map(|i| word(i).to_string()).collect();
        writeln!(
            session.out,
            "{name:<28} magic 0x{:08x}  dimensions {}  ({} bytes unpacked)",
            word(0),
            dimensions.join(" × "),
            bytes.len()
        )?;
    }
    Ok(())
}
// ANCHOR_END: headers

/// Draws the learning curves, the confusion matrix and a grid of misclassified test digits,
/// and prints the most common confusions.
pub fn draw_figures(trained: &Trained, session: &mut Session) -> ChapterResult {
    // ANCHOR: confusion
    let test = trained.digits.test.to_dataset::<f32>();
    let predictions = argmax_columns(&trained.network.logits(&test.inputs));
    let labels = &trained.digits.test.labels;
    let mut counts = vec![vec![0usize; CLASSES]; CLASSES];
    for (&label, &predicted) in labels.iter().zip(&predictions) {
        counts[usize::from(label)][predicted] += 1;
    }
    // ANCHOR_END: confusion

    let mut confusions: Vec<(usize, usize, usize)> = (0..CLASSES)
        .flat_map(|t| (0..CLASSES).map(move |p| (t, p)))
        .filter(|(t, p)| t != p)
        .map(|(t, p)| (counts[t][p], t, p))
        .collect();
    confusions.sort_by(|a, b| b.cmp(a));
    let wrong = labels.len() - (0..CLASSES).map(|c| counts[c][c]).sum::<usize>();
    writeln!(
        session.out,
        "misclassified test images: {wrong} of {}",
        labels.len()
    )?;
    for (count, truth, predicted) in confusions.iter().filter(|c| c.0 > 0).take(5) {
        let times = headline::count(*count, "time", "times");
        writeln!(session.out, "  a {truth} taken for a {predicted}: {times}")?;
    }

    let epochs: Vec<f64> = trained.reports.iter().map(|r| r.epoch as f64).collect();
    let curve = |label: &str, values: Vec<f64>| {
        Series::new(label, epochs.iter().copied().zip(values).collect())
    };
    if let Some(path) = session.figure("ch08-loss.png")? {
        let loss = trained.reports.iter().map(|r| r.mean_loss).collect();
        plot::line_chart(
            &path,
            &LineChart {
                title: "Training loss (mean cross-entropy per epoch)".into(),
                x_label: "epoch".into(),
                y_label: "loss".into(),
                series: vec![curve("training loss", loss)],
                y_range: None,
                log_y: true,
            },
        )?;
    }
    if let Some(path) = session.figure("ch08-accuracy.png")? {
        let train = trained
            .reports
            .iter()
            .map(|r| 100.0 * r.train_accuracy)
            .collect();
        let test = trained
            .reports
            .iter()
            .map(|r| 100.0 * r.test_accuracy.unwrap_or(f64::NAN))
            .collect();
        plot::line_chart(
            &path,
            &LineChart {
                title: "Accuracy after each epoch".into(),
                x_label: "epoch".into(),
                y_label: "accuracy (%)".into(),
                series: vec![
                    curve("training (during the epoch)", train),
                    curve("test (after the epoch)", test),
                ],
                y_range: None,
                log_y: false,
            },
        )?;
    }
    if let Some(path) = session.figure("ch08-confusion.png")? {
        plot::confusion_matrix(
            &path,
            &ConfusionMatrix {
                title: "Test set: true digit (rows) against prediction (columns)".into(),
                counts: counts.clone(),
                labels: (0..CLASSES).map(|c| c.to_string()).collect(),
            },
        )?;
    }
    if let Some(path) = session.figure("ch08-misclassified.png")? {
        let pixels = &trained.digits.test.pixels;
        let wrong: Vec<usize> = (0..labels.len())
            .filter(|&i| usize::from(labels[i]) != predictions[i])
            .take(24)
            .collect();
        plot::digit_grid(
            &path,
            &DigitGrid {
                title: "Misclassified test digits: true → predicted".into(),
                images: wrong
                    .iter()
                    .map(|&i| &pixels[i * PIXELS..(i + 1) * PIXELS])
                    .collect(),
                captions: wrong
                    .iter()
                    .map(|&i| format!("{} → {}", labels[i], predictions[i]))
                    .collect(),
                columns: 8,
            },
        )?;
    }
    Ok(())
}

/// Trains the headline recipe once per seed in [`SEEDS`] and prints each final accuracy.
pub fn seed_table(session: &mut Session) -> ChapterResult {
    for seed in SEEDS {
        let config = RunConfig {
            seed,
            ..RunConfig::default()
        };
        let trained = headline::run(&config, |_| {})?;
        writeln!(session.out, "{}", seed_line(seed, &trained))?;
    }
    Ok(())
}

/// `seed 0: test accuracy 97.76%, final training loss 0.0213`
pub fn seed_line(seed: u64, trained: &Trained) -> String {
    let last = trained.reports.last();
    format!(
        "seed {seed}: test accuracy {:.2}%, final training loss {:.4}",
        100.0 * last.and_then(|r| r.test_accuracy).unwrap_or(f64::NAN),
        last.map_or(f64::NAN, |r| r.mean_loss)
    )
}
