//! Chapter 3's checks: the derivatives of the sigmoid (3.2) and tanh (3.7) from their outputs,
//! ReLU's derivative with the library's value at the kink (3.10), softmax computed safely
//! (3.13, 3.14) and its backward pass (3.16).

use crate::catalog::Exercise;
use crate::grade::{Failure, Outcome, central_differences, compare, guarded};
use crate::{ch03_activations as learner, solutions::ch03_activations as solution};

/// Chapter 3's exercises.
pub const EXERCISES: &[Exercise] = &[
    Exercise {
        id: "ch03.sigmoid_derivative",
        title: "σ′ from the sigmoid's output a",
        file: "exercises/src/ch03_activations.rs",
        hints: &[
            "The argument is the output a = σ(z), not z: no exponential is needed, and σ must \
             not be applied again.",
            "Equation (3.2): σ′(z) = σ(z)(1 − σ(z)), that is a(1 − a).",
        ],
        check: || sigmoid_derivative(learner::sigmoid_derivative),
        solution: || sigmoid_derivative(solution::sigmoid_derivative),
    },
    Exercise {
        id: "ch03.tanh_derivative",
        title: "tanh′ from tanh's output a",
        file: "exercises/src/ch03_activations.rs",
        hints: &[
            "As for the sigmoid, the argument is the output a = tanh z: write the derivative in \
             terms of tanh z and substitute a.",
            "Equation (3.7): tanh′(z) = 1 − tanh²(z), that is 1 − a².",
        ],
        check: || tanh_derivative(learner::tanh_derivative),
        solution: || tanh_derivative(solution::tanh_derivative),
    },
    Exercise {
        id: "ch03.relu_derivative",
        title: "ReLU′, with the library's value at the kink",
        file: "exercises/src/ch03_activations.rs",
        hints: &[
            "On each side of 0 ReLU is a straight line: its derivative is that line's slope. \
             At 0 itself any value in [0, 1] is a subgradient; the chapter says which one nabla picks.",
            "Equation (3.10): 1 for z > 0 and 0 for z < 0; nabla, like PyTorch, uses 0 at z = 0.",
        ],
        check: || relu_derivative(learner::relu_derivative),
        solution: || relu_derivative(solution::relu_derivative),
    },
    Exercise {
        id: "ch03.softmax",
        title: "softmax without overflow",
        file: "exercises/src/ch03_activations.rs",
        hints: &[
            "e^1000 is infinite in f64, and ∞/∞ is NaN. Adding the same number to every logit \
             does not change the softmax: pick the number that keeps every exponential ≤ 1.",
            "Equations (3.13) and (3.14): sᵢ = e^{zᵢ − M} / Σⱼ e^{zⱼ − M} with M the largest logit.",
        ],
        check: || softmax(learner::softmax),
        solution: || softmax(solution::softmax),
    },
    Exercise {
        id: "ch03.softmax_backward",
        title: "backpropagating through softmax",
        file: "exercises/src/ch03_activations.rs",
        hints: &[
            "Every sᵢ depends on every zⱼ: ∂L/∂zⱼ = Σᵢ gᵢ ∂sᵢ/∂zⱼ, with the Jacobian (3.15). \
             Expand the sum instead of building the matrix.",
            "Equation (3.16): ∂L/∂z = s ⊙ (g − (sᵀg) 1): one dot product, then one pass.",
        ],
        check: || softmax_backward(learner::softmax_backward, learner::softmax),
        solution: || softmax_backward(solution::softmax_backward, solution::softmax),
    },
];

