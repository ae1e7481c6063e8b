//! Chapter 12's checks: inverted dropout's forward (12.5) and backward (12.8) passes with a
//! given mask, the gradient of the L2 penalty (12.2), and early stopping (12.9).

use crate::catalog::Exercise;
use crate::ch12_regularization::EarlyStop;
use crate::grade::{Failure, Outcome, central_differences, compare, guarded};
use crate::{ch12_regularization as learner, solutions::ch12_regularization as solution};

/// Chapter 12's exercises.
pub const EXERCISES: &[Exercise] = &[
    Exercise {
        id: "ch12.dropout_forward",
        title: "inverted dropout's forward pass with a given mask",
        file: "exercises/src/ch12_regularization.rs",
        hints: &[
            "A dropped unit outputs 0. A kept unit is not passed on as it is: the next layer should \
             receive, on average, what it would receive without dropout.",
            "A unit is kept with probability 1 − p, so its expected output is (1 − p) times what \
             it outputs when kept (12.6).",
            "Equation (12.5): ãᵢ = rᵢ aᵢ / (1 − p).",
        ],
        check: || dropout_forward(learner::dropout_forward),
        solution: || dropout_forward(solution::dropout_forward),
    },
    Exercise {
        id: "ch12.dropout_backward",
        title: "inverted dropout's backward pass",
        file: "exercises/src/ch12_regularization.rs",
        hints: &[
            "For this step the mask is fixed, so each output is a constant times its input.",
            "Equation (12.8): ∂L/∂aᵢ = rᵢ/(1 − p) · ∂L/∂ãᵢ, with the very mask of the forward pass.",
        ],
        check: || dropout_backward(learner::dropout_backward, learner::dropout_forward),
        solution: || dropout_backward(solution::dropout_backward, solution::dropout_forward),
    },
    Exercise {
        id: "ch12.l2_gradient",
        title: "the gradient with the L2 penalty, weights only",
        file: "exercises/src/ch12_regularization.rs",
        hints: &[
            "The penalty is a sum of one term per weight, so each weight's gradient gains the \
             derivative of its own term; biases have no term.",
            "The derivative of (λ/2) w² is λ w: the ½ is there to cancel the 2.",
            "Equation (12.2): ∂L_λ/∂w = ∂L/∂w + λ w for a weight, and ∂L/∂b unchanged for a bias.",
        ],
        check: || l2_gradient(learner::l2_gradient),
        solution: || l2_gradient(solution::l2_gradient),
    },
    Exercise {
        id: "ch12.early_stopping",
        title: "early stopping: when to stop, which weights to keep",
        file: "exercises/src/ch12_regularization.rs",
        hints: &[
            "Walk through the epochs in order, remembering the lowest loss so far and its epoch; \
             you may not look at the losses of epochs after the one you stop at.",
            "Only a strictly lower loss is an improvement. Stop after the first epoch e with \
             e − e* = patience, and return e*, not e.",
            "Equation (12.9): e* = argmin over e ≤ E of L_val(θ_e), E = e* + patience (or the \
             last epoch, if that comes first); return θ_e*.",
        ],
        check: || early_stopping(learner::early_stopping),
        solution: || early_stopping(solution::early_stopping),
    },
];

/// The failure, with `mistake` as its diagnosis if there is one: a mistake of the chapter
/// explains more than the constant ratio [`compare`] may have seen.
fn diagnosed(failure: Failure, mistake: Option<String>) -> Outcome {
    Failure {
        likely_mistake: mistake.or(failure.likely_mistake),
        ..failure
    }
    .into()
}

/// The first of `candidates` that `got` equals (to `tolerance`), by its name.
fn which(candidates: Vec<(Vec<f64>, &str)>, got: &[f64], tolerance: f64) -> Option<String> {
    candidates
        .into_iter()
        .find(|(candidate, _)| compare("", candidate, got, tolerance).is_ok())
        .map(|(_, mistake)| mistake.to_string())
}

/// (a or ∂L/∂ã, mask r, p): several drop probabilities, so that a wrong factor shows.
const DROPOUT_CASES: &[(&[f64], &[f64], f64)] = &[
    (
        &[1.5, -2.0, 0.3, 4.0, -0.7],
        &[1.0, 0.0, 1.0, 1.0, 0.0],
        0.3,
    ),
    (&[0.2, 0.9, -1.1, 2.5], &[0.0, 1.0, 1.0, 0.0], 0.5),
    (&[-0.4, 3.0, 1.2], &[1.0, 1.0, 0.0], 0.2),
];

