//! The check of one step of gradient descent (4.5), and of 300 steps reaching the
//! least-squares line (4.6).

use crate::grade::{Failure, Outcome, central_differences, compare, guarded, relative_error};

use super::data::{LossFn, cases, loss, mean, points};
use super::loss::mse_loss;

/// Checks `step` as one step of (4.5), with the gradient from central differences of the
/// learner's `loss` (or the check's own, if that does not pass), then runs 300 steps from
/// w = b = 0 with η = 0.3 and compares the line with the least-squares line (4.6).
pub fn gradient_descent_step(
    step: impl Fn(&mut f64, &mut f64, &[f64], &[f64], f64),
    loss_of: impl Fn(f64, f64, &[f64], &[f64]) -> f64 + Copy,
) -> Outcome {
    gradient_descent_step_once(&step, &loss_of)
}

/// [`gradient_descent_step`]'s body, compiled once: the implementation is behind a reference, not a
/// type parameter, so each caller's closure does not compile the whole check again.
fn gradient_descent_step_once(
    step: &dyn Fn(&mut f64, &mut f64, &[f64], &[f64], f64),
    loss_of: &dyn Fn(f64, f64, &[f64], &[f64]) -> f64,
) -> Outcome {
    let own = mse_loss(loss_of).passed();
    let differenced: &LossFn<'_> = if own { &loss_of } else { &loss };
    let etas = [0.3, 0.1, 0.25, 0.05];
    for ((w, b, xs, ys), eta) in cases().into_iter().zip(etas) {
        let (mut new_w, mut new_b) = (w, b);
        if let Err(outcome) = guarded(|| step(&mut new_w, &mut new_b, &xs, &ys, eta)) {
            return outcome;
        }
        let l = |p: &[f64]| differenced(p[0], p[1], &xs, &ys);
        let g = central_differences(l, &[w, b], 1e-5);
        let expected = [-eta * g[0], -eta * g[1]];
        let got = [new_w - w, new_b - b];
        let what = format!("the change of [w, b] from w = {w}, b = {b} with η = {eta}");
        if let Err(failure) = compare(&what, &expected, &got, 1e-6) {
            let scaled = |c: f64| compare("", &expected.map(|e| c * e), &got, 1e-6).is_ok();
            let stale_b = w - eta * g[0];
            let g_later = central_differences(l, &[stale_b, b], 1e-5);
            let mistake = if scaled(-1.0) {
                Some("the step goes uphill, along the gradient: subtract η ∇L")
            } else if scaled(1.0 / eta) {
                Some("the step is the gradient itself: multiply it by η")
            } else if relative_error(-eta * g_later[1], got[1]) < 1e-6 {
                Some(
                    "∂L/∂b was computed after w had moved: compute both derivatives at the old \
                     (w, b) before changing either",
                )
            } else {
                None
            };
            return Failure {
                likely_mistake: mistake.map(str::to_string).or(failure.likely_mistake),
                ..failure
            }
            .into();
        }
    }
    let (xs, ys) = points();
    let (mut w, mut b) = (0.0, 0.0);
    for _ in 0..300 {
        if let Err(outcome) = guarded(|| step(&mut w, &mut b, &xs, &ys, 0.3)) {
            return outcome;
        }
    }
    let (mx, my) = (mean(&xs), mean(&ys));
    let covariance: f64 = xs.iter().zip(&ys).map(|(x, y)| (x - mx) * (y - my)).sum();
    let variance: f64 = xs.iter().map(|x| (x - mx) * (x - mx)).sum();
    let best_w = covariance / variance;
    let least_squares = [best_w, my - best_w * mx];
    let what = "[w, b] after 300 steps with η = 0.3, against the least-squares line (4.6)";
    if let Err(failure) = compare(what, &least_squares, &[w, b], 1e-6) {
        return failure.into();
    }
    Outcome::Passed(format!(
        "4 steps are right, and 300 steps reach the least-squares line w = {w:.4}, b = {b:.4}"
    ))
}