/// Weighted inputs the derivatives are checked at: none a whole number (no kink is near), from
/// the saturated sides to the middle.
pub const POINTS: [f64; 8] = [-6.3, -2.7, -0.9, -0.15, 0.35, 1.1, 2.45, 5.8];

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// A wrong formula in the output a, and the mistake it makes.
type WrongFormula = (fn(f64) -> f64, &'static str);

/// Checks `f` as a derivative computed from the output `a = φ(z)`, against central differences
/// of φ at the [`POINTS`]; `mistakes` are wrong formulas in a and what each means.
fn derivative_from_output(
    name: &str,
    phi: fn(f64) -> f64,
    f: impl Fn(f64) -> f64,
    mistakes: &[WrongFormula],
) -> Outcome {
    let outputs = POINTS.map(phi);
    let got = match guarded(|| outputs.map(&f)) {
        Ok(got) => got,
        Err(outcome) => return outcome,
    };
    let expected = POINTS.map(|z| central_differences(|z| phi(z[0]), &[z], 1e-5)[0]);
    let what = format!("{name}′ at z = {POINTS:?}, given a = {name}(z)");
    if let Err(failure) = compare(&what, &expected, &got, 1e-6) {
        let specific = mistakes.iter().find_map(|(wrong, text)| {
            let wrong = outputs.map(wrong);
            compare("", &wrong, &got, 1e-9)
                .is_ok()
                .then(|| text.to_string())
        });
        return Failure {
            likely_mistake: specific.or(failure.likely_mistake),
            ..failure
        }
        .into();
    }
    Outcome::Passed(format!(
        "matches central differences of {name} at {} points, from z = −6.3 to 5.8",
        POINTS.len()
    ))
}

/// Checks `f` as σ′ computed from a = σ(z).
pub fn sigmoid_derivative(f: impl Fn(f64) -> f64) -> Outcome {
    sigmoid_derivative_once(&f)
}

/// [`sigmoid_derivative`]'s body, compiled once: the implementation is behind a reference, not a
/// type parameter, so each caller's closure does not compile the whole check again.
fn sigmoid_derivative_once(f: &dyn Fn(f64) -> f64) -> Outcome {
    derivative_from_output(
        "σ",
        sigmoid,
        f,
        &[
            (
                |a| sigmoid(a) * (1.0 - sigmoid(a)),
                "that is σ(a)(1 − σ(a)), σ′ evaluated at a as if it were z: the argument is \
                 already σ(z), so σ′ = a(1 − a)",
            ),
            (
                |a| 1.0 - a * a,
                "1 − a² is tanh's derivative; the sigmoid's is a(1 − a)",
            ),
            (|a| 1.0 - a, "a factor a is missing: σ′ = a(1 − a)"),
            (|a| a, "that is the output a itself, not the slope a(1 − a)"),
        ],
    )
}

/// Checks `f` as tanh′ computed from a = tanh z.
pub fn tanh_derivative(f: impl Fn(f64) -> f64) -> Outcome {
    tanh_derivative_once(&f)
}

/// [`tanh_derivative`]'s body, compiled once: the implementation is behind a reference, not a
/// type parameter, so each caller's closure does not compile the whole check again.
fn tanh_derivative_once(f: &dyn Fn(f64) -> f64) -> Outcome {
    derivative_from_output(
        "tanh",
        f64::tanh,
        f,
        &[
            (
                |a| 1.0 - a.tanh() * a.tanh(),
                "that is 1 − tanh²(a), tanh′ evaluated at a as if it were z: the argument is \
                 already tanh z, so tanh′ = 1 − a²",
            ),
            (
                |a| a * (1.0 - a),
                "a(1 − a) is the sigmoid's derivative; tanh's is 1 − a²",
            ),
            (|a| 1.0 - a, "the a must be squared: tanh′ = 1 − a²"),
            (
                |a| 1.0 + a * a,
                "the sign of a² is wrong: tanh′ = 1 − a², at most 1",
            ),
        ],
    )
}

/// Checks `f` as ReLU′: against central differences away from the kink, and at z = 0 for the
/// library's value, 0.
pub fn relu_derivative(f: impl Fn(f64) -> f64) -> Outcome {
    relu_derivative_once(&f)
}

/// [`relu_derivative`]'s body, compiled once: the implementation is behind a reference, not a
/// type parameter, so each caller's closure does not compile the whole check again.
fn relu_derivative_once(f: &dyn Fn(f64) -> f64) -> Outcome {
    let relu = |z: f64| z.max(0.0);
    let got = match guarded(|| POINTS.map(&f)) {
        Ok(got) => got,
        Err(outcome) => return outcome,
    };
    let expected = POINTS.map(|z| central_differences(|z| relu(z[0]), &[z], 1e-5)[0]);
    let what = format!("ReLU′ at z = {POINTS:?}");
    if let Err(failure) = compare(&what, &expected, &got, 1e-6) {
        let mistake = if got == POINTS.map(relu) {
            Some("that is ReLU(z) itself, not its slope: 1 or 0".to_string())
        } else if got == POINTS.map(|z| if z < 0.0 { 1.0 } else { 0.0 }) {
            Some("the two sides are swapped: the slope is 1 where z > 0".to_string())
        } else {
            None
        };
        return failure.or_mistake(mistake).into();
    }
    let at_kink = match guarded(|| f(0.0)) {
        Ok(got) => got,
        Err(outcome) => return outcome,
    };
    if at_kink != 0.0 {
        let mistake = if at_kink == 1.0 {
            "nabla uses 0 at the kink: test z > 0, not z ≥ 0"
        } else if at_kink == 0.5 {
            "½ is the central difference at the kink, which matches neither convention: nabla uses 0"
        } else {
            "at the kink nabla, like PyTorch, uses 0"
        };
        return Failure {
            explanation: format!("ReLU′(0): the library's value is 0, you returned {at_kink}"),
            likely_mistake: Some(mistake.to_string()),
        }
        .into();
    }
    Outcome::Passed(format!(
        "matches central differences at {} points, and is 0 at the kink as in nabla",
        POINTS.len()
    ))
}

/// Logits whose exponentials are ordinary, overflow, underflow, and one of each.
pub const SOFTMAX_CASES: &[&[f64]] = &[
    &[2.0, 1.0, -1.0],
    &[0.5, -0.25, 3.0, 1.5],
    &[4.0],
    &[1000.0, 999.0, 998.0],
    &[-1000.0, -1001.0],
    &[710.0, -710.0, 709.0],
];

/// Softmax by the check's own arithmetic, shifted by the largest logit.
fn softmax_expected(z: &[f64]) -> Vec<f64> {
    let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let sum: f64 = z.iter().map(|z| (z - max).exp()).sum();
    z.iter().map(|z| (z - max).exp() / sum).collect()
}

/// Checks `f` as softmax on [`SOFTMAX_CASES`], small, huge and very negative.
pub fn softmax(f: impl Fn(&[f64]) -> Vec<f64>) -> Outcome {
    softmax_once(&f)
}

/// [`softmax`]'s body, compiled once: the implementation is behind a reference, not a
/// type parameter, so each caller's closure does not compile the whole check again.
fn softmax_once(f: &dyn Fn(&[f64]) -> Vec<f64>) -> Outcome {
    for &logits in SOFTMAX_CASES {
        let got = match guarded(|| f(logits)) {
            Ok(got) => got,
            Err(outcome) => return outcome,
        };
        let expected = softmax_expected(logits);
        let what = format!("softmax of {logits:?}");
        if let Err(failure) = compare(&what, &expected, &got, 1e-10) {
            let exps: Vec<f64> = logits.iter().map(|z| z.exp()).collect();
            let largest = exps.iter().copied().fold(0.0, f64::max);
            let mistake = if got.iter().any(|g| !g.is_finite()) {
                Some(
                    "an exponential overflowed to ∞ (e^z for z above 709.8) or every one rounded \
                     to 0, and ∞/∞ or 0/0 is NaN: subtract the largest logit first (3.14)"
                        .to_string(),
                )
            } else if compare("", &exps, &got, 1e-9).is_ok() {
                Some("these are the exponentials: divide each by their sum".to_string())
            } else if got.len() == exps.len()
                && compare(
                    "",
                    &exps.iter().map(|e| e / largest).collect::<Vec<_>>(),
                    &got,
                    1e-9,
                )
                .is_ok()
            {
                Some("divide by the sum of the exponentials, not by the largest".to_string())
            } else {
                None
            };
            return Failure {
                likely_mistake: mistake.or(failure.likely_mistake),
                ..failure
            }
            .into();
        }
    }
    Outcome::Passed(format!(
        "right to 1e-10 on {} cases, logits of ±1000 among them",
        SOFTMAX_CASES.len()
    ))
}

/// (logits, upstream gradient g = ∂L/∂s).
pub const BACKWARD_CASES: &[(&[f64], &[f64])] = &[
    (&[2.0, 1.0, -1.0], &[0.5, -1.0, 2.0]),
    (&[0.3, -0.7, 1.2, 0.1], &[-0.4, 0.9, 0.25, -1.5]),
    (&[-1.0, 0.5], &[3.0, 1.0]),
];

/// Checks `backward` as ∂L/∂z through softmax, against central differences of
/// `L(z) = Σᵢ gᵢ softmax(z)ᵢ`, whose gradient with respect to s is g. The softmax differenced is
/// the learner's own `forward` when it passes its check, and the check's own if not.
pub fn softmax_backward(
    backward: impl Fn(&[f64], &[f64]) -> Vec<f64>,
    forward: impl Fn(&[f64]) -> Vec<f64> + Copy,
) -> Outcome {
    softmax_backward_once(&backward, &forward)
}

/// [`softmax_backward`]'s body, compiled once: the implementation is behind a reference, not a
/// type parameter, so each caller's closure does not compile the whole check again.
fn softmax_backward_once(
    backward: &dyn Fn(&[f64], &[f64]) -> Vec<f64>,
    forward: &dyn Fn(&[f64]) -> Vec<f64>,
) -> Outcome {
    let own = softmax(forward).passed();
    for &(logits, upstream) in BACKWARD_CASES {
        let got = match guarded(|| backward(logits, upstream)) {
            Ok(got) => got,
            Err(outcome) => return outcome,
        };
        let loss = |z: &[f64]| -> f64 {
            let s = if own { forward(z) } else { softmax_expected(z) };
            s.iter().zip(upstream).map(|(s, g)| s * g).sum()
        };
        let expected = central_differences(loss, logits, 1e-5);
        let what = format!("∂L/∂z for logits {logits:?}, g = {upstream:?}");
        if let Err(failure) = compare(&what, &expected, &got, 1e-6) {
            let s = softmax_expected(logits);
            let dot: f64 = s.iter().zip(upstream).map(|(s, g)| s * g).sum();
            let diagonal: Vec<f64> = s.iter().zip(upstream).map(|(s, g)| s * g).collect();
            let no_s: Vec<f64> = upstream.iter().map(|g| g - dot).collect();
            let mistake = if compare("", &diagonal, &got, 1e-9).is_ok() {
                Some(
                    "that is s ⊙ g, the diagonal of the Jacobian only: raising one logit also \
                     lowers every other probability, so subtract sᵀg from each gᵢ first"
                        .to_string(),
                )
            } else if compare("", &no_s, &got, 1e-9).is_ok() {
                Some("each entry must still be multiplied by sⱼ: s ⊙ (g − (sᵀg) 1)".to_string())
            } else {
                None
            };
            return Failure {
                likely_mistake: mistake.or(failure.likely_mistake),
                ..failure
            }
            .into();
        }
    }
    let source = if own {
        "your softmax"
    } else {
        "softmax (yours does not pass yet)"
    };
    Outcome::Passed(format!(
        "matches central differences of g · {source} on {} cases",
        BACKWARD_CASES.len()
    ))
}