/// `factor(rᵢ, p) · xᵢ` for every i: the right factor `r/(1 − p)` and the usual wrong ones.
fn scaled(x: &[f64], mask: &[f64], p: f64, factor: fn(f64, f64) -> f64) -> Vec<f64> {
    x.iter().zip(mask).map(|(x, &r)| factor(r, p) * x).collect()
}

/// The outputs of the usual wrong dropout factors, with the mistake each makes.
fn dropout_candidates(x: &[f64], mask: &[f64], p: f64) -> Vec<(Vec<f64>, &'static str)> {
    vec![
        (
            scaled(x, mask, p, |r, _| r),
            "you forgot to divide by 1 − p: inverted dropout scales the kept units up by \
             1/(1 − p), so that E[ã] = a (12.6)",
        ),
        (
            scaled(x, mask, p, |r, p| r * (1.0 - p)),
            "you multiplied by 1 − p: inverted dropout divides the kept units by 1 − p",
        ),
        (
            scaled(x, mask, p, |r, p| r / p),
            "you divided by p, the drop probability: divide by the keep probability 1 − p",
        ),
        (
            scaled(x, mask, p, |r, p| (1.0 - r) / (1.0 - p)),
            "rᵢ = 1 means kept: you dropped the kept units and kept the dropped ones",
        ),
        (
            scaled(x, mask, p, |_, p| 1.0 / (1.0 - p)),
            "the mask is missing: a unit with rᵢ = 0 is dropped and passes on nothing",
        ),
    ]
}

/// Checks `f` as inverted dropout's forward pass, against the check's own `rᵢ aᵢ / (1 − p)`.
pub fn dropout_forward(f: impl Fn(&[f64], &[f64], f64) -> Vec<f64>) -> Outcome {
    dropout_forward_once(&f)
}

/// [`dropout_forward`]'s body, compiled once: the implementation is behind a reference, not a
/// type parameter, so each caller's closure does not compile the whole check again.
fn dropout_forward_once(f: &dyn Fn(&[f64], &[f64], f64) -> Vec<f64>) -> Outcome {
    for &(activations, mask, p) in DROPOUT_CASES {
        let got = match guarded(|| f(activations, mask, p)) {
            Ok(got) => got,
            Err(outcome) => return outcome,
        };
        let expected = scaled(activations, mask, p, |r, p| r / (1.0 - p));
        let what = format!("ã for a = {activations:?}, r = {mask:?}, p = {p}");
        if let Err(failure) = compare(&what, &expected, &got, 1e-12) {
            let mistake = which(dropout_candidates(activations, mask, p), &got, 1e-12);
            return diagnosed(failure, mistake);
        }
    }
    Outcome::Passed(format!(
        "right on {} masks, with p = 0.3, 0.5 and 0.2",
        DROPOUT_CASES.len()
    ))
}

/// Checks `backward` as dropout's backward pass, against central differences of
/// `L = Σ gᵢ ãᵢ` through the learner's own `forward` when that passes its check (and through
/// the check's own forward pass if not).
pub fn dropout_backward(
    backward: impl Fn(&[f64], &[f64], f64) -> Vec<f64>,
    forward: impl Fn(&[f64], &[f64], f64) -> Vec<f64> + Copy,
) -> Outcome {
    dropout_backward_once(&backward, &forward)
}

/// [`dropout_backward`]'s body, compiled once: the implementation is behind a reference, not a
/// type parameter, so each caller's closure does not compile the whole check again.
fn dropout_backward_once(
    backward: &dyn Fn(&[f64], &[f64], f64) -> Vec<f64>,
    forward: &dyn Fn(&[f64], &[f64], f64) -> Vec<f64>,
) -> Outcome {
    let own_forward = dropout_forward(forward).passed();
    // Any point will do: the forward pass is linear in a for a fixed mask.
    let at = [0.8, -1.3, 0.45, 2.0, -0.6];
    for &(g, mask, p) in DROPOUT_CASES {
        let got = match guarded(|| backward(g, mask, p)) {
            Ok(got) => got,
            Err(outcome) => return outcome,
        };
        let loss = |a: &[f64]| -> f64 {
            let output = if own_forward {
                forward(a, mask, p)
            } else {
                scaled(a, mask, p, |r, p| r / (1.0 - p))
            };
            output.iter().zip(g).map(|(y, g)| y * g).sum()
        };
        let expected = central_differences(loss, &at[..g.len()], 1e-5);
        let what = format!("∂L/∂a for ∂L/∂ã = {g:?}, r = {mask:?}, p = {p}");
        if let Err(failure) = compare(&what, &expected, &got, 1e-8) {
            let mut candidates = dropout_candidates(g, mask, p);
            candidates.push((
                g.to_vec(),
                "the gradient flows only through the kept units, scaled as in the forward pass: \
                 multiply by the same rᵢ/(1 − p) (12.8)",
            ));
            return diagnosed(failure, which(candidates, &got, 1e-8));
        }
    }
    let source = if own_forward {
        "your forward pass"
    } else {
        "the forward pass (yours does not pass yet)"
    };
    Outcome::Passed(format!(
        "matches central differences of {source} on {} masks",
        DROPOUT_CASES.len()
    ))
}

