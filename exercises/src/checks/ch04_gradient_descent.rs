//! Chapter 4's checks: the mean squared error of a line (4.1, 4.2), its gradient (4.3, 4.4),
//! a step of gradient descent (4.5) that reaches the least-squares line (4.6), and an epoch of
//! mini-batch gradient descent (4.10).

use crate::catalog::Exercise;
use crate::grade::{Failure, Outcome, central_differences, compare, guarded, relative_error};
use crate::{ch04_gradient_descent as learner, solutions::ch04_gradient_descent as solution};

/// Chapter 4's exercises.
pub const EXERCISES: &[Exercise] = &[
    Exercise {
        id: "ch04.mse_loss",
        title: "the mean squared error of a line",
        file: "exercises/src/ch04_gradient_descent.rs",
        hints: &[
            "For each point, the residual is the prediction w x + b minus the label y; square it.",
            "Equation (4.2): L = (1/N) Σᵢ (w xᵢ + b − yᵢ)², a mean: no ½, no square root.",
        ],
        check: || mse_loss(learner::mse_loss),
        solution: || mse_loss(solution::mse_loss),
    },
    Exercise {
        id: "ch04.mse_gradient",
        title: "the gradient of the MSE of a line",
        file: "exercises/src/ch04_gradient_descent.rs",
        hints: &[
            "Chain rule on each term: ∂(rᵢ²)/∂w = 2 rᵢ ∂rᵢ/∂w, with rᵢ = w xᵢ + b − yᵢ, so \
             ∂rᵢ/∂w = xᵢ and ∂rᵢ/∂b = 1; then the mean over the points.",
            "Equations (4.3) and (4.4): ∂L/∂w = (2/N) Σ (ŷᵢ − yᵢ) xᵢ, ∂L/∂b = (2/N) Σ (ŷᵢ − yᵢ).",
        ],
        check: || mse_gradient(learner::mse_gradient, learner::mse_loss),
        solution: || mse_gradient(solution::mse_gradient, solution::mse_loss),
    },
    Exercise {
        id: "ch04.gradient_descent_step",
        title: "one step of gradient descent",
        file: "exercises/src/ch04_gradient_descent.rs",
        hints: &[
            "The gradient points uphill; the step goes the other way, scaled by η. Compute both \
             derivatives before you change w or b.",
            "Equation (4.5): w ← w − η ∂L/∂w, b ← b − η ∂L/∂b, both derivatives at the old (w, b).",
        ],
        check: || {
            let outcome = gradient_descent_step(learner::gradient_descent_step, learner::mse_loss);
            unless_prerequisite_fails(outcome, "mse_gradient", || {
                mse_gradient(learner::mse_gradient, learner::mse_loss)
            })
        },
        solution: || gradient_descent_step(solution::gradient_descent_step, solution::mse_loss),
    },
    Exercise {
        id: "ch04.minibatch_epoch",
        title: "one epoch of mini-batch gradient descent",
        file: "exercises/src/ch04_gradient_descent.rs",
        hints: &[
            "order.chunks(batch_size) gives the batches; for each, gather its points and take \
             one step, so that the next batch's gradient is taken at the new (w, b).",
            "Equation (4.10): a batch of m points has gradient (2/m) Σ_{i∈B} (ŷᵢ − yᵢ)(xᵢ, 1): \
             m is that batch's own size, the last one's too.",
        ],
        check: || {
            let outcome = minibatch_epoch(learner::minibatch_epoch);
            unless_prerequisite_fails(outcome, "gradient_descent_step", || {
                gradient_descent_step(learner::gradient_descent_step, learner::mse_loss)
            })
        },
        solution: || minibatch_epoch(solution::minibatch_epoch),
    },
];

