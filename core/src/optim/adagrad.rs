//! AdaGrad: each parameter's step divided by the root of its summed squared gradients.
//!
//! ```text
//! G ← G + g²
//! θ ← θ − η g / (√G + ε)
//! ```
//! A parameter whose gradients have been large takes small steps, one whose gradients are rare
//! or small keeps large ones (Duchi, Hazan & Singer, 2011). Because G only grows, every step
//! size shrinks like `1 / √t`: good for sparse problems, often too fast a decay for deep
//! networks (RMSProp's running average fixes that).
//!
//! Defaults as PyTorch's `torch.optim.Adagrad`: η = 0.01, ε = 1e-10, G starting at 0 (and no
//! learning-rate decay).

use super::{Optimizer, OptimizerState, state_for};
use crate::Scalar;

/// The AdaGrad optimizer.
#[derive(Clone, Debug)]
pub struct AdaGrad<T> {
    /// η, the step size (PyTorch's default is 0.01).
    pub learning_rate: f64,
    /// ε, keeps the division finite (1e-10, as PyTorch).
    pub epsilon: f64,
    sums: Vec<Vec<T>>,
}

impl<T: Scalar> AdaGrad<T> {
    /// AdaGrad with learning rate η and PyTorch's ε = 1e-10.
    pub fn new(learning_rate: f64) -> Self {
        Self {
            learning_rate,
            epsilon: 1e-10,
            sums: Vec::new(),
        }
    }
}

impl<T: Scalar> Default for AdaGrad<T> {
    /// PyTorch's defaults: η = 0.01, ε = 1e-10.
    fn default() -> Self {
        Self::new(0.01)
    }
}

impl<T: Scalar> Optimizer<T> for AdaGrad<T> {
    fn learning_rate(&self) -> f64 {
        self.learning_rate
    }

    fn set_learning_rate(&mut self, learning_rate: f64) {
        self.learning_rate = learning_rate;
    }

    fn state(&self) -> OptimizerState<T> {
        OptimizerState {
            steps: 0,
            buffers: vec![("sum_of_squares".into(), self.sums.clone())],
        }
    }

    fn set_state(&mut self, mut state: OptimizerState<T>) {
        self.sums = state.take("sum_of_squares");
    }

    fn update(&mut self, slot: usize, parameters: &mut [T], gradients: &[T]) {
        let (eta, epsilon) = (T::of(self.learning_rate), T::of(self.epsilon));
        let sums = state_for(&mut self.sums, slot, parameters.len());
        for ((theta, sum), &g) in parameters.iter_mut().zip(sums.iter_mut()).zip(gradients) {
            *sum += g * g;
            *theta -= eta * g / (sum.sqrt() + epsilon);
        }
    }
}
