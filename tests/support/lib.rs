//! Helpers shared by the workspace tests: seeded random numbers, central finite differences in
//! `f64`, a gradient check of a whole network, a small classification task, a plain parameter
//! vector, and a network with two hidden layers written out by hand.
//!
//! Every analytic derivative in the book is checked the same way: compute it, compute the central
//! difference `(f(x + h) − f(x − h)) / 2h` of the function it claims to differentiate, and bound
//! the relative error `|analytic − numeric| / max(|analytic|, |numeric|, floor)`.
#![warn(missing_docs)]

use nabla::activation::Activation;
use nabla::batch::one_hot;
use nabla::data::Dataset;
use nabla::dense::Dense;
use nabla::gradcheck::{GradCheckOptions, check_gradients, numeric_derivative, relative_error};
use nabla::layer::Pass;
use nabla::loss::Loss;
use nabla::nalgebra::DMatrix;
use nabla::network::{Network, Parameters, TensorSpec, loss_and_gradients};
use nabla::{Batch, HeapMatrix};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// The largest relative error a gradient check accepts.
pub const TOLERANCE: f64 = 1e-6;

/// The step `h` of the central differences (the library's default).
pub const STEP: f64 = 1e-5;

/// Magnitudes below this are compared as if they were this large (the library's default): in
/// `f64` with `h = 1e-5` a difference quotient is only trustworthy to about 1e-11 absolute.
pub const FLOOR: f64 = 1e-4;

/// The gradient-check settings every test uses unless it says otherwise.
pub fn options() -> GradCheckOptions {
    GradCheckOptions {
        step: STEP,
        floor: FLOOR,
        ..GradCheckOptions::default()
    }
}

/// A random-number generator with a fixed seed, so that every run checks the same numbers.
pub fn seeded(seed: u64) -> StdRng {
    StdRng::seed_from_u64(seed)
}

/// `len` numbers drawn uniformly from `[low, high)`.
pub fn uniform_vec(rng: &mut impl Rng, len: usize, low: f64, high: f64) -> Vec<f64> {
    (0..len).map(|_| rng.random_range(low..high)).collect()
}

/// A batch of `columns` samples whose entries are drawn uniformly from `[low, high)`.
pub fn uniform_batch<const N: usize>(
    rng: &mut impl Rng,
    columns: usize,
    low: f64,
    high: f64,
) -> Batch<f64, N> {
    Batch::from_column_slice(&uniform_vec(rng, N * columns, low, high))
}

/// A dense layer whose weights and biases are all drawn uniformly from `[-1, 1)`.
pub fn uniform_dense<const IN: usize, const OUT: usize>(rng: &mut impl Rng) -> Dense<f64, IN, OUT> {
    let mut layer = Dense::zeros();
    layer
        .weights
        .as_mut_slice()
        .iter_mut()
        .chain(layer.bias.as_mut_slice())
        .for_each(|value| *value = rng.random_range(-1.0..1.0));
    layer
}

/// `columns` random class labels below `K`, as one-hot target columns.
pub fn random_one_hot<const K: usize>(rng: &mut impl Rng, columns: usize) -> Batch<f64, K> {
    let labels: Vec<u8> = (0..columns).map(|_| rng.random_range(0..K as u8)).collect();
    nabla::batch::one_hot(&labels)
}

/// The gradient of `f` at `x` by central differences, one coordinate at a time.
pub fn finite_difference_gradient(f: impl Fn(&[f64]) -> f64, x: &[f64]) -> Vec<f64> {
    (0..x.len())
        .map(|i| {
            let moved = |xi: f64| {
                let mut point = x.to_vec();
                point[i] = xi;
                f(&point)
            };
            numeric_derivative(moved, x[i], STEP)
        })
        .collect()
}

/// The largest relative error between two gradients of the same length (with [`FLOOR`]).
///
/// # Panics
/// If the lengths differ, or either gradient holds a NaN (a NaN must never pass a check).
pub fn max_relative_error(analytic: &[f64], numeric: &[f64]) -> f64 {
    assert_eq!(
        analytic.len(),
        numeric.len(),
        "gradients of different sizes"
    );
    analytic
        .iter()
        .zip(numeric)
        .map(|(&a, &n)| {
            assert!(!a.is_nan() && !n.is_nan(), "NaN in a gradient: {a} vs {n}");
            relative_error(a, n, FLOOR)
        })
        .fold(0.0, f64::max)
}

/// Asserts that every parameter's gradient of `network` for `loss` on (`input`, `targets`) matches
/// central differences of that loss within [`TOLERANCE`]. Both sides evaluate the training pass of
/// step 0 (`loss_and_gradients` runs `Pass::train(0)`): batch statistics and the same dropout mask.
pub fn assert_training_pass_gradients<N, L, const IN: usize, const OUT: usize>(
    what: &str,
    network: &mut N,
    loss: &L,
    input: &Batch<f64, IN>,
    targets: &Batch<f64, OUT>,
) where
    N: Network<f64, IN, OUT>,
    L: Loss<f64, OUT>,
{
    let (_, gradients) = loss_and_gradients(network, loss, input, targets);
    let report = check_gradients(
        network,
        &gradients,
        |net| {
            let mut trace = Default::default();
            loss.value(
                net.forward_trace(input, Pass::train(0), &mut trace),
                targets,
            )
        },
        options(),
    );
    assert_eq!(report.checked, network.parameter_count(), "{what}");
    assert!(report.max_relative_error <= TOLERANCE, "{what}: {report:?}");
}

