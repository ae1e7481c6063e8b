//! Chapter 12, overfitting and regularization: exercises. Fill in each function marked
//! `EXERCISE`, then run `cargo run --release -- exercises check ch12`.
// The stubs do not use their arguments until you fill them in.
#![allow(unused_variables)]

// ANCHOR: dropout_forward
/// EXERCISE 12.1: inverted dropout's forward pass, in training mode, with a given mask.
///
/// `activations` holds the layer's inputs `aᵢ`, `mask` the mask `rᵢ` of this step (1.0 for a
/// unit that is kept, 0.0 for one that is dropped), and `p` the drop probability. Return the
/// outputs `ãᵢ` of equation (12.5).
pub fn dropout_forward(activations: &[f64], mask: &[f64], p: f64) -> Vec<f64> {
    todo!("EXERCISE 12.1")
}
// ANCHOR_END: dropout_forward

// ANCHOR: dropout_backward
/// EXERCISE 12.2: its backward pass.
///
/// `output_gradient` holds `∂L/∂ãᵢ` for the outputs of [`dropout_forward`] with the same `mask`
/// and `p`. Return `∂L/∂aᵢ` for every i (equation 12.8).
pub fn dropout_backward(output_gradient: &[f64], mask: &[f64], p: f64) -> Vec<f64> {
    todo!("EXERCISE 12.2")
}
// ANCHOR_END: dropout_backward

// ANCHOR: l2_gradient
/// EXERCISE 12.3: the gradient of the loss with the L2 penalty.
///
/// `parameters` holds a model's parameters θ, flattened, `gradient` the gradient `∂L/∂θ` of
/// the data loss alone, and `is_weight[k]` says whether θₖ is an entry of a weight matrix (true)
/// or a bias (false). Return the gradient of the penalized loss `L_λ` of equation (12.1), whose
/// penalty `λ/2 Σ w²` runs over the weights only (equation 12.2).
pub fn l2_gradient(
    parameters: &[f64],
    gradient: &[f64],
    is_weight: &[bool],
    lambda: f64,
) -> Vec<f64> {
    todo!("EXERCISE 12.3")
}
// ANCHOR_END: l2_gradient

// ANCHOR: early_stopping
/// When early stopping ends a run, and which weights it returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EarlyStop {
    /// The last epoch trained, E.
    pub stop_epoch: usize,
    /// The epoch whose weights are returned, e*.
    pub best_epoch: usize,
}

/// EXERCISE 12.4: early stopping with a patience.
///
/// Epochs are counted from 1: `validation_losses[e − 1]` is the validation loss after epoch e,
/// for every epoch the run could train. After each epoch, training keeps the weights if their
/// loss is strictly lower than every earlier epoch's, and stops once `patience` epochs in a row
/// (`patience` ≥ 1) have not beaten the best; if that never happens, it trains every epoch.
/// Return the epoch it stops after, E, and the epoch whose weights it returns, e*
/// (equation 12.9).
pub fn early_stopping(validation_losses: &[f64], patience: usize) -> EarlyStop {
    todo!("EXERCISE 12.4")
}
// ANCHOR_END: early_stopping
