//! Chapter 8's exercises: typical wrong answers fail with their mistake named, and the
//! library's own pixel scaling and accuracy count pass the same checks.

use exercises::checks::ch08_mnist as check;
use exercises::solutions::ch08_mnist as solution;
use exercises::{Failure, Outcome};
use nabla::Batch;
use nabla::batch::one_hot;
use nabla::data::mnist::{PIXELS, RawDigits};
use nabla::train::count_correct;

/// The mistake a failing outcome names.
fn mistake(outcome: Outcome) -> String {
    match outcome {
        Outcome::Failed(Failure {
            likely_mistake: Some(m),
            ..
        }) => m,
        other => panic!("expected a failure with a named mistake, got {other:?}"),
    }
}

#[test]
fn wrong_pixel_scalings_fail_with_their_mistake_named() {
    let integer = |p: &[u8]| p.iter().map(|&p| f64::from(p / 255)).collect::<Vec<_>>();
    assert!(mistake(check::scale_pixels(integer)).contains("in integers"));
    let by_256 = |p: &[u8]| p.iter().map(|&p| f64::from(p) / 256.0).collect::<Vec<_>>();
    assert!(mistake(check::scale_pixels(by_256)).contains("divided by 256"));
    let unscaled = |p: &[u8]| p.iter().map(|&p| f64::from(p)).collect::<Vec<_>>();
    assert!(mistake(check::scale_pixels(unscaled)).contains("not scaled"));
    let symmetric = |p: &[u8]| {
        p.iter()
            .map(|&p| 2.0 * f64::from(p) / 255.0 - 1.0)
            .collect::<Vec<_>>()
    };
    assert!(mistake(check::scale_pixels(symmetric)).contains("[−1, 1]"));
}

/// The argmax with its search started at `start` instead of the first logit.
fn argmax_from(z: &[f64], start: f64) -> usize {
    let (mut best, mut value) = (0, start);
    for (k, &x) in z.iter().enumerate() {
        if x > value {
            (best, value) = (k, x);
        }
    }
    best
}

#[test]
fn wrong_accuracies_fail_with_their_mistake_named() {
    let percent = |z: &[Vec<f64>], l: &[usize]| 100.0 * solution::accuracy(z, l);
    assert!(mistake(check::accuracy(percent)).contains("percentage"));
    let count = |z: &[Vec<f64>], l: &[usize]| solution::accuracy(z, l) * l.len() as f64;
    assert!(mistake(check::accuracy(count)).contains("number of correct samples"));
    let from_zero = |z: &[Vec<f64>], l: &[usize]| {
        let correct = z
            .iter()
            .zip(l)
            .filter(|(z, l)| argmax_from(z, 0.0) == **l)
            .count();
        correct as f64 / l.len() as f64
    };
    assert!(mistake(check::accuracy(from_zero)).contains("all negative"));
    let argmin = |z: &[Vec<f64>], l: &[usize]| {
        let negated: Vec<Vec<f64>> = z.iter().map(|z| z.iter().map(|x| -x).collect()).collect();
        solution::accuracy(&negated, l)
    };
    assert!(mistake(check::accuracy(argmin)).contains("smallest logit"));
    let integer = |z: &[Vec<f64>], l: &[usize]| {
        let correct = (solution::accuracy(z, l) * l.len() as f64).round() as usize;
        (correct / l.len()) as f64
    };
    assert!(mistake(check::accuracy(integer)).contains("in integers"));
}

#[test]
fn a_transposed_confusion_matrix_is_named() {
    let transposed =
        |p: &[usize], t: &[usize], classes: usize| solution::confusion_matrix(t, p, classes);
    assert!(mistake(check::confusion_matrix(transposed)).contains("transposed"));
    let fixed_ten =
        |p: &[usize], t: &[usize], _classes: usize| solution::confusion_matrix(p, t, 10);
    let outcome = check::confusion_matrix(fixed_ten);
    assert!(
        matches!(&outcome, Outcome::Failed(f) if f.explanation.contains("12 × 12")),
        "{outcome:?}"
    );
}

#[test]
fn the_library_passes_the_same_checks() {
    // The loader's scaling, on images padded to 784 pixels.
    let scale = |pixels: &[u8]| {
        let images = pixels.len().div_ceil(PIXELS);
        let mut padded = pixels.to_vec();
        padded.resize(images * PIXELS, 0);
        let digits = RawDigits {
            pixels: padded,
            labels: vec![0; images],
        };
        let data = digits.to_dataset::<f64>();
        data.inputs.as_slice()[..pixels.len()].to_vec()
    };
    let outcome = check::scale_pixels(scale);
    assert!(outcome.passed(), "{outcome:?}");
    // The training loop's count of correct samples, for the 3- and 10-class batches.
    fn library_accuracy<const K: usize>(z: &[Vec<f64>], l: &[usize]) -> f64 {
        let logits = Batch::<f64, K>::from_fn(z.len(), |k, i| z[i][k]);
        let labels: Vec<u8> = l.iter().map(|&l| l as u8).collect();
        count_correct(&logits, &one_hot::<f64, K>(&labels)) as f64 / l.len() as f64
    }
    let accuracy = |z: &[Vec<f64>], l: &[usize]| match z[0].len() {
        3 => library_accuracy::<3>(z, l),
        10 => library_accuracy::<10>(z, l),
        k => panic!("no adapter for {k} classes"),
    };
    let outcome = check::accuracy(accuracy);
    assert!(outcome.passed(), "{outcome:?}");
}