/// The weights-then-biases layout of a dense layer 3 → 2: six weights, then two biases.
const DENSE_LAYOUT: &[bool] = &[true, true, true, true, true, true, false, false];

/// (θ, λ): parameters in [`DENSE_LAYOUT`] and the penalty's strength.
const L2_CASES: &[(&[f64], f64)] = &[
    (&[0.5, -1.2, 0.8, 2.0, -0.3, 1.1, 0.7, -0.4], 0.1),
    (&[-2.5, 0.9, 1.6, -0.2, 3.0, -1.4, 1.5, 2.2], 0.01),
];

/// The data loss of the check, `Σₖ (k + 1) sin θₖ`.
fn data_loss(theta: &[f64]) -> f64 {
    theta
        .iter()
        .enumerate()
        .map(|(k, t)| (k + 1) as f64 * t.sin())
        .sum()
}

/// Its gradient, `(k + 1) cos θₖ`.
fn data_gradient(theta: &[f64]) -> Vec<f64> {
    theta
        .iter()
        .enumerate()
        .map(|(k, t)| (k + 1) as f64 * t.cos())
        .collect()
}

/// `g + term · w` over the entries `marks` marks, `g` elsewhere.
fn penalized(theta: &[f64], g: &[f64], marks: &[bool], term: f64) -> Vec<f64> {
    theta
        .iter()
        .zip(g)
        .zip(marks)
        .map(|((w, g), &marked)| if marked { g + term * w } else { *g })
        .collect()
}

/// Checks `f` as the gradient of the penalized loss (12.1), against central differences of
/// `L(θ) + λ/2 Σ w²` over the weights.
pub fn l2_gradient(f: impl Fn(&[f64], &[f64], &[bool], f64) -> Vec<f64>) -> Outcome {
    l2_gradient_once(&f)
}

/// [`l2_gradient`]'s body, compiled once: the implementation is behind a reference, not a
/// type parameter, so each caller's closure does not compile the whole check again.
fn l2_gradient_once(f: &dyn Fn(&[f64], &[f64], &[bool], f64) -> Vec<f64>) -> Outcome {
    for &(theta, lambda) in L2_CASES {
        let g = data_gradient(theta);
        let got = match guarded(|| f(theta, &g, DENSE_LAYOUT, lambda)) {
            Ok(got) => got,
            Err(outcome) => return outcome,
        };
        let penalized_loss = |theta: &[f64]| -> f64 {
            let squares: f64 = theta
                .iter()
                .zip(DENSE_LAYOUT)
                .filter(|(_, weight)| **weight)
                .map(|(w, _)| w * w)
                .sum();
            data_loss(theta) + lambda / 2.0 * squares
        };
        let expected = central_differences(penalized_loss, theta, 1e-5);
        let what =
            format!("∂L_λ/∂θ for θ = {theta:?}, λ = {lambda} (entries 0–5 weights, 6–7 biases)");
        if let Err(failure) = compare(&what, &expected, &got, 1e-7) {
            let all = [true; 8];
            let candidates = vec![
                (
                    penalized(theta, &g, DENSE_LAYOUT, 2.0 * lambda),
                    "the gradient of λ/2 Σ w² is λ w: the ½ cancels the 2 (2λw belongs to the \
                     other convention, λ Σ w² without the ½)",
                ),
                (
                    penalized(theta, &g, &all, lambda),
                    "the biases are penalized too: add λ w to the weights only (12.1)",
                ),
                (
                    penalized(theta, &g, DENSE_LAYOUT, -lambda),
                    "the penalty's term has the wrong sign: + λ w, which pulls the weights \
                     towards 0 under gradient descent",
                ),
                (
                    penalized(theta, &[0.0; 8], DENSE_LAYOUT, lambda),
                    "this is the penalty's gradient alone: add it to the data gradient",
                ),
                (
                    g.clone(),
                    "this is the data gradient alone: the penalty's term λ w is missing",
                ),
            ];
            return diagnosed(failure, which(candidates, &got, 1e-7));
        }
    }
    Outcome::Passed(format!(
        "matches central differences of L + λ/2 Σ w² on {} cases",
        L2_CASES.len()
    ))
}

