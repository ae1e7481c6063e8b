//! Chapter 9's checks: a step of momentum (9.1), a step of Adam with its bias correction
//! (9.7)–(9.9), and cosine annealing (9.12). Each optimizer is run for several steps from the
//! check's own state, and a wrong step is compared with the usual wrong versions of it.

use crate::catalog::Exercise;
use crate::ch09_optimizers::AdamSettings;
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
fn recognise(got: &[f64], mistake: &str, predicted: Vec<f64>) -> Option<String> {
    let close = |e: f64, g: f64| relative_error(e, g) <= 1e-9 || (e.is_nan() && g.is_nan());
    let same =
        predicted.len() == got.len() && predicted.iter().zip(got).all(|(&e, &g)| close(e, g));
    same.then(|| mistake.to_string())
}

/// `failure` with `mistake` as its diagnosis when one was recognised (it is more specific than
/// the generic one [`compare`] may have given).
fn diagnosed(mut failure: Failure, mistake: Option<String>) -> Outcome {
    if mistake.is_some() {
        failure.likely_mistake = mistake;
    }
    failure.into()
}

/// A step rule's state (θ first, then its buffers) after one step from `state` with gradient
/// `g` at step `t`, by the rule itself (`kind` "right") or by one of its usual wrong versions.
type Variant<'a> = &'a dyn Fn(&str, &[Vec<f64>], &[f64], i32) -> Vec<Vec<f64>>;

