//! Chapter 2: the artificial neuron. Evaluates one neuron under several activations, trains a
//! perceptron on the truth tables of AND, OR and XOR, and draws the lines it learns.

mod report;

pub use report::run;

pub mod diagram;

use crate::{ChapterResult, Session};
use nabla::Scalar;
use nabla::activation::{Elementwise, Relu, Sigmoid, Tanh};
use plot::DecisionPlot;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

// ANCHOR: neuron
/// One artificial neuron with `N` inputs: `a = f(z)` with `z = w · x + b` (equation 2.1).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Neuron<const N: usize> {
    /// One weight per input.
    pub weights: [f64; N],
    /// The bias, added to the weighted sum.
    pub bias: f64,
}

impl<const N: usize> Neuron<N> {
    /// A neuron whose weights and bias are all zero.
    pub fn zeros() -> Self {
        Self {
            weights: [0.0; N],
            bias: 0.0,
        }
    }

    /// The weighted input `z = Σᵢ wᵢ xᵢ + b`.
    pub fn weighted_input(&self, input: &[f64; N]) -> f64 {
        let sum: f64 = self.weights.iter().zip(input).map(|(w, x)| w * x).sum();
        sum + self.bias
    }

    /// The neuron's output `a = f(z)` for the activation `f`.
    pub fn output(&self, activation: &impl Elementwise<f64>, input: &[f64; N]) -> f64 {
        activation.value(self.weighted_input(input))
    }
}
// ANCHOR_END: neuron

// ANCHOR: step
/// The step activation of the perceptron (equation 2.2): 1 if `z > 0`, else 0.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Step;

impl<T: Scalar> Elementwise<T> for Step {
    const NAME: &'static str = "step";
    fn value(&self, z: T) -> T {
        if z > T::zero() { T::one() } else { T::zero() }
    }
    /// Zero wherever it exists (everywhere but `z = 0`, where the step jumps).
    fn derivative(&self, _z: T) -> T {
        T::zero()
    }
}
// ANCHOR_END: step

/// A labelled example: the inputs and the target output, 0 or 1.
pub type Example<const N: usize> = ([f64; N], f64);

// ANCHOR: perceptron
/// A neuron with the step activation, trained by the perceptron rule.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Perceptron<const N: usize> {
    /// The weights and bias being learned.
    pub neuron: Neuron<N>,
    /// The step size η of the rule.
    pub learning_rate: f64,
}

impl<const N: usize> Perceptron<N> {
    /// The prediction `ŷ = step(w · x + b)`, 0 or 1.
    pub fn predict(&self, input: &[f64; N]) -> f64 {
        self.neuron.output(&Step, input)
    }

    /// One step of the perceptron rule (equation 2.3) on one example. Returns whether the
    /// prediction was wrong (only then do the weights change).
    pub fn learn(&mut self, input: &[f64; N], target: f64) -> bool {
        let error = target - self.predict(input);
        for (weight, x) in self.neuron.weights.iter_mut().zip(input) {
            *weight += self.learning_rate * error * x;
        }
        self.neuron.bias += self.learning_rate * error;
        error != 0.0
    }

    /// How many of `examples` the perceptron classifies correctly.
    pub fn correct(&self, examples: &[Example<N>]) -> usize {
        examples
            .iter()
            .filter(|(input, target)| self.predict(input) == *target)
            .count()
    }
}
// ANCHOR_END: perceptron

/// The state after one epoch (one pass over the examples in order).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Epoch<const N: usize> {
    /// The epoch's number, from 1.
    pub number: usize,
    /// How many examples were misclassified (and so caused an update) during the epoch.
    pub mistakes: usize,
    /// The weights and bias at the end of the epoch.
    pub neuron: Neuron<N>,
}

/// What a run of the perceptron rule did.
#[derive(Clone, Debug, PartialEq)]
pub struct Training<const N: usize> {
    /// Every epoch, in order.
    pub epochs: Vec<Epoch<N>>,
    /// The first epoch without a mistake, if there was one; training stops there.
    pub converged_after: Option<usize>,
    /// The best weights seen after any update (or at the start), and how many examples they
    /// classify correctly.
    pub best: (Neuron<N>, usize),
}

impl<const N: usize> Training<N> {
    /// Mistakes over the whole run, which is also the number of updates.
    pub fn total_mistakes(&self) -> usize {
        self.epochs.iter().map(|epoch| epoch.mistakes).sum()
    }

