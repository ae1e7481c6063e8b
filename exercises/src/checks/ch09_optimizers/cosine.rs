//! The learning rate of cosine annealing (9.12): the check, its cases, and the usual wrong
//! versions of the schedule it recognises.

use super::{diagnosed, recognise};
use crate::grade::{Outcome, compare, guarded};

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
    cosine_rate_once(&f)
}

/// [`cosine_rate`]'s body, compiled once: the implementation is behind a reference, not a
/// type parameter, so each caller's closure does not compile the whole check again.
fn cosine_rate_once(f: &dyn Fn(f64, f64, usize, usize) -> f64) -> Outcome {
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
