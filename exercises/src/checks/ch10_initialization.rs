//! Chapter 10's checks: clipping by the global norm (10.8), which keeps the direction,
//! clipping by value (10.9), which bounds both signs, and the standard deviations of Xavier
//! (10.4) and He (10.6) initialization. A wrong answer is compared with the usual wrong
//! versions of each.

use crate::catalog::Exercise;
use crate::grade::{Failure, Outcome, compare, guarded, relative_error};
use crate::{ch10_initialization as learner, solutions::ch10_initialization as solution};

/// Chapter 10's exercises.
pub const EXERCISES: &[Exercise] = &[
    Exercise {
        id: "ch10.clip_by_norm",
        title: "clipping by the global norm",
        file: "exercises/src/ch10_initialization.rs",
        hints: &[
            "One norm for everything: sum the squares of every entry of every tensor, then take \
             one square root. Then every entry of every tensor gets the same factor.",
            "A gradient shorter than c is left alone; a longer one keeps its direction and gets \
             length exactly c.",
            "Equation (10.8): g ← g · min(1, c/‖g‖), ‖g‖ = √(Σᵢ gᵢ²) over all tensors together.",
        ],
        check: || clip_by_norm(learner::clip_by_norm),
        solution: || clip_by_norm(solution::clip_by_norm),
    },
    Exercise {
        id: "ch10.clip_by_value",
        title: "clipping by value, from both sides",
        file: "exercises/src/ch10_initialization.rs",
        hints: &[
            "Each entry on its own: one above c becomes c, one below −c becomes −c, one in \
             between stays as it is.",
            "Equation (10.9): gᵢ ← max(−c, min(c, gᵢ)); f64::clamp does both at once.",
        ],
        check: || clip_by_value(learner::clip_by_value),
        solution: || clip_by_value(solution::clip_by_value),
    },
    Exercise {
        id: "ch10.xavier_std",
        title: "the standard deviation of Xavier initialization",
        file: "exercises/src/ch10_initialization.rs",
        hints: &[
            "The book gives the variance; a normal distribution is described by its standard \
             deviation. And usize / usize is integer division.",
            "Equation (10.4): Var(w) = 2/(n_in + n_out), so the standard deviation is \
             √(2/(n_in + n_out)).",
        ],
        check: || xavier_std(learner::xavier_std),
        solution: || xavier_std(solution::xavier_std),
    },
    Exercise {
        id: "ch10.he_std",
        title: "the standard deviation of He initialization",
        file: "exercises/src/ch10_initialization.rs",
        hints: &[
            "He keeps the forward signal of a ReLU layer: which width does the forward \
             variance (10.2) depend on? And what does the ReLU do to the second moment (10.5)?",
            "Equation (10.6): Var(w) = 2/n_in, so the standard deviation is √(2/n_in).",
        ],
        check: || he_std(learner::he_std),
        solution: || he_std(solution::he_std),
    },
];

/// `mistake` if `got` is what it predicts, entry by entry to 1e-9.
fn recognise(got: &[f64], mistake: &str, predicted: &[f64]) -> Option<String> {
    let same = predicted.len() == got.len()
        && predicted
            .iter()
            .zip(got)
            .all(|(&e, &g)| relative_error(e, g) <= 1e-9);
    same.then(|| mistake.to_string())
}

/// `failure` with the first of `mistakes` whose prediction `got` matches as its diagnosis,
/// if there is one (it is more specific than the generic one [`compare`] may have given).
fn diagnosed(mut failure: Failure, got: &[f64], mistakes: Vec<(&str, Vec<f64>)>) -> Outcome {
    let named = mistakes
        .iter()
        .find_map(|(mistake, predicted)| recognise(got, mistake, predicted));
    if named.is_some() {
        failure.likely_mistake = named;
    }
    failure.into()
}

fn norm(values: &[f64]) -> f64 {
    values.iter().map(|g| g * g).sum::<f64>().sqrt()
}

