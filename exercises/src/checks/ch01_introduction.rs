//! Chapter 1's checks: counting a network's parameters, and the forward pass of the XOR
//! network `2 => tanh H => sigmoid 1` of figure 1.1.

use crate::catalog::Exercise;
use crate::grade::{Failure, Outcome, guarded, relative_error};
use crate::{ch01_introduction as learner, solutions::ch01_introduction as solution};

/// Chapter 1's exercises.
pub const EXERCISES: &[Exercise] = &[
    Exercise {
        id: "ch01.parameter_count",
        title: "how many weights and biases a network has",
        file: "exercises/src/ch01_introduction.rs",
        hints: &[
            "Count layer by layer: between a layer of n units and the next of m units, how many \
             arrows are there, and how many of the m units have a bias?",
            "Each pair of neighbouring widths (n, m) gives n·m weights and m biases; the input \
             layer has no bias. 2 => tanh 4 => sigmoid 1 has 2·4 + 4 + 4·1 + 1 = 17.",
        ],
        check: || parameter_count(learner::parameter_count),
        solution: || parameter_count(solution::parameter_count),
    },
    Exercise {
        id: "ch01.xor_forward",
        title: "the forward pass of the XOR network",
        file: "exercises/src/ch01_introduction.rs",
        hints: &[
            "Work one hidden unit at a time: its weighted input, then tanh; then the output \
             unit's weighted input of the hidden activations, then the sigmoid.",
            "Row j of the hidden weights is hidden_weights[2j..2j + 2]; the output is \
             σ(Σⱼ vⱼ tanh(W[j, 0] x₀ + W[j, 1] x₁ + bⱼ) + c).",
        ],
        check: || xor_forward(learner::xor_forward),
        solution: || xor_forward(solution::xor_forward),
    },
];

/// The widths the parameter count is checked on: figure 1.1's network, a one-layer one, the
/// MNIST network of chapter 8 and a deeper one.
pub const COUNT_CASES: &[&[usize]] = &[&[2, 4, 1], &[3, 2], &[784, 128, 10], &[5, 7, 3, 2]];

/// Checks `f` as the parameter count on [`COUNT_CASES`].
pub fn parameter_count(f: impl Fn(&[usize]) -> usize) -> Outcome {
    parameter_count_once(&f)
}

/// [`parameter_count`]'s body, compiled once: the implementation is behind a reference, not a
/// type parameter, so each caller's closure does not compile the whole check again.
fn parameter_count_once(f: &dyn Fn(&[usize]) -> usize) -> Outcome {
    for &widths in COUNT_CASES {
        let got = match guarded(|| f(widths)) {
            Ok(got) => got,
            Err(outcome) => return outcome,
        };
        let pairs = || widths.windows(2);
        let weights: usize = pairs().map(|p| p[0] * p[1]).sum();
        let biases: usize = widths[1..].iter().sum();
        let expected = weights + biases;
        if got != expected {
            let mistake = if got == weights {
                Some("that counts the weights only: every unit after the inputs has a bias too")
            } else if got == expected + widths[0] {
                Some("the input units have no bias: only the units after them do")
            } else if got == biases + widths[0] {
                Some("that counts the units: count the arrows between the layers (and the biases)")
            } else if got == pairs().map(|p| p[0] * p[1] + p[0]).sum::<usize>() {
                Some("the biases belong to the units a layer feeds, not to the units it reads")
            } else {
                None
            };
            return Failure {
                explanation: format!(
                    "widths {widths:?}: {weights} weights and {biases} biases, {expected} in \
                     all; you returned {got}"
                ),
                likely_mistake: mistake.map(str::to_string),
            }
            .into();
        }
    }
    Outcome::Passed(format!(
        "right for {} networks, 784 => 128 => 10 (101,770) among them",
        COUNT_CASES.len()
    ))
}

