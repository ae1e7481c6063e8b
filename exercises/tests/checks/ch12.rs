//! Chapter 12's exercises: typical wrong answers fail with their mistake named. That the library's
//! own dropout, L2 penalty and early stopping pass the same checks is tested by the book's
//! equation tests (through the adapters in `tests/chapters/ch12_regularization/library.rs`).

use exercises::Outcome;
use exercises::ch12_regularization::EarlyStop;
use exercises::checks::ch12_regularization::{
    dropout_backward, dropout_forward, early_stopping, l2_gradient,
};
use exercises::solutions::ch12_regularization as solution;

/// The mistake a failing outcome names.
fn mistake(outcome: Outcome) -> String {
    match outcome {
        Outcome::Failed(failure) => failure
            .likely_mistake
            .unwrap_or_else(|| panic!("no mistake named for: {}", failure.explanation)),
        other => panic!("expected a failure, got {other:?}"),
    }
}

/// `factor(rᵢ, p) · xᵢ`.
fn times(x: &[f64], mask: &[f64], p: f64, factor: fn(f64, f64) -> f64) -> Vec<f64> {
    x.iter().zip(mask).map(|(x, &r)| factor(r, p) * x).collect()
}

#[test]
fn wrong_dropouts_fail_with_their_mistake_named() {
    let undivided = |a: &[f64], r: &[f64], p: f64| times(a, r, p, |r, _| r);
    let said = mistake(dropout_forward(undivided));
    assert!(said.contains("forgot to divide by 1 − p"), "{said}");
    let by_p = |a: &[f64], r: &[f64], p: f64| times(a, r, p, |r, p| r / p);
    assert!(mistake(dropout_forward(by_p)).contains("divided by p"));
    let old_rule = |a: &[f64], r: &[f64], p: f64| times(a, r, p, |r, p| r * (1.0 - p));
    assert!(mistake(dropout_forward(old_rule)).contains("multiplied by 1 − p"));

    let forward = solution::dropout_forward;
    let said = mistake(dropout_backward(undivided, forward));
    assert!(said.contains("forgot to divide by 1 − p"), "{said}");
    let unmasked = |g: &[f64], _r: &[f64], _p: f64| g.to_vec();
    let said = mistake(dropout_backward(unmasked, forward));
    assert!(said.contains("only through the kept units"), "{said}");
}

#[test]
fn wrong_l2_gradients_fail_with_their_mistake_named() {
    let weights_only = |theta: &[f64], g: &[f64], w: &[bool], factor: f64| -> Vec<f64> {
        theta
            .iter()
            .zip(g)
            .zip(w)
            .map(|((t, g), &w)| if w { g + factor * t } else { *g })
            .collect()
    };
    let two_lambda = |t: &[f64], g: &[f64], w: &[bool], l: f64| weights_only(t, g, w, 2.0 * l);
    assert!(mistake(l2_gradient(two_lambda)).contains("the ½ cancels the 2"));
    let minus = |t: &[f64], g: &[f64], w: &[bool], l: f64| weights_only(t, g, w, -l);
    assert!(mistake(l2_gradient(minus)).contains("wrong sign"));
    let biases_too =
        |t: &[f64], g: &[f64], w: &[bool], l: f64| weights_only(t, g, &vec![true; w.len()], l);
    assert!(mistake(l2_gradient(biases_too)).contains("biases are penalized"));
    let data_only = |_t: &[f64], g: &[f64], _w: &[bool], _l: f64| g.to_vec();
    assert!(mistake(l2_gradient(data_only)).contains("λ w is missing"));
}

#[test]
fn wrong_early_stopping_fails_with_its_mistake_named() {
    let last_weights = |losses: &[f64], patience: usize| {
        let stop = solution::early_stopping(losses, patience);
        EarlyStop {
            best_epoch: stop.stop_epoch,
            ..stop
        }
    };
    assert!(mistake(early_stopping(last_weights)).contains("best epoch e*"));
    let zero_based = |losses: &[f64], patience: usize| {
        let stop = solution::early_stopping(losses, patience);
        EarlyStop {
            stop_epoch: stop.stop_epoch - 1,
            best_epoch: stop.best_epoch - 1,
        }
    };
    assert!(mistake(early_stopping(zero_based)).contains("counted from 1"));
    // `≤` instead of `<`: a tie resets the patience.
    let ties = |losses: &[f64], patience: usize| {
        let (mut best_loss, mut best_epoch) = (f64::INFINITY, 0);
        for (index, &loss) in losses.iter().enumerate() {
            if loss <= best_loss {
                (best_loss, best_epoch) = (loss, index + 1);
            }
            if index + 1 - best_epoch >= patience {
                return EarlyStop {
                    stop_epoch: index + 1,
                    best_epoch,
                };
            }
        }
        EarlyStop {
            stop_epoch: losses.len(),
            best_epoch,
        }
    };
    assert!(mistake(early_stopping(ties)).contains("a tie is not an improvement"));
    // The best epoch of the whole list, including epochs after the stop.
    let hindsight = |losses: &[f64], patience: usize| {
        let stop = solution::early_stopping(losses, patience);
        let best = (0..losses.len())
            .min_by(|&a, &b| losses[a].total_cmp(&losses[b]))
            .map_or(0, |i| i + 1);
        EarlyStop {
            best_epoch: best,
            ..stop
        }
    };
    assert!(mistake(early_stopping(hindsight)).contains("never measured"));
}
