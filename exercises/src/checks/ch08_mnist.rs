//! Chapter 8's checks: pixel scaling (8.1), accuracy from logits by argmax (8.3), and the
//! confusion matrix.

use crate::catalog::Exercise;
use crate::grade::{Failure, Outcome, compare, guarded, mistake_of_scale, relative_error};
use crate::{ch08_mnist as learner, solutions::ch08_mnist as solution};

/// Chapter 8's exercises.
pub const EXERCISES: &[Exercise] = &[
    Exercise {
        id: "ch08.scale_pixels",
        title: "pixels scaled to [0, 1]",
        file: "exercises/src/ch08_mnist.rs",
        hints: &[
            "The darkest pixel, 255, must become exactly 1 and the background, 0, stays 0.",
            "Equation (8.1): xᵢ = pᵢ / 255, computed in f64 (f64::from(p) / 255.0), not in integers.",
        ],
        check: || scale_pixels(learner::scale_pixels),
        solution: || scale_pixels(solution::scale_pixels),
    },
    Exercise {
        id: "ch08.accuracy",
        title: "accuracy from logits via argmax",
        file: "exercises/src/ch08_mnist.rs",
        hints: &[
            "For each sample find the index of its largest logit, compare it with the label, and \
             count the matches; logits can all be negative.",
            "Equation (8.3): accuracy = (1/N) Σᵢ 1[argmaxₖ zₖ⁽ⁱ⁾ = labelᵢ], a fraction, not a percentage.",
        ],
        check: || accuracy(learner::accuracy),
        solution: || accuracy(solution::accuracy),
    },
    Exercise {
        id: "ch08.confusion_matrix",
        title: "the confusion matrix",
        file: "exercises/src/ch08_mnist.rs",
        hints: &[
            "Start from a classes × classes table of zeros and add 1 for every sample.",
            "The sample with true class t predicted as p adds 1 to counts[t][p]: rows are the \
             truth, columns the prediction.",
        ],
        check: || confusion_matrix(learner::confusion_matrix),
        solution: || confusion_matrix(solution::confusion_matrix),
    },
];

/// Checks `f` as the pixel scaling of (8.1) on every byte value.
pub fn scale_pixels(f: impl Fn(&[u8]) -> Vec<f64>) -> Outcome {
    scale_pixels_once(&f)
}

/// [`scale_pixels`]'s body, compiled once: the implementation is behind a reference, not a
/// type parameter, so each caller's closure does not compile the whole check again.
fn scale_pixels_once(f: &dyn Fn(&[u8]) -> Vec<f64>) -> Outcome {
    let pixels: Vec<u8> = (0..=255).rev().collect();
    let got = match guarded(|| f(&pixels)) {
        Ok(got) => got,
        Err(outcome) => return outcome,
    };
    let expected: Vec<f64> = pixels.iter().map(|&p| f64::from(p) / 255.0).collect();
    let Err(failure) = compare("the pixels 255, 254, …, 0 scaled", &expected, &got, 1e-12) else {
        return Outcome::Passed("every byte from 0 to 255 scales to p/255".to_string());
    };
    let integer: Vec<f64> = pixels.iter().map(|&p| f64::from(p / 255)).collect();
    let mistake = if got.len() == expected.len() && got == integer {
        Some(
            "the division is in integers, so every pixel but 255 rounds down to 0: divide in f64"
                .to_string(),
        )
    } else if mistake_of_scale(&expected, &got)
        .is_some_and(|_| relative_error(got[0], 255.0 / 256.0) < 1e-12)
    {
        Some(
            "the pixels are divided by 256: 255 must become exactly 1, so divide by 255"
                .to_string(),
        )
    } else if got.len() == expected.len()
        && got.iter().zip(&pixels).all(|(g, &p)| *g == f64::from(p))
    {
        Some("the pixels are not scaled at all: divide each by 255".to_string())
    } else if got.len() == expected.len()
        && compare(
            "",
            &expected.iter().map(|x| 2.0 * x - 1.0).collect::<Vec<_>>(),
            &got,
            1e-12,
        )
        .is_ok()
    {
        Some("this scales to [−1, 1]; the book's inputs are in [0, 1], pᵢ / 255".to_string())
    } else {
        None
    };
    // A named mistake is more specific than the scale `compare` found.
    Failure {
        likely_mistake: mistake.or(failure.likely_mistake),
        ..failure
    }
    .into()
}

/// (logits, labels): confident and wrong, all-negative logits, and a ten-class batch.
fn accuracy_cases() -> Vec<(Vec<Vec<f64>>, Vec<usize>)> {
    let ten: Vec<Vec<f64>> = (0..20)
        .map(|i| {
            (0..10)
                .map(|k| ((i * 7 + k * 3) % 11) as f64 - 5.0)
                .collect()
        })
        .collect();
    let ten_labels: Vec<usize> = (0..20).map(|i| (i * 3) % 10).collect();
    vec![
        (
            vec![
                vec![2.0, 1.0, 0.1],
                vec![0.5, 3.0, -1.0],
                vec![0.0, 0.2, 0.1],
                vec![1.0, -1.0, 4.0],
            ],
            vec![0, 1, 0, 2],
        ),
        (
            vec![
                vec![-3.0, -1.0, -2.0],
                vec![-0.5, -4.0, -0.7],
                vec![-2.0, -2.5, -1.5],
            ],
            vec![1, 0, 2],
        ),
        (ten, ten_labels),
    ]
}

/// The argmax as the check computes it: the first of the largest entries.
fn argmax(z: &[f64]) -> usize {
    (1..z.len()).fold(0, |best, k| if z[k] > z[best] { k } else { best })
}