    /// The largest absolute value of a weight or bias at the end of any epoch.
    pub fn largest_weight(&self) -> f64 {
        self.epochs
            .iter()
            .flat_map(|epoch| epoch.neuron.weights.into_iter().chain([epoch.neuron.bias]))
            .fold(0.0, |largest, w| largest.max(w.abs()))
    }
}

// ANCHOR: train
/// Runs the perceptron rule from `start`: one epoch after another, each visiting the examples
/// in a fresh random order, until an epoch makes no mistake or `max_epochs` have passed.
pub fn train<const N: usize>(
    start: Neuron<N>,
    learning_rate: f64,
    examples: &[Example<N>],
    max_epochs: usize,
    rng: &mut impl Rng,
) -> Training<N> {
    let mut perceptron = Perceptron {
        neuron: start,
        learning_rate,
    };
    let mut best = (start, perceptron.correct(examples));
    let mut epochs = Vec::new();
    let mut order: Vec<usize> = (0..examples.len()).collect();
    for number in 1..=max_epochs {
        order.shuffle(rng);
        let mut mistakes = 0;
        for &i in &order {
            let (input, target) = &examples[i];
            if perceptron.learn(input, *target) {
                mistakes += 1;
                let correct = perceptron.correct(examples);
                if correct > best.1 {
                    best = (perceptron.neuron, correct);
                }
            }
        }
        epochs.push(Epoch {
            number,
            mistakes,
            neuron: perceptron.neuron,
        });
        if mistakes == 0 {
            return Training {
                epochs,
                converged_after: Some(number),
                best,
            };
        }
    }
    Training {
        epochs,
        converged_after: None,
        best,
    }
}
// ANCHOR_END: train

// ANCHOR: mistake_bound
/// The perceptron convergence bound `(R/γ)²` (equation 2.5) for `examples` and a neuron that
/// separates them, or `None` if `separator` misclassifies an example or has a point on its line.
///
/// `R` is the largest length of an input extended by a constant 1 (the bias's input), `γ` the
/// smallest distance `s (w · x + b) / |(w, b)|` of an example from the separator, with the
/// targets `s = 2y − 1` in {−1, +1}.
pub fn mistake_bound<const N: usize>(
    examples: &[Example<N>],
    separator: &Neuron<N>,
) -> Option<f64> {
    let squared_length =
        |input: &[f64; N], last: f64| input.iter().map(|x| x * x).sum::<f64>() + last * last;
    let norm = squared_length(&separator.weights, separator.bias).sqrt();
    let margin = examples
        .iter()
        .map(|(input, target)| (2.0 * target - 1.0) * separator.weighted_input(input) / norm)
        .fold(f64::INFINITY, f64::min);
    let radius_squared = examples
        .iter()
        .map(|(input, _)| squared_length(input, 1.0))
        .fold(0.0, f64::max);
    (margin > 0.0).then(|| radius_squared / (margin * margin))
}
// ANCHOR_END: mistake_bound

// ANCHOR: gates
/// The four inputs of a two-input logic gate, in the order they are shown to the perceptron.
pub const INPUTS: [[f64; 2]; 4] = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];

/// A two-input logic gate.
pub type Gate = fn(bool, bool) -> bool;

/// The truth table of a two-input gate as examples: target 1 for true, 0 for false.
pub fn truth_table(gate: Gate) -> [Example<2>; 4] {
    INPUTS.map(|input| {
        let output = gate(input[0] == 1.0, input[1] == 1.0);
        (input, if output { 1.0 } else { 0.0 })
    })
}

/// AND, OR and XOR, with their names.
pub const GATES: [(&str, Gate); 3] = [
    ("AND", |a, b| a && b),
    ("OR", |a, b| a || b),
    ("XOR", |a, b| a != b),
];
// ANCHOR_END: gates

/// The learning rate of the chapter's runs. From zero weights its value does not matter:
/// every weight is a multiple of it, so the predictions are the same for any η > 0.
pub const LEARNING_RATE: f64 = 1.0;

/// The most epochs a run may take (XOR uses them all).
pub const MAX_EPOCHS: usize = 1000;

/// Seeds the order in which each run visits the examples.
pub const SEED: u64 = 42;

/// Hand-picked separating lines `w₁x₁ + w₂x₂ + b = 0` for the mistake bound.
pub const SEPARATORS: [(&str, Neuron<2>); 2] = [
    (
        "AND",
        Neuron {
            weights: [1.0, 1.0],
            bias: -1.5,
        },
    ),
    (
        "OR",
        Neuron {
            weights: [1.0, 1.0],
            bias: -0.5,
        },
    ),
];
