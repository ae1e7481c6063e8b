//! Chapter 4's checks: the mean squared error of a line (4.1, 4.2), its gradient (4.3, 4.4),
//! a step of gradient descent (4.5) that reaches the least-squares line (4.6), and an epoch of
//! mini-batch gradient descent (4.10).
//!
//! This file holds the catalog; the checks live in one file per concept: `loss` (4.2 to 4.4),
//! `descent` (4.5, 4.6), `minibatch` (4.10), and `data` (the points and the check's own loss).

use crate::catalog::Exercise;
use crate::grade::Outcome;
use crate::{ch04_gradient_descent as learner, solutions::ch04_gradient_descent as solution};

mod data;
mod descent;
mod loss;
mod minibatch;

pub use data::points;
pub use descent::gradient_descent_step;
pub use loss::{mse_gradient, mse_loss};
pub use minibatch::minibatch_epoch;

/// Chapter 4's exercises.
pub const EXERCISES: &[Exercise] = &[
    Exercise {
        id: "ch04.mse_loss",
        title: "the mean squared error of a line",
        file: "exercises/src/ch04_gradient_descent.rs",
        hints: &[
            "For each point, the residual is the prediction w x + b minus the label y; square it.",
            "Equation (4.2): L = (1/N) Σᵢ (w xᵢ + b − yᵢ)², a mean: no ½, no square root.",
        ],
        check: || mse_loss(learner::mse_loss),
        solution: || mse_loss(solution::mse_loss),
    },
    Exercise {
        id: "ch04.mse_gradient",
        title: "the gradient of the MSE of a line",
        file: "exercises/src/ch04_gradient_descent.rs",
        hints: &[
            "Chain rule on each term: ∂(rᵢ²)/∂w = 2 rᵢ ∂rᵢ/∂w, with rᵢ = w xᵢ + b − yᵢ, so \
             ∂rᵢ/∂w = xᵢ and ∂rᵢ/∂b = 1; then the mean over the points.",
            "Equations (4.3) and (4.4): ∂L/∂w = (2/N) Σ (ŷᵢ − yᵢ) xᵢ, ∂L/∂b = (2/N) Σ (ŷᵢ − yᵢ).",
        ],
        check: || mse_gradient(learner::mse_gradient, learner::mse_loss),
        solution: || mse_gradient(solution::mse_gradient, solution::mse_loss),
    },
    Exercise {
        id: "ch04.gradient_descent_step",
        title: "one step of gradient descent",
        file: "exercises/src/ch04_gradient_descent.rs",
        hints: &[
            "The gradient points uphill; the step goes the other way, scaled by η. Compute both \
             derivatives before you change w or b.",
            "Equation (4.5): w ← w − η ∂L/∂w, b ← b − η ∂L/∂b, both derivatives at the old (w, b).",
        ],
        check: || {
            let outcome = gradient_descent_step(learner::gradient_descent_step, learner::mse_loss);
            unless_prerequisite_fails(outcome, "mse_gradient", || {
                mse_gradient(learner::mse_gradient, learner::mse_loss)
            })
        },
        solution: || gradient_descent_step(solution::gradient_descent_step, solution::mse_loss),
    },
    Exercise {
        id: "ch04.minibatch_epoch",
        title: "one epoch of mini-batch gradient descent",
        file: "exercises/src/ch04_gradient_descent.rs",
        hints: &[
            "order.chunks(batch_size) gives the batches; for each, gather its points and take \
             one step, so that the next batch's gradient is taken at the new (w, b).",
            "Equation (4.10): a batch of m points has gradient (2/m) Σ_{i∈B} (ŷᵢ − yᵢ)(xᵢ, 1): \
             m is that batch's own size, the last one's too.",
        ],
        check: || {
            let outcome = minibatch_epoch(learner::minibatch_epoch);
            unless_prerequisite_fails(outcome, "gradient_descent_step", || {
                gradient_descent_step(learner::gradient_descent_step, learner::mse_loss)
            })
        },
        solution: || minibatch_epoch(solution::minibatch_epoch),
    },
];

/// `outcome`, and when it failed while the learner's earlier exercise `name` (which this one
/// may call) fails its own check too, with that named as a likely cause.
pub fn unless_prerequisite_fails(
    outcome: Outcome,
    name: &str,
    prerequisite: impl FnOnce() -> Outcome,
) -> Outcome {
    let Outcome::Failed(mut failure) = outcome else {
        return outcome;
    };
    if matches!(prerequisite(), Outcome::Failed(_)) {
        let cause = format!(
            "your {name} does not pass its own check yet: if this function uses it, fix it \
             first (cargo run --release -- exercises check ch04.{name})"
        );
        failure.likely_mistake = Some(match failure.likely_mistake {
            Some(mistake) => format!("{mistake}; or, more likely, {cause}"),
            None => cause,
        });
    }
    failure.into()
}