/// (tensors, c): long, so that clipping per tensor or by value shows; short, to be left
/// alone; each tensor short but all of them together long; and a mixture.
const NORM_CASES: &[(&[&[f64]], f64)] = &[
    (&[&[3.0, 0.0], &[4.0, -12.0]], 1.0),
    (&[&[0.1, -0.2], &[0.05]], 1.0),
    (&[&[0.6, 0.8], &[-0.6, 0.8]], 1.2),
    (&[&[10.0, -0.5, 2.0], &[-3.0, 0.01], &[7.0]], 2.5),
];

/// The clipped entries of every tensor, then the norm returned, by (10.8) or by one of its
/// usual wrong versions.
fn norm_variant(kind: &str, tensors: &[&[f64]], c: f64) -> Vec<f64> {
    let all = tensors.concat();
    let global = norm(&all);
    let factor = |n: f64| match kind {
        "always" => c / n,
        "squared" => (c / (n * n)).min(1.0),
        "inverted" => (n / c).min(1.0),
        _ => (c / n).min(1.0),
    };
    let mut out: Vec<f64> = match kind {
        "per tensor" => tensors
            .iter()
            .flat_map(|t| t.iter().map(move |g| g * factor(norm(t))))
            .collect(),
        "value" => all.iter().map(|g| g.clamp(-c, c)).collect(),
        _ => all.iter().map(|g| g * factor(global)).collect(),
    };
    out.push(match kind {
        "squared" => global * global,
        "after" => global.min(c),
        _ => global,
    });
    out
}

const NORM_MISTAKES: &[(&str, &str)] = &[
    (
        "per tensor",
        "each tensor was clipped by its own norm: (10.8) takes one norm over all the tensors \
         together, the global norm",
    ),
    (
        "value",
        "the entries were clamped one by one, which is clipping by value (10.9) and changes \
         the direction: scale every entry by the same c/‖g‖",
    ),
    (
        "always",
        "a short gradient was stretched to length c: min(1, c/‖g‖) leaves a gradient shorter \
         than c alone",
    ),
    (
        "squared",
        "‖g‖ is the square root of Σ gᵢ², not Σ gᵢ² itself",
    ),
    ("inverted", "the factor is c/‖g‖, not ‖g‖/c"),
    (
        "after",
        "the gradient is right, but return the norm it had before clipping",
    ),
];

/// Checks `f` as clipping by the global norm on [`NORM_CASES`]: the clipped entries, their
/// direction, and the norm returned.
pub fn clip_by_norm(f: impl Fn(&mut [Vec<f64>], f64) -> f64) -> Outcome {
    clip_by_norm_once(&f)
}

/// [`clip_by_norm`]'s body, compiled once: the implementation is behind a reference, not a
/// type parameter, so each caller's closure does not compile the whole check again.
fn clip_by_norm_once(f: &dyn Fn(&mut [Vec<f64>], f64) -> f64) -> Outcome {
    for &(tensors, c) in NORM_CASES {
        let mut clipped: Vec<Vec<f64>> = tensors.iter().map(|t| t.to_vec()).collect();
        let returned = match guarded(|| f(&mut clipped, c)) {
            Ok(returned) => returned,
            Err(outcome) => return outcome,
        };
        let mut got = clipped.concat();
        let expected = norm_variant("right", tensors, c);
        let what = format!("the gradients {tensors:?} clipped to norm {c}");
        let (expected_entries, expected_norm) = expected.split_at(expected.len() - 1);
        let mut verdict = compare(&what, expected_entries, &got, 1e-12);
        if verdict.is_ok() {
            let what = format!("the norm returned for {tensors:?}");
            verdict = compare(&what, expected_norm, &[returned], 1e-12);
        }
        if let Err(mut failure) = verdict {
            let original = tensors.concat();
            if got.len() == original.len() {
                let cosine = original.iter().zip(&got).map(|(a, b)| a * b).sum::<f64>()
                    / (norm(&original) * norm(&got));
                if cosine < 1.0 - 1e-9 {
                    failure.explanation += &format!(
                        "; the direction changed: the cosine between yours and the original is \
                         {cosine:.6}, not 1"
                    );
                    failure.likely_mistake.get_or_insert_with(|| {
                        "(10.8) multiplies every entry by the same factor, which keeps the direction"
                            .to_string()
                    });
                }
            }
            got.push(returned);
            let mistakes = NORM_MISTAKES
                .iter()
                .map(|&(kind, text)| (text, norm_variant(kind, tensors, c)))
                .collect();
            return diagnosed(failure, &got, mistakes);
        }
    }
    Outcome::Passed(format!(
        "right on {} cases: long gradients get length c with their direction kept, short ones \
         are left alone, and the norm is over all tensors together",
        NORM_CASES.len()
    ))
}

