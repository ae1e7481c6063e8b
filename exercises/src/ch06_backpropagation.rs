//! Chapter 6, backpropagation: exercises. Fill in each function marked `EXERCISE`, then run
//! `cargo run --release -- exercises check ch06`.
//!
//! The book's conventions hold: a batch is a matrix with one sample per column, `W^ℓ` is
//! `n_ℓ × n_{ℓ−1}` (row j holds the weights into unit j), and [`Matrix`] stores its entries
//! row after row, so `m[(j, i)]` is row j, column i.
// The stubs do not use their arguments until you fill them in.
#![allow(unused_variables)]

use std::ops::{Index, IndexMut};

/// A dense matrix of `f64`, stored row after row; index it as `m[(row, column)]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Matrix {
    /// The number of rows.
    pub rows: usize,
    /// The number of columns.
    pub cols: usize,
    /// The entries, row after row: entry (r, c) is `entries[r * cols + c]`.
    pub entries: Vec<f64>,
}

impl Matrix {
    /// A `rows × cols` matrix of zeros.
    pub fn zeros(rows: usize, cols: usize) -> Self {
        Matrix {
            rows,
            cols,
            entries: vec![0.0; rows * cols],
        }
    }

    /// The matrix whose rows are `rows` (all of one length).
    pub fn from_rows(rows: &[&[f64]]) -> Self {
        let cols = rows.first().map_or(0, |row| row.len());
        assert!(rows.iter().all(|row| row.len() == cols), "ragged rows");
        Matrix {
            rows: rows.len(),
            cols,
            entries: rows.concat(),
        }
    }
}

impl Index<(usize, usize)> for Matrix {
    type Output = f64;
    fn index(&self, (row, col): (usize, usize)) -> &f64 {
        assert!(
            row < self.rows && col < self.cols,
            "({row}, {col}) is outside a {} × {} matrix",
            self.rows,
            self.cols
        );
        &self.entries[row * self.cols + col]
    }
}

impl IndexMut<(usize, usize)> for Matrix {
    fn index_mut(&mut self, (row, col): (usize, usize)) -> &mut f64 {
        assert!(
            row < self.rows && col < self.cols,
            "({row}, {col}) is outside a {} × {} matrix",
            self.rows,
            self.cols
        );
        &mut self.entries[row * self.cols + col]
    }
}

/// A dense layer: `weights` is `W` (`n_out × n_in`), `bias` is `b` (`n_out` entries).
#[derive(Clone, Debug, PartialEq)]
pub struct Layer {
    /// `W`, one row per output unit.
    pub weights: Matrix,
    /// `b`, one entry per output unit.
    pub bias: Vec<f64>,
}

/// What a dense layer's backward pass returns.
#[derive(Clone, Debug, PartialEq)]
pub struct LayerGradients {
    /// `∂L/∂W`, the shape of `W`.
    pub weights: Matrix,
    /// `∂L/∂b`, one entry per output unit.
    pub bias: Vec<f64>,
    /// `∂L/∂a^{ℓ−1}`, the shape of the layer's input.
    pub input: Matrix,
}

/// The two-layer network `n₀ => sigmoid n₁ => softmax K`.
#[derive(Clone, Debug, PartialEq)]
pub struct TwoLayer {
    /// Layer 1, whose activation is the sigmoid.
    pub hidden: Layer,
    /// Layer 2, whose logits go to softmax and cross-entropy.
    pub output: Layer,
}

/// The gradients of the two-layer network's loss with respect to its four parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct TwoLayerGradients {
    /// `∂L/∂W¹`.
    pub hidden_weights: Matrix,
    /// `∂L/∂b¹`.
    pub hidden_bias: Vec<f64>,
    /// `∂L/∂W²`.
    pub output_weights: Matrix,
    /// `∂L/∂b²`.
    pub output_bias: Vec<f64>,
}

// ANCHOR: dense_forward
/// EXERCISE 6.1: a dense layer's forward pass.
///
/// Return the weighted input `z = W a + b 1ᵀ` of equation (6.1) for a batch `input` (`a`,
/// `n_in × m`, one sample per column): an `n_out × m` matrix whose column i is `W` times
/// column i of `a`, plus `b`.
pub fn dense_forward(layer: &Layer, input: &Matrix) -> Matrix {
    todo!("EXERCISE 6.1")
}
// ANCHOR_END: dense_forward

// ANCHOR: dense_backward
/// EXERCISE 6.2: a dense layer's backward pass.
///
/// Given the layer's error `delta` (`δ = ∂L/∂z`, `n_out × m`) and the input it saw (`a`,
/// `n_in × m`), return `∂L/∂W = δ aᵀ` (6.9), `∂L/∂b = δ 1`, the error summed over the batch
/// (6.8), and `∂L/∂a = Wᵀ δ` (6.6) for the layer below.
pub fn dense_backward(layer: &Layer, input: &Matrix, delta: &Matrix) -> LayerGradients {
    todo!("EXERCISE 6.2")
}
// ANCHOR_END: dense_backward

// ANCHOR: hidden_error
/// EXERCISE 6.3: the error of a sigmoid hidden layer (BP2).
///
/// Layer ℓ has activation σ; its weighted input `z^ℓ` and activation `a^ℓ = σ(z^ℓ)` come from
/// the forward pass. Given the next layer's weights `W^{ℓ+1}` and error `δ^{ℓ+1}`, return
/// `δ^ℓ = ((W^{ℓ+1})ᵀ δ^{ℓ+1}) ⊙ σ′(z^ℓ)` of equation (6.7), an `n_ℓ × m` matrix.
pub fn hidden_error(
    next_weights: &Matrix,
    next_delta: &Matrix,
    weighted_input: &Matrix,
    activation: &Matrix,
) -> Matrix {
    todo!("EXERCISE 6.3")
}
// ANCHOR_END: hidden_error

// ANCHOR: two_layer_gradients
/// EXERCISE 6.4: the four equations for a two-layer network.
///
/// For `net` (`n₀ => sigmoid n₁ => softmax K`), the batch `input` (`n₀ × m`) and the correct
/// class of each sample, `labels` (m of them), the loss is the mean cross-entropy
/// `L = (1/m) Σᵢ −ln softmax(z²ᵢ)_{labelᵢ}`. Return `∂L/∂W¹`, `∂L/∂b¹`, `∂L/∂W²`, `∂L/∂b²`:
/// a forward pass keeping `z¹`, `a¹` and `z²`, then BP1 fused with the loss (6.5),
/// `δ² = (ŷ − y)/m`, then BP3 and BP4 (6.8, 6.9) for layer 2, BP2 (6.7) for `δ¹`, and BP3 and
/// BP4 for layer 1. Your exercises 6.1–6.3 are the pieces.
pub fn two_layer_gradients(net: &TwoLayer, input: &Matrix, labels: &[usize]) -> TwoLayerGradients {
    todo!("EXERCISE 6.4")
}
// ANCHOR_END: two_layer_gradients
