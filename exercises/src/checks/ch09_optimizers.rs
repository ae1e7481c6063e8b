//! Chapter 9's checks: a step of momentum (9.1), a step of Adam with its bias correction
//! (9.7)–(9.9), and cosine annealing (9.12). Each optimizer is run for several steps from the
//! check's own state, and a wrong step is compared with the usual wrong versions of it.
//!
//! This file owns the catalog and what the checks share (running a step rule step by step and
//! recognising a wrong version of it); each check lives in its own file: `momentum`,
//! `adam` and `cosine`.

mod adam;
mod cosine;
mod momentum;

pub use adam::adam_step;
pub use cosine::cosine_rate;
pub use momentum::momentum_step;

use crate::catalog::Exercise;
use crate::grade::{Failure, Outcome, compare, guarded, relative_error};
use crate::{ch09_optimizers as learner, solutions::ch09_optimizers as solution};

/// Chapter 9's exercises.
pub const EXERCISES: &[Exercise] = &[
    Exercise {
        id: "ch09.momentum_step",
        title: "one step of SGD with momentum",
        file: "exercises/src/ch09_optimizers.rs",
        hints: &[
            "Two lines per parameter: first the new velocity from the old one and the gradient, \
             then the step along the new velocity.",
            "Equation (9.1): vᵢ ← μ vᵢ + gᵢ (the whole gradient, no 1 − μ), then θᵢ ← θᵢ − η vᵢ.",
        ],
        check: || momentum_step(learner::momentum_step),
        solution: || momentum_step(solution::momentum_step),
    },
    Exercise {
        id: "ch09.adam_step",
        title: "one step of Adam, with bias correction",
        file: "exercises/src/ch09_optimizers.rs",
        hints: &[
            "First update the running averages m and v in place; then divide copies of them by \
             1 − β₁ᵗ and 1 − β₂ᵗ; then step. m and v keep the uncorrected averages.",
            "At t = 1 the corrected moments are g and g², so every parameter moves by about η: \
             check that on a piece of paper.",
            "(9.7) m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g²; (9.8) m̂ = m/(1 − β₁ᵗ), \
             v̂ = v/(1 − β₂ᵗ); (9.9) θ ← θ − η m̂/(√v̂ + ε).",
        ],
        check: || adam_step(learner::adam_step),
        solution: || adam_step(solution::adam_step),
    },
    Exercise {
        id: "ch09.cosine_rate",
        title: "the learning rate of cosine annealing",
        file: "exercises/src/ch09_optimizers.rs",
        hints: &[
            "The rate follows half a period of a cosine, shifted and scaled so that it runs \
             from η₀ at t = 0 to η_min at t = T. Mind integer division of step by total.",
            "Equation (9.12): η_t = η_min + (η₀ − η_min)(1 + cos(π t/T))/2.",
        ],
        check: || cosine_rate(learner::cosine_rate),
        solution: || cosine_rate(solution::cosine_rate),
    },
];

/// `mistake` if `got` is what it predicts, entry by entry to 1e-9 (NaN matching NaN, for
/// mistakes that produce one).
pub(super) fn recognise(got: &[f64], mistake: &str, predicted: Vec<f64>) -> Option<String> {
    let close = |e: f64, g: f64| relative_error(e, g) <= 1e-9 || (e.is_nan() && g.is_nan());
    let same =
        predicted.len() == got.len() && predicted.iter().zip(got).all(|(&e, &g)| close(e, g));
    same.then(|| mistake.to_string())
}

/// `failure` with `mistake` as its diagnosis when one was recognised (it is more specific than
/// the generic one [`compare`] may have given).
pub(super) fn diagnosed(mut failure: Failure, mistake: Option<String>) -> Outcome {
    if mistake.is_some() {
        failure.likely_mistake = mistake;
    }
    failure.into()
}

/// A step rule's state (θ first, then its buffers) after one step from `state` with gradient
/// `g` at step `t`, by the rule itself (`kind` "right") or by one of its usual wrong versions.
pub(super) type Variant<'a> = &'a dyn Fn(&str, &[Vec<f64>], &[f64], i32) -> Vec<Vec<f64>>;

/// Runs `step` (the learner's) through `gradients` from `start`, each step from the check's
/// own state, and compares every vector of the state (named by `names`) after each step.
/// `Ok` with the number of steps, or the first failure, diagnosed by the first of `mistakes`
/// (a kind of [`Variant`] and its text) whose prediction the learner's state matches.
pub(super) fn stepwise(
    names: &[&str],
    start: Vec<Vec<f64>>,
    gradients: &[&[f64]],
    settings: &str,
    step: impl Fn(&mut [Vec<f64>], &[f64], i32),
    variant: Variant,
    mistakes: &[(&str, &str)],
) -> Result<usize, Outcome> {
    let mut state = start;
    for (k, &g) in gradients.iter().enumerate() {
        let t = k as i32 + 1;
        let mut got = state.clone();
        guarded(|| step(&mut got, g, t))?;
        let expected = variant("right", &state, g, t);
        let context = format!(
            "step t = {t} from θ = {:?}, g = {g:?}, {settings}",
            state[0]
        );
        let verdict = names
            .iter()
            .zip(&expected)
            .zip(&got)
            .try_for_each(|((name, e), g)| compare(&format!("{name} after {context}"), e, g, 1e-9));
        if let Err(failure) = verdict {
            let got = got.concat();
            let named = mistakes.iter().find_map(|&(kind, text)| {
                recognise(&got, text, variant(kind, &state, g, t).concat())
            });
            return Err(diagnosed(failure, named));
        }
        state = expected;
    }
    Ok(gradients.len())
}

/// A run of steps: θ₀, the gradient of each step, and the rule's settings.
pub(super) type Run<S> = (&'static [f64], &'static [&'static [f64]], S);
