//! AdamW: Adam with decoupled weight decay (Loshchilov & Hutter, 2019).
//!
//! Each step first shrinks every *weight* towards zero, then takes Adam's adaptive step (see
//! [`Adam`] for its equations):
//! ```text
//! θ ← θ − η λ θ                  (decoupled weight decay, weights only)
//! θ ← θ − η m̂ / (√v̂ + ε)         (Adam's step, from the gradient g alone)
//! ```
//! Adding an L2 penalty `½ λ ‖θ‖²` to the loss instead (Adam with `g + λ θ` as its gradient)
//! is *not* the same: the penalty's gradient then goes through Adam's division by `√v̂`, so
//! parameters with large gradients are barely regularized. AdamW keeps the decay out of the
//! moments: every weight shrinks by the same factor `1 − η λ` per step.
//!
//! Which tensors decay: those with two or more dimensions (a dense layer's `weight`,
//! `[out, in]`). Biases and batch normalization's `weight` (γ) and `bias` (β) are
//! one-dimensional and are never decayed: shrinking them towards zero does not regularize, it
//! only moves the offsets and scales. The optimizer sees tensors only by slot, so it learns
//! their shapes from [`Optimizer::prepare`], which [`Optimizer::step`] calls on its first step
//! (a training loop calls it once before the first step). Calling [`Optimizer::update`] on an
//! AdamW that was never prepared is a programmer error and panics.
//!
//! Defaults as PyTorch's `torch.optim.AdamW`: η = 1e-3, β₁ = 0.9, β₂ = 0.999, ε = 1e-8,
//! λ = 0.01. With λ = 0 it takes exactly Adam's steps.

use super::{Adam, Optimizer, OptimizerState};
use crate::Scalar;
use crate::network::TensorSpec;

/// The AdamW optimizer: [`Adam`] plus decoupled weight decay λ on tensors of two or more
/// dimensions.
#[derive(Clone, Debug)]
pub struct AdamW<T> {
    /// The Adam step: its learning rate η, β₁, β₂ and ε are AdamW's.
    pub adam: Adam<T>,
    /// λ, the decoupled weight decay (0.01, as PyTorch).
    pub weight_decay: f64,
    /// Whether each slot decays; `None` until [`Optimizer::prepare`] is called.
    decays: Option<Vec<bool>>,
}

impl<T: Scalar> AdamW<T> {
    /// AdamW with learning rate η and PyTorch's β₁ = 0.9, β₂ = 0.999, ε = 1e-8, λ = 0.01.
    pub fn new(learning_rate: f64) -> Self {
        Self::with_weight_decay(learning_rate, 0.01)
    }

    /// AdamW with learning rate η and weight decay λ (the rest as [`AdamW::new`]).
    pub fn with_weight_decay(learning_rate: f64, weight_decay: f64) -> Self {
        Self {
            adam: Adam::new(learning_rate),
            weight_decay,
            decays: None,
        }
    }

    /// How many steps have been taken.
    pub fn steps(&self) -> i32 {
        self.adam.steps()
    }

    /// Whether tensor number `slot` is decayed, once prepared (`None` before).
    pub fn decays(&self, slot: usize) -> Option<bool> {
        self.decays.as_ref().map(|d| d.get(slot) == Some(&true))
    }
}

impl<T: Scalar> Default for AdamW<T> {
    /// PyTorch's defaults: η = 1e-3, β₁ = 0.9, β₂ = 0.999, ε = 1e-8, λ = 0.01.
    fn default() -> Self {
        Self::new(1e-3)
    }
}

impl<T: Scalar> Optimizer<T> for AdamW<T> {
    fn learning_rate(&self) -> f64 {
        self.adam.learning_rate
    }

    fn set_learning_rate(&mut self, learning_rate: f64) {
        self.adam.learning_rate = learning_rate;
    }

    /// Decays exactly the tensors with two or more dimensions.
    fn prepare(&mut self, tensors: &[TensorSpec]) {
        self.decays = Some(tensors.iter().map(|spec| spec.shape.len() >= 2).collect());
    }

    fn needs_prepare(&self) -> bool {
        self.decays.is_none()
    }

    fn begin_step(&mut self) {
        self.adam.begin_step();
    }

    fn state(&self) -> OptimizerState<T> {
        self.adam.state()
    }

    fn set_state(&mut self, state: OptimizerState<T>) {
        self.adam.set_state(state);
    }

    fn update(&mut self, slot: usize, parameters: &mut [T], gradients: &[T]) {
        let Some(decays) = &self.decays else {
            panic!(
                "AdamW::update before AdamW::prepare: call `optimizer.prepare(&model.tensor_specs())` \
                 once before the first update (Optimizer::step does it for you), so that AdamW \
                 knows which tensors are weights"
            );
        };
        let Some(&decay) = decays.get(slot) else {
            panic!(
                "AdamW was prepared for {} tensors but asked to update tensor number {slot}: \
                 prepare it with the specs of the model it optimizes",
                decays.len()
            );
        };
        if decay && self.weight_decay != 0.0 {
            let factor = T::of(1.0 - self.adam.learning_rate * self.weight_decay);
            for theta in parameters.iter_mut() {
                *theta *= factor;
            }
        }
        self.adam.update(slot, parameters, gradients);
    }
}
