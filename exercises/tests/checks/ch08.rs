//! Chapter 8's exercises: typical wrong answers fail with their mistake named. That the library's
//! pixel scaling and accuracy pass the same checks is tested by the book's equation tests
//! (`eq_8_1_…` and `eq_8_3_…` in `tests/chapters/ch08_mnist.rs`).

use exercises::checks::ch08_mnist as check;
use exercises::solutions::ch08_mnist as solution;
use exercises::{Failure, Outcome};

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
