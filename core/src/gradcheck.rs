//! Gradient checking: compare a backward pass against central finite differences.
//!
//! For every parameter θᵢ (or a seeded sample of them) the numeric derivative is
//! `(L(θ + h eᵢ) − L(θ − h eᵢ)) / 2h`, whose error shrinks like h². The check reports the largest
//! relative error `|analytic − numeric| / max(|analytic|, |numeric|, floor)`. The floor keeps
//! tiny gradients from being judged against rounding noise: in `f64` with `h = 1e-5` the
//! difference quotient is only trustworthy to about 1e-11 in absolute terms.

use crate::network::Parameters;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::index;

/// How to run a gradient check.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GradCheckOptions {
    /// The step h of the central difference.
    pub step: f64,
    /// Magnitudes below this are compared as if they were this large.
    pub floor: f64,
    /// Check only this many randomly chosen parameters (all of them if `None`).
    pub sample: Option<usize>,
    /// Seed for choosing the sample.
    pub seed: u64,
}

impl Default for GradCheckOptions {
    fn default() -> Self {
        Self {
            step: 1e-5,
            floor: 1e-4,
            sample: None,
            seed: 0,
        }
    }
}

/// The outcome of a gradient check.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GradCheckReport {
    /// How many parameters were checked.
    pub checked: usize,
    /// The largest relative error seen.
    pub max_relative_error: f64,
    /// Where it was: (tensor number, index in the tensor, analytic, numeric).
    pub worst: (usize, usize, f64, f64),
}

/// Checks the gradients in `analytic` (same shape as `model`) against finite differences of
/// `loss`, which computes the loss of a model. `model` is perturbed and restored exactly.
pub fn check_gradients<P: Parameters<f64>>(
    model: &mut P,
    analytic: &P,
    mut loss: impl FnMut(&P) -> f64,
    options: GradCheckOptions,
) -> GradCheckReport {
    let mut positions = Vec::new();
    let mut analytic_values = Vec::new();
    let mut tensor = 0;
    analytic.visit(&mut |gradient| {
        positions.extend((0..gradient.len()).map(|i| (tensor, i)));
        analytic_values.extend_from_slice(gradient);
        tensor += 1;
    });
    let chosen: Vec<usize> = match options.sample {
        Some(count) if count < positions.len() => index::sample(
            &mut StdRng::seed_from_u64(options.seed),
            positions.len(),
            count,
        )
        .into_vec(),
        _ => (0..positions.len()).collect(),
    };

    let mut report = GradCheckReport {
        checked: chosen.len(),
        max_relative_error: 0.0,
        worst: (0, 0, 0.0, 0.0),
    };
    // ANCHOR: central_difference
    for k in chosen {
        let (tensor, index) = positions[k];
        let h = options.step;
        let original = value_at(model, tensor, index);
        set_value(model, tensor, index, original + h);
        let plus = loss(model);
        set_value(model, tensor, index, original - h);
        let minus = loss(model);
        set_value(model, tensor, index, original);
        let numeric = (plus - minus) / (2.0 * h);
        let analytic = analytic_values[k];
        let error = relative_error(analytic, numeric, options.floor);
        if error > report.max_relative_error || error.is_nan() {
            report.max_relative_error = error;
            report.worst = (tensor, index, analytic, numeric);
        }
    }
    // ANCHOR_END: central_difference
    report
}

// ANCHOR: relative_error
/// `|a − b| / max(|a|, |b|, floor)`.
pub fn relative_error(a: f64, b: f64, floor: f64) -> f64 {
    (a - b).abs() / a.abs().max(b.abs()).max(floor)
}
// ANCHOR_END: relative_error

/// The central-difference derivative of a scalar function at `x`.
pub fn numeric_derivative(f: impl Fn(f64) -> f64, x: f64, step: f64) -> f64 {
    (f(x + step) - f(x - step)) / (2.0 * step)
}

fn value_at<P: Parameters<f64>>(model: &P, tensor: usize, index: usize) -> f64 {
    let (mut current, mut value) = (0, 0.0);
    model.visit(&mut |values| {
        if current == tensor {
            value = values[index];
        }
        current += 1;
    });
    value
}

fn set_value<P: Parameters<f64>>(model: &mut P, tensor: usize, index: usize, value: f64) {
    let mut current = 0;
    model.visit_mut(&mut |values| {
        if current == tensor {
            values[index] = value;
        }
        current += 1;
    });
}
