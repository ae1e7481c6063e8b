//! The checks of the mean squared error of a line (4.1, 4.2) and of its gradient (4.3, 4.4).

use crate::grade::{Failure, Outcome, central_differences, compare, guarded, relative_error};

use super::data::{LossFn, cases, loss, mean, residuals};

/// Checks `f` as the mean squared error of a line.
pub fn mse_loss(f: impl Fn(f64, f64, &[f64], &[f64]) -> f64) -> Outcome {
    mse_loss_once(&f)
}

/// [`mse_loss`]'s body, compiled once: the implementation is behind a reference, not a
/// type parameter, so each caller's closure does not compile the whole check again.
fn mse_loss_once(f: &dyn Fn(f64, f64, &[f64], &[f64]) -> f64) -> Outcome {
    for (w, b, xs, ys) in cases() {
        let got = match guarded(|| f(w, b, &xs, &ys)) {
            Ok(got) => got,
            Err(outcome) => return outcome,
        };
        let expected = loss(w, b, &xs, &ys);
        if relative_error(expected, got) > 1e-12 || !got.is_finite() {
            let r = residuals(w, b, &xs, &ys);
            let n = xs.len() as f64;
            let near = |value: f64| relative_error(value, got) < 1e-9;
            let mistake = if near(n * expected) {
                Some("that is the sum of the squares: divide by N for the mean")
            } else if near(expected / 2.0) {
                Some("(4.2) has no ½: the mean of the squares, not half of it")
            } else if near(expected.sqrt()) {
                Some("that is the root of the mean squared error: leave out the square root")
            } else if near(mean(&r)) || near(-mean(&r)) {
                Some("the residuals must be squared, or misses above and below cancel")
            } else {
                None
            };
            return Failure {
                explanation: format!(
                    "w = {w}, b = {b} on {n} points: L = {expected:.9}, you returned {got:.9}"
                ),
                likely_mistake: mistake.map(str::to_string),
            }
            .into();
        }
    }
    Outcome::Passed("right on 4 lines and two data sets".to_string())
}

/// Checks `gradient` as `[∂L/∂w, ∂L/∂b]`, against central differences of the learner's own
/// `loss` when that passes its check (and of the check's own if not).
pub fn mse_gradient(
    gradient: impl Fn(f64, f64, &[f64], &[f64]) -> [f64; 2],
    loss_of: impl Fn(f64, f64, &[f64], &[f64]) -> f64 + Copy,
) -> Outcome {
    mse_gradient_once(&gradient, &loss_of)
}

/// [`mse_gradient`]'s body, compiled once: the implementation is behind a reference, not a
/// type parameter, so each caller's closure does not compile the whole check again.
fn mse_gradient_once(
    gradient: &dyn Fn(f64, f64, &[f64], &[f64]) -> [f64; 2],
    loss_of: &dyn Fn(f64, f64, &[f64], &[f64]) -> f64,
) -> Outcome {
    let own = mse_loss(loss_of).passed();
    let differenced: &LossFn<'_> = if own { &loss_of } else { &loss };
    for (w, b, xs, ys) in cases() {
        let got = match guarded(|| gradient(w, b, &xs, &ys)) {
            Ok(got) => got,
            Err(outcome) => return outcome,
        };
        let l = |p: &[f64]| differenced(p[0], p[1], &xs, &ys);
        let expected = central_differences(l, &[w, b], 1e-5);
        let what = format!("[∂L/∂w, ∂L/∂b] at w = {w}, b = {b} on {} points", xs.len());
        if let Err(failure) = compare(&what, &expected, &got, 1e-6) {
            let n = xs.len() as f64;
            let r = residuals(w, b, &xs, &ys);
            let close = |a: f64, b: f64| relative_error(a, b) < 1e-6;
            let scaled = |c: f64| (0..2).all(|i| close(c * expected[i], got[i]));
            let mistake = if scaled(n) {
                Some(
                    "the gradient is N times too large: it is summed over the points, not \
                     averaged (the 1/N of (4.2))",
                )
            } else if scaled(-1.0) {
                Some(
                    "the gradient has the wrong sign: the residual is ŷ − y (with y − ŷ, keep \
                     the minus sign of its inner derivative)",
                )
            } else if scaled(0.5) {
                Some("the factor of 2 from differentiating the square is missing")
            } else if close(got[0], 2.0 * mean(&r)) && close(got[1], expected[1]) {
                Some("∂L/∂w needs the factor xᵢ: ∂rᵢ/∂w = xᵢ")
            } else if close(got[0], expected[0]) && close(got[1], expected[0]) {
                Some("∂L/∂b has no factor xᵢ: ∂rᵢ/∂b = 1")
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
    let source = if own {
        "your loss"
    } else {
        "the loss (yours does not pass yet)"
    };
    Outcome::Passed(format!(
        "matches central differences of {source} on 4 cases"
    ))
}