/// One set of weights for `2 => tanh H => sigmoid 1`: (W row by row, b, v, c).
pub type XorWeights = (&'static [f64], &'static [f64], &'static [f64], f64);

/// Weights the forward pass is checked with. The first computes XOR (its first hidden unit is
/// an OR, its second an AND, the other two do little); the second has three hidden units and
/// no two weights alike, so that a transposed or misread matrix shows.
pub const XOR_WEIGHTS: &[XorWeights] = &[
    (
        &[5.0, 5.0, 5.0, 5.0, 0.3, -0.2, -0.1, 0.4],
        &[-2.5, -7.5, 0.1, -0.3],
        &[5.0, -5.0, 0.2, -0.1],
        -4.0,
    ),
    (
        &[0.7, -1.3, 0.4, 2.1, -0.9, 0.25],
        &[0.3, -0.6, 0.15],
        &[1.2, -0.8, 2.4],
        0.35,
    ),
];

/// The ways of getting the forward pass wrong that the check recognises, and the right one.
#[derive(Clone, Copy, PartialEq)]
enum Variant {
    Right,
    Transposed,
    SigmoidHidden,
    NoOutputSigmoid,
    NoHiddenBias,
    NoOutputBias,
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// The forward pass as the check computes it, right or wrong in one of the ways of [`Variant`].
fn forward(weights: XorWeights, x: [f64; 2], variant: Variant) -> f64 {
    let (w, b, v, c) = weights;
    let hidden = b.len();
    let mut z = if variant == Variant::NoOutputBias {
        0.0
    } else {
        c
    };
    for j in 0..hidden {
        let entry = |k: usize| match variant {
            Variant::Transposed => w[hidden * k + j],
            _ => w[2 * j + k],
        };
        let bias = if variant == Variant::NoHiddenBias {
            0.0
        } else {
            b[j]
        };
        let weighted = entry(0) * x[0] + entry(1) * x[1] + bias;
        let a = match variant {
            Variant::SigmoidHidden => sigmoid(weighted),
            _ => weighted.tanh(),
        };
        z += v[j] * a;
    }
    match variant {
        Variant::NoOutputSigmoid => z,
        _ => sigmoid(z),
    }
}

const XOR_INPUTS: [[f64; 2]; 4] = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];

/// Checks `f` as the forward pass, on the four XOR inputs with each of [`XOR_WEIGHTS`].
pub fn xor_forward(f: impl Fn(&[f64], &[f64], &[f64], f64, [f64; 2]) -> f64) -> Outcome {
    xor_forward_once(&f)
}

/// [`xor_forward`]'s body, compiled once: the implementation is behind a reference, not a
/// type parameter, so each caller's closure does not compile the whole check again.
fn xor_forward_once(f: &dyn Fn(&[f64], &[f64], &[f64], f64, [f64; 2]) -> f64) -> Outcome {
    let mistakes = [
        (
            Variant::Transposed,
            "the hidden weights are read column by column: row j (hidden unit j) is \
             hidden_weights[2j] and hidden_weights[2j + 1]",
        ),
        (
            Variant::SigmoidHidden,
            "the hidden units use tanh (the network is 2 => tanh H => sigmoid 1), not the sigmoid",
        ),
        (
            Variant::NoOutputSigmoid,
            "that is the output unit's weighted input: apply the sigmoid to it",
        ),
        (
            Variant::NoHiddenBias,
            "the hidden biases are missing: add bⱼ to each hidden unit's weighted input",
        ),
        (
            Variant::NoOutputBias,
            "the output bias c is missing from the output unit's weighted input",
        ),
    ];
    let inputs = XOR_INPUTS.iter().copied();
    for (set, weights) in XOR_WEIGHTS.iter().copied().enumerate() {
        let (w, b, v, c) = weights;
        for x in inputs.clone() {
            let got = match guarded(|| f(w, b, v, c, x)) {
                Ok(got) => got,
                Err(outcome) => return outcome,
            };
            let expected = forward(weights, x, Variant::Right);
            let error = relative_error(expected, got);
            if error > 1e-12 || !got.is_finite() {
                let mistake = mistakes
                    .iter()
                    .find(|(variant, _)| relative_error(forward(weights, x, *variant), got) < 1e-9)
                    .map(|(_, text)| text.to_string());
                return Failure {
                    explanation: format!(
                        "weight set {set} (H = {}), input {x:?}: the output should be \
                         {expected:.9}, you returned {got:.9} (relative error {error:.1e})",
                        b.len()
                    ),
                    likely_mistake: mistake,
                }
                .into();
            }
        }
    }
    let (w, b, v, c) = XOR_WEIGHTS[0];
    let outputs: Vec<String> = inputs.map(|x| format!("{:.3}", f(w, b, v, c, x))).collect();
    Outcome::Passed(format!(
        "right on 8 cases; with the first weights your network computes XOR: {}",
        outputs.join(", ")
    ))
}
