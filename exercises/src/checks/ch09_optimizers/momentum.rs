//! One step of SGD with momentum (9.1): the check, its runs, and the usual wrong versions of
//! the step it recognises.

use super::{Run, stepwise};
use crate::grade::Outcome;

/// Momentum runs, with (η, μ). The first is the book's worked example.
#[rustfmt::skip]
const MOMENTUM_RUNS: &[Run<(f64, f64)>] = &[
    (&[1.0, -2.0], &[&[2.0, -0.5], &[1.0, 0.5]], (0.1, 0.9)),
    (
        &[0.5, 0.0, -1.0],
        &[&[1.0, -2.0, 0.25], &[-1.0, -2.0, 0.5], &[1.0, -2.0, -0.75], &[-1.0, -2.0, 1.0]],
        (0.05, 0.5),
    ),
];

/// One momentum step by (9.1), or by one of its usual wrong versions: returns [θ, v].
fn momentum_variant(kind: &str, state: &[Vec<f64>], g: &[f64], eta: f64, mu: f64) -> Vec<Vec<f64>> {
    let (theta, v) = (&state[0], &state[1]);
    let (mut out_theta, mut out_v) = (theta.clone(), v.clone());
    for i in 0..theta.len() {
        let new_v = match kind {
            "ema" => mu * v[i] + (1.0 - mu) * g[i],
            "other form" => mu * v[i] - eta * g[i],
            _ => mu * v[i] + g[i],
        };
        out_theta[i] = match kind {
            "old velocity" => theta[i] - eta * v[i],
            "gradient" => theta[i] - eta * g[i],
            "uphill" => theta[i] + eta * new_v,
            "other form" => theta[i] + new_v,
            _ => theta[i] - eta * new_v,
        };
        out_v[i] = if kind == "not stored" { v[i] } else { new_v };
    }
    vec![out_theta, out_v]
}

const MOMENTUM_MISTAKES: &[(&str, &str)] = &[
    (
        "ema",
        "v ← μv + (1 − μ)g is a moving average (Adam's m in 9.7); momentum's (9.1) adds the \
         whole gradient: v ← μv + g",
    ),
    (
        "old velocity",
        "θ moved by the old velocity: update v first, then step with the new one",
    ),
    (
        "gradient",
        "θ moved by η g, which is plain gradient descent: the step is along the velocity, θ ← θ − η v",
    ),
    ("uphill", "θ moved uphill, the wrong sign: subtract η v"),
    (
        "not stored",
        "velocity still holds the old v: write the new velocity back, the next step needs it",
    ),
    (
        "other form",
        "your velocity is μv − ηg, the other common form of momentum, which keeps v in units \
         of a step; it takes the same steps, but (9.1) keeps v in units of the gradient: v ← μv + g",
    ),
];

/// Checks `f` as one step of momentum, step by step on [`MOMENTUM_RUNS`], θ and v after each.
pub fn momentum_step(f: impl Fn(&mut [f64], &mut [f64], &[f64], f64, f64)) -> Outcome {
    momentum_step_once(&f)
}

/// [`momentum_step`]'s body, compiled once: the implementation is behind a reference, not a
/// type parameter, so each caller's closure does not compile the whole check again.
fn momentum_step_once(f: &dyn Fn(&mut [f64], &mut [f64], &[f64], f64, f64)) -> Outcome {
    let mut steps = 0;
    for &(theta0, gradients, (eta, mu)) in MOMENTUM_RUNS {
        let start = vec![theta0.to_vec(), vec![0.0; theta0.len()]];
        let step = |state: &mut [Vec<f64>], g: &[f64], _t: i32| {
            if let [theta, v] = state {
                f(theta, v, g, eta, mu);
            }
        };
        let variant = |kind: &str, state: &[Vec<f64>], g: &[f64], _t: i32| {
            momentum_variant(kind, state, g, eta, mu)
        };
        let settings = format!("η = {eta}, μ = {mu}");
        match stepwise(
            &["θ", "v"],
            start,
            gradients,
            &settings,
            step,
            &variant,
            MOMENTUM_MISTAKES,
        ) {
            Ok(count) => steps += count,
            Err(outcome) => return outcome,
        }
    }
    Outcome::Passed(format!(
        "{steps} steps are right, θ and v both, the book's worked example among them"
    ))
}
