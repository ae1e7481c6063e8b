//! Chapter 8, MNIST: exercises. Fill in each function marked `EXERCISE`, then run
//! `cargo run --release -- exercises check ch08`.
// The stubs do not use their arguments until you fill them in.
#![allow(unused_variables)]

// ANCHOR: scale_pixels
/// EXERCISE 8.1: pixels as the network sees them.
///
/// Each pixel is a byte, 0 for the background and 255 for full ink. Return every pixel scaled
/// to [0, 1] as in equation (8.1), `xᵢ = pᵢ / 255`.
pub fn scale_pixels(pixels: &[u8]) -> Vec<f64> {
    todo!("EXERCISE 8.1")
}
// ANCHOR_END: scale_pixels

// ANCHOR: accuracy
/// EXERCISE 8.2: accuracy from logits.
///
/// `logits[i]` holds the network's K logits for sample i and `labels[i]` its correct class.
/// Return the fraction of samples whose largest logit is at the correct class, equation (8.3),
/// a number between 0 and 1. (The largest logit is also the largest softmax probability.)
pub fn accuracy(logits: &[Vec<f64>], labels: &[usize]) -> f64 {
    todo!("EXERCISE 8.2")
}
// ANCHOR_END: accuracy

// ANCHOR: confusion_matrix
/// EXERCISE 8.3: the confusion matrix.
///
/// For `classes` classes, return a `classes × classes` table of counts whose row t, column p
/// counts the samples of true class t (`labels[i]`) that were predicted as p (`predicted[i]`):
/// the diagonal holds the correct answers.
pub fn confusion_matrix(predicted: &[usize], labels: &[usize], classes: usize) -> Vec<Vec<usize>> {
    todo!("EXERCISE 8.3")
}
// ANCHOR_END: confusion_matrix
