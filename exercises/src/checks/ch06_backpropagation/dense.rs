//! The checks of a dense layer's forward pass (6.1) and backward pass (6.6, 6.8, 6.9), and the
//! choice of forward pass the other checks difference.

use crate::ch06_backpropagation::{Layer, LayerGradients, Matrix};
use crate::grade::{Outcome, central_differences, compare, guarded};

use super::matrices::{
    SHAPES, TRANSPOSED_W, column, filled, gradient, layer, looks_like, map, own_forward, paired,
    product, shape, shaped, transpose,
};

/// Checks `f` as the forward pass of a dense layer.
pub fn dense_forward(f: impl Fn(&Layer, &Matrix) -> Matrix) -> Outcome {
    dense_forward_once(&f)
}

/// [`dense_forward`]'s body, compiled once: the implementation is behind a reference, not a
/// type parameter, so each caller's closure does not compile the whole check again.
fn dense_forward_once(f: &dyn Fn(&Layer, &Matrix) -> Matrix) -> Outcome {
    for (case, &(outputs, inputs, samples)) in SHAPES.iter().enumerate() {
        let layer = layer(outputs, inputs, case as f64);
        let input = filled(inputs, samples, case as f64 + 7.0);
        let got = run!(f(&layer, &input));
        let what = format!("z for a {outputs} × {inputs} layer and a batch of {samples}");
        if let Err(failure) = shape(
            &what,
            &got,
            outputs,
            samples,
            "z has one row per unit and one column per sample",
        ) {
            return failure.into();
        }
        let expected = own_forward(&layer, &input);
        if let Err(failure) = compare(&what, &expected.entries, &got.entries, 1e-12) {
            let no_bias = product(&layer.weights, &input, false, false);
            return looks_like(
                failure,
                &got.entries,
                &no_bias.entries,
                "this is W a without the bias: add b_j to every entry of row j",
            )
            .into();
        }
    }
    Outcome::Passed(format!(
        "z = W a + b 1ᵀ is right for {} layers and batches",
        SHAPES.len()
    ))
}

/// A dense layer's forward pass, boxed.
pub(super) type Forward = Box<dyn Fn(&Layer, &Matrix) -> Matrix>;

/// The learner's forward pass if it passes its check, the check's own otherwise, and which.
pub(super) fn forward_to_use(
    forward: impl Fn(&Layer, &Matrix) -> Matrix + Copy + 'static,
) -> (Forward, &'static str) {
    if dense_forward(forward).passed() {
        (Box::new(forward), "your dense_forward")
    } else {
        (
            Box::new(own_forward),
            "the forward pass (yours does not pass yet)",
        )
    }
}

/// Checks `f` as a dense layer's backward pass, against central differences of
/// `L = ⟨δ, forward(W, b, a)⟩`, whose gradient with respect to z is δ.
pub fn dense_backward(
    f: impl Fn(&Layer, &Matrix, &Matrix) -> LayerGradients,
    forward: impl Fn(&Layer, &Matrix) -> Matrix + Copy + 'static,
) -> Outcome {
    let (forward, source) = forward_to_use(forward);
    for (case, &(outputs, inputs, samples)) in SHAPES.iter().enumerate() {
        let layer = layer(outputs, inputs, case as f64 + 1.0);
        let input = filled(inputs, samples, case as f64 + 3.0);
        let delta = filled(outputs, samples, case as f64 + 5.0);
        let got = run!(f(&layer, &input, &delta));
        // Central differences of L with respect to W (part 0), b (1) or a (2).
        let numeric = |part: usize, at: &[f64]| {
            let loss = |v: &[f64]| {
                let (mut probe, mut a) = (layer.clone(), input.clone());
                match part {
                    0 => probe.weights.entries = v.to_vec(),
                    1 => probe.bias = v.to_vec(),
                    _ => a.entries = v.to_vec(),
                }
                paired(&delta, &forward(&probe, &a))
            };
            central_differences(loss, at, 1e-5)
        };
        let weights = shaped(&layer.weights, numeric(0, &layer.weights.entries));
        let bias = column(&numeric(1, &layer.bias));
        let input_gradient = shaped(&input, numeric(2, &input.entries));
        let mean = map(&bias, |b| b / samples as f64);
        let case = format!("a {outputs} × {inputs} layer, batch of {samples}");
        let result = gradient(
            &format!("∂L/∂W for {case}"),
            &weights,
            &got.weights,
            Some(&transpose(&weights)),
            TRANSPOSED_W,
        )
        .and_then(|()| {
            gradient(
                &format!("∂L/∂b for {case}"),
                &bias,
                &column(&got.bias),
                Some(&mean),
                MEAN_BIAS,
            )
        })
        .and_then(|()| {
            // W δ fits only a square layer (elsewhere it does not even have a shape).
            let untransposed =
                (outputs == inputs).then(|| product(&layer.weights, &delta, false, false));
            gradient(
                &format!("∂L/∂a for {case}"),
                &input_gradient,
                &got.input,
                untransposed.as_ref(),
                UNTRANSPOSED_W,
            )
        });
        if let Err(failure) = result {
            return failure.into();
        }
    }
    Outcome::Passed(format!(
        "∂L/∂W, ∂L/∂b and ∂L/∂a match central differences of {source} for {} layers, a square one among them",
        SHAPES.len()
    ))
}

const MEAN_BIAS: &str = "∂L/∂b is the errors summed over the batch (6.8), not their mean: \
                         the 1/m of the loss is already inside δ";
const UNTRANSPOSED_W: &str = "this is W δ: the error goes back along the columns of W, \
                              ∂L/∂a = Wᵀ δ (6.6), which is n_in × m";
