//! L2 regularization (weight decay): the penalty `λ/2 Σ w²` over a model's weight matrices.
//!
//! The penalty's gradient is `λ w`, added to each weight's gradient, so every step also pulls the
//! weights towards zero. Only weights are penalized: tensors with two or more dimensions in
//! [`Parameters::tensor_specs`]. Biases and batch normalization's one-dimensional γ and β shift
//! and scale rather than mix inputs, and shrinking them buys no smoothness.

use crate::Scalar;
use crate::network::{Parameters, TensorSpec};

/// Which tensors (by slot, in visiting order) are weights: those of two or more dimensions.
pub fn weight_slots(specs: &[TensorSpec]) -> Vec<bool> {
    specs.iter().map(|spec| spec.shape.len() >= 2).collect()
}

/// Adds `λ w` to the gradient of every weight of `model` (the slots marked in `weights`, see
/// [`weight_slots`]) and returns the penalty `λ/2 Σ w²` over those weights (summed in `f64`).
/// Allocates nothing.
pub fn add_l2<T: Scalar, P: Parameters<T>>(
    model: &P,
    gradients: &mut P,
    lambda: f64,
    weights: &[bool],
) -> f64 {
    let l = T::of(lambda);
    let mut sum = 0.0;
    let mut slot = 0;
    gradients.visit_with(model, &mut |gradient, weight| {
        if weights.get(slot).copied().unwrap_or(false) {
            for (g, &w) in gradient.iter_mut().zip(weight) {
                *g += l * w;
                let w = w.as_f64();
                sum += w * w;
            }
        }
        slot += 1;
    });
    lambda / 2.0 * sum
}
