//! Chapter 2's checks: the perceptron's output (2.1, 2.2) and its learning rule (2.3).

use crate::catalog::Exercise;
use crate::grade::{Failure, Outcome, guarded, mistake_of_scale, relative_error};
use crate::{ch02_neuron as learner, solutions::ch02_neuron as solution};

/// Chapter 2's exercises.
pub const EXERCISES: &[Exercise] = &[
    Exercise {
        id: "ch02.perceptron_output",
        title: "the perceptron's output, step(w · x + b)",
        file: "exercises/src/ch02_neuron.rs",
        hints: &[
            "First the weighted input: multiply each weight by its input, add them up, add the bias.",
            "Equation (2.2): the output is 1 when z > 0 and 0 when z ≤ 0, so z = 0 gives 0.",
        ],
        check: || perceptron_output(learner::perceptron_output),
        solution: || perceptron_output(solution::perceptron_output),
    },
    Exercise {
        id: "ch02.perceptron_update",
        title: "one step of the perceptron learning rule",
        file: "exercises/src/ch02_neuron.rs",
        hints: &[
            "Compute the output ŷ first (your perceptron_output); nothing changes when it is right.",
            "Equation (2.3): every wᵢ moves by η (y − ŷ) xᵢ and the bias by η (y − ŷ); y − ŷ, not ŷ − y.",
        ],
        check: || perceptron_update(learner::perceptron_update),
        solution: || perceptron_update(solution::perceptron_update),
    },
];

/// The step of equation (2.2), as the check computes it.
fn step(z: f64) -> f64 {
    if z > 0.0 { 1.0 } else { 0.0 }
}

fn dot(w: &[f64], x: &[f64]) -> f64 {
    w.iter().zip(x).map(|(w, x)| w * x).sum()
}

/// (weights, bias, inputs): ordinary cases, one where only the bias decides, and `z = 0`.
const OUTPUT_CASES: &[(&[f64], f64, &[f64])] = &[
    (&[0.5, -0.25], 0.1, &[1.0, 2.0]),
    (&[2.0, 1.0, -1.0], -0.5, &[0.5, 0.25, 1.0]),
    (&[1.0, 1.0], -1.5, &[1.0, 1.0]),
    (&[1.0, 1.0], 0.5, &[0.0, 0.0]),
    (&[1.0, -1.0], 0.0, &[0.5, 0.5]),
];

/// Checks `f` as the perceptron's output on [`OUTPUT_CASES`].
pub fn perceptron_output(f: impl Fn(&[f64], f64, &[f64]) -> f64) -> Outcome {
    perceptron_output_once(&f)
}

/// [`perceptron_output`]'s body, compiled once: the implementation is behind a reference, not a
/// type parameter, so each caller's closure does not compile the whole check again.
fn perceptron_output_once(f: &dyn Fn(&[f64], f64, &[f64]) -> f64) -> Outcome {
    for &(weights, bias, inputs) in OUTPUT_CASES {
        let got = match guarded(|| f(weights, bias, inputs)) {
            Ok(got) => got,
            Err(outcome) => return outcome,
        };
        let z = dot(weights, inputs) + bias;
        let expected = step(z);
        if got != expected {
            let mistake = if z == 0.0 && got == 1.0 {
                Some("at z = 0 exactly the step gives 0: test z > 0, not z ≥ 0".to_string())
            } else if got == step(dot(weights, inputs)) {
                Some("the answer is what it would be without the bias: add b to w · x".to_string())
            } else if got != 0.0 && got != 1.0 {
                Some("the output of a step is 0 or 1, not the weighted input itself".to_string())
            } else {
                None
            };
            return Failure {
                explanation: format!(
                    "weights {weights:?}, bias {bias}, inputs {inputs:?}: z = {z}, so the output \
                     should be {expected}; you returned {got}"
                ),
                likely_mistake: mistake,
            }
            .into();
        }
    }
    Outcome::Passed(format!(
        "the output is right on {} cases, z = 0 among them",
        OUTPUT_CASES.len()
    ))
}

/// Checks `f` as one step of the perceptron rule: against hand-made cases, then by training
/// the AND function from zero weights, which the rule must learn (it is linearly separable).
pub fn perceptron_update(f: impl Fn(&mut [f64], &mut f64, &[f64], f64, f64)) -> Outcome {
    perceptron_update_once(&f)
}

/// [`perceptron_update`]'s body, compiled once: the implementation is behind a reference, not a
/// type parameter, so each caller's closure does not compile the whole check again.
fn perceptron_update_once(f: &dyn Fn(&mut [f64], &mut f64, &[f64], f64, f64)) -> Outcome {
    // (weights, bias, inputs, target): wrong positive, wrong negative, and already right.
    let cases: &[(&[f64], f64, &[f64], f64)] = &[
        (&[0.5, -0.5], -0.25, &[1.0, 1.0], 1.0),
        (&[0.5, 0.5], 0.25, &[1.0, 0.5], 0.0),
        (&[1.0, 1.0], -1.5, &[1.0, 1.0], 1.0),
    ];
    let eta = 0.5;
    for &(weights, bias, inputs, target) in cases {
        let (mut w, mut b) = (weights.to_vec(), bias);
        if let Err(outcome) = guarded(|| f(&mut w, &mut b, inputs, target, eta)) {
            return outcome;
        }
        let error = target - step(dot(weights, inputs) + bias);
        let mut expected: Vec<f64> = weights
            .iter()
            .zip(inputs)
            .map(|(w, x)| w + eta * error * x)
            .collect();
        expected.push(bias + eta * error);
        let mut got = w.clone();
        got.push(b);
        let wrong = expected
            .iter()
            .zip(&got)
            .any(|(e, g)| relative_error(*e, *g) > 1e-12);
        if wrong {
            let changes = |values: &[f64]| -> Vec<f64> {
                values
                    .iter()
                    .zip(weights.iter().chain([&bias]))
                    .map(|(v, old)| v - old)
                    .collect()
            };
            let mistake = if error == 0.0 {
                Some("the output was already right, so nothing should change".to_string())
            } else if got[..weights.len()] == expected[..weights.len()] {
                Some("the weights are right but the bias is not: it moves by η (y − ŷ)".to_string())
            } else {
                mistake_of_scale(&changes(&expected), &changes(&got))
            };
            return Failure {
                explanation: format!(
                    "weights {weights:?}, bias {bias}, inputs {inputs:?}, target {target}, \
                     η = {eta}: the weights and bias should become {expected:?}; yours became {got:?}"
                ),
                likely_mistake: mistake,
            }
            .into();
        }
    }
    let and = [
        ([0.0, 0.0], 0.0),
        ([0.0, 1.0], 0.0),
        ([1.0, 0.0], 0.0),
        ([1.0, 1.0], 1.0),
    ];
    let (mut w, mut b) = (vec![0.0, 0.0], 0.0);
    for _ in 0..20 {
        for (x, y) in &and {
            if let Err(outcome) = guarded(|| f(&mut w, &mut b, x, *y, 1.0)) {
                return outcome;
            }
        }
    }
    let wrong = and
        .iter()
        .filter(|(x, y)| step(dot(&w, x) + b) != *y)
        .count();
    if wrong > 0 {
        return Failure::new(format!(
            "trained on AND for 20 epochs from zero weights, your rule ends at w = {w:?}, b = {b} \
             and still gets {wrong} of the 4 inputs wrong"
        ))
        .into();
    }
    Outcome::Passed(format!(
        "{} hand-worked steps are right, and the rule learns AND (w = {w:?}, b = {b})",
        cases.len()
    ))
}
