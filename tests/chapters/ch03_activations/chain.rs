//! The gradient of a chain of sigmoid neurons (3.17).

use super::*;

#[test]
fn eq_3_17_sigmoid_chain_gradient() {
    // ∂aₙ/∂a₀ = Πₖ wₖ σ'(zₖ), and |∂aₙ/∂a₀| ≤ Πₖ |wₖ|/4; with |wₖ| ≤ 1 that is at most 4⁻ⁿ.
    let mut rng = seeded(35);
    for _ in 0..200 {
        let n = rng.random_range(1..=5);
        let layers: Vec<(f64, f64)> = (0..n)
            .map(|_| {
                let magnitude = rng.random_range(1.5..3.0);
                let sign = if rng.random_bool(0.5) { 1.0 } else { -1.0 };
                (sign * magnitude, rng.random_range(-1.0..1.0))
            })
            .collect();
        let input = rng.random_range(-1.0..1.0);
        let (_, gradient) = chain(&Sigmoid, &layers, input);
        let numeric = numeric_derivative(|a0| chain(&Sigmoid, &layers, a0).0, input, STEP);
        let error = relative_error(gradient, numeric, FLOOR);
        assert!(error <= TOLERANCE, "n = {n}: relative error {error:e}");
        let bound: f64 = layers.iter().map(|(w, _)| w.abs() / 4.0).product();
        assert!(gradient.abs() <= bound);
    }
    // With weights in [−1, 1] the bound is 4⁻ⁿ, for every depth.
    for n in 1..=30 {
        let layers: Vec<(f64, f64)> = (0..n)
            .map(|_| (rng.random_range(-1.0..1.0), rng.random_range(-3.0..3.0)))
            .collect();
        let (_, gradient) = chain(&Sigmoid, &layers, rng.random_range(-1.0..1.0));
        assert!(gradient.abs() <= 0.25f64.powi(n));
    }
    // The same chain of ReLUs on positive inputs passes the gradient on unchanged.
    let (_, relu_gradient) = chain(&Relu, &vec![(1.0, 0.0); 30], 0.5);
    assert_eq!(relu_gradient, 1.0);
}