/// (entries, c): large entries of both signs, small ones, and zero.
const VALUE_CASES: &[(&[f64], f64)] = &[
    (&[3.0, -4.0, 0.5, -0.2, 0.0, 1.0], 1.0),
    (&[-10.0, -0.01, 0.02, 10.0, -0.05], 0.05),
];

/// The entries clipped by (10.9), or by one of its usual wrong versions.
fn value_variant(kind: &str, entries: &[f64], c: f64) -> Vec<f64> {
    let scale = (c / norm(entries)).min(1.0);
    entries
        .iter()
        .map(|&g| match kind {
            "above" => g.min(c),
            "below" => g.max(-c),
            "magnitude" if g.abs() > c => c,
            "all" if g != 0.0 => c.copysign(g),
            "zeroed" if g.abs() > c => 0.0,
            "norm" => g * scale,
            _ => g.clamp(-c, c),
        })
        .collect()
}

const VALUE_MISTAKES: &[(&str, &str)] = &[
    (
        "above",
        "clipping only from above: an entry below −c must be raised to −c too, (10.9) bounds \
         both signs",
    ),
    (
        "below",
        "clipping only from below: an entry above c must be lowered to c too",
    ),
    (
        "magnitude",
        "a large negative entry became +c: it becomes −c, keeping its sign",
    ),
    ("all", "entries inside [−c, c] must be left as they are"),
    (
        "zeroed",
        "entries beyond the bound are clamped to ±c, not set to 0",
    ),
    (
        "norm",
        "this scales the whole vector, which is clipping by norm (10.8): clamp each entry on its own",
    ),
];

/// Checks `f` as clipping by value on [`VALUE_CASES`].
pub fn clip_by_value(f: impl Fn(&mut [f64], f64)) -> Outcome {
    clip_by_value_once(&f)
}

/// [`clip_by_value`]'s body, compiled once: the implementation is behind a reference, not a
/// type parameter, so each caller's closure does not compile the whole check again.
fn clip_by_value_once(f: &dyn Fn(&mut [f64], f64)) -> Outcome {
    for &(entries, c) in VALUE_CASES {
        let mut got = entries.to_vec();
        if let Err(outcome) = guarded(|| f(&mut got, c)) {
            return outcome;
        }
        let expected = value_variant("right", entries, c);
        let what = format!("the entries {entries:?} clipped to [−{c}, {c}]");
        if let Err(failure) = compare(&what, &expected, &got, 1e-12) {
            let mistakes = VALUE_MISTAKES
                .iter()
                .map(|&(kind, text)| (text, value_variant(kind, entries, c)))
                .collect();
            return diagnosed(failure, &got, mistakes);
        }
    }
    Outcome::Passed(format!(
        "right on {} cases: entries beyond ±c of both signs are clamped, the rest kept",
        VALUE_CASES.len()
    ))
}

/// Layer widths (n_in, n_out): the headline network's two layers, a square one, and a narrow one.
const WIDTHS: &[(usize, usize)] = &[(784, 128), (128, 10), (256, 256), (3, 7)];

/// A standard deviation for each of [`WIDTHS`], from the variance `variance(n_in, n_out)`, or
/// the variance itself when `root` is false.
fn stds(variance: impl Fn(f64, f64) -> f64, root: bool) -> Vec<f64> {
    WIDTHS
        .iter()
        .map(|&(i, o)| variance(i as f64, o as f64))
        .map(|v| if root { v.sqrt() } else { v })
        .collect()
}

const INTEGER: &str = "2 / n in integer arithmetic is 0 for n > 2: convert the widths to f64 first";

