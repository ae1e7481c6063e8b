//! Chapter 10: initialization and gradient flow. Each equation is checked on the library's own
//! layers and initializers: the symmetry on a real `network!` network, the variance laws by
//! sampling, He's factor 2 on a 10-layer ReLU stack, the per-layer gains on the stacks the
//! chapter measures, and both kinds of clipping on a real gradient. The long experiments
//! (MNIST gradients, the clipping run) are repeated on small seeded subsets.
//!
//! The tests are split by concept into the submodules declared below, one file each in the
//! directory of the same name; the helpers they share live here.

use chapters::ch10_initialization::deep::{DEPTH, DeepStack, Phi, WIDTH, frobenius};
use chapters::ch10_initialization::symmetry::{
    self, Small, equal_weights, largest_unit_difference, xavier,
};
use chapters::ch10_initialization::{SEED, gaussian_batch, standard_normal};
use nabla::Batch;
use nabla::activation::{Relu, apply};
use nabla::clip::{Clip, global_norm};
use nabla::dense::Dense;
use nabla::init::Init;
use nabla::network::{Parameters, loss_and_gradients};
use nabla_tests::seeded;
use rand::Rng;

mod breaking_symmetry;
mod clipping;
mod gradient_flow;
mod he;
mod library;
mod mnist_runs;
mod variance;

/// The mean of `values`.
fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, count) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    sum / count as f64
}

/// The variance of `values` about their mean.
fn variance(values: &[f64]) -> f64 {
    let m = mean(values.iter().copied());
    mean(values.iter().map(|v| (v - m).powi(2)))
}

/// Every parameter of `model`, in visiting order.
fn flat<P: Parameters<f64>>(model: &P) -> Vec<f64> {
    let mut all = Vec::new();
    model.visit(&mut |tensor| all.extend_from_slice(tensor));
    all
}

/// The gradient of the symmetry experiment's network at Xavier weights, on its data.
fn small_gradient() -> Small<f64> {
    let data = symmetry::data(SEED);
    let network = xavier(3);
    loss_and_gradients(&network, &network.loss(), &data.inputs, &data.targets).1
}
