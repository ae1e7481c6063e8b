//! Chapter 3: activation functions. Checks every derivative against central differences, prints
//! the softmax Jacobian, measures how saturation shrinks gradients along a chain of neurons, and
//! draws each function with its derivative.

mod report;

pub use report::run;

use crate::{ChapterResult, Session};
use nabla::activation::{
    Activation, Elementwise, LeakyRelu, Relu, Relu6, Sigmoid, Softmax, Tanh, sigmoid, softmax_into,
};
use nabla::gradcheck::{numeric_derivative, relative_error};
use plot::{LineChart, Series, line_chart};

/// The step of the central differences.
const STEP: f64 = 1e-5;
/// Magnitudes below this count as this large in relative errors.
const FLOOR: f64 = 1e-4;

/// `count` evenly spaced points strictly inside `(from, to)`: the midpoints of `count` equal
/// cells, so none of them falls on a whole number such as the kinks at 0 and 6.
pub fn midpoints(from: f64, to: f64, count: usize) -> Vec<f64> {
    let width = (to - from) / count as f64;
    (0..count)
        .map(|i| from + width * (i as f64 + 0.5))
        .collect()
}

// ANCHOR: derivative_check
/// The largest relative error between `activation.derivative(z)` and the central difference
/// `(σ(z + h) − σ(z − h)) / 2h` over `points`.
pub fn largest_derivative_error<A: Elementwise<f64>>(activation: &A, points: &[f64]) -> f64 {
    points
        .iter()
        .map(|&z| {
            let numeric = numeric_derivative(|z| activation.value(z), z, STEP);
            relative_error(activation.derivative(z), numeric, FLOOR)
        })
        .fold(0.0, f64::max)
}
// ANCHOR_END: derivative_check

// ANCHOR: softmax_jacobian
/// The softmax Jacobian `J = diag(s) − s sᵀ` at `z`, as rows: `J[i][j] = ∂sᵢ/∂zⱼ`.
pub fn softmax_jacobian(z: &[f64]) -> Vec<Vec<f64>> {
    let mut s = vec![0.0; z.len()];
    softmax_into(z, &mut s);
    (0..z.len())
        .map(|i| {
            (0..z.len())
                .map(|j| {
                    let diagonal = if i == j { s[i] } else { 0.0 };
                    diagonal - s[i] * s[j]
                })
                .collect()
        })
        .collect()
}
// ANCHOR_END: softmax_jacobian

/// The softmax Jacobian by central differences: column `j` is `(s(z + h eⱼ) − s(z − h eⱼ)) / 2h`.
pub fn softmax_jacobian_numeric(z: &[f64]) -> Vec<Vec<f64>> {
    let n = z.len();
    let softmax_moved = |j: usize, by: f64| {
        let mut moved = z.to_vec();
        moved[j] += by;
        let mut s = vec![0.0; n];
        softmax_into(&moved, &mut s);
        s
    };
    let columns: Vec<Vec<f64>> = (0..n)
        .map(|j| {
            let (plus, minus) = (softmax_moved(j, STEP), softmax_moved(j, -STEP));
            plus.iter()
                .zip(&minus)
                .map(|(p, m)| (p - m) / (2.0 * STEP))
                .collect()
        })
        .collect();
    (0..n)
        .map(|i| (0..n).map(|j| columns[j][i]).collect())
        .collect()
}

// ANCHOR: chain
/// One neuron of a chain, as its weight and bias `(w_k, b_k)`.
pub type Link = (f64, f64);

/// A chain of one-input neurons `a_k = φ(w_k a_{k−1} + b_k)`. Returns the output `a_D` and its
/// derivative with respect to the input, `∂a_n/∂a_0 = Π_k w_k f'(z_k)` (equation 3.17).
pub fn chain<A: Elementwise<f64>>(activation: &A, layers: &[Link], input: f64) -> (f64, f64) {
    let mut activation_value = input;
    let mut gradient = 1.0;
    for &(weight, bias) in layers {
        let z = weight * activation_value + bias;
        gradient *= weight * activation.derivative(z);
        activation_value = activation.value(z);
    }
    (activation_value, gradient)
}
// ANCHOR_END: chain
