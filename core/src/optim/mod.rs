//! Optimizers: how a gradient becomes a step.
//!
//! An optimizer sees a model as a list of parameter tensors (see [`Parameters`]) and updates each
//! one from its gradient, keeping whatever per-tensor state it needs (a velocity, running
//! moments) in the same order: [`Sgd`], [`Momentum`], [`Nesterov`], [`AdaGrad`], [`RmsProp`],
//! [`Adam`] and [`AdamW`].

mod adagrad;
mod adam;
mod adamw;
mod momentum;
mod nesterov;
mod rmsprop;
mod sgd;

pub use adagrad::AdaGrad;
pub use adam::Adam;
pub use adamw::AdamW;
pub use momentum::Momentum;
pub use nesterov::Nesterov;
pub use rmsprop::RmsProp;
pub use sgd::Sgd;

use crate::Scalar;
use crate::network::{Parameters, TensorSpec};

/// An update rule for parameters given their gradients.
pub trait Optimizer<T: Scalar> {
    /// The current learning rate (reported when training diverges).
    fn learning_rate(&self) -> f64;

    /// Sets the learning rate, as a learning-rate schedule does before each step.
    fn set_learning_rate(&mut self, learning_rate: f64);

    /// Tells the optimizer the name and shape of each tensor it will update, in slot order
    /// (a model's [`Parameters::tensor_specs`]). Called once before the first step; the default
    /// ignores it. [`AdamW`] uses the shapes to decay weights but not biases or batch norm's
    /// parameters.
    fn prepare(&mut self, tensors: &[TensorSpec]) {
        let _ = tensors;
    }

    /// Whether [`Optimizer::step`] must call [`Optimizer::prepare`] before stepping (true only
    /// for an optimizer that uses the specs and has not had them yet).
    fn needs_prepare(&self) -> bool {
        false
    }

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

    /// One optimization step over every tensor of `model`. On the first step of an optimizer
    /// that [needs](Optimizer::needs_prepare) them, it first passes the model's tensor specs to
    /// [`Optimizer::prepare`] (later steps allocate nothing).
    fn step<P: Parameters<T>>(&mut self, model: &mut P, gradients: &P)
    where
        Self: Sized,
    {
        if self.needs_prepare() {
            self.prepare(&model.tensor_specs());
        }
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
    fn prepare(&mut self, tensors: &[TensorSpec]) {
        (**self).prepare(tensors);
    }
    fn needs_prepare(&self) -> bool {
        (**self).needs_prepare()
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