/// Runs `step` (the learner's) through `gradients` from `start`, each step from the check's
/// own state, and compares every vector of the state (named by `names`) after each step.
/// `Ok` with the number of steps, or the first failure, diagnosed by the first of `mistakes`
/// (a kind of [`Variant`] and its text) whose prediction the learner's state matches.
fn stepwise(
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
type Run<S> = (&'static [f64], &'static [&'static [f64]], S);

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

/// Adam runs. The first is the book's worked example; the second
/// mixes gradients of 10⁴ and 10⁻⁴, where ε's place shows; the third has unusual β's.
#[rustfmt::skip]
const ADAM_RUNS: &[Run<AdamSettings>] = &[
    (&[1.0, -2.0], &[&[2.0, -0.5], &[1.0, 0.5]], AdamSettings::new(0.1)),
    (
        &[0.0, 0.0, 1.0],
        &[&[1.0e4, -1.0e-4, 3.0], &[1.1e4, -1.0e-4, 2.0], &[1.2e4, -1.0e-4, -1.0], &[1.3e4, -1.0e-4, 0.5]],
        AdamSettings::new(0.01),
    ),
    (
        &[1.0, 2.0],
        &[&[0.5, -1.0], &[-0.5, -2.0], &[0.5, 1.0], &[-0.25, -0.5], &[1.0, 0.0]],
        AdamSettings { eta: 0.05, beta1: 0.5, beta2: 0.8, epsilon: 1e-8 },
    ),
];

/// One Adam step by (9.7)–(9.9), or by one of its usual wrong versions: returns [θ, m, v].
fn adam_variant(
    kind: &str,
    state: &[Vec<f64>],
    g: &[f64],
    t: i32,
    s: AdamSettings,
) -> Vec<Vec<f64>> {
    let (theta, m, v) = (&state[0], &state[1], &state[2]);
    let swapped = kind == "swapped";
    let (b1, b2) = if swapped {
        (s.beta2, s.beta1)
    } else {
        (s.beta1, s.beta2)
    };
    let correction = |skipped_by: [&str; 2], beta: f64| {
        if skipped_by.contains(&kind) {
            1.0
        } else {
            1.0 - beta.powi(t)
        }
    };
    let (c1, c2) = (
        correction(["uncorrected", "only v"], b1),
        correction(["uncorrected", "only m"], b2),
    );
    let n = theta.len();
    let (mut out_theta, mut out_m, mut out_v) = (theta.clone(), m.clone(), v.clone());
    for i in 0..n {
        let new_m = b1 * m[i] + (1.0 - b1) * g[i];
        let new_v = b2 * v[i] + (1.0 - b2) * g[i] * g[i];
        let (m_hat, v_hat) = (new_m / c1, new_v / c2);
        let denominator = if kind == "ε inside" {
            (v_hat + s.epsilon).sqrt()
        } else {
            v_hat.sqrt() + s.epsilon
        };
        out_theta[i] = theta[i] - s.eta * m_hat / denominator;
        (out_m[i], out_v[i]) = match kind {
            "not stored" => (m[i], v[i]),
            "stored hats" => (m_hat, v_hat),
            _ => (new_m, new_v),
        };
    }
    vec![out_theta, out_m, out_v]
}

const ADAM_MISTAKES: &[(&str, &str)] = &[
    (
        "uncorrected",
        "the bias correction is missing: m and v start at 0 and are too small by 1 − β₁ᵗ and \
         1 − β₂ᵗ, so the early steps are too long (the first (1 − β₁)/√(1 − β₂) = 3.16 times too \
         long with the usual β's); divide them out as in (9.8)",
    ),
    (
        "only m",
        "only m is bias-corrected: v needs its own correction, v̂ = v/(1 − β₂ᵗ)",
    ),
    (
        "only v",
        "only v is bias-corrected: m needs its own correction, m̂ = m/(1 − β₁ᵗ)",
    ),
    (
        "stored hats",
        "m and v hold the corrected m̂ and v̂: keep the raw averages (9.7) as the state and \
         correct copies of them",
    ),
    (
        "not stored",
        "m and v still hold their old values: write the new moments back, the next step needs them",
    ),
    (
        "ε inside",
        "ε went under the square root: (9.9) divides by √v̂ + ε",
    ),
    (
        "swapped",
        "β₁ and β₂ are swapped: β₁ = 0.9 belongs to m, β₂ = 0.999 to v",
    ),
];

/// Checks `f` as one step of Adam, step by step on [`ADAM_RUNS`], θ, m and v after each.
pub fn adam_step(
    f: impl Fn(&mut [f64], &mut [f64], &mut [f64], &[f64], i32, AdamSettings),
) -> Outcome {
    let mut steps = 0;
    for &(theta0, gradients, settings) in ADAM_RUNS {
        let n = theta0.len();
        let start = vec![theta0.to_vec(), vec![0.0; n], vec![0.0; n]];
        let step = |state: &mut [Vec<f64>], g: &[f64], t: i32| {
            if let [theta, m, v] = state {
                f(theta, m, v, g, t, settings);
            }
        };
        let variant = |kind: &str, state: &[Vec<f64>], g: &[f64], t: i32| {
            adam_variant(kind, state, g, t, settings)
        };
        let AdamSettings {
            eta,
            beta1,
            beta2,
            epsilon,
        } = settings;
        let settings = format!("η = {eta}, β₁ = {beta1}, β₂ = {beta2}, ε = {epsilon:e}");
        match stepwise(
            &["θ", "m", "v"],
            start,
            gradients,
            &settings,
            step,
            &variant,
            ADAM_MISTAKES,
        ) {
            Ok(count) => steps += count,
            Err(outcome) => return outcome,
        }
    }
    Outcome::Passed(format!(
        "{steps} steps are right (θ, m and v), with gradients from 10⁻⁴ to 10⁴ and the book's \
         worked example"
    ))
}

/// (η₀, η_min, T): the book's run of 1000 steps, a short one, and one with an odd length.
const COSINE_CASES: &[(f64, f64, usize)] = &[(0.1, 0.0, 1000), (0.5, 0.01, 10), (1.0, 0.1, 7)];

/// The rates of steps 0 to T by (9.12), or by one of its usual wrong versions.
fn cosine_variant(kind: &str, base: f64, min: f64, total: usize) -> Vec<f64> {
    use std::f64::consts::PI;
    (0..=total)
        .map(|step| {
            let fraction = match kind {
                "T − 1" => step as f64 / (total - 1) as f64,
                "integer" => (step / total) as f64,
                _ => step as f64 / total as f64,
            };
            let angle = if kind == "no π" {
                fraction
            } else {
                PI * fraction
            };
            let factor = (1.0 + angle.cos()) / 2.0;
            match kind {
                "to zero" => base * factor,
                "min added" => min + base * factor,
                _ => min + (base - min) * factor,
            }
        })
        .collect()
}

const COSINE_MISTAKES: &[(&str, &str)] = &[
    (
        "integer",
        "step / total in integer arithmetic is 0 until the last step: convert both to f64 first",
    ),
    (
        "no π",
        "cos(t/T) has no π: the rate follows half a period, from cos 0 = 1 to cos π = −1",
    ),
    (
        "to zero",
        "the rate falls to 0 instead of η_min: the cosine scales η₀ − η_min, and η_min is added",
    ),
    (
        "min added",
        "η_min + η₀(1 + cos)/2 starts at η₀ + η_min: the cosine scales η₀ − η_min",
    ),
    (
        "T − 1",
        "η_min is reached at step T, one past the last step of the run, not at step T − 1",
    ),
];

/// Checks `f` as the cosine schedule at every step 0..=T of [`COSINE_CASES`].
pub fn cosine_rate(f: impl Fn(f64, f64, usize, usize) -> f64) -> Outcome {
    for &(base, min, total) in COSINE_CASES {
        let got = match guarded(|| {
            (0..=total)
                .map(|step| f(base, min, step, total))
                .collect::<Vec<_>>()
        }) {
            Ok(got) => got,
            Err(outcome) => return outcome,
        };
        let expected = cosine_variant("right", base, min, total);
        let what = format!(
            "the rate at each step 0..={total} for η₀ = {base}, η_min = {min}, T = {total}"
        );
        if let Err(failure) = compare(&what, &expected, &got, 1e-9) {
            let named = COSINE_MISTAKES.iter().find_map(|&(kind, text)| {
                recognise(&got, text, cosine_variant(kind, base, min, total))
            });
            return diagnosed(failure, named);
        }
    }
    Outcome::Passed(format!(
        "right at every step of {} runs, η₀ at t = 0 and η_min at t = T",
        COSINE_CASES.len()
    ))
}
