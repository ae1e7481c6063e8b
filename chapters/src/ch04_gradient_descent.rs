//! Chapter 4: gradient descent and linear regression. Fits the line `ŷ = w x + b` to a seeded
//! synthetic data set by gradient descent on the mean squared error, compares the result with the
//! closed-form least-squares answer, repeats the fit with nabla's own pieces, compares batch,
//! mini-batch and stochastic gradient descent, and shows what the learning rate does.

mod report;

pub use report::run;

use crate::{ChapterResult, Session};
use nabla::layer::Pass;
use nabla::loss::{Loss, MeanSquaredError};
use nabla::network::{Network, Parameters};
use nabla::optim::{Optimizer, Sgd};
use nabla::{Batch, network};
use plot::{FittedLine, LineChart, RegressionPlot, Series, line_chart, scatter_with_line};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

/// The seed of the data set and of the mini-batch order.
pub const SEED: u64 = 4;
/// How many points the data set has.
pub const SAMPLES: usize = 50;
/// The slope of the line the data is drawn around.
pub const TRUE_SLOPE: f64 = 2.0;
/// The intercept of the line the data is drawn around.
pub const TRUE_INTERCEPT: f64 = 1.0;
/// The standard deviation of the Gaussian noise added to each `y`.
pub const NOISE: f64 = 0.3;
/// The learning rate of the main fit.
pub const LEARNING_RATE: f64 = 0.3;
/// The learning rates compared in the figure: too small, good, close to the bound, too large.
pub const LEARNING_RATES: [f64; 4] = [0.02, 0.3, 0.43, 0.45];
/// Steps of each run in the learning-rate comparison.
pub const STEPS: usize = 40;
/// Passes over the data in the batch-size comparison.
pub const EPOCHS: usize = 20;

// ANCHOR: data
/// One data point.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sample {
    /// The input.
    pub x: f64,
    /// The target.
    pub y: f64,
}

/// `count` points with `x` uniform in [0, 2) and `y = 2 x + 1 + ε`, where ε is Gaussian noise
/// with standard deviation 0.3 (drawn with the Box–Muller transform).
pub fn make_data(seed: u64, count: usize) -> Vec<Sample> {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..count)
        .map(|_| {
            let x = 2.0 * rng.random::<f64>();
            let (u1, u2) = (1.0 - rng.random::<f64>(), rng.random::<f64>());
            let gaussian = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
            Sample {
                x,
                y: TRUE_SLOPE * x + TRUE_INTERCEPT + NOISE * gaussian,
            }
        })
        .collect()
}
// ANCHOR_END: data

// ANCHOR: model
/// The model `ŷ = w x + b`: a neuron with one input and no activation.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Line {
    /// The slope (weight).
    pub w: f64,
    /// The intercept (bias).
    pub b: f64,
}

impl Line {
    /// The prediction `ŷ = w x + b` (equation 4.1).
    pub fn predict(&self, x: f64) -> f64 {
        self.w * x + self.b
    }
}

/// The mean squared error `L = (1/N) Σ (ŷᵢ − yᵢ)²` (equation 4.2).
pub fn mse(line: Line, data: &[Sample]) -> f64 {
    let sum: f64 = data.iter().map(|s| (line.predict(s.x) - s.y).powi(2)).sum();
    sum / data.len() as f64
}

/// The gradient `(∂L/∂w, ∂L/∂b)` of the mean squared error (equations 4.3 and 4.4), returned as
/// a `Line` because it has one entry per parameter.
pub fn mse_gradient(line: Line, data: &[Sample]) -> Line {
    let n = data.len() as f64;
    let mut gradient = Line::default();
    for s in data {
        let residual = line.predict(s.x) - s.y;
        gradient.w += 2.0 * residual * s.x / n;
        gradient.b += 2.0 * residual / n;
    }
    gradient
}
// ANCHOR_END: model

// ANCHOR: step
/// One step of gradient descent, `θ ← θ − η ∇L(θ)` (equation 4.5).
pub fn gradient_descent_step(line: &mut Line, data: &[Sample], learning_rate: f64) {
    let gradient = mse_gradient(*line, data);
    line.w -= learning_rate * gradient.w;
    line.b -= learning_rate * gradient.b;
}
// ANCHOR_END: step

/// The loss after each of `steps` steps of gradient descent from `start` (the first entry is
/// the loss at `start`), and the final line.
pub fn descend(start: Line, data: &[Sample], learning_rate: f64, steps: usize) -> (Line, Vec<f64>) {
    let mut line = start;
    let mut losses = vec![mse(line, data)];
    for _ in 0..steps {
        gradient_descent_step(&mut line, data, learning_rate);
        losses.push(mse(line, data));
    }
    (line, losses)
}

// ANCHOR: closed_form
/// The least-squares line (equation 4.6): `w* = Σ (xᵢ − x̄)(yᵢ − ȳ) / Σ (xᵢ − x̄)²`,
/// `b* = ȳ − w* x̄`.
pub fn least_squares(data: &[Sample]) -> Line {
    let n = data.len() as f64;
    let mean_x = data.iter().map(|s| s.x).sum::<f64>() / n;
    let mean_y = data.iter().map(|s| s.y).sum::<f64>() / n;
    let covariance: f64 = data.iter().map(|s| (s.x - mean_x) * (s.y - mean_y)).sum();
    let variance: f64 = data.iter().map(|s| (s.x - mean_x).powi(2)).sum();
    let w = covariance / variance;
    Line {
        w,
        b: mean_y - w * mean_x,
    }
}
// ANCHOR_END: closed_form