/// `samples` samples of 16 features drawn uniformly from [−1, 1) with `rng`, each labelled with
/// which of its four groups of four features has the largest sum: a task small networks learn in
/// a few epochs.
pub fn largest_of_four_sums(rng: &mut impl Rng, samples: usize) -> Dataset<f32, 16, 4> {
    let inputs = Batch::from_fn(samples, |_, _| rng.random_range(-1.0..1.0));
    let labels: Vec<u8> = (0..samples)
        .map(|c| {
            let sums: Vec<f32> = (0..4)
                .map(|k| (0..4).map(|i| inputs[(4 * k + i, c)]).sum())
                .collect();
            (0..4).max_by(|&a, &b| sums[a].total_cmp(&sums[b])).unwrap() as u8
        })
        .collect();
    Dataset::new(inputs, one_hot(&labels))
}

/// Asserts that `analytic` matches the finite-difference gradient `numeric` within [`TOLERANCE`].
pub fn assert_gradients_match(what: &str, analytic: &[f64], numeric: &[f64]) {
    let error = max_relative_error(analytic, numeric);
    assert!(
        error <= TOLERANCE,
        "{what}: relative error {error:e} > {TOLERANCE:e}\n analytic {analytic:?}\n numeric  {numeric:?}"
    );
}

/// The relative error of an activation's backward pass on a batch whose columns have `rows`
/// entries: `backward` turns `upstream = ∂L/∂a` into `∂L/∂z`, which must be the gradient of
/// `C(z) = Σ upstream ⊙ σ(z)`.
pub fn activation_backward_error(
    activation: &impl Activation<f64>,
    weighted_input: &[f64],
    upstream: &[f64],
    rows: usize,
) -> f64 {
    let forward = |z: &[f64]| {
        let mut a = vec![0.0; z.len()];
        activation.forward(z, &mut a, rows);
        a
    };
    let output = forward(weighted_input);
    let mut analytic = upstream.to_vec();
    activation.backward(weighted_input, &output, &mut analytic, rows);
    let numeric = finite_difference_gradient(
        |z| forward(z).iter().zip(upstream).map(|(a, g)| a * g).sum(),
        weighted_input,
    );
    max_relative_error(&analytic, &numeric)
}

/// Plain lists of numbers as a model: one tensor per list. Lets the optimizers and the gradient
/// checker work on anything (a quadratic bowl, the inputs of a layer).
#[derive(Clone, Debug, PartialEq)]
pub struct Tensors(pub Vec<Vec<f64>>);

impl Parameters<f64> for Tensors {
    fn zeros_like(&self) -> Self {
        Tensors(self.0.iter().map(|t| vec![0.0; t.len()]).collect())
    }

    /// `tensor0`, `tensor1`, …, each one-dimensional.
    fn tensor_specs(&self) -> Vec<TensorSpec> {
        (self.0.iter().enumerate())
            .map(|(i, t)| TensorSpec::new(format!("tensor{i}"), [t.len()]))
            .collect()
    }

    fn visit(&self, visit: &mut dyn FnMut(&[f64])) {
        self.0.iter().for_each(|t| visit(t));
    }

    fn visit_mut(&mut self, visit: &mut dyn FnMut(&mut [f64])) {
        self.0.iter_mut().for_each(|t| visit(t));
    }

    fn visit_with(&mut self, other: &Self, visit: &mut dyn FnMut(&mut [f64], &[f64])) {
        assert_eq!(self.0.len(), other.0.len(), "different tensor counts");
        for (mine, theirs) in self.0.iter_mut().zip(&other.0) {
            visit(mine, theirs);
        }
    }
}

mod two_hidden_layers;
pub use two_hidden_layers::{TwoHiddenLayers, TwoHiddenLayersTrace};

/// `W x + b` for every column, computed with nalgebra's operators on owned matrices: an
/// implementation independent of the library's matrix kernels, to compare against.
pub fn reference_affine<const IN: usize, const OUT: usize>(
    weights: &HeapMatrix<f64, OUT, IN>,
    bias: &HeapMatrix<f64, OUT, 1>,
    input: &Batch<f64, IN>,
) -> DMatrix<f64> {
    let w = DMatrix::from_column_slice(OUT, IN, weights.as_slice());
    let x = DMatrix::from_column_slice(IN, input.ncols(), input.as_slice());
    let mut z = w * x;
    for mut column in z.column_iter_mut() {
        for (zj, &bj) in column.iter_mut().zip(bias.as_slice()) {
            *zj += bj;
        }
    }
    z
}

/// The largest absolute difference between matching numbers of two models of the same shape.
pub fn max_parameter_difference<P: Parameters<f64>>(a: &P, b: &P) -> f64 {
    let (mut first, mut second) = (Vec::new(), Vec::new());
    a.visit(&mut |tensor| first.extend_from_slice(tensor));
    b.visit(&mut |tensor| second.extend_from_slice(tensor));
    assert_eq!(first.len(), second.len(), "models of different shapes");
    first
        .iter()
        .zip(&second)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f64::max)
}

/// Asserts that a gradient check left `model` exactly as it found it (the checker writes each
/// parameter's original value back rather than undoing its nudges arithmetically).
pub fn assert_restored<P: Parameters<f64>>(what: &str, model: &P, original: &P) {
    let drift = max_parameter_difference(model, original);
    assert!(
        drift == 0.0,
        "{what}: the gradient check moved a parameter by {drift:e}"
    );
}
