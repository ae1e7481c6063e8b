//! Two-dimensional test functions and the paths the library's optimizers take across them.

use crate::ch04_gradient_descent::{self as ch04, Line, Sample};
use nabla::network::TensorSpec;
use nabla::optim::{AdaGrad, Adam, AdamW, Momentum, Nesterov, Optimizer, RmsProp, Sgd};

/// A function of two parameters with its gradient, where its minimum is, and the part of the
/// plane the chapter draws.
pub struct Surface {
    /// What the tables and figures call it.
    pub name: &'static str,
    /// The function.
    pub value: Box<dyn Fn([f64; 2]) -> f64>,
    /// Its gradient.
    pub gradient: Box<dyn Fn([f64; 2]) -> [f64; 2]>,
    /// The point the optimizers should reach, and the value there.
    pub minimum: ([f64; 2], f64),
    /// Where every optimizer starts.
    pub start: [f64; 2],
    /// The drawn ranges of the two parameters.
    pub ranges: [(f64, f64); 2],
    /// For a saddle: the height of θ₂ past which a path has escaped it.
    pub escape: Option<f64>,
}

// ANCHOR: ravine
/// Chapter 4's loss: the mean squared error of the line `ŷ = w x + b` on its 50 points, a
/// quadratic bowl whose Hessian has eigenvalues 0.41 and 4.59, eleven times apart.
pub fn ravine() -> Surface {
    let data: Vec<Sample> = ch04::make_data(ch04::SEED, ch04::SAMPLES);
    let best = ch04::least_squares(&data);
    let minimum = ch04::mse(best, &data);
    let loss_data = data.clone();
    Surface {
        name: "ravine",
        value: Box::new(move |[w, b]| ch04::mse(Line { w, b }, &loss_data)),
        gradient: Box::new(move |[w, b]| {
            let g = ch04::mse_gradient(Line { w, b }, &data);
            [g.w, g.b]
        }),
        minimum: ([best.w, best.b], minimum),
        start: [-1.0, 4.0],
        ranges: [(-1.5, 3.5), (-1.0, 4.5)],
        escape: None,
    }
}
// ANCHOR_END: ravine

// ANCHOR: rosenbrock
/// Rosenbrock's banana `(1 − x)² + 100 (y − x²)²`: a curved valley, steep across and almost
/// flat along, with its minimum 0 at (1, 1).
pub fn rosenbrock() -> Surface {
    Surface {
        name: "Rosenbrock",
        value: Box::new(|[x, y]| (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2)),
        gradient: Box::new(|[x, y]| {
            [
                -2.0 * (1.0 - x) - 400.0 * x * (y - x * x),
                200.0 * (y - x * x),
            ]
        }),
        minimum: ([1.0, 1.0], 0.0),
        start: [-1.2, 1.0],
        ranges: [(-1.6, 1.6), (-0.6, 1.6)],
        escape: None,
    }
}
// ANCHOR_END: rosenbrock

// ANCHOR: saddle
/// `x² + y⁴/4 − y²/2`: a saddle point at the origin (a minimum along x, a maximum along y)
/// between two minima, −1/4 at (0, ±1).
pub fn saddle() -> Surface {
    Surface {
        name: "saddle",
        value: Box::new(|[x, y]| x * x + y.powi(4) / 4.0 - y * y / 2.0),
        gradient: Box::new(|[x, y]| [2.0 * x, y.powi(3) - y]),
        minimum: ([0.0, 1.0], -0.25),
        start: [1.0, 1e-3],
        ranges: [(-1.2, 1.2), (-0.6, 1.5)],
        escape: Some(0.5),
    }
}
// ANCHOR_END: saddle

/// The seven optimizers, boxed, with a label that gives their settings.
pub struct Contender {
    /// `momentum μ = 0.9, η = 0.04`
    pub label: String,
    /// The optimizer, fresh.
    pub optimizer: Box<dyn Optimizer<f64>>,
}

/// A fresh optimizer `name` (as the command line spells it) with learning rate `eta`; momentum
/// methods use μ = `momentum`. AdamW decays with λ = 0.1 and treats the two parameters as one
/// weight matrix.
pub fn contender(name: &str, eta: f64, momentum: f64) -> Contender {
    let optimizer: Box<dyn Optimizer<f64>> = match name {
        "sgd" => Box::new(Sgd::new(eta)),
        "momentum" => Box::new(Momentum::new(eta, momentum)),
        "nesterov" => Box::new(Nesterov::new(eta, momentum)),
        "adagrad" => Box::new(AdaGrad::new(eta)),
        "rmsprop" => Box::new(RmsProp::new(eta)),
        "adam" => Box::new(Adam::new(eta)),
        "adamw" => Box::new(AdamW::with_weight_decay(eta, 0.1)),
        other => panic!("no optimizer {other}"),
    };
    let label = match name {
        "momentum" | "nesterov" => format!("{name} μ = {momentum}, η = {eta}"),
        _ => format!("{name} η = {eta}"),
    };
    Contender { label, optimizer }
}

// ANCHOR: path
/// The points `optimizer` visits in `steps` steps on `surface` from its start (the start
/// included), through the library's `Optimizer::update` on the 2-vector `θ = (θ₁, θ₂)`.
/// Stops early if θ leaves the finite numbers.
pub fn path(surface: &Surface, optimizer: &mut dyn Optimizer<f64>, steps: usize) -> Vec<[f64; 2]> {
    // AdamW decays only weight matrices: the pair is one, of shape [1, 2].
    optimizer.prepare(&[TensorSpec::new("weight", [1, 2])]);
    let mut theta = surface.start;
    let mut points = vec![theta];
    for _ in 0..steps {
        let gradient = (surface.gradient)(theta);
        optimizer.begin_step();
        optimizer.update(0, &mut theta, &gradient);
        if !theta.iter().all(|v| v.is_finite()) {
            break;
        }
        points.push(theta);
    }
    points
}
// ANCHOR_END: path

/// The first step at which the value is within `tolerance` of the minimum and stays there for
/// the rest of the path, or `None`.
pub fn steps_to_reach(surface: &Surface, points: &[[f64; 2]], tolerance: f64) -> Option<usize> {
    let above = |p: &[f64; 2]| (surface.value)(*p) - surface.minimum.1 > tolerance;
    match points.iter().rposition(above) {
        None => Some(0),
        Some(last) if last + 1 < points.len() => Some(last + 1),
        Some(_) => None,
    }
}
