//! The check of the error recursion BP2 (6.7) for a sigmoid hidden layer, and the δ that each
//! typical mistake in it gives.

use crate::ch06_backpropagation::{Layer, Matrix};
use crate::grade::{Outcome, central_differences, compare, guarded};

use super::dense::forward_to_use;
use super::matrices::{
    SHAPES, filled, hadamard, layer, looks_like, map, paired, product, shape, shaped, sigmoid,
};

const SIGMA_AT_A: &str = "σ′ is evaluated at a instead of z: σ′(z) = σ(z)(1 − σ(z)) = a(1 − a), \
                          and you computed σ(a)(1 − σ(a)), the sigmoid applied twice";
const A_FORMULA_AT_Z: &str = "σ′ is evaluated at z with the formula meant for a: σ′(z) = a(1 − a) \
                              with a = σ(z), not z(1 − z)";
const NO_DERIVATIVE: &str = "the factor σ′(z) is missing: (W^{ℓ+1})ᵀ δ^{ℓ+1} is ∂L/∂a, and \
                             δ = ∂L/∂z needs ⊙ σ′(z) as well (6.7)";
const UNTRANSPOSED: &str = "the error goes back along the columns of W^{ℓ+1}: use (W^{ℓ+1})ᵀ δ^{ℓ+1}, \
                            not W^{ℓ+1} δ^{ℓ+1}";

/// The δ^ℓ that each typical BP2 mistake gives, with its name.
pub(super) fn bp2_variants(
    next_weights: &Matrix,
    next_delta: &Matrix,
    z: &Matrix,
) -> Vec<(Matrix, &'static str)> {
    let back = product(next_weights, next_delta, true, false);
    let a = map(z, sigmoid);
    let mut variants = vec![
        (
            hadamard(&back, &map(&a, |a| sigmoid(a) * (1.0 - sigmoid(a)))),
            SIGMA_AT_A,
        ),
        (hadamard(&back, &map(z, |z| z * (1.0 - z))), A_FORMULA_AT_Z),
        (back, NO_DERIVATIVE),
    ];
    if next_weights.rows == next_weights.cols {
        let forward = product(next_weights, next_delta, false, false);
        variants.push((
            hadamard(&forward, &map(&a, |a| a * (1.0 - a))),
            UNTRANSPOSED,
        ));
    }
    variants
}

/// Checks `f` as BP2 for a sigmoid layer, against central differences with respect to z^ℓ of
/// `L = ⟨δ^{ℓ+1}, forward(W^{ℓ+1}, b^{ℓ+1}, σ(z^ℓ))⟩`.
pub fn hidden_error(
    f: impl Fn(&Matrix, &Matrix, &Matrix, &Matrix) -> Matrix,
    forward: impl Fn(&Layer, &Matrix) -> Matrix + Copy + 'static,
) -> Outcome {
    let (forward, source) = forward_to_use(forward);
    // (n_{ℓ+1}, n_ℓ, m), as for a layer.
    for (case, &(next_units, units, samples)) in SHAPES.iter().enumerate() {
        let next = layer(next_units, units, case as f64 + 11.0);
        let z = filled(units, samples, case as f64 + 13.0);
        let a = map(&z, sigmoid);
        let next_delta = filled(next_units, samples, case as f64 + 17.0);
        let got = run!(f(&next.weights, &next_delta, &z, &a));
        let what =
            format!("δ^ℓ for {units} sigmoid units feeding {next_units}, batch of {samples}");
        if let Err(failure) = shape(&what, &got, units, samples, UNTRANSPOSED) {
            return failure.into();
        }
        let loss = |z: &[f64]| {
            let a = map(&shaped(&a, z.to_vec()), sigmoid);
            paired(&next_delta, &forward(&next, &a))
        };
        // The learner's forward pass runs here too: a panic in it is a verdict, not a crash.
        let expected = run!(central_differences(loss, &z.entries, 1e-5));
        if let Err(failure) = compare(&what, &expected, &got.entries, 1e-7) {
            let diagnosed = bp2_variants(&next.weights, &next_delta, &z)
                .into_iter()
                .fold(failure, |failure, (variant, mistake)| {
                    looks_like(failure, &got.entries, &variant.entries, mistake)
                });
            return diagnosed.into();
        }
    }
    Outcome::Passed(format!(
        "δ^ℓ matches central differences of {source} through σ for {} layers",
        SHAPES.len()
    ))
}
