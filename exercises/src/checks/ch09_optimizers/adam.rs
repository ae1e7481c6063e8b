//! One step of Adam with its bias correction (9.7)–(9.9): the check, its runs, and the usual
//! wrong versions of the step it recognises.

use super::{Run, stepwise};
use crate::ch09_optimizers::AdamSettings;
use crate::grade::Outcome;

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
    adam_step_once(&f)
}

/// [`adam_step`]'s body, compiled once: the implementation is behind a reference, not a
/// type parameter, so each caller's closure does not compile the whole check again.
fn adam_step_once(
    f: &dyn Fn(&mut [f64], &mut [f64], &mut [f64], &[f64], i32, AdamSettings),
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
