//! Chapter 4: reference solutions.

// ANCHOR: mse_loss
/// The mean of the squared residuals `(w xᵢ + b − yᵢ)²`.
pub fn mse_loss(w: f64, b: f64, xs: &[f64], ys: &[f64]) -> f64 {
    let n = xs.len() as f64;
    let sum: f64 = xs
        .iter()
        .zip(ys)
        .map(|(x, y)| (w * x + b - y).powi(2))
        .sum();
    sum / n
}
// ANCHOR_END: mse_loss

// ANCHOR: mse_gradient
/// `(2/N) Σ rᵢ xᵢ` and `(2/N) Σ rᵢ`, with the residual `rᵢ = w xᵢ + b − yᵢ`.
pub fn mse_gradient(w: f64, b: f64, xs: &[f64], ys: &[f64]) -> [f64; 2] {
    let n = xs.len() as f64;
    let (mut dw, mut db) = (0.0, 0.0);
    for (x, y) in xs.iter().zip(ys) {
        let residual = w * x + b - y;
        dw += residual * x;
        db += residual;
    }
    [2.0 * dw / n, 2.0 * db / n]
}
// ANCHOR_END: mse_gradient

// ANCHOR: gradient_descent_step
/// Both derivatives at the current (w, b) first, then `θ ← θ − η ∇L`.
pub fn gradient_descent_step(w: &mut f64, b: &mut f64, xs: &[f64], ys: &[f64], eta: f64) {
    let [dw, db] = mse_gradient(*w, *b, xs, ys);
    *w -= eta * dw;
    *b -= eta * db;
}
// ANCHOR_END: gradient_descent_step

// ANCHOR: minibatch_epoch
/// One step per batch of `order`, each with the mean gradient over its own points.
pub fn minibatch_epoch(
    w: &mut f64,
    b: &mut f64,
    xs: &[f64],
    ys: &[f64],
    order: &[usize],
    batch_size: usize,
    eta: f64,
) {
    for batch in order.chunks(batch_size) {
        let batch_xs: Vec<f64> = batch.iter().map(|&i| xs[i]).collect();
        let batch_ys: Vec<f64> = batch.iter().map(|&i| ys[i]).collect();
        gradient_descent_step(w, b, &batch_xs, &batch_ys, eta);
    }
}
// ANCHOR_END: minibatch_epoch