/// `outcome`, and when it failed while the learner's earlier exercise `name` (which this one
/// may call) fails its own check too, with that named as a likely cause.
pub fn unless_prerequisite_fails(
    outcome: Outcome,
    name: &str,
    prerequisite: impl FnOnce() -> Outcome,
) -> Outcome {
    let Outcome::Failed(mut failure) = outcome else {
        return outcome;
    };
    if matches!(prerequisite(), Outcome::Failed(_)) {
        let cause = format!(
            "your {name} does not pass its own check yet: if this function uses it, fix it \
             first (cargo run --release -- exercises check ch04.{name})"
        );
        failure.likely_mistake = Some(match failure.likely_mistake {
            Some(mistake) => format!("{mistake}; or, more likely, {cause}"),
            None => cause,
        });
    }
    failure.into()
}

/// The check's data: ten points around the line y = 2x + 1, as in the chapter.
pub fn points() -> (Vec<f64>, Vec<f64>) {
    let ys = XS.iter().zip(NOISE).map(|(x, e)| 2.0 * x + 1.0 + e);
    (XS.to_vec(), ys.collect())
}

const XS: [f64; 10] = [0.12, 0.45, 0.73, 0.98, 1.21, 1.37, 1.55, 1.72, 1.86, 1.97];
const NOISE: [f64; 10] = [
    0.21, -0.33, 0.05, 0.4, -0.12, -0.27, 0.3, -0.08, 0.15, -0.36,
];

/// A second data set, of three points.
const SMALL: ([f64; 3], [f64; 3]) = ([-1.0, 0.5, 2.5], [0.3, 1.9, -0.4]);

/// The data sets with a line (w, b) for each: the chapter's start, and lines near and far.
fn cases() -> Vec<(f64, f64, Vec<f64>, Vec<f64>)> {
    let (xs, ys) = points();
    let (sx, sy) = (SMALL.0.to_vec(), SMALL.1.to_vec());
    vec![
        (0.0, 0.0, xs.clone(), ys.clone()),
        (1.5, 0.5, xs.clone(), ys.clone()),
        (2.2, 0.9, xs, ys),
        (-1.0, 2.0, sx, sy),
    ]
}

