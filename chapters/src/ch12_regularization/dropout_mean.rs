//! Inverted dropout, measured: the mean of many masked copies of one input is the input, and
//! their variance is `a² p / (1 − p)`.

use crate::session::{ChapterResult, Session};
use nabla::Batch;
use nabla::dropout::{Dropout, DropoutCache};
use nabla::layer::{Layer, Pass};

/// The input of the measurement: eight activations, one of them zero.
pub const INPUT: [f64; 8] = [1.0, 0.5, 2.0, 0.0, 3.0, 0.25, 1.5, 4.0];

/// What [`measure`] found, per entry of the input.
#[derive(Clone, Debug, PartialEq)]
pub struct Measured {
    /// The fraction of all entries kept.
    pub kept: f64,
    /// The mean over the masks of each output.
    pub mean: Vec<f64>,
    /// The variance over the masks of each output.
    pub variance: Vec<f64>,
}

// ANCHOR: measure
/// Passes `masks` copies of `input` through [`Dropout`] with drop probability `p` in one
/// training batch (one mask per copy), and measures each output's mean and variance.
pub fn measure<const N: usize>(input: &[f64; N], p: f64, masks: usize, seed: u64) -> Measured {
    let batch = Batch::<f64, N>::from_fn(masks, |row, _| input[row]);
    let mut cache = DropoutCache::default();
    Dropout::new(p, seed).forward(&batch, Pass::train(0), &mut cache);
    let output = &cache.output;
    let kept = cache.mask.iter().filter(|&&m| m != 0.0).count() as f64 / (N * masks) as f64;
    let mean: Vec<f64> = output.row_iter().map(|row| row.mean()).collect();
    let variance = output
        .row_iter()
        .zip(&mean)
        .map(|(row, m)| row.iter().map(|a| (a - m).powi(2)).sum::<f64>() / masks as f64)
        .collect();
    Measured {
        kept,
        mean,
        variance,
    }
}
// ANCHOR_END: measure

/// Prints the measurement for `p = 0.3` next to what (12.5)–(12.7) predict.
pub fn expectation(session: &mut Session) -> ChapterResult {
    let (p, masks) = (0.3, 20_000);
    let measured = measure(&INPUT, p, masks, 3);
    writeln!(
        session.out,
        "inverted dropout, p = {p}, {} of one input: {:.4} of the entries kept",
        crate::headline::count(masks, "mask", "masks"),
        measured.kept
    )?;
    writeln!(
        session.out,
        "  input a      mean of outputs   variance   a² p/(1 − p)"
    )?;
    for (i, a) in INPUT.iter().enumerate() {
        writeln!(
            session.out,
            "  {a:<12} {:<17.3} {:<10.3} {:.3}",
            measured.mean[i],
            measured.variance[i],
            a * a * p / (1.0 - p)
        )?;
    }
    Ok(())
}
