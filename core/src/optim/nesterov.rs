//! SGD with Nesterov momentum: the velocity's step taken from where momentum is about to go.
//!
//! In PyTorch's form (`torch.optim.SGD(…, momentum=μ, nesterov=True)`):
//! ```text
//! v ← μ v + g
//! θ ← θ − η (g + μ v)
//! ```
//! Plain momentum steps by `η v`; Nesterov steps by `η (g + μ v)`, which already includes the
//! next step's share of the velocity. This is the classic "look-ahead" method
//! (`v ← μ v − η ∇L(θ + μ v); θ ← θ + v`, evaluating the gradient at the looked-ahead point
//! `θ + μ v`) rewritten in the variable `θ + μ v`: tracking the looked-ahead point instead of θ
//! takes the same steps while needing the gradient only where the parameters are.
//!
//! Defaults: PyTorch has no default momentum; μ = 0.9 is the common choice. The velocity starts
//! at zero, as in PyTorch (whose first step sets `v = g`, which is the same thing).

use super::{Optimizer, OptimizerState, state_for};
use crate::Scalar;

/// SGD with Nesterov momentum μ.
#[derive(Clone, Debug)]
pub struct Nesterov<T> {
    /// η, the step size.
    pub learning_rate: f64,
    /// μ, how much of the previous velocity is kept (commonly 0.9).
    pub momentum: f64,
    velocities: Vec<Vec<T>>,
}

impl<T: Scalar> Nesterov<T> {
    /// Nesterov momentum SGD with learning rate η and momentum μ.
    pub fn new(learning_rate: f64, momentum: f64) -> Self {
        Self {
            learning_rate,
            momentum,
            velocities: Vec::new(),
        }
    }
}

impl<T: Scalar> Optimizer<T> for Nesterov<T> {
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
            *theta -= eta * (g + mu * *v);
        }
    }
}
