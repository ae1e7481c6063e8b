//! The long part's figures: the first layer's learned kernels, the feature maps of one test
//! digit, the CNN's confusion matrix, and the test digits the CNN gets wrong with the MLP's
//! answer for each; and the count of errors the two share.

use super::train::{Trained, WideOrNarrow};
use crate::ch12_regularization::Splits;
use crate::headline::{self, RunConfig};
use crate::session::{ChapterResult, Session};
use nabla::batch::argmax_columns;
use nabla::data::mnist::{CLASSES, PIXELS};
use nabla::layer::Pass;
use nabla::network::Network;
use plot::{ConfusionMatrix, DigitGrid, ImageGrid, Shading};

/// The test image whose feature maps are drawn.
pub const FEATURE_DIGIT: usize = 0;

/// The first layer's kernels (each `K × K`, row by row), and the two ReLU layers' feature maps
/// of test image `digit` (each channel's map row by row), with the maps' sides.
pub struct Inside {
    /// One 5 × 5 kernel per channel of the first convolution.
    pub kernels: Vec<Vec<f64>>,
    /// After the first convolution and its ReLU: one 24 × 24 map per channel.
    pub first: Vec<Vec<f64>>,
    /// After the second convolution and its ReLU: one 8 × 8 map per channel.
    pub second: Vec<Vec<f64>>,
}

/// Reads the kernels and feature maps out of either candidate (their fields have the same
/// names, their types differ in the channel counts).
macro_rules! inside {
    ($network:expr, $digit:expr) => {{
        let network = $network;
        let weight = &network.conv1.weight;
        // Row o of the weight matrix is kernel o; tap (ky, kx) is column ky + 5·kx.
        let kernels = (0..weight.nrows())
            .map(|o| {
                (0..25)
                    .map(|p| f64::from(weight[(o, (p / 5) + 5 * (p % 5))]))
                    .collect()
            })
            .collect();
        let mut trace = Default::default();
        network.forward_trace($digit, Pass::infer(), &mut trace);
        let maps = |values: &[f32], side: usize| -> Vec<Vec<f64>> {
            values
                .chunks_exact(side * side)
                .map(|map| map.iter().map(|&v| f64::from(v)).collect())
                .collect()
        };
        Inside {
            kernels,
            first: maps(trace.act1.output.as_slice(), 24),
            second: maps(trace.act2.output.as_slice(), 8),
        }
    }};
}

/// The kernels and feature maps of `network` for test image `digit` of `splits`.
pub fn look_inside(network: &WideOrNarrow, splits: &Splits, digit: usize) -> Inside {
    let image = splits.test.inputs.columns(digit, 1).into_owned();
    match network {
        WideOrNarrow::Narrow(network) => inside!(network, &image),
        WideOrNarrow::Wide(network) => inside!(network, &image),
    }
}

/// Draws one grid of small images.
fn grid(
    session: &Session,
    name: &str,
    title: &str,
    images: Vec<Vec<f64>>,
    side: usize,
    zoom: usize,
    shading: Shading,
) -> ChapterResult {
    if let Some(path) = session.figure(name)? {
        let columns = images.len().min(8);
        plot::image_grid(
            &path,
            &ImageGrid {
                title: title.into(),
                captions: (0..images.len()).map(|c| format!("{c}")).collect(),
                images,
                height: side,
                width: side,
                zoom,
                columns,
                shading,
            },
        )?;
    }
    Ok(())
}

/// Trains chapter 8's MLP, prints what the two networks get wrong, and draws the figures.
pub fn run(cnn: &Trained, splits: &Splits, session: &mut Session) -> ChapterResult {
    let inside = look_inside(&cnn.network, splits, FEATURE_DIGIT);
    let labels: Vec<usize> = argmax_columns(&splits.test.targets);
    grid(
        session,
        "ch13-filters.png",
        "The first layer's kernels after training (grey 0, dark +, light −)",
        inside.kernels,
        5,
        14,
        Shading::Signed,
    )?;
    grid(
        session,
        "ch13-maps1.png",
        &format!(
            "Test digit {FEATURE_DIGIT} (a {}) after conv 1 and ReLU",
            labels[FEATURE_DIGIT]
        ),
        inside.first,
        24,
        4,
        Shading::Positive,
    )?;
    grid(
        session,
        "ch13-maps2.png",
        &format!("Test digit {FEATURE_DIGIT} after conv 2 and ReLU"),
        inside.second,
        8,
        8,
        Shading::Positive,
    )?;

    let mut counts = vec![vec![0usize; CLASSES]; CLASSES];
    for (&label, &predicted) in labels.iter().zip(&cnn.predictions) {
        counts[label][predicted] += 1;
    }
    if let Some(path) = session.figure("ch13-confusion.png")? {
        plot::confusion_matrix(
            &path,
            &ConfusionMatrix {
                title: "CNN, test set: true digit (rows) against prediction (columns)".into(),
                counts,
                labels: (0..CLASSES).map(|c| c.to_string()).collect(),
            },
        )?;
    }

    // ANCHOR: mlp
    let config = RunConfig::default();
    writeln!(
        session.out,
        "the MLP to compare with: {}",
        headline::describe(&config)
    )?;
    let mlp = headline::run(&config, |_| {})?;
    let mlp_predictions = argmax_columns(&mlp.network.logits(&splits.test.inputs));
    // ANCHOR_END: mlp
    let wrong = |predicted: &[usize], i: usize| predicted[i] != labels[i];
    let test = 0..labels.len();
    let both = test
        .clone()
        .filter(|&i| wrong(&cnn.predictions, i) && wrong(&mlp_predictions, i))
        .count();
    let only_cnn = test
        .clone()
        .filter(|&i| wrong(&cnn.predictions, i) && !wrong(&mlp_predictions, i))
        .count();
    let only_mlp = test
        .clone()
        .filter(|&i| !wrong(&cnn.predictions, i) && wrong(&mlp_predictions, i))
        .count();
    writeln!(
        session.out,
        "  MLP test accuracy {:.2}%; test images wrong: CNN {}, MLP {}; both wrong {both}, only \
         the CNN {only_cnn}, only the MLP {only_mlp}",
        100.0 * (labels.len() - both - only_mlp) as f64 / labels.len() as f64,
        both + only_cnn,
        both + only_mlp,
    )?;
    let pixels = &mlp.digits.test.pixels;
    let (cnn_answers, mlp_answers) = (&cnn.predictions[..], &mlp_predictions[..]);
    let grids = [
        (
            "ch13-misclassified.png",
            "CNN's errors: true → CNN (MLP's answer)",
            cnn_answers,
            mlp_answers,
        ),
        (
            "ch13-mlp-misclassified.png",
            "MLP's errors: true → MLP (CNN's answer)",
            mlp_answers,
            cnn_answers,
        ),
    ];
    for (file, title, answers, other) in grids {
        if let Some(path) = session.figure(file)? {
            // The first 32 test digits that `answers` gets wrong, with the other network's answer.
            let errors: Vec<usize> = test
                .clone()
                .filter(|&i| wrong(answers, i))
                .take(32)
                .collect();
            let grid = DigitGrid {
                title: title.into(),
                images: errors
                    .iter()
                    .map(|&i| &pixels[i * PIXELS..(i + 1) * PIXELS])
                    .collect(),
                captions: errors
                    .iter()
                    .map(|&i| format!("{} → {} ({})", labels[i], answers[i], other[i]))
                    .collect(),
                columns: 8,
            };
            plot::digit_grid(&path, &grid)?;
        }
    }
    Ok(())
}
