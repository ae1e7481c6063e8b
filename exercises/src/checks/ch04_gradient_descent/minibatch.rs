//! The check of one epoch of mini-batch gradient descent (4.10), replayed batch by batch, and
//! the wrong epochs it recognises.

use crate::grade::{Failure, Outcome, central_differences, compare, guarded};

use super::data::{loss, points};

/// The ways of getting an epoch wrong that the check recognises, and the right one.
#[derive(Clone, Copy, PartialEq)]
enum Epoch {
    Right,
    DividedByN,
    OneFullStep,
    IndexOrder,
    StaleGradients,
    LastBatchDropped,
}

impl Epoch {
    const WRONG: [Epoch; 5] = [
        Epoch::DividedByN,
        Epoch::OneFullStep,
        Epoch::IndexOrder,
        Epoch::StaleGradients,
        Epoch::LastBatchDropped,
    ];

    /// What this way of getting it wrong does wrong.
    fn mistake(self) -> &'static str {
        match self {
            Epoch::Right => "none",
            Epoch::DividedByN => {
                "each batch's gradient is a mean over its own m points: divide by m, not by N"
            }
            Epoch::OneFullStep => {
                "that is one step of batch gradient descent: take one step per batch of batch_size points"
            }
            Epoch::IndexOrder => {
                "the batches are cut from `order`, not from the points in the order 0, 1, 2, …"
            }
            Epoch::StaleGradients => {
                "every batch's gradient was taken at the epoch's starting (w, b): step after each batch, so that the next gradient is taken at the new line"
            }
            Epoch::LastBatchDropped => {
                "the last, smaller batch was skipped: it is a step too, with its own m"
            }
        }
    }
}

/// An epoch as the check computes it, right or wrong in one of the ways of [`Epoch`].
fn epoch(start: [f64; 2], order: &[usize], m: usize, eta: f64, variant: Epoch) -> [f64; 2] {
    let (xs, ys) = points();
    let n = xs.len();
    let natural: Vec<usize> = (0..n).collect();
    let order = if variant == Epoch::IndexOrder {
        &natural
    } else {
        order
    };
    let m = if variant == Epoch::OneFullStep { n } else { m };
    let [mut w, mut b] = start;
    for batch in order.chunks(m) {
        if variant == Epoch::LastBatchDropped && batch.len() < m {
            break;
        }
        let (bx, by): (Vec<f64>, Vec<f64>) = batch.iter().map(|&i| (xs[i], ys[i])).unzip();
        let (at_w, at_b) = if variant == Epoch::StaleGradients {
            (start[0], start[1])
        } else {
            (w, b)
        };
        let divisor = match variant {
            Epoch::DividedByN => n as f64,
            _ => batch.len() as f64,
        };
        let g = central_differences(|p| loss(p[0], p[1], &bx, &by), &[at_w, at_b], 1e-5);
        // A stale gradient is applied at once: the sum of the steps is the same.
        w -= eta * g[0] * batch.len() as f64 / divisor;
        b -= eta * g[1] * batch.len() as f64 / divisor;
    }
    [w, b]
}

/// Checks `f` as one epoch of mini-batch gradient descent, by replaying the epoch batch by batch
/// with gradients from central differences of the loss on each batch.
pub fn minibatch_epoch(
    f: impl Fn(&mut f64, &mut f64, &[f64], &[f64], &[usize], usize, f64),
) -> Outcome {
    minibatch_epoch_once(&f)
}

/// [`minibatch_epoch`]'s body, compiled once: the implementation is behind a reference, not a
/// type parameter, so each caller's closure does not compile the whole check again.
fn minibatch_epoch_once(
    f: &dyn Fn(&mut f64, &mut f64, &[f64], &[f64], &[usize], usize, f64),
) -> Outcome {
    let (xs, ys) = points();
    let order = [3, 7, 0, 9, 5, 1, 8, 2, 6, 4];
    // (start, batch size, η): batches of 4, 4 and 2; stochastic; and the whole data at once.
    let runs = [
        ([0.5, 0.2], 4, 0.1),
        ([1.0, 1.0], 1, 0.05),
        ([0.0, 0.0], 10, 0.3),
    ];
    for (start, m, eta) in runs {
        let [mut w, mut b] = start;
        if let Err(outcome) = guarded(|| f(&mut w, &mut b, &xs, &ys, &order, m, eta)) {
            return outcome;
        }
        let expected = epoch(start, &order, m, eta, Epoch::Right);
        let what = format!(
            "[w, b] after an epoch from {start:?}, batch size {m}, η = {eta}, order {order:?}"
        );
        if let Err(failure) = compare(&what, &expected, &[w, b], 1e-8) {
            let mistake = Epoch::WRONG
                .into_iter()
                .find(|&variant| {
                    let wrong = epoch(start, &order, m, eta, variant);
                    wrong != expected && compare("", &wrong, &[w, b], 1e-8).is_ok()
                })
                .map(|variant| variant.mistake().to_string());
            return Failure {
                likely_mistake: mistake.or(failure.likely_mistake),
                ..failure
            }
            .into();
        }
    }
    Outcome::Passed("right for batches of 4 (the last of 2), of 1 and of all 10 points".to_string())
}
