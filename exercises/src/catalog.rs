//! Every exercise, in book order: its name, where the learner writes it, its graded hints, and
//! its check, run on the learner's code and on the reference solution alike.

use crate::checks;
use crate::grade::Outcome;

/// One exercise of the book.
pub struct Exercise {
    /// `chNN.name`, e.g. `ch05.mse_gradient`: what `nabla exercises check` takes.
    pub id: &'static str,
    /// What the learner writes, in a few words.
    pub title: &'static str,
    /// The file (from the repository root) holding the stub to fill in.
    pub file: &'static str,
    /// Hints, from a nudge to the equation itself: `nabla exercises hint ID` shows the next.
    pub hints: &'static [&'static str],
    /// Runs the check on the learner's function.
    pub check: fn() -> Outcome,
    /// Runs the same check on the reference solution.
    pub solution: fn() -> Outcome,
}

impl Exercise {
    /// The chapter part of the id: `ch05` for `ch05.mse_gradient`.
    pub fn chapter(&self) -> &'static str {
        self.id.split('.').next().unwrap_or(self.id)
    }
}

/// Every exercise, in book order.
pub fn all() -> impl Iterator<Item = &'static Exercise> {
    [
        checks::ch01_introduction::EXERCISES,
        checks::ch02_neuron::EXERCISES,
        checks::ch03_activations::EXERCISES,
        checks::ch04_gradient_descent::EXERCISES,
        checks::ch05_losses::EXERCISES,
        checks::ch06_backpropagation::EXERCISES,
        checks::ch07_network_macro::EXERCISES,
        checks::ch08_mnist::EXERCISES,
        checks::ch09_optimizers::EXERCISES,
        checks::ch10_initialization::EXERCISES,
        checks::ch11_batch_norm::EXERCISES,
        checks::ch12_regularization::EXERCISES,
        checks::ch13_convolutions::EXERCISES,
    ]
    .into_iter()
    .flatten()
}

/// The exercises `selector` names: one by its id (`ch05.mse_gradient`), or a chapter's
/// (`ch05` or `5`). Empty if it names none.
pub fn select(selector: &str) -> Vec<&'static Exercise> {
    let chapter = selector
        .trim_start_matches("ch")
        .parse::<u32>()
        .ok()
        .map(|n| format!("ch{n:02}"));
    all()
        .filter(|exercise| {
            exercise.id == selector || chapter.as_deref() == Some(exercise.chapter())
        })
        .collect()
}