// ANCHOR: hessian
/// The Hessian of the mean squared error, `H = 2 [[mean x², mean x], [mean x, 1]]`
/// (equation 4.7). It does not depend on `w` and `b`: the loss is a quadratic bowl.
pub fn hessian(data: &[Sample]) -> [[f64; 2]; 2] {
    let n = data.len() as f64;
    let mean_x = data.iter().map(|s| s.x).sum::<f64>() / n;
    let mean_x2 = data.iter().map(|s| s.x * s.x).sum::<f64>() / n;
    [[2.0 * mean_x2, 2.0 * mean_x], [2.0 * mean_x, 2.0]]
}

/// The eigenvalues `(λ_min, λ_max)` of a symmetric 2 × 2 matrix `[[a, c], [c, d]]`:
/// `(a + d)/2 ∓ √(((a − d)/2)² + c²)`.
pub fn eigenvalues(matrix: [[f64; 2]; 2]) -> (f64, f64) {
    let [[a, c], [_, d]] = matrix;
    let middle = (a + d) / 2.0;
    let radius = (((a - d) / 2.0).powi(2) + c * c).sqrt();
    (middle - radius, middle + radius)
}
// ANCHOR_END: hessian

// ANCHOR: minibatch
/// Gradient descent on mini-batches of `batch_size` samples, in a fresh random order each epoch
/// (`batch_size = data.len()` is batch gradient descent, `1` is stochastic gradient descent).
/// Returns the final line and the loss on the whole data set at the start and after each epoch.
pub fn minibatch_descent(
    start: Line,
    data: &[Sample],
    learning_rate: f64,
    batch_size: usize,
    epochs: usize,
    rng: &mut impl Rng,
) -> (Line, Vec<f64>) {
    let mut line = start;
    let mut losses = vec![mse(line, data)];
    let mut order: Vec<usize> = (0..data.len()).collect();
    for _ in 0..epochs {
        order.shuffle(rng);
        for indices in order.chunks(batch_size) {
            let batch: Vec<Sample> = indices.iter().map(|&i| data[i]).collect();
            gradient_descent_step(&mut line, &batch, learning_rate);
        }
        losses.push(mse(line, data));
    }
    (line, losses)
}
// ANCHOR_END: minibatch

// ANCHOR: library
network! {
    /// `ŷ = w x + b` as a network: one input, one output, no activation.
    pub struct LineNetwork: 1 => identity 1
}

/// The same fit with nabla's pieces: the network's forward and backward passes, the
/// `MeanSquaredError` loss and the `Sgd` optimizer.
pub fn descend_with_nabla(start: Line, data: &[Sample], learning_rate: f64, steps: usize) -> Line {
    let mut network = LineNetwork::<f64>::zeros();
    network.layer1.weights.as_mut_slice()[0] = start.w;
    network.layer1.bias.as_mut_slice()[0] = start.b;
    let inputs = Batch::<f64, 1>::from_iterator(data.len(), data.iter().map(|s| s.x));
    let targets = Batch::<f64, 1>::from_iterator(data.len(), data.iter().map(|s| s.y));
    let (mut trace, mut gradients) = (Default::default(), network.zeros_like());
    let mut output_gradient = Batch::zeros(0);
    let mut optimizer = Sgd::new(learning_rate);
    for step in 0..steps {
        let outputs = network.forward_trace(&inputs, Pass::train(step as u64), &mut trace);
        MeanSquaredError.value_and_gradient(outputs, &targets, &mut output_gradient);
        network.backward(&inputs, &mut trace, &output_gradient, &mut gradients);
        optimizer.step(&mut network, &gradients);
    }
    Line {
        w: network.layer1.weights.as_slice()[0],
        b: network.layer1.bias.as_slice()[0],
    }
}
// ANCHOR_END: library

// ANCHOR: mistakes
/// A common mistake: the gradient summed over the samples instead of averaged. It is `n` times
/// the gradient of the mean, so a learning rate `η` acts like `n η`.
pub fn summed_gradient(line: Line, data: &[Sample]) -> Line {
    let n = data.len() as f64;
    let mean = mse_gradient(line, data);
    Line {
        w: n * mean.w,
        b: n * mean.b,
    }
}

/// Another: the per-sample gradients are never averaged, and (as NumPy's broadcasting allows)
/// each sample's gradient updates a slope and an intercept of its own. Returns the `n` lines.
pub fn per_sample_descent(data: &[Sample], learning_rate: f64, steps: usize) -> Vec<Line> {
    let mut lines = vec![Line::default(); data.len()];
    for _ in 0..steps {
        for (line, s) in lines.iter_mut().zip(data) {
            let residual = line.predict(s.x) - s.y;
            line.w -= learning_rate * 2.0 * residual * s.x;
            line.b -= learning_rate * 2.0 * residual;
        }
    }
    lines
}
// ANCHOR_END: mistakes

/// The central-difference gradient of the mean squared error at `line`, with step `h`.
pub fn numeric_gradient(line: Line, data: &[Sample], h: f64) -> Line {
    let at = |w: f64, b: f64| mse(Line { w, b }, data);
    Line {
        w: (at(line.w + h, line.b) - at(line.w - h, line.b)) / (2.0 * h),
        b: (at(line.w, line.b + h) - at(line.w, line.b - h)) / (2.0 * h),
    }
}

/// The distance between two lines as points `(w, b)` of the plane.
pub fn distance(a: Line, b: Line) -> f64 {
    (a.w - b.w).hypot(a.b - b.b)
}