/// Checks `f` as the accuracy of (8.3).
pub fn accuracy(f: impl Fn(&[Vec<f64>], &[usize]) -> f64) -> Outcome {
    accuracy_once(&f)
}

/// [`accuracy`]'s body, compiled once: the implementation is behind a reference, not a
/// type parameter, so each caller's closure does not compile the whole check again.
fn accuracy_once(f: &dyn Fn(&[Vec<f64>], &[usize]) -> f64) -> Outcome {
    for (logits, labels) in accuracy_cases() {
        let got = match guarded(|| f(&logits, &labels)) {
            Ok(got) => got,
            Err(outcome) => return outcome,
        };
        let correct = logits
            .iter()
            .zip(&labels)
            .filter(|(z, l)| argmax(z) == **l)
            .count();
        let n = labels.len();
        let expected = correct as f64 / n as f64;
        if relative_error(expected, got) <= 1e-12 {
            continue;
        }
        let fraction_of = |count: usize| relative_error(count as f64 / n as f64, got) <= 1e-12;
        // The usual slip: the largest value so far starts at 0.0 instead of the first logit.
        let from_zero = |z: &[f64]| {
            let (mut best, mut value) = (0, 0.0);
            for (k, &x) in z.iter().enumerate() {
                if x > value {
                    (best, value) = (k, x);
                }
            }
            best
        };
        let from_zero = logits
            .iter()
            .zip(&labels)
            .filter(|(z, l)| from_zero(z) == **l)
            .count();
        let argmin = logits
            .iter()
            .zip(&labels)
            .filter(|(z, l)| argmax(&z.iter().map(|x| -x).collect::<Vec<_>>()) == **l)
            .count();
        let mistake = if relative_error(100.0 * expected, got) <= 1e-12 {
            Some(
                "this is a percentage: the accuracy of (8.3) is a fraction between 0 and 1"
                    .to_string(),
            )
        } else if got == correct as f64 {
            Some(format!(
                "this is the number of correct samples: divide it by the number of samples, {n}"
            ))
        } else if fraction_of(argmin) {
            Some(
                "this counts the smallest logit: the prediction is the class of the largest"
                    .to_string(),
            )
        } else if fraction_of(from_zero) {
            Some(
                "the search for the largest logit starts from 0.0, so a sample whose logits are \
                  all negative never finds one: start from its first logit (or −∞)"
                    .to_string(),
            )
        } else if got == 0.0 && correct > 0 {
            Some(
                "the count is divided in integers, which rounds the fraction down to 0".to_string(),
            )
        } else {
            None
        };
        return Failure {
            explanation: format!(
                "{n} samples of {} logits, {correct} of them with the largest logit at the label: \
                 the accuracy is {expected}; you returned {got}",
                logits[0].len()
            ),
            likely_mistake: mistake,
        }
        .into();
    }
    Outcome::Passed("right on 3 batches, one whose logits are all negative".to_string())
}

/// Checks `f` as the confusion matrix, rows the true class and columns the prediction.
pub fn confusion_matrix(f: impl Fn(&[usize], &[usize], usize) -> Vec<Vec<usize>>) -> Outcome {
    confusion_matrix_once(&f)
}

/// [`confusion_matrix`]'s body, compiled once: the implementation is behind a reference, not a
/// type parameter, so each caller's closure does not compile the whole check again.
fn confusion_matrix_once(f: &dyn Fn(&[usize], &[usize], usize) -> Vec<Vec<usize>>) -> Outcome {
    // Asymmetric on purpose: 4s are taken for 9s, 9s never for 4s.
    let labels: Vec<usize> = (0..60).map(|i| i % 10).collect();
    let predicted: Vec<usize> = labels
        .iter()
        .enumerate()
        .map(|(i, &t)| match (t, i / 10) {
            (4, 0..=2) => 9,
            (7, 0) => 2,
            (3, 5) => 8,
            _ => t,
        })
        .collect();
    for classes in [10, 12] {
        let got = match guarded(|| f(&predicted, &labels, classes)) {
            Ok(got) => got,
            Err(outcome) => return outcome,
        };
        let mut expected = vec![vec![0usize; classes]; classes];
        for (&p, &t) in predicted.iter().zip(&labels) {
            expected[t][p] += 1;
        }
        if got == expected {
            continue;
        }
        let shape_ok = got.len() == classes && got.iter().all(|row| row.len() == classes);
        let transposed =
            shape_ok && (0..classes).all(|t| (0..classes).all(|p| got[p][t] == expected[t][p]));
        let explanation = if !shape_ok {
            format!(
                "with {classes} classes the table should be {classes} × {classes}; yours has {} rows of lengths {:?}",
                got.len(),
                got.iter().map(Vec::len).collect::<Vec<_>>()
            )
        } else {
            let (t, p) = (0..classes)
                .flat_map(|t| (0..classes).map(move |p| (t, p)))
                .find(|&(t, p)| got[t][p] != expected[t][p])
                .expect("a differing entry");
            format!(
                "{} samples: row {t} (true {t}), column {p} (predicted {p}) should count {}; yours counts {}",
                labels.len(),
                expected[t][p],
                got[t][p]
            )
        };
        return Failure {
            explanation,
            likely_mistake: transposed.then(|| {
                "the table is transposed: rows are the true class and columns the prediction, \
                 counts[label][predicted]"
                    .to_string()
            }),
        }
        .into();
    }
    Outcome::Passed("the counts are right for 60 samples, 4s taken for 9s among them".to_string())
}
