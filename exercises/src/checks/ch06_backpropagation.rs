//! Chapter 6's checks: a dense layer's forward (6.1) and backward pass (6.6, 6.8, 6.9), the
//! error recursion BP2 (6.7), and the four equations for a two-layer network. Every gradient is
//! compared with central differences of the learner's own forward pass (of the check's, while
//! the learner's does not pass yet).
//!
//! This file holds the catalog; the checks live in one file per concept: `dense` (6.1, 6.6,
//! 6.8, 6.9), `hidden` (BP2), `two_layer` (the four equations), and `matrices` (the checks'
//! own arithmetic and test data).

use crate::catalog::Exercise;
use crate::{ch06_backpropagation as learner, solutions::ch06_backpropagation as solution};

/// The value of `guarded(|| …)`, or return its verdict (defined before the submodules, which
/// use it).
macro_rules! run {
    ($body:expr) => {
        match guarded(|| $body) {
            Ok(value) => value,
            Err(outcome) => return outcome,
        }
    };
}

mod dense;
mod hidden;
mod matrices;
mod two_layer;

pub use dense::{dense_backward, dense_forward};
pub use hidden::hidden_error;
pub use two_layer::two_layer_gradients;

/// Chapter 6's exercises.
pub const EXERCISES: &[Exercise] = &[
    Exercise {
        id: "ch06.dense_forward",
        title: "a dense layer's forward pass, z = W a + b 1ᵀ",
        file: "exercises/src/ch06_backpropagation.rs",
        hints: &[
            "The result has one row per output unit and one column per sample, like the input.",
            "Equation (6.1): z[(j, i)] = Σₖ W[(j, k)] · a[(k, i)] + b[j], for every unit j and sample i.",
        ],
        check: || dense_forward(learner::dense_forward),
        solution: || dense_forward(solution::dense_forward),
    },
    Exercise {
        id: "ch06.dense_backward",
        title: "a dense layer's backward pass: δ aᵀ, δ 1 and Wᵀ δ",
        file: "exercises/src/ch06_backpropagation.rs",
        hints: &[
            "Each gradient has the shape of what it differentiates: ∂L/∂W is n_out × n_in like W, \
             ∂L/∂a is n_in × m like a.",
            "A weight's gradient is the error at its output end times the activation at its input \
             end, summed over the samples; a bias gets the sum of its unit's errors.",
            "(6.9) ∂L/∂W[(j, k)] = Σᵢ δ[(j, i)] a[(k, i)]; (6.8) ∂L/∂b[j] = Σᵢ δ[(j, i)]; \
             (6.6) ∂L/∂a[(k, i)] = Σⱼ W[(j, k)] δ[(j, i)].",
        ],
        check: || dense_backward(learner::dense_backward, learner::dense_forward),
        solution: || dense_backward(solution::dense_backward, solution::dense_forward),
    },
    Exercise {
        id: "ch06.hidden_error",
        title: "the error of a sigmoid hidden layer (BP2)",
        file: "exercises/src/ch06_backpropagation.rs",
        hints: &[
            "Two steps: carry δ^{ℓ+1} back through the weights to get ∂L/∂a^ℓ, then through the \
             sigmoid to get ∂L/∂z^ℓ.",
            "The sigmoid's derivative at z is σ(z)(1 − σ(z)), and σ(z) is the activation you are \
             given: σ′(z) = a(1 − a).",
            "(6.7) δ[(j, i)] = (Σₖ W^{ℓ+1}[(k, j)] δ^{ℓ+1}[(k, i)]) · a[(j, i)] (1 − a[(j, i)]).",
        ],
        check: || hidden_error(learner::hidden_error, learner::dense_forward),
        solution: || hidden_error(solution::hidden_error, solution::dense_forward),
    },
    Exercise {
        id: "ch06.two_layer_gradients",
        title: "the four equations for n₀ => sigmoid n₁ => softmax K",
        file: "exercises/src/ch06_backpropagation.rs",
        hints: &[
            "Keep z¹, a¹ and z² from the forward pass; the backward pass needs all three.",
            "Softmax with the mean cross-entropy gives δ² = (softmax(z²) − y)/m directly (6.5); \
             then your dense_backward gives ∂L/∂W² and ∂L/∂b², and your hidden_error gives δ¹.",
            "BP1 δ² = (ŷ − y)/m; BP2 δ¹ = ((W²)ᵀ δ²) ⊙ a¹(1 − a¹); BP3 ∂L/∂bˡ = δˡ 1; \
             BP4 ∂L/∂Wˡ = δˡ (aˡ⁻¹)ᵀ with a⁰ = x.",
        ],
        check: || two_layer_gradients(learner::two_layer_gradients, learner::dense_forward),
        solution: || two_layer_gradients(solution::two_layer_gradients, solution::dense_forward),
    },
];
