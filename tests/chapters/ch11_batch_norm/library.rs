//! Adapters from the library's `BatchNorm` layer to the signatures of chapter 11's exercise
//! checks, which work on one feature: a one-feature layer with the given γ and β (and the
//! library's ε, the exercises' `EPSILON`), the feature's values as a batch of one row.

use exercises::ch11_batch_norm::{BatchNormGradients, EPSILON};
use nabla::Batch;
use nabla::batchnorm::BatchNorm;
use nabla::layer::{Layer, Pass};
use nabla::network::Parameters;

/// A one-feature layer with `gamma` and `beta`.
fn one_feature(gamma: f64, beta: f64) -> BatchNorm<f64, 1> {
    let mut layer = BatchNorm::new();
    assert_eq!(layer.epsilon, EPSILON, "the library's ε is the exercises'");
    (layer.gamma[(0, 0)], layer.beta[(0, 0)]) = (gamma, beta);
    layer
}

/// The library's forward pass in training mode (11.1)–(11.3), in exercise 11.1's signature.
pub fn forward(x: &[f64], gamma: f64, beta: f64) -> Vec<f64> {
    let layer = one_feature(gamma, beta);
    let mut cache = Default::default();
    let input = Batch::<f64, 1>::from_column_slice(x);
    let output = Layer::<f64, 1, 1>::forward(&layer, &input, Pass::train(0), &mut cache);
    output.as_slice().to_vec()
}

/// The library's backward pass in training mode (11.4)–(11.9), in exercise 11.2's signature:
/// the gradients for the upstream gradient `g = ∂L/∂y`.
pub fn backward(x: &[f64], gamma: f64, beta: f64, g: &[f64]) -> BatchNormGradients {
    let layer = one_feature(gamma, beta);
    let mut cache = Default::default();
    let input = Batch::<f64, 1>::from_column_slice(x);
    Layer::<f64, 1, 1>::forward(&layer, &input, Pass::train(0), &mut cache);
    let upstream = Batch::<f64, 1>::from_column_slice(g);
    let mut gradients = layer.zeros_like();
    let mut input_gradient = input.clone();
    layer.backward(
        &input,
        &cache,
        &upstream,
        &mut gradients,
        Some(&mut input_gradient),
    );
    BatchNormGradients {
        input: input_gradient.as_slice().to_vec(),
        gamma: gradients.gamma[(0, 0)],
        beta: gradients.beta[(0, 0)],
    }
}
