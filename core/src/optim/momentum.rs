//! SGD with momentum: a velocity that accumulates past gradients.
//!
//! `v ← μ v + ∇L`, then `θ ← θ − η v`. Along a direction where gradients agree the step grows
//! towards `η / (1 − μ)` times the gradient; where they alternate in sign they cancel.
//! (This is PyTorch's form; the other common form, `v ← μ v − η ∇L; θ ← θ + v`, takes the same
//! steps when η is constant.)

use super::{Optimizer, OptimizerState, state_for};
use crate::Scalar;

/// SGD with momentum μ.
#[derive(Clone, Debug)]
pub struct Momentum<T> {
    /// η, the step size.
    pub learning_rate: f64,
    /// μ, how much of the previous velocity is kept (commonly 0.9).
    pub momentum: f64,
    velocities: Vec<Vec<T>>,
}

impl<T: Scalar> Momentum<T> {
    /// Momentum SGD with learning rate η and momentum μ.
    pub fn new(learning_rate: f64, momentum: f64) -> Self {
        Self {
            learning_rate,
            momentum,
            velocities: Vec::new(),
        }
    }
}

impl<T: Scalar> Optimizer<T> for Momentum<T> {
    fn learning_rate(&self) -> f64 {
        self.learning_rate
    }

    fn set_learning_rate(&mut self, learning_rate: f64) {
        self.learning_rate = learning_rate;
    }

    fn state(&self) -> OptimizerState<T> {
        OptimizerState {
            steps: 0,
            buffers: vec![("velocity".into(), self.velocities.clone())],
        }
    }

    fn set_state(&mut self, mut state: OptimizerState<T>) {
        self.velocities = state.take("velocity");
    }

    fn update(&mut self, slot: usize, parameters: &mut [T], gradients: &[T]) {
        let (eta, mu) = (T::of(self.learning_rate), T::of(self.momentum));
        let velocity = state_for(&mut self.velocities, slot, parameters.len());
        for ((theta, v), &g) in parameters
            .iter_mut()
            .zip(velocity.iter_mut())
            .zip(gradients)
        {
            *v = mu * *v + g;
            *theta -= eta * *v;
        }
    }
}
