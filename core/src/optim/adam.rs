//! Adam: momentum plus a per-parameter step size from the running size of the gradient.
//!
//! With step count t:
//! ```text
//! m ← β₁ m + (1 − β₁) g          (first moment: a running mean of the gradient)
//! v ← β₂ v + (1 − β₂) g²         (second moment: a running mean of its square)
//! m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ)   (bias correction: m and v start at 0)
//! θ ← θ − η m̂ / (√v̂ + ε)
//! ```
//! The update multiplies the numerator and denominator by `√(1 − β₂ᵗ)`, which gives the same
//! step with one square root and one division per parameter:
//! `θ ← θ − η_t m / (√v + ε̂)`, `η_t = η √(1 − β₂ᵗ) / (1 − β₁ᵗ)`, `ε̂ = ε √(1 − β₂ᵗ)`.

use super::{Optimizer, OptimizerState, state_for};
use crate::{Scalar, parallel, simd};
use rayon::prelude::*;

/// The Adam optimizer (Kingma & Ba, 2015) with bias correction.
#[derive(Clone, Debug)]
pub struct Adam<T> {
    /// η, the step size (1e-3 is the usual default).
    pub learning_rate: f64,
    /// β₁, the decay of the first moment (0.9).
    pub beta1: f64,
    /// β₂, the decay of the second moment (0.999).
    pub beta2: f64,
    /// ε, keeps the division finite (1e-8).
    pub epsilon: f64,
    steps: i32,
    first_moments: Vec<Vec<T>>,
    second_moments: Vec<Vec<T>>,
}

impl<T: Scalar> Adam<T> {
    /// Adam with learning rate η and the usual β₁ = 0.9, β₂ = 0.999, ε = 1e-8.
    pub fn new(learning_rate: f64) -> Self {
        Self {
            learning_rate,
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 1e-8,
            steps: 0,
            first_moments: Vec::new(),
            second_moments: Vec::new(),
        }
    }

    /// How many steps have been taken.
    pub fn steps(&self) -> i32 {
        self.steps
    }
}

impl<T: Scalar> Optimizer<T> for Adam<T> {
    fn learning_rate(&self) -> f64 {
        self.learning_rate
    }

    fn set_learning_rate(&mut self, learning_rate: f64) {
        self.learning_rate = learning_rate;
    }

    fn begin_step(&mut self) {
        self.steps += 1;
    }

    fn state(&self) -> OptimizerState<T> {
        OptimizerState {
            steps: self.steps as u64,
            buffers: vec![
                ("first_moment".into(), self.first_moments.clone()),
                ("second_moment".into(), self.second_moments.clone()),
            ],
        }
    }

    fn set_state(&mut self, mut state: OptimizerState<T>) {
        self.steps = i32::try_from(state.steps).unwrap_or(i32::MAX);
        self.first_moments = state.take("first_moment");
        self.second_moments = state.take("second_moment");
    }

    // ANCHOR: update
    fn update(&mut self, slot: usize, parameters: &mut [T], gradients: &[T]) {
        let t = self.steps.max(1);
        let correction1 = 1.0 - self.beta1.powi(t);
        let correction2 = (1.0 - self.beta2.powi(t)).sqrt();
        let rule = Rule {
            step: T::of(self.learning_rate * correction2 / correction1),
            epsilon: T::of(self.epsilon * correction2),
            beta1: T::of(self.beta1),
            beta2: T::of(self.beta2),
        };
        let m = state_for(&mut self.first_moments, slot, parameters.len());
        let v = state_for(&mut self.second_moments, slot, parameters.len());
        // The threads share the parameters, each updating a run of them.
        let piece = parallel::even_piece(parameters.len(), MIN_RUN);
        let runs = (parameters.par_chunks_mut(piece))
            .zip(m.par_chunks_mut(piece))
            .zip(v.par_chunks_mut(piece))
            .zip(gradients.par_chunks(piece));
        parallel::tasks(runs).for_each(|(((theta, m), v), g)| {
            simd::vectorized(|| rule.apply(theta, m, v, g));
        });
    }
    // ANCHOR_END: update
}

/// The fewest parameters worth a thread of their own.
const MIN_RUN: usize = 1 << 14;

/// One step's constants: `θ ← θ − step · m / (√v + ε)`, with the bias corrections folded into
/// `step` and `ε`.
#[derive(Clone, Copy)]
struct Rule<T> {
    step: T,
    epsilon: T,
    beta1: T,
    beta2: T,
}

impl<T: Scalar> Rule<T> {
    // ANCHOR: rule
    /// Updates a run of parameters `θ` with their moments `m` and `v` and gradients `g`.
    #[inline(always)]
    fn apply(self, theta: &mut [T], m: &mut [T], v: &mut [T], g: &[T]) {
        let (keep1, keep2) = (T::one() - self.beta1, T::one() - self.beta2);
        for (((theta, m), v), &g) in theta.iter_mut().zip(m).zip(v).zip(g) {
            *m = self.beta1 * *m + keep1 * g;
            *v = self.beta2 * *v + keep2 * g * g;
            *theta -= self.step * *m / (v.sqrt() + self.epsilon);
        }
    }
    // ANCHOR_END: rule
}
