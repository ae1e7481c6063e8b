//! Chapter 5's checks: the mean squared error's gradient, log-sum-exp (5.11), and the softmax
//! cross-entropy (5.10) with its gradient (5.9).

use crate::catalog::Exercise;
use crate::grade::{Failure, Outcome, central_differences, compare, guarded, relative_error};
use crate::{ch05_losses as learner, solutions::ch05_losses as solution};

/// Chapter 5's exercises.
pub const EXERCISES: &[Exercise] = &[
    Exercise {
        id: "ch05.mse_gradient",
        title: "the gradient of the mean squared error",
        file: "exercises/src/ch05_losses.rs",
        hints: &[
            "ŷᵢ appears in one term of the sum only: differentiate (ŷᵢ − yᵢ)², then remember the 1/N.",
            "∂L/∂ŷᵢ = (2/N)(ŷᵢ − yᵢ).",
        ],
        check: || mse_gradient(learner::mse_gradient),
        solution: || mse_gradient(solution::mse_gradient),
    },
    Exercise {
        id: "ch05.log_sum_exp",
        title: "log-sum-exp without overflow",
        file: "exercises/src/ch05_losses.rs",
        hints: &[
            "e^1000 is beyond the largest f64 (about e^709.8). Shift the logits before \
             exponentiating, and undo the shift after the logarithm.",
            "Equation (5.11): ln Σⱼ e^{zⱼ} = M + ln Σⱼ e^{zⱼ − M}, with M the largest logit.",
        ],
        check: || log_sum_exp(learner::log_sum_exp),
        solution: || log_sum_exp(solution::log_sum_exp),
    },
    Exercise {
        id: "ch05.softmax_cross_entropy",
        title: "the softmax cross-entropy from logits",
        file: "exercises/src/ch05_losses.rs",
        hints: &[
            "−ln softmax(z)_c needs no softmax at all: take the logarithm of the fraction by hand.",
            "Equation (5.10): L = ln Σⱼ e^{zⱼ} − z_c; compute the first term as in exercise 5.2.",
        ],
        check: || softmax_cross_entropy(learner::softmax_cross_entropy),
        solution: || softmax_cross_entropy(solution::softmax_cross_entropy),
    },
    Exercise {
        id: "ch05.softmax_cross_entropy_gradient",
        title: "its gradient with respect to the logits",
        file: "exercises/src/ch05_losses.rs",
        hints: &[
            "Differentiate L = ln Σⱼ e^{zⱼ} − z_c term by term: the first term gives a softmax.",
            "Equation (5.9): ∂L/∂zⱼ = softmax(z)ⱼ − [j = c], the prediction minus the one-hot target.",
        ],
        check: || {
            softmax_cross_entropy_gradient(
                learner::softmax_cross_entropy_gradient,
                learner::softmax_cross_entropy,
            )
        },
        solution: || {
            softmax_cross_entropy_gradient(
                solution::softmax_cross_entropy_gradient,
                solution::softmax_cross_entropy,
            )
        },
    },
];

/// (prediction, target) pairs: several sizes, so that a missing 1/N shows.
const MSE_CASES: &[(&[f64], &[f64])] = &[
    (&[0.5, -1.0, 2.0], &[0.0, 1.0, 2.5]),
    (&[3.0], &[1.0]),
    (&[0.1, 0.2, 0.3, 0.4, 0.5], &[0.5, 0.4, 0.3, 0.2, 0.1]),
];

fn mse(prediction: &[f64], target: &[f64]) -> f64 {
    let n = prediction.len() as f64;
    prediction
        .iter()
        .zip(target)
        .map(|(p, y)| (p - y) * (p - y))
        .sum::<f64>()
        / n
}

/// Checks `f` as `∂L/∂ŷ` of the mean squared error, against central differences of L.
pub fn mse_gradient(f: impl Fn(&[f64], &[f64]) -> Vec<f64>) -> Outcome {
    mse_gradient_once(&f)
}

/// [`mse_gradient`]'s body, compiled once: the implementation is behind a reference, not a
/// type parameter, so each caller's closure does not compile the whole check again.
fn mse_gradient_once(f: &dyn Fn(&[f64], &[f64]) -> Vec<f64>) -> Outcome {
    for &(prediction, target) in MSE_CASES {
        let got = match guarded(|| f(prediction, target)) {
            Ok(got) => got,
            Err(outcome) => return outcome,
        };
        let expected = central_differences(|p| mse(p, target), prediction, 1e-5);
        let what = format!("∂L/∂ŷ for ŷ = {prediction:?}, y = {target:?}");
        if let Err(failure) = compare(&what, &expected, &got, 1e-6) {
            return failure.into();
        }
    }
    Outcome::Passed(format!(
        "matches central differences of L on {} cases",
        MSE_CASES.len()
    ))
}

/// Logits whose exponentials are ordinary, overflow, and underflow.
const LSE_CASES: &[&[f64]] = &[
    &[1.0, 2.0, 3.0],
    &[0.0],
    &[1000.0, 999.0, 998.0],
    &[-1000.0, -1001.0],
    &[710.0, -710.0],
];

/// `ln Σ e^{zⱼ}` by the check's own arithmetic: exact for these cases, where `M` is known.
fn lse_expected(logits: &[f64]) -> f64 {
    let max = logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    max + logits.iter().map(|z| (z - max).exp()).sum::<f64>().ln()
}

