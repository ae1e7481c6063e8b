//! `nabla predict`: which digit is this? Classifies a PNG of a handwritten digit (prepared like
//! MNIST's own digits, see [`preprocess`]) or one of the MNIST test images with the headline
//! network (loaded from a safetensors file, or trained for one epoch), and prints the three
//! likeliest classes with their probabilities.

pub mod preprocess;

use crate::headline::{self, MnistNet, RunConfig};
use nabla::Batch;
use nabla::data::mnist::{self, CLASSES, PIXELS};
use nabla::model_file::{self, ModelFileError};
use nabla::network::Network;
use rand::SeedableRng;
use rand::rngs::StdRng;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The digit to classify.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Digit {
    /// A PNG file of any size, dark ink on light paper or the reverse.
    Image(PathBuf),
    /// One of the 10,000 MNIST test images, by index.
    TestIndex(usize),
}

/// Why `predict` failed.
#[derive(Debug, thiserror::Error)]
pub enum PredictError {
    /// The image could not be read or holds no digit.
    #[error(transparent)]
    Image(#[from] preprocess::ImageError),
    /// The test index is out of range.
    #[error("there is no MNIST test image {index}: the valid indices are 0 to {}", count - 1)]
    TestIndex {
        /// The index asked for.
        index: usize,
        /// How many test images there are.
        count: usize,
    },
    /// The model file could not be loaded.
    #[error(transparent)]
    Model(#[from] ModelFileError),
    /// Loading the data or training failed.
    #[error(transparent)]
    Nabla(#[from] nabla::Error),
}

/// The 784 pixels to classify (0 = background, 255 = ink) and, for a test image, its label.
pub fn load_digit(
    digit: &Digit,
    config: &RunConfig,
) -> Result<(Vec<u8>, Option<u8>), PredictError> {
    match *digit {
        Digit::Image(ref path) => Ok((preprocess::mnist_digit_from_png(path)?, None)),
        Digit::TestIndex(index) => {
            let test = mnist::load(&config.data_dir)
                .map_err(nabla::Error::from)?
                .test;
            if index >= test.len() {
                return Err(PredictError::TestIndex {
                    index,
                    count: test.len(),
                });
            }
            let pixels = test.pixels[index * PIXELS..(index + 1) * PIXELS].to_vec();
            Ok((pixels, Some(test.labels[index])))
        }
    }
}

/// The network's probability for each class, given 784 pixels (0 = background, 255 = ink).
pub fn probabilities(network: &MnistNet<f32>, pixels: &[u8]) -> [f32; CLASSES] {
    let input =
        Batch::<f32, PIXELS>::from_iterator(1, pixels.iter().map(|&p| f32::from(p) / 255.0));
    let output = network.predict(&input);
    std::array::from_fn(|class| output[class])
}

/// The `count` likeliest classes, likeliest first, as `(class, probability)`.
pub fn top_classes(probabilities: &[f32; CLASSES], count: usize) -> Vec<(usize, f32)> {
    let mut ranked: Vec<(usize, f32)> = probabilities.iter().copied().enumerate().collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
    ranked.truncate(count);
    ranked
}

/// One line of the answer: `  7  93.41%  ███████████████████▌` (the bar is 20 characters at 100%).
pub fn format_class((class, probability): (usize, f32)) -> String {
    const EIGHTHS: [&str; 8] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];
    let eighths = (probability.clamp(0.0, 1.0) * 20.0 * 8.0).round() as usize;
    let bar = "█".repeat(eighths / 8) + EIGHTHS[eighths % 8];
    format!("  {class}  {:>6.2}%  {bar}", 100.0 * probability)
        .trim_end()
        .to_string()
}

/// The headline network saved at `model`, or, without a file, one trained for a single epoch
/// (seeded by `config.seed`, reporting its progress to `out`).
pub fn network(
    model: Option<&Path>,
    config: &RunConfig,
    out: &mut dyn Write,
) -> Result<MnistNet<f32>, PredictError> {
    if let Some(path) = model {
        let mut network = MnistNet::<f32>::new(&mut StdRng::seed_from_u64(config.seed));
        model_file::load_into(path, &mut network)?;
        return Ok(network);
    }
    let config = RunConfig {
        epochs: 1,
        ..config.clone()
    };
    writeln!(
        out,
        "no --model given: training the headline network for 1 epoch first (seed {})",
        config.seed
    )
    .ok();
    let trained = headline::run(&config, |report| {
        writeln!(out, "{}", headline::format_epoch(report)).ok();
    })?;
    Ok(trained.network)
}

/// Runs `nabla predict`: reads the digit, loads (or trains) the network, and prints the three
/// likeliest classes to `out`.
pub fn run(
    digit: &Digit,
    model: Option<&Path>,
    config: &RunConfig,
    out: &mut dyn Write,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    // Read the digit first, so that a bad file or index fails before any training.
    let (pixels, label) = load_digit(digit, config)?;
    let network = network(model, config, out)?;
    let probabilities = probabilities(&network, &pixels);
    match (digit, label) {
        (Digit::Image(path), _) => writeln!(out, "prediction for {}:", path.display())?,
        (Digit::TestIndex(index), Some(label)) => writeln!(
            out,
            "prediction for MNIST test image {index} (true label: {label}):"
        )?,
        (Digit::TestIndex(index), None) => {
            writeln!(out, "prediction for MNIST test image {index}:")?
        }
    }
    for ranked in top_classes(&probabilities, 3) {
        writeln!(out, "{}", format_class(ranked))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_top_classes_come_likeliest_first() {
        let mut probabilities = [0.0; CLASSES];
        probabilities[7] = 0.9;
        probabilities[1] = 0.06;
        probabilities[9] = 0.04;
        let top = top_classes(&probabilities, 3);
        assert_eq!(top.iter().map(|&(c, _)| c).collect::<Vec<_>>(), [7, 1, 9]);
        assert_eq!(format_class(top[0]), "  7   90.00%  ██████████████████");
        assert_eq!(
            format_class((3, 1.0)),
            format!("  3  100.00%  {}", "█".repeat(20))
        );
    }

    #[test]
    fn a_saved_model_is_loaded_instead_of_training() {
        let config = RunConfig {
            seed: 7,
            ..RunConfig::default()
        };
        let saved = MnistNet::<f32>::new(&mut StdRng::seed_from_u64(1));
        let path =
            std::env::temp_dir().join(format!("nabla-predict-{}.safetensors", std::process::id()));
        model_file::save(&path, &saved).unwrap();
        let mut out = Vec::new();
        let loaded = network(Some(&path), &config, &mut out).unwrap();
        std::fs::remove_file(&path).ok();
        assert!(out.is_empty(), "no training output expected");
        let pixels: Vec<u8> = (0..PIXELS).map(|i| (i % 256) as u8).collect();
        assert_eq!(
            probabilities(&loaded, &pixels),
            probabilities(&saved, &pixels)
        );
        let err = network(Some(&path), &config, &mut out).unwrap_err();
        assert!(matches!(err, PredictError::Model(_)), "{err:?}");
    }

    #[test]
    fn a_test_index_past_the_end_names_the_valid_range() {
        let config = RunConfig::default();
        let err = load_digit(&Digit::TestIndex(10_000), &config).unwrap_err();
        assert_eq!(
            err.to_string(),
            "there is no MNIST test image 10000: the valid indices are 0 to 9999"
        );
    }
}
