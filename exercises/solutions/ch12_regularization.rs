//! Chapter 12: reference solutions.

use crate::ch12_regularization::EarlyStop;

// ANCHOR: dropout_forward
/// `ãᵢ = rᵢ aᵢ / (1 − p)` (equation 12.5): the kept units are scaled up, so that `E[ãᵢ] = aᵢ`.
pub fn dropout_forward(activations: &[f64], mask: &[f64], p: f64) -> Vec<f64> {
    activations
        .iter()
        .zip(mask)
        .map(|(a, r)| r * a / (1.0 - p))
        .collect()
}
// ANCHOR_END: dropout_forward

// ANCHOR: dropout_backward
/// `∂L/∂aᵢ = rᵢ/(1 − p) · ∂L/∂ãᵢ` (equation 12.8): the forward pass's factor, a constant.
pub fn dropout_backward(output_gradient: &[f64], mask: &[f64], p: f64) -> Vec<f64> {
    output_gradient
        .iter()
        .zip(mask)
        .map(|(g, r)| r * g / (1.0 - p))
        .collect()
}
// ANCHOR_END: dropout_backward

// ANCHOR: l2_gradient
/// `∂L/∂w + λ w` for a weight and `∂L/∂b` unchanged for a bias (equation 12.2).
pub fn l2_gradient(
    parameters: &[f64],
    gradient: &[f64],
    is_weight: &[bool],
    lambda: f64,
) -> Vec<f64> {
    parameters
        .iter()
        .zip(gradient)
        .zip(is_weight)
        .map(|((w, g), &weight)| if weight { g + lambda * w } else { *g })
        .collect()
}
// ANCHOR_END: l2_gradient

// ANCHOR: early_stopping
/// The best epoch so far is kept; the run stops once it is `patience` epochs old (12.9).
pub fn early_stopping(validation_losses: &[f64], patience: usize) -> EarlyStop {
    let (mut best_loss, mut best_epoch) = (f64::INFINITY, 0);
    for (index, &loss) in validation_losses.iter().enumerate() {
        let epoch = index + 1;
        if loss < best_loss {
            (best_loss, best_epoch) = (loss, epoch);
        }
        if epoch - best_epoch >= patience {
            return EarlyStop {
                stop_epoch: epoch,
                best_epoch,
            };
        }
    }
    EarlyStop {
        stop_epoch: validation_losses.len(),
        best_epoch,
    }
}
// ANCHOR_END: early_stopping
