//! Chapter 4: gradient descent and linear regression. Every equation is checked against an
//! independent computation: gradients against central differences of the loss, the closed form
//! against nalgebra's least-squares solver, the Hessian against differences of the gradient and
//! the learning-rate bound against nalgebra's symmetric eigen-decomposition.
//!
//! The tests are split by concept into the submodules declared below, one file each in the
//! directory of the same name; the helpers they share live here.

use chapters::ch04_gradient_descent::{
    LEARNING_RATE, LEARNING_RATES, Line, LineNetwork, SAMPLES, SEED, Sample, descend, eigenvalues,
    gradient_descent_step, hessian, least_squares, make_data, minibatch_descent, mse, mse_gradient,
    per_sample_descent, summed_gradient,
};
use nabla::Batch;
use nabla::loss::{Loss, MeanSquaredError};
use nabla::nalgebra::{DMatrix, DVector, Matrix2, SymmetricEigen, Vector2};
use nabla::network::{Network, Parameters};
use nabla::optim::{Optimizer, Sgd};
use nabla_tests::{
    assert_gradients_match, finite_difference_gradient, max_relative_error, seeded, uniform_vec,
};
use rand::Rng;
use rand::seq::SliceRandom;

mod convergence;
mod curvature;
mod exercise_checks;
mod gradients;
mod minibatches;
mod model;

fn data() -> Vec<Sample> {
    make_data(SEED, SAMPLES)
}

/// A few parameter points `(w, b)` spread around the plane, seeded.
fn points() -> Vec<Line> {
    let values = uniform_vec(&mut seeded(40), 10, -4.0, 4.0);
    values
        .chunks(2)
        .map(|p| Line { w: p[0], b: p[1] })
        .collect()
}

/// The loss as a function of the parameter vector `[w, b]`.
fn loss_of(data: &[Sample]) -> impl Fn(&[f64]) -> f64 + '_ {
    move |p| mse(Line { w: p[0], b: p[1] }, data)
}

/// The design matrix `A` with rows `[xᵢ, 1]` and the targets `y`.
fn design(data: &[Sample]) -> (DMatrix<f64>, DVector<f64>) {
    let a = DMatrix::from_fn(data.len(), 2, |i, j| if j == 0 { data[i].x } else { 1.0 });
    let y = DVector::from_iterator(data.len(), data.iter().map(|s| s.y));
    (a, y)
}

/// The minimizer of `‖A θ − y‖²` from nalgebra's SVD, independent of equation 4.6.
fn reference_least_squares(data: &[Sample]) -> Line {
    let (a, y) = design(data);
    let theta = a.svd(true, true).solve(&y, 1e-14).expect("A has full rank");
    Line {
        w: theta[0],
        b: theta[1],
    }
}

fn distance(a: Line, b: Line) -> f64 {
    (a.w - b.w).hypot(a.b - b.b)
}

/// The Hessian by central differences of the analytic gradient, column by column.
fn numeric_hessian(data: &[Sample], at: Line) -> Matrix2<f64> {
    let h = 1e-4;
    let gradient = |w: f64, b: f64| {
        let g = mse_gradient(Line { w, b }, data);
        Vector2::new(g.w, g.b)
    };
    let column_w = (gradient(at.w + h, at.b) - gradient(at.w - h, at.b)) / (2.0 * h);
    let column_b = (gradient(at.w, at.b + h) - gradient(at.w, at.b - h)) / (2.0 * h);
    Matrix2::from_columns(&[column_w, column_b])
}

/// The network `1 => identity 1` with weight `w` and bias `b`.
fn network(line: Line) -> LineNetwork<f64> {
    let mut network = LineNetwork::<f64>::zeros();
    network.layer1.weights.as_mut_slice()[0] = line.w;
    network.layer1.bias.as_mut_slice()[0] = line.b;
    network
}

fn batches(data: &[Sample]) -> (Batch<f64, 1>, Batch<f64, 1>) {
    let inputs = Batch::from_iterator(data.len(), data.iter().map(|s| s.x));
    let targets = Batch::from_iterator(data.len(), data.iter().map(|s| s.y));
    (inputs, targets)
}

/// The analytic gradient and the central-difference gradient at `line`.
fn gradients_at(data: &[Sample], line: Line) -> ([f64; 2], Vec<f64>) {
    let analytic = mse_gradient(line, data);
    let numeric = finite_difference_gradient(loss_of(data), &[line.w, line.b]);
    ([analytic.w, analytic.b], numeric)
}
