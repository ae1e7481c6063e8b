//! Chapter 6: reference solutions.

use crate::ch06_backpropagation::{Layer, LayerGradients, Matrix, TwoLayer, TwoLayerGradients};

// ANCHOR: dense_forward
/// `z_{ji} = Σ_k W_{jk} a_{ki} + b_j` (6.1).
pub fn dense_forward(layer: &Layer, input: &Matrix) -> Matrix {
    let w = &layer.weights;
    let mut z = Matrix::zeros(w.rows, input.cols);
    for j in 0..w.rows {
        for i in 0..input.cols {
            z[(j, i)] = layer.bias[j] + (0..w.cols).map(|k| w[(j, k)] * input[(k, i)]).sum::<f64>();
        }
    }
    z
}
// ANCHOR_END: dense_forward

// ANCHOR: dense_backward
/// `∂L/∂W = δ aᵀ` (6.9), `∂L/∂b = δ 1` (6.8), `∂L/∂a = Wᵀ δ` (6.6).
pub fn dense_backward(layer: &Layer, input: &Matrix, delta: &Matrix) -> LayerGradients {
    let w = &layer.weights;
    let samples = input.cols;
    let mut weights = Matrix::zeros(w.rows, w.cols);
    for j in 0..w.rows {
        for k in 0..w.cols {
            weights[(j, k)] = (0..samples).map(|i| delta[(j, i)] * input[(k, i)]).sum();
        }
    }
    let bias = (0..w.rows)
        .map(|j| (0..samples).map(|i| delta[(j, i)]).sum())
        .collect();
    let mut input_gradient = Matrix::zeros(w.cols, samples);
    for k in 0..w.cols {
        for i in 0..samples {
            input_gradient[(k, i)] = (0..w.rows).map(|j| w[(j, k)] * delta[(j, i)]).sum();
        }
    }
    LayerGradients {
        weights,
        bias,
        input: input_gradient,
    }
}
// ANCHOR_END: dense_backward

// ANCHOR: hidden_error
/// `δ^ℓ = ((W^{ℓ+1})ᵀ δ^{ℓ+1}) ⊙ σ′(z^ℓ)` (6.7), with `σ′(z) = σ(z)(1 − σ(z)) = a(1 − a)`.
pub fn hidden_error(
    next_weights: &Matrix,
    next_delta: &Matrix,
    weighted_input: &Matrix,
    activation: &Matrix,
) -> Matrix {
    let mut delta = Matrix::zeros(weighted_input.rows, weighted_input.cols);
    for j in 0..delta.rows {
        for i in 0..delta.cols {
            let back: f64 = (0..next_weights.rows)
                .map(|k| next_weights[(k, j)] * next_delta[(k, i)])
                .sum();
            let a = activation[(j, i)];
            delta[(j, i)] = back * a * (1.0 - a);
        }
    }
    delta
}
// ANCHOR_END: hidden_error

// ANCHOR: two_layer_gradients
/// Forward, `δ² = (ŷ − y)/m`, then BP3, BP4, BP2, BP3, BP4 from the last layer to the first.
pub fn two_layer_gradients(net: &TwoLayer, input: &Matrix, labels: &[usize]) -> TwoLayerGradients {
    // Forward (6.1), (6.2): z¹, a¹ = σ(z¹), z².
    let z1 = dense_forward(&net.hidden, input);
    let mut a1 = z1.clone();
    a1.entries
        .iter_mut()
        .for_each(|z| *z = 1.0 / (1.0 + (-*z).exp()));
    let z2 = dense_forward(&net.output, &a1);
    // BP1 fused with softmax and the mean cross-entropy (6.5): δ² = (softmax(z²) − y)/m.
    let samples = input.cols as f64;
    let mut delta2 = Matrix::zeros(z2.rows, z2.cols);
    for (i, &label) in labels.iter().enumerate() {
        let max = (0..z2.rows)
            .map(|k| z2[(k, i)])
            .fold(f64::NEG_INFINITY, f64::max);
        let sum: f64 = (0..z2.rows).map(|k| (z2[(k, i)] - max).exp()).sum();
        for k in 0..z2.rows {
            let p = (z2[(k, i)] - max).exp() / sum;
            let y = if k == label { 1.0 } else { 0.0 };
            delta2[(k, i)] = (p - y) / samples;
        }
    }
    // BP3, BP4 for layer 2; BP2 for δ¹; BP3, BP4 for layer 1.
    let output = dense_backward(&net.output, &a1, &delta2);
    let delta1 = hidden_error(&net.output.weights, &delta2, &z1, &a1);
    let hidden = dense_backward(&net.hidden, input, &delta1);
    TwoLayerGradients {
        hidden_weights: hidden.weights,
        hidden_bias: hidden.bias,
        output_weights: output.weights,
        output_bias: output.bias,
    }
}
// ANCHOR_END: two_layer_gradients