/// (validation losses of epochs 1, 2, …, patience): a stop with a later recovery, an improvement
/// that resets the patience, ties, a run that never stops, patience 1, and a lower loss after
/// the stop that the run never sees.
const STOPPING_CASES: &[(&[f64], usize)] = &[
    (&[0.9, 0.7, 0.6, 0.65, 0.62, 0.7, 0.8, 0.9], 3),
    (&[0.9, 0.8, 0.85, 0.75, 0.8, 0.9, 0.95, 1.0, 1.1], 2),
    (&[1.0, 0.8, 0.8, 0.8, 0.9], 2),
    (&[1.0, 0.9, 0.8, 0.85, 0.7], 3),
    (&[0.5, 0.6, 0.4], 1),
    (&[0.9, 0.6, 0.7, 0.75, 0.8, 0.5, 0.4], 3),
];

/// Early stopping by the check's own rule, with a choice of improvement test and stopping gap
/// (the right rule is `<` and `patience`).
fn stop_by(losses: &[f64], patience: usize, ties: bool, extra: isize) -> EarlyStop {
    let (mut best_loss, mut best_epoch) = (f64::INFINITY, 0);
    let gap = (patience as isize + extra).max(1) as usize;
    for (index, &loss) in losses.iter().enumerate() {
        let epoch = index + 1;
        if loss < best_loss || ties && loss == best_loss {
            (best_loss, best_epoch) = (loss, epoch);
        }
        if epoch - best_epoch >= gap {
            return EarlyStop {
                stop_epoch: epoch,
                best_epoch,
            };
        }
    }
    EarlyStop {
        stop_epoch: losses.len(),
        best_epoch,
    }
}

/// Names the usual mistakes of early stopping, if `got` is one of them.
fn stopping_mistake(losses: &[f64], patience: usize, got: EarlyStop) -> Option<String> {
    let right = stop_by(losses, patience, false, 0);
    let argmin = losses
        .iter()
        .enumerate()
        .fold((0, f64::INFINITY), |best, (i, &l)| {
            if l < best.1 { (i + 1, l) } else { best }
        })
        .0;
    let candidates = [
        (
            EarlyStop {
                stop_epoch: right.stop_epoch - 1,
                best_epoch: right.best_epoch - 1,
            },
            "epochs are counted from 1: the loss of epoch e is validation_losses[e − 1]",
        ),
        (
            EarlyStop {
                best_epoch: right.stop_epoch,
                ..right
            },
            "you kept the last epoch's weights: return the weights of the best epoch e*",
        ),
        (
            stop_by(losses, patience, true, 0),
            "a tie is not an improvement: only a strictly lower loss becomes the new best",
        ),
        (
            stop_by(losses, patience, false, 1),
            "you stopped one epoch late: stop after the first epoch e with e − e* = patience",
        ),
        (
            stop_by(losses, patience, false, -1),
            "you stopped one epoch early: stop after the first epoch e with e − e* = patience",
        ),
        (
            EarlyStop {
                best_epoch: argmin,
                ..right
            },
            "e* is the best epoch up to the stop: the losses after it are never measured",
        ),
    ];
    candidates
        .into_iter()
        .find(|(candidate, _)| *candidate != right && *candidate == got)
        .map(|(_, mistake)| mistake.to_string())
}

/// Checks `f` as early stopping (12.9), against the check's own rule.
pub fn early_stopping(f: impl Fn(&[f64], usize) -> EarlyStop) -> Outcome {
    early_stopping_once(&f)
}

/// [`early_stopping`]'s body, compiled once: the implementation is behind a reference, not a
/// type parameter, so each caller's closure does not compile the whole check again.
fn early_stopping_once(f: &dyn Fn(&[f64], usize) -> EarlyStop) -> Outcome {
    for &(losses, patience) in STOPPING_CASES {
        let got = match guarded(|| f(losses, patience)) {
            Ok(got) => got,
            Err(outcome) => return outcome,
        };
        let expected = stop_by(losses, patience, false, 0);
        if got != expected {
            return Failure {
                explanation: format!(
                    "validation losses {losses:?}, patience {patience}: the run stops after epoch \
                     {} and keeps epoch {}; you returned stop_epoch {}, best_epoch {}",
                    expected.stop_epoch, expected.best_epoch, got.stop_epoch, got.best_epoch
                ),
                likely_mistake: stopping_mistake(losses, patience, got),
            }
            .into();
        }
    }
    Outcome::Passed(format!(
        "right on {} runs, with ties, late improvements and runs that never stop",
        STOPPING_CASES.len()
    ))
}
