//! RMSProp: each parameter's step divided by the root of a running mean of its squared gradient.
//!
//! ```text
//! E ← ρ E + (1 − ρ) g²
//! θ ← θ − η g / (√E + ε)
//! ```
//! AdaGrad with the sum of squares replaced by an exponential average (Hinton's lecture notes,
//! 2012): old gradients are forgotten, so the step size adapts to the recent scale of the
//! gradient instead of shrinking for ever. E starts at zero and is not bias-corrected (as in
//! PyTorch), so the first step is `η g / (√(1 − ρ) |g|) = 10 η sign(g)` for ρ = 0.99.
//!
//! Defaults as PyTorch's `torch.optim.RMSprop`: η = 0.01, ρ = 0.99 (PyTorch's `alpha`),
//! ε = 1e-8 (no momentum, not centered).

use super::{Optimizer, OptimizerState, state_for};
use crate::Scalar;

/// The RMSProp optimizer.
#[derive(Clone, Debug)]
pub struct RmsProp<T> {
    /// η, the step size (PyTorch's default is 0.01).
    pub learning_rate: f64,
    /// ρ, the decay of the running mean of g² (0.99, PyTorch's `alpha`).
    pub rho: f64,
    /// ε, keeps the division finite (1e-8).
    pub epsilon: f64,
    mean_squares: Vec<Vec<T>>,
}

impl<T: Scalar> RmsProp<T> {
    /// RMSProp with learning rate η and PyTorch's ρ = 0.99, ε = 1e-8.
    pub fn new(learning_rate: f64) -> Self {
        Self {
            learning_rate,
            rho: 0.99,
            epsilon: 1e-8,
            mean_squares: Vec::new(),
        }
    }
}

impl<T: Scalar> Default for RmsProp<T> {
    /// PyTorch's defaults: η = 0.01, ρ = 0.99, ε = 1e-8.
    fn default() -> Self {
        Self::new(0.01)
    }
}

impl<T: Scalar> Optimizer<T> for RmsProp<T> {
    fn learning_rate(&self) -> f64 {
        self.learning_rate
    }

    fn set_learning_rate(&mut self, learning_rate: f64) {
        self.learning_rate = learning_rate;
    }

    fn state(&self) -> OptimizerState<T> {
        OptimizerState {
            steps: 0,
            buffers: vec![("mean_square".into(), self.mean_squares.clone())],
        }
    }

    fn set_state(&mut self, mut state: OptimizerState<T>) {
        self.mean_squares = state.take("mean_square");
    }

    fn update(&mut self, slot: usize, parameters: &mut [T], gradients: &[T]) {
        let (eta, epsilon) = (T::of(self.learning_rate), T::of(self.epsilon));
        let rho = T::of(self.rho);
        let keep = T::one() - rho;
        let means = state_for(&mut self.mean_squares, slot, parameters.len());
        for ((theta, e), &g) in parameters.iter_mut().zip(means.iter_mut()).zip(gradients) {
            *e = rho * *e + keep * g * g;
            *theta -= eta * g / (e.sqrt() + epsilon);
        }
    }
}