/// Checks `f` as log-sum-exp, on logits small, huge and very negative.
pub fn log_sum_exp(f: impl Fn(&[f64]) -> f64) -> Outcome {
    log_sum_exp_once(&f)
}

/// [`log_sum_exp`]'s body, compiled once: the implementation is behind a reference, not a
/// type parameter, so each caller's closure does not compile the whole check again.
fn log_sum_exp_once(f: &dyn Fn(&[f64]) -> f64) -> Outcome {
    for &logits in LSE_CASES {
        let got = match guarded(|| f(logits)) {
            Ok(got) => got,
            Err(outcome) => return outcome,
        };
        let expected = lse_expected(logits);
        if relative_error(expected, got) > 1e-12 || !got.is_finite() {
            let largest = logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let mistake = if got == f64::INFINITY || got.is_nan() && largest > 709.0 {
                Some(
                    "e^z overflows for z above 709.8: subtract the largest logit first".to_string(),
                )
            } else if got == f64::NEG_INFINITY {
                Some(
                    "every e^z rounded to 0, and ln 0 = −∞: subtract the largest logit first"
                        .to_string(),
                )
            } else {
                None
            };
            return Failure {
                explanation: format!(
                    "logits {logits:?}: ln Σ e^z is {expected}, you returned {got} \
                     (relative error {:.1e})",
                    relative_error(expected, got)
                ),
                likely_mistake: mistake,
            }
            .into();
        }
    }
    Outcome::Passed(format!(
        "right to 1e-12 on {} cases, from e^-1001 to e^1000",
        LSE_CASES.len()
    ))
}

/// (logits, label): ordinary, confident and wrong, and huge logits.
const CE_CASES: &[(&[f64], usize)] = &[
    (&[2.0, 1.0, 0.1], 0),
    (&[2.0, 1.0, 0.1], 2),
    (&[0.5, -0.5, 3.0, 1.0], 1),
    (&[1000.0, 0.0], 1),
    (&[-800.0, -801.0, -799.0], 2),
];

/// Checks `f` as the softmax cross-entropy of one sample.
pub fn softmax_cross_entropy(f: impl Fn(&[f64], usize) -> f64) -> Outcome {
    softmax_cross_entropy_once(&f)
}

/// [`softmax_cross_entropy`]'s body, compiled once: the implementation is behind a reference, not a
/// type parameter, so each caller's closure does not compile the whole check again.
fn softmax_cross_entropy_once(f: &dyn Fn(&[f64], usize) -> f64) -> Outcome {
    for &(logits, label) in CE_CASES {
        let got = match guarded(|| f(logits, label)) {
            Ok(got) => got,
            Err(outcome) => return outcome,
        };
        let expected = lse_expected(logits) - logits[label];
        if relative_error(expected, got) > 1e-10 || !got.is_finite() {
            let mistake = if relative_error(-expected, got) <= 1e-10 {
                Some("the loss is −ln p, not ln p: it is never negative".to_string())
            } else if !got.is_finite() {
                Some("an exponential overflowed or a probability rounded to 0: use (5.10) with log-sum-exp".to_string())
            } else {
                None
            };
            return Failure {
                explanation: format!(
                    "logits {logits:?}, label {label}: the loss is {expected}, you returned {got}"
                ),
                likely_mistake: mistake,
            }
            .into();
        }
    }
    Outcome::Passed(format!(
        "right on {} cases, logits of ±1000 among them",
        CE_CASES.len()
    ))
}

/// Checks `gradient` as `∂L/∂z` of the softmax cross-entropy, against central differences of
/// the learner's own `loss` when that passes its check (and of the check's own formula if not).
pub fn softmax_cross_entropy_gradient(
    gradient: impl Fn(&[f64], usize) -> Vec<f64>,
    loss: impl Fn(&[f64], usize) -> f64 + Copy,
) -> Outcome {
    softmax_cross_entropy_gradient_once(&gradient, &loss)
}

/// [`softmax_cross_entropy_gradient`]'s body, compiled once: the implementation is behind a reference, not a
/// type parameter, so each caller's closure does not compile the whole check again.
fn softmax_cross_entropy_gradient_once(
    gradient: &dyn Fn(&[f64], usize) -> Vec<f64>,
    loss: &dyn Fn(&[f64], usize) -> f64,
) -> Outcome {
    let own_loss = softmax_cross_entropy(loss).passed();
    for &(logits, label) in &CE_CASES[..3] {
        let got = match guarded(|| gradient(logits, label)) {
            Ok(got) => got,
            Err(outcome) => return outcome,
        };
        let expected = if own_loss {
            central_differences(|z| loss(z, label), logits, 1e-5)
        } else {
            central_differences(|z| lse_expected(z) - z[label], logits, 1e-5)
        };
        let what = format!("∂L/∂z for logits {logits:?}, label {label}");
        if let Err(failure) = compare(&what, &expected, &got, 1e-6) {
            let softmax: Vec<f64> = expected
                .iter()
                .enumerate()
                .map(|(j, e)| e + if j == label { 1.0 } else { 0.0 })
                .collect();
            let mistake = compare("", &softmax, &got, 1e-6)
                .is_ok()
                .then(|| "this is softmax(z) itself: subtract 1 at the correct class".to_string());
            return failure.or_mistake(mistake).into();
        }
    }
    let source = if own_loss {
        "your loss"
    } else {
        "the loss (yours does not pass yet)"
    };
    Outcome::Passed(format!(
        "matches central differences of {source} on 3 cases"
    ))
}