/// Checks `f` against the standard deviation `√(variance(n_in, n_out))` on [`WIDTHS`], with
/// `mistakes` the usual wrong answers.
fn init_std(
    name: &str,
    equation: &str,
    f: impl Fn(usize, usize) -> f64,
    variance: fn(f64, f64) -> f64,
    mistakes: Vec<(&str, Vec<f64>)>,
) -> Outcome {
    let got = match guarded(|| WIDTHS.iter().map(|&(i, o)| f(i, o)).collect::<Vec<_>>()) {
        Ok(got) => got,
        Err(outcome) => return outcome,
    };
    let expected = stds(variance, true);
    let what = format!("{name} for the widths (n_in, n_out) = {WIDTHS:?}");
    match compare(&what, &expected, &got, 1e-12) {
        Ok(()) => Outcome::Passed(format!(
            "the square root of {equation} for {} layer shapes, {WIDTHS:?}",
            WIDTHS.len()
        )),
        Err(failure) => diagnosed(failure, &got, mistakes),
    }
}

/// Checks `f` as Xavier's standard deviation, `√(2/(n_in + n_out))`.
pub fn xavier_std(f: impl Fn(usize, usize) -> f64) -> Outcome {
    xavier_std_once(&f)
}

/// [`xavier_std`]'s body, compiled once: the implementation is behind a reference, not a
/// type parameter, so each caller's closure does not compile the whole check again.
fn xavier_std_once(f: &dyn Fn(usize, usize) -> f64) -> Outcome {
    let mistakes = vec![
        (
            "this is the variance (10.4): the standard deviation is its square root",
            stds(|i, o| 2.0 / (i + o), false),
        ),
        (
            "a factor of 2 is missing under the root: Var(w) = 2/(n_in + n_out)",
            stds(|i, o| 1.0 / (i + o), true),
        ),
        (
            "√(1/n_in) meets only the forward condition; Xavier takes the harmonic mean of \
             1/n_in and 1/n_out, 2/(n_in + n_out)",
            stds(|i, _| 1.0 / i, true),
        ),
        (
            "√(6/(n_in + n_out)) is the bound r of Init::XavierUniform, √3 times the standard \
             deviation",
            stds(|i, o| 6.0 / (i + o), true),
        ),
        (
            "√(2/n_in) is He's (10.6), for ReLU; Xavier's (10.4) uses both widths",
            stds(|i, _| 2.0 / i, true),
        ),
        (INTEGER, vec![0.0; WIDTHS.len()]),
    ];
    init_std(
        "Xavier's standard deviation",
        "(10.4)",
        f,
        |i, o| 2.0 / (i + o),
        mistakes,
    )
}

/// Checks `f` as He's standard deviation, `√(2/n_in)`.
pub fn he_std(f: impl Fn(usize, usize) -> f64) -> Outcome {
    he_std_once(&f)
}

/// [`he_std`]'s body, compiled once: the implementation is behind a reference, not a
/// type parameter, so each caller's closure does not compile the whole check again.
fn he_std_once(f: &dyn Fn(usize, usize) -> f64) -> Outcome {
    let mistakes = vec![
        (
            "this is the variance (10.6): the standard deviation is its square root",
            stds(|i, _| 2.0 / i, false),
        ),
        (
            "√(1/n_in) lacks the 2 that undoes the ReLU's halving of the second moment (10.5)",
            stds(|i, _| 1.0 / i, true),
        ),
        (
            "the fan-out is the wrong width: He's (10.6) keeps the forward signal, which \
             depends on n_in",
            stds(|_, o| 2.0 / o, true),
        ),
        (
            "√(2/(n_in + n_out)) is Xavier's (10.4): He's uses the fan-in alone, Var(w) = 2/n_in",
            stds(|i, o| 2.0 / (i + o), true),
        ),
        (
            INTEGER,
            stds(|i, _| if i > 2.0 { 0.0 } else { 2.0 / i }, true),
        ),
    ];
    init_std(
        "He's standard deviation",
        "(10.6)",
        f,
        |i, _| 2.0 / i,
        mistakes,
    )
}
