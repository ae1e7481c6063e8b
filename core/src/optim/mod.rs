//! Optimizers: how a gradient becomes a step.
//!
//! An optimizer sees a model as a list of parameter tensors (see [`Parameters`]) and updates each
//! one from its gradient, keeping whatever per-tensor state it needs (a velocity, running
//! moments) in the same order.

mod adam;
mod momentum;
mod sgd;

pub use adam::Adam;
pub use momentum::Momentum;
pub use sgd::Sgd;

use crate::Scalar;
use crate::network::Parameters;

/// An update rule for parameters given their gradients.
pub trait Optimizer<T: Scalar> {
    /// The current learning rate (reported when training diverges).
    fn learning_rate(&self) -> f64;

    /// Sets the learning rate, as a learning-rate schedule does before each step.
    fn set_learning_rate(&mut self, learning_rate: f64);

    /// Called once before the tensors of one step are updated.
    fn begin_step(&mut self) {}

    /// Updates tensor number `slot` (its position in the model's visiting order).
    fn update(&mut self, slot: usize, parameters: &mut [T], gradients: &[T]);

    /// The running state (step count, per-tensor vectors), for checkpoints. Stateless
    /// optimizers such as [`Sgd`] have none: the default is the empty state.
    fn state(&self) -> OptimizerState<T> {
        OptimizerState::default()
    }

    /// Restores a state taken with [`Optimizer::state`] (the default ignores it).
    fn set_state(&mut self, state: OptimizerState<T>) {
        let _ = state;
    }

    /// One optimization step over every tensor of `model`.
    fn step<P: Parameters<T>>(&mut self, model: &mut P, gradients: &P)
    where
        Self: Sized,
    {
        self.begin_step();
        let mut slot = 0;
        model.visit_with(gradients, &mut |parameters, gradients| {
            self.update(slot, parameters, gradients);
            slot += 1;
        });
    }
}

impl<T: Scalar> Optimizer<T> for Box<dyn Optimizer<T>> {
    fn learning_rate(&self) -> f64 {
        (**self).learning_rate()
    }
    fn set_learning_rate(&mut self, learning_rate: f64) {
        (**self).set_learning_rate(learning_rate);
    }
    fn begin_step(&mut self) {
        (**self).begin_step();
    }
    fn update(&mut self, slot: usize, parameters: &mut [T], gradients: &[T]) {
        (**self).update(slot, parameters, gradients);
    }
    fn state(&self) -> OptimizerState<T> {
        (**self).state()
    }
    fn set_state(&mut self, state: OptimizerState<T>) {
        (**self).set_state(state);
    }
}

/// An optimizer's running state: how many steps it has taken and its named per-tensor vectors
/// (Adam's `first_moment` and `second_moment`, momentum's `velocity`), each a list indexed by
/// slot. Enough to continue training exactly where it stopped.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OptimizerState<T> {
    /// Steps taken.
    pub steps: u64,
    /// `(name, vectors by slot)`.
    pub buffers: Vec<(String, Vec<Vec<T>>)>,
}

impl<T> OptimizerState<T> {
    /// Removes and returns the buffer called `name` (empty if there is none).
    pub fn take(&mut self, name: &str) -> Vec<Vec<T>> {
        match self.buffers.iter().position(|(n, _)| n == name) {
            Some(i) => self.buffers.remove(i).1,
            None => Vec::new(),
        }
    }
}

/// Per-tensor state vectors, created (zeroed) the first time a slot is seen.
fn state_for<T: Scalar>(states: &mut Vec<Vec<T>>, slot: usize, len: usize) -> &mut [T] {
    if states.len() <= slot {
        states.resize_with(slot + 1, Vec::new);
    }
    let state = &mut states[slot];
    if state.len() != len {
        *state = vec![T::zero(); len];
    }
    state
}
