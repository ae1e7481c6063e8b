//! The check of the four equations for the network `n₀ => sigmoid n₁ => softmax K`: its
//! gradients against central differences of the mean cross-entropy, with mistakes in BP1 and
//! BP2 named.

use crate::ch06_backpropagation::{Layer, Matrix, TwoLayer, TwoLayerGradients};
use crate::grade::{Outcome, central_differences, guarded, mistake_of_scale};

use super::dense::forward_to_use;
use super::hidden::bp2_variants;
use super::matrices::{
    TRANSPOSED_W, column, filled, gradient, hadamard, layer, looks_like, map, own_forward, product,
    row_sums, sigmoid, transpose,
};

/// (n₀, n₁, K, m): the network of the worked example with a batch, a wider one, and one whose
/// weight matrices are square.
const NETWORKS: &[(usize, usize, usize, usize)] = &[(2, 2, 2, 1), (3, 4, 3, 5), (3, 3, 3, 2)];

/// The mean cross-entropy of softmax(z²) over the batch, and `(softmax(z²) − y)/m`.
fn cross_entropy(z2: &Matrix, labels: &[usize]) -> (f64, Matrix) {
    let samples = labels.len() as f64;
    let mut delta = Matrix::zeros(z2.rows, z2.cols);
    let mut loss = 0.0;
    for (i, &label) in labels.iter().enumerate() {
        let max = (0..z2.rows)
            .map(|k| z2[(k, i)])
            .fold(f64::NEG_INFINITY, f64::max);
        let lse = max
            + (0..z2.rows)
                .map(|k| (z2[(k, i)] - max).exp())
                .sum::<f64>()
                .ln();
        loss += (lse - z2[(label, i)]) / samples;
        for k in 0..z2.rows {
            delta[(k, i)] = ((z2[(k, i)] - lse).exp() - f64::from(u8::from(k == label))) / samples;
        }
    }
    (loss, delta)
}

fn flatten(g: &TwoLayerGradients) -> Vec<f64> {
    [
        &g.hidden_weights.entries[..],
        &g.hidden_bias,
        &g.output_weights.entries,
        &g.output_bias,
    ]
    .concat()
}

/// The gradients a typical mistake in BP1 or BP2 gives, with its name.
fn two_layer_variants(net: &TwoLayer, x: &Matrix, labels: &[usize]) -> Vec<(Vec<f64>, String)> {
    let z1 = own_forward(&net.hidden, x);
    let a1 = map(&z1, sigmoid);
    let (_, delta2) = cross_entropy(&own_forward(&net.output, &a1), labels);
    let with_delta1 = |delta1: &Matrix| -> Vec<f64> {
        [
            product(delta1, x, false, true).entries,
            row_sums(delta1),
            product(&delta2, &a1, false, true).entries,
            row_sums(&delta2),
        ]
        .concat()
    };
    let mut variants: Vec<(Vec<f64>, String)> = bp2_variants(&net.output.weights, &delta2, &z1)
        .into_iter()
        .map(|(delta1, mistake)| (with_delta1(&delta1), format!("in BP2: {mistake}")))
        .collect();
    let samples = labels.len();
    if samples > 1 {
        let right = with_delta1(&hadamard(
            &product(&net.output.weights, &delta2, true, false),
            &map(&a1, |a| a * (1.0 - a)),
        ));
        variants.push((
            right.iter().map(|g| g * samples as f64).collect(),
            format!("every gradient is m = {samples} times too large: the loss is the mean over the batch, \
                     so δ² = (ŷ − y)/m (6.5)"),
        ));
    }
    variants
}

/// Checks `f` as the gradients of the two-layer network's mean cross-entropy, against central
/// differences of the loss computed with `forward`.
pub fn two_layer_gradients(
    f: impl Fn(&TwoLayer, &Matrix, &[usize]) -> TwoLayerGradients,
    forward: impl Fn(&Layer, &Matrix) -> Matrix + Copy + 'static,
) -> Outcome {
    let (forward, source) = forward_to_use(forward);
    for (case, &(inputs, hidden, classes, samples)) in NETWORKS.iter().enumerate() {
        let seed = case as f64 + 19.0;
        let net = TwoLayer {
            hidden: layer(hidden, inputs, seed),
            output: layer(classes, hidden, seed + 1.0),
        };
        let x = filled(inputs, samples, seed + 2.0);
        let labels: Vec<usize> = (0..samples).map(|i| (i * 2 + case) % classes).collect();
        let got = run!(f(&net, &x, &labels));
        let network =
            format!("{inputs} => sigmoid {hidden} => softmax {classes}, batch of {samples}");
        let parameters = [
            &net.hidden.weights.entries[..],
            &net.hidden.bias,
            &net.output.weights.entries,
            &net.output.bias,
        ];
        let theta: Vec<f64> = parameters.concat();
        let loss = |theta: &[f64]| {
            let (w1, rest) = theta.split_at(hidden * inputs);
            let (b1, rest) = rest.split_at(hidden);
            let (w2, b2) = rest.split_at(classes * hidden);
            let part = |rows, cols, w: &[f64], b: &[f64]| Layer {
                weights: Matrix {
                    rows,
                    cols,
                    entries: w.to_vec(),
                },
                bias: b.to_vec(),
            };
            let a1 = map(&forward(&part(hidden, inputs, w1, b1), &x), sigmoid);
            cross_entropy(&forward(&part(classes, hidden, w2, b2), &a1), &labels).0
        };
        let expected = run!(central_differences(loss, &theta, 1e-5));
        let mut rest = &expected[..];
        let mut block = |rows: usize, cols: usize| {
            let (entries, after) = rest.split_at(rows * cols);
            rest = after;
            Matrix {
                rows,
                cols,
                entries: entries.to_vec(),
            }
        };
        let blocks = [
            (
                "∂L/∂W¹",
                block(hidden, inputs),
                got.hidden_weights.clone(),
                true,
            ),
            ("∂L/∂b¹", block(hidden, 1), column(&got.hidden_bias), false),
            (
                "∂L/∂W²",
                block(classes, hidden),
                got.output_weights.clone(),
                true,
            ),
            ("∂L/∂b²", block(classes, 1), column(&got.output_bias), false),
        ];
        for (name, expected_block, got_block, is_weight) in &blocks {
            let transposed = is_weight.then(|| transpose(expected_block));
            let what = format!("{name} for {network}");
            let Err(mut failure) = gradient(
                &what,
                expected_block,
                got_block,
                transposed.as_ref(),
                TRANSPOSED_W,
            ) else {
                continue;
            };
            if failure.likely_mistake.as_deref() == Some(TRANSPOSED_W) {
                return failure.into();
            }
            // A diagnosis from all four gradients at once beats one from a single block.
            let got = flatten(&got);
            if let Some(scale) = mistake_of_scale(&expected, &got) {
                failure.likely_mistake = Some(scale);
            }
            for (variant, mistake) in two_layer_variants(&net, &x, &labels) {
                failure = looks_like(failure, &got, &variant, &mistake);
            }
            return failure.into();
        }
    }
    Outcome::Passed(format!(
        "all four gradients match central differences of the loss through {source} for {} networks",
        NETWORKS.len()
    ))
}
