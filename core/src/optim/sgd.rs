//! Plain stochastic gradient descent: `θ ← θ − η ∇L`.

use super::Optimizer;
use crate::Scalar;

/// Stochastic gradient descent with learning rate η.
#[derive(Clone, Debug)]
pub struct Sgd {
    /// η, the step size.
    pub learning_rate: f64,
}

impl Sgd {
    /// SGD with the given learning rate.
    pub fn new(learning_rate: f64) -> Self {
        Self { learning_rate }
    }
}

impl<T: Scalar> Optimizer<T> for Sgd {
    fn learning_rate(&self) -> f64 {
        self.learning_rate
    }

    fn set_learning_rate(&mut self, learning_rate: f64) {
        self.learning_rate = learning_rate;
    }

    // ANCHOR: update
    fn update(&mut self, _slot: usize, parameters: &mut [T], gradients: &[T]) {
        let eta = T::of(self.learning_rate);
        for (theta, &g) in parameters.iter_mut().zip(gradients) {
            *theta -= eta * g;
        }
    }
    // ANCHOR_END: update
}
