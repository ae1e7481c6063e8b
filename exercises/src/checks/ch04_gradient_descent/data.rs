//! The check's data (ten points around y = 2x + 1 as in the chapter, and three more), the
//! lines it is evaluated at, and the loss (4.2) by the check's own arithmetic.

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
pub(super) fn cases() -> Vec<(f64, f64, Vec<f64>, Vec<f64>)> {
    let (xs, ys) = points();
    let (sx, sy) = (SMALL.0.to_vec(), SMALL.1.to_vec());
    vec![
        (0.0, 0.0, xs.clone(), ys.clone()),
        (1.5, 0.5, xs.clone(), ys.clone()),
        (2.2, 0.9, xs, ys),
        (-1.0, 2.0, sx, sy),
    ]
}

pub(super) fn residuals(w: f64, b: f64, xs: &[f64], ys: &[f64]) -> Vec<f64> {
    xs.iter().zip(ys).map(|(x, y)| w * x + b - y).collect()
}

pub(super) fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

/// A loss of a line on points, as `mse_loss` computes it.
pub(super) type LossFn<'a> = dyn Fn(f64, f64, &[f64], &[f64]) -> f64 + 'a;

/// The loss (4.2) by the check's own arithmetic.
pub(super) fn loss(w: f64, b: f64, xs: &[f64], ys: &[f64]) -> f64 {
    let squares: f64 = residuals(w, b, xs, ys).iter().map(|r| r * r).sum();
    squares / xs.len() as f64
}