fn residuals(w: f64, b: f64, xs: &[f64], ys: &[f64]) -> Vec<f64> {
    xs.iter().zip(ys).map(|(x, y)| w * x + b - y).collect()
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

/// A loss of a line on points, as `mse_loss` computes it.
type LossFn<'a> = dyn Fn(f64, f64, &[f64], &[f64]) -> f64 + 'a;

/// The loss (4.2) by the check's own arithmetic.
fn loss(w: f64, b: f64, xs: &[f64], ys: &[f64]) -> f64 {
    let squares: f64 = residuals(w, b, xs, ys).iter().map(|r| r * r).sum();
    squares / xs.len() as f64
}

/// Checks `f` as the mean squared error of a line.
pub fn mse_loss(f: impl Fn(f64, f64, &[f64], &[f64]) -> f64) -> Outcome {
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

/// Checks `step` as one step of (4.5), with the gradient from central differences of the
/// learner's `loss` (or the check's own, if that does not pass), then runs 300 steps from
/// w = b = 0 with η = 0.3 and compares the line with the least-squares line (4.6).
pub fn gradient_descent_step(
    step: impl Fn(&mut f64, &mut f64, &[f64], &[f64], f64),
    loss_of: impl Fn(f64, f64, &[f64], &[f64]) -> f64 + Copy,
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

/// The ways of getting an epoch wrong that the check recognises, and the right one.
#[derive(Clone, Copy, PartialEq)]
enum Epoch {
    Right,
    DividedByN,
    OneFullStep,
    IndexOrder,
    StaleGradients,
    LastBatchDropped,
}

impl Epoch {
    const WRONG: [Epoch; 5] = [
        Epoch::DividedByN,
        Epoch::OneFullStep,
        Epoch::IndexOrder,
        Epoch::StaleGradients,
        Epoch::LastBatchDropped,
    ];

    /// What this way of getting it wrong does wrong.
    fn mistake(self) -> &'static str {
        match self {
            Epoch::Right => "none",
            Epoch::DividedByN => {
                "each batch's gradient is a mean over its own m points: divide by m, not by N"
            }
            Epoch::OneFullStep => {
                "that is one step of batch gradient descent: take one step per batch of batch_size points"
            }
            Epoch::IndexOrder => {
                "the batches are cut from `order`, not from the points in the order 0, 1, 2, …"
            }
            Epoch::StaleGradients => {
                "every batch's gradient was taken at the epoch's starting (w, b): step after each batch, so that the next gradient is taken at the new line"
            }
            Epoch::LastBatchDropped => {
                "the last, smaller batch was skipped: it is a step too, with its own m"
            }
        }
    }
}

/// An epoch as the check computes it, right or wrong in one of the ways of [`Epoch`].
fn epoch(start: [f64; 2], order: &[usize], m: usize, eta: f64, variant: Epoch) -> [f64; 2] {
    let (xs, ys) = points();
    let n = xs.len();
    let natural: Vec<usize> = (0..n).collect();
    let order = if variant == Epoch::IndexOrder {
        &natural
    } else {
        order
    };
    let m = if variant == Epoch::OneFullStep { n } else { m };
    let [mut w, mut b] = start;
    for batch in order.chunks(m) {
        if variant == Epoch::LastBatchDropped && batch.len() < m {
            break;
        }
        let (bx, by): (Vec<f64>, Vec<f64>) = batch.iter().map(|&i| (xs[i], ys[i])).unzip();
        let (at_w, at_b) = if variant == Epoch::StaleGradients {
            (start[0], start[1])
        } else {
            (w, b)
        };
        let divisor = match variant {
            Epoch::DividedByN => n as f64,
            _ => batch.len() as f64,
        };
        let g = central_differences(|p| loss(p[0], p[1], &bx, &by), &[at_w, at_b], 1e-5);
        // A stale gradient is applied at once: the sum of the steps is the same.
        w -= eta * g[0] * batch.len() as f64 / divisor;
        b -= eta * g[1] * batch.len() as f64 / divisor;
    }
    [w, b]
}

/// Checks `f` as one epoch of mini-batch gradient descent, by replaying the epoch batch by batch
/// with gradients from central differences of the loss on each batch.
pub fn minibatch_epoch(
    f: impl Fn(&mut f64, &mut f64, &[f64], &[f64], &[usize], usize, f64),
) -> Outcome {
    let (xs, ys) = points();
    let order = [3, 7, 0, 9, 5, 1, 8, 2, 6, 4];
    // (start, batch size, η): batches of 4, 4 and 2; stochastic; and the whole data at once.
    let runs = [
        ([0.5, 0.2], 4, 0.1),
        ([1.0, 1.0], 1, 0.05),
        ([0.0, 0.0], 10, 0.3),
    ];
    for (start, m, eta) in runs {
        let [mut w, mut b] = start;
        if let Err(outcome) = guarded(|| f(&mut w, &mut b, &xs, &ys, &order, m, eta)) {
            return outcome;
        }
        let expected = epoch(start, &order, m, eta, Epoch::Right);
        let what = format!(
            "[w, b] after an epoch from {start:?}, batch size {m}, η = {eta}, order {order:?}"
        );
        if let Err(failure) = compare(&what, &expected, &[w, b], 1e-8) {
            let mistake = Epoch::WRONG
                .into_iter()
                .find(|&variant| {
                    let wrong = epoch(start, &order, m, eta, variant);
                    wrong != expected && compare("", &wrong, &[w, b], 1e-8).is_ok()
                })
                .map(|variant| variant.mistake().to_string());
            return Failure {
                likely_mistake: mistake.or(failure.likely_mistake),
                ..failure
            }
            .into();
        }
    }
    Outcome::Passed("right for batches of 4 (the last of 2), of 1 and of all 10 points".to_string())
}
