//! Chapter 8: reference solutions.

// ANCHOR: scale_pixels
/// `pᵢ / 255` (8.1), in floating point: `p / 255` in integers would round every pixel but 255
/// down to 0.
pub fn scale_pixels(pixels: &[u8]) -> Vec<f64> {
    pixels.iter().map(|&p| f64::from(p) / 255.0).collect()
}
// ANCHOR_END: scale_pixels

// ANCHOR: accuracy
/// The fraction of samples whose argmax is their label (8.3).
pub fn accuracy(logits: &[Vec<f64>], labels: &[usize]) -> f64 {
    let argmax = |z: &[f64]| (1..z.len()).fold(0, |best, k| if z[k] > z[best] { k } else { best });
    let correct = logits
        .iter()
        .zip(labels)
        .filter(|(z, label)| argmax(z) == **label)
        .count();
    correct as f64 / labels.len() as f64
}
// ANCHOR_END: accuracy

// ANCHOR: confusion_matrix
/// `counts[true class][predicted class]`, one count per sample.
pub fn confusion_matrix(predicted: &[usize], labels: &[usize], classes: usize) -> Vec<Vec<usize>> {
    let mut counts = vec![vec![0; classes]; classes];
    for (&p, &t) in predicted.iter().zip(labels) {
        counts[t][p] += 1;
    }
    counts
}
// ANCHOR_END: confusion_matrix
