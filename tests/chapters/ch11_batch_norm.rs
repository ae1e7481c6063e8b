//! Chapter 11's equations, each checked numerically by the test named after it: every step of
//! the backward pass against central differences of the function it differentiates (through
//! the batch statistics), the simplified formula against the chain-rule sum, and the laws of
//! the running averages and of the two modes. The checks that grade the learner's forward and
//! backward passes (exercises 11.1 and 11.2) run on the library's layer too. The long
//! experiments on a small seeded subset of MNIST are in `mnist_runs`.
//!
//! The tests are split by concept into the submodules declared below, one file each in the
//! directory of the same name; the helpers they share live here.

use chapters::ch11_batch_norm::{
    FEATURES, SAMPLES, chain_rule, example_batch, frozen_statistics_gradient, library_backward,
    mean_and_variance, output_of_sample, train_running_averages, weighted_output,
};
use nabla::Batch;
use nabla::batchnorm::BatchNorm;
use nabla::gradcheck::numeric_derivative;
use nabla::layer::{Layer, Pass};
use nabla_tests::{assert_gradients_match, max_relative_error, seeded, uniform_batch};
use rand::Rng;

mod backward;
mod forward;
mod library;
mod mnist_runs;
mod running_averages;

const EPSILON: f64 = 1e-5;
const H: f64 = 1e-5;

fn row<const N: usize>(batch: &Batch<f64, N>, i: usize) -> Vec<f64> {
    batch.row(i).iter().copied().collect()
}

/// A layer with γ and β away from 1 and 0.
fn layer(rng: &mut impl Rng) -> BatchNorm<f64, FEATURES> {
    let mut layer = BatchNorm::new();
    for i in 0..FEATURES {
        layer.gamma[(i, 0)] = rng.random_range(0.5..2.0);
        layer.beta[(i, 0)] = rng.random_range(-1.0..1.0);
    }
    layer
}

/// The example batch of the chapter, from a few seeds.
fn batches() -> Vec<Batch<f64, FEATURES>> {
    (0..4)
        .map(|seed| example_batch(&mut seeded(seed)))
        .collect()
}
