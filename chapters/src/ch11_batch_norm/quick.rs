//! The quick part's pieces, in `f64`: a batch with features on very different scales, the
//! backward pass derived step by step through μ and σ², the mistake of treating the batch
//! statistics as constants, and the running averages.

use nabla::Batch;
use nabla::batchnorm::BatchNorm;
use nabla::layer::{Layer, Pass};
use rand::Rng;

/// Features per sample in the quick examples.
pub const FEATURES: usize = 3;
/// Samples in the example batch.
pub const SAMPLES: usize = 8;

// ANCHOR: example_batch
/// A batch of [`SAMPLES`] samples whose three features live on very different scales: around
/// 5 with spread 2, around −3 with spread 0.1, and around 0 with spread 10.
pub fn example_batch(rng: &mut impl Rng) -> Batch<f64, FEATURES> {
    let (centre, spread) = ([5.0, -3.0, 0.0], [2.0, 0.1, 10.0]);
    Batch::from_fn(SAMPLES, |i, _| {
        centre[i] + spread[i] * rng.random_range(-1.0..1.0)
    })
}
// ANCHOR_END: example_batch

/// The mean and the biased variance (divided by `m`) of `values` (equation 11.1).
pub fn mean_and_variance(values: &[f64]) -> (f64, f64) {
    let m = values.len() as f64;
    let mean = values.iter().sum::<f64>() / m;
    let variance = values.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / m;
    (mean, variance)
}

/// Every step of the backward pass through one feature of a batch-norm layer, as derived in
/// the chapter.
#[derive(Clone, Debug, PartialEq)]
pub struct ChainRule {
    /// `∂L/∂x̂ᵢ = γ gᵢ` (equation 11.5).
    pub normalized: Vec<f64>,
    /// `∂L/∂σ²` (equation 11.6).
    pub variance: f64,
    /// `∂L/∂μ` (equation 11.7).
    pub mean: f64,
    /// `∂L/∂xᵢ`, the three paths summed (equation 11.8).
    pub input: Vec<f64>,
}

// ANCHOR: chain_rule
/// The backward pass through one feature `x` (one row of a batch, `m` samples) of a batch-norm
/// layer with scale `gamma`, given `g = ∂L/∂y`: the chain rule one node at a time, from `y`
/// back to `x̂`, to `σ²`, to `μ`, and to `x` along all three paths.
pub fn chain_rule(x: &[f64], gamma: f64, g: &[f64], epsilon: f64) -> ChainRule {
    let m = x.len() as f64;
    let (mean, variance) = mean_and_variance(x);
    let std = (variance + epsilon).sqrt();
    // y = γ x̂ + β, so ∂L/∂x̂ᵢ = γ gᵢ                                              (11.5)
    let normalized: Vec<f64> = g.iter().map(|gj| gamma * gj).collect();
    // x̂ᵢ = (xᵢ − μ)(σ² + ε)^(−1/2): every x̂ᵢ depends on σ²                       (11.6)
    let d_variance: f64 = (0..x.len())
        .map(|j| normalized[j] * (x[j] - mean) * -0.5 / std.powi(3))
        .sum();
    // μ enters every x̂ᵢ directly, and σ² through Σ (xᵢ − μ)², whose μ-derivative
    // −2 Σ (xᵢ − μ)/m is zero                                                      (11.7)
    let d_mean: f64 = normalized.iter().map(|d| -d / std).sum();
    // xᵢ reaches L through x̂ᵢ, through σ² and through μ                           (11.8)
    let input = (0..x.len())
        .map(|j| normalized[j] / std + d_variance * 2.0 * (x[j] - mean) / m + d_mean / m)
        .collect();
    ChainRule {
        normalized,
        variance: d_variance,
        mean: d_mean,
        input,
    }
}
// ANCHOR_END: chain_rule

// ANCHOR: frozen
/// The common mistake: `∂L/∂xᵢ = γ gᵢ / √(σ² + ε)`, as if μ and σ² were constants. It is the
/// right answer only in inference mode, where they are (the running averages).
pub fn frozen_statistics_gradient(x: &[f64], gamma: f64, g: &[f64], epsilon: f64) -> Vec<f64> {
    let (_, variance) = mean_and_variance(x);
    g.iter()
        .map(|gj| gamma * gj / (variance + epsilon).sqrt())
        .collect()
}
// ANCHOR_END: frozen

/// The scalar the gradient checks differentiate: `L = Σ R ⊙ y` for the layer's output `y` in
/// `pass`, so that `∂L/∂y = R`.
pub fn weighted_output<const N: usize>(
    layer: &BatchNorm<f64, N>,
    input: &Batch<f64, N>,
    pass: Pass,
    weights: &Batch<f64, N>,
) -> f64 {
    let mut cache = Default::default();
    Layer::<f64, N, N>::forward(layer, input, pass, &mut cache).dot(weights)
}

/// The layer's backward pass: `(∂L/∂x, ∂L/∂γ, ∂L/∂β)` for `∂L/∂y = output_gradient`, after a
/// forward pass in `pass`.
pub fn library_backward<const N: usize>(
    layer: &BatchNorm<f64, N>,
    input: &Batch<f64, N>,
    pass: Pass,
    output_gradient: &Batch<f64, N>,
) -> (Batch<f64, N>, BatchNorm<f64, N>) {
    let mut cache = Default::default();
    Layer::<f64, N, N>::forward(layer, input, pass, &mut cache);
    let mut gradients = BatchNorm::new();
    let mut input_gradient = Batch::zeros(input.ncols());
    Layer::<f64, N, N>::backward(
        layer,
        input,
        &cache,
        output_gradient,
        &mut gradients,
        Some(&mut input_gradient),
    );
    (input_gradient, gradients)
}

// ANCHOR: running
/// Trains the running averages of a two-feature batch-norm layer on `steps` batches of
/// `batch_size` samples, feature 0 drawn from U(1, 7) (mean 4, variance 3) and feature 1 from
/// U(−2, 0) (mean −1, variance 1/3). Returns the layer and its running mean and variance of
/// feature 0 after each step.
pub fn train_running_averages(
    steps: usize,
    batch_size: usize,
    rng: &mut impl Rng,
) -> (BatchNorm<f64, 2>, Vec<(f64, f64)>) {
    let mut layer = BatchNorm::<f64, 2>::new();
    let mut cache = Default::default();
    let mut history = Vec::with_capacity(steps);
    for step in 0..steps {
        let batch = Batch::<f64, 2>::from_fn(batch_size, |i, _| {
            if i == 0 {
                rng.random_range(1.0..7.0)
            } else {
                rng.random_range(-2.0..0.0)
            }
        });
        Layer::<f64, 2, 2>::forward(&layer, &batch, Pass::train(step as u64), &mut cache);
        Layer::<f64, 2, 2>::update_buffers(&mut layer, &cache);
        history.push((layer.running_mean[(0, 0)], layer.running_var[(0, 0)]));
    }
    (layer, history)
}
// ANCHOR_END: running

/// The output of `layer` for the sample in column `column` of `batch`, in `pass`.
pub fn output_of_sample<const N: usize>(
    layer: &BatchNorm<f64, N>,
    batch: &Batch<f64, N>,
    column: usize,
    pass: Pass,
) -> Vec<f64> {
    let mut cache = Default::default();
    let output = Layer::<f64, N, N>::forward(layer, batch, pass, &mut cache);
    output.column(column).iter().copied().collect()
}
