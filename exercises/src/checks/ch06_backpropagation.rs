//! Chapter 6's checks: a dense layer's forward (6.1) and backward pass (6.6, 6.8, 6.9), the
//! error recursion BP2 (6.7), and the four equations for a two-layer network. Every gradient is
//! compared with central differences of the learner's own forward pass (of the check's, while
//! the learner's does not pass yet).

use crate::catalog::Exercise;
use crate::ch06_backpropagation::{Layer, LayerGradients, Matrix, TwoLayer, TwoLayerGradients};
use crate::grade::{Failure, Outcome, central_differences, compare, guarded, mistake_of_scale};
use crate::{ch06_backpropagation as learner, solutions::ch06_backpropagation as solution};

/// The value of `guarded(|| …)`, or return its verdict.
macro_rules! run {
    ($body:expr) => {
        match guarded(|| $body) {
            Ok(value) => value,
            Err(outcome) => return outcome,
        }
    };
}

/// Chapter 6's exercises.
pub const EXERCISES: &[Exercise] = &[
    Exercise {
        id: "ch06.dense_forward",
        title: "a dense layer's forward pass, z = W a + b 1ᵀ",
        file: "exercises/src/ch06_backpropagation.rs",
        hints: &[
            "The result has one row per output unit and one column per sample, like the input.",
            "Equation (6.1): z[(j, i)] = Σₖ W[(j, k)] · a[(k, i)] + b[j], for every unit j and sample i.",
        ],
        check: || dense_forward(learner::dense_forward),
        solution: || dense_forward(solution::dense_forward),
    },
    Exercise {
        id: "ch06.dense_backward",
        title: "a dense layer's backward pass: δ aᵀ, δ 1 and Wᵀ δ",
        file: "exercises/src/ch06_backpropagation.rs",
        hints: &[
            "Each gradient has the shape of what it differentiates: ∂L/∂W is n_out × n_in like W, \
             ∂L/∂a is n_in × m like a.",
            "A weight's gradient is the error at its output end times the activation at its input \
             end, summed over the samples; a bias gets the sum of its unit's errors.",
            "(6.9) ∂L/∂W[(j, k)] = Σᵢ δ[(j, i)] a[(k, i)]; (6.8) ∂L/∂b[j] = Σᵢ δ[(j, i)]; \
             (6.6) ∂L/∂a[(k, i)] = Σⱼ W[(j, k)] δ[(j, i)].",
        ],
        check: || dense_backward(learner::dense_backward, learner::dense_forward),
        solution: || dense_backward(solution::dense_backward, solution::dense_forward),
    },
    Exercise {
        id: "ch06.hidden_error",
        title: "the error of a sigmoid hidden layer (BP2)",
        file: "exercises/src/ch06_backpropagation.rs",
        hints: &[
            "Two steps: carry δ^{ℓ+1} back through the weights to get ∂L/∂a^ℓ, then through the \
             sigmoid to get ∂L/∂z^ℓ.",
            "The sigmoid's derivative at z is σ(z)(1 − σ(z)), and σ(z) is the activation you are \
             given: σ′(z) = a(1 − a).",
            "(6.7) δ[(j, i)] = (Σₖ W^{ℓ+1}[(k, j)] δ^{ℓ+1}[(k, i)]) · a[(j, i)] (1 − a[(j, i)]).",
        ],
        check: || hidden_error(learner::hidden_error, learner::dense_forward),
        solution: || hidden_error(solution::hidden_error, solution::dense_forward),
    },
    Exercise {
        id: "ch06.two_layer_gradients",
        title: "the four equations for n₀ => sigmoid n₁ => softmax K",
        file: "exercises/src/ch06_backpropagation.rs",
        hints: &[
            "Keep z¹, a¹ and z² from the forward pass; the backward pass needs all three.",
            "Softmax with the mean cross-entropy gives δ² = (softmax(z²) − y)/m directly (6.5); \
             then your dense_backward gives ∂L/∂W² and ∂L/∂b², and your hidden_error gives δ¹.",
            "BP1 δ² = (ŷ − y)/m; BP2 δ¹ = ((W²)ᵀ δ²) ⊙ a¹(1 − a¹); BP3 ∂L/∂bˡ = δˡ 1; \
             BP4 ∂L/∂Wˡ = δˡ (aˡ⁻¹)ᵀ with a⁰ = x.",
        ],
        check: || two_layer_gradients(learner::two_layer_gradients, learner::dense_forward),
        solution: || two_layer_gradients(solution::two_layer_gradients, solution::dense_forward),
    },
];

/// Reproducible numbers in (−1.5, 1.5), different for every `seed` and index.
fn filled(rows: usize, cols: usize, seed: f64) -> Matrix {
    let entries = (0..rows * cols)
        .map(|n| 1.5 * (1.7 * n as f64 + 2.3 * seed + 0.4).sin())
        .collect();
    Matrix {
        rows,
        cols,
        entries,
    }
}

fn layer(outputs: usize, inputs: usize, seed: f64) -> Layer {
    Layer {
        weights: filled(outputs, inputs, seed),
        bias: filled(1, outputs, seed + 0.5).entries,
    }
}

/// (n_out, n_in, m): a wide layer, a square one (where a transposed W still has W's shape), a
/// narrow one.
const SHAPES: &[(usize, usize, usize)] = &[(3, 2, 4), (3, 3, 2), (2, 4, 3)];

/// `a bᵀ`, `aᵀ b`, `a b` and the entrywise map, the check's own arithmetic.
fn product(a: &Matrix, b: &Matrix, transpose_a: bool, transpose_b: bool) -> Matrix {
    let at = |r: usize, c: usize| if transpose_a { a[(c, r)] } else { a[(r, c)] };
    let bt = |r: usize, c: usize| if transpose_b { b[(c, r)] } else { b[(r, c)] };
    let (rows, inner) = if transpose_a {
        (a.cols, a.rows)
    } else {
        (a.rows, a.cols)
    };
    let cols = if transpose_b { b.rows } else { b.cols };
    let mut out = Matrix::zeros(rows, cols);
    for r in 0..rows {
        for c in 0..cols {
            out[(r, c)] = (0..inner).map(|k| at(r, k) * bt(k, c)).sum();
        }
    }
    out
}

/// A matrix of `m`'s shape holding `entries`.
fn shaped(m: &Matrix, entries: Vec<f64>) -> Matrix {
    Matrix {
        entries,
        ..m.clone()
    }
}

fn map(m: &Matrix, f: impl Fn(f64) -> f64) -> Matrix {
    shaped(m, m.entries.iter().map(|&x| f(x)).collect())
}

fn hadamard(a: &Matrix, b: &Matrix) -> Matrix {
    let entries = a.entries.iter().zip(&b.entries).map(|(x, y)| x * y);
    shaped(a, entries.collect())
}

fn row_sums(m: &Matrix) -> Vec<f64> {
    m.entries
        .chunks(m.cols)
        .map(|row| row.iter().sum())
        .collect()
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// The check's own forward pass (6.1).
fn own_forward(layer: &Layer, input: &Matrix) -> Matrix {
    let mut z = product(&layer.weights, input, false, false);
    for (row, b) in z.entries.chunks_mut(input.cols).zip(&layer.bias) {
        row.iter_mut().for_each(|z| *z += b);
    }
    z
}

/// `⟨δ, z⟩` summed over every entry: a loss whose gradient with respect to `z` is `δ`.
fn paired(delta: &Matrix, z: &Matrix) -> f64 {
    delta
        .entries
        .iter()
        .zip(&z.entries)
        .map(|(d, z)| d * z)
        .sum()
}

/// `Err` with a diagnosis if `got` is not `rows × cols`.
fn shape(
    what: &str,
    got: &Matrix,
    rows: usize,
    cols: usize,
    transposed: &str,
) -> Result<(), Failure> {
    if (got.rows, got.cols) == (rows, cols) && got.entries.len() == rows * cols {
        return Ok(());
    }
    Err(Failure {
        explanation: format!(
            "{what} is {} × {}; it should be {rows} × {cols}",
            got.rows, got.cols
        ),
        likely_mistake: ((got.rows, got.cols) == (cols, rows)).then(|| transposed.to_string()),
    })
}

/// `failure` diagnosed as `mistake` if `got` matches `variant`, the answer that mistake gives
/// (a diagnosis more specific than the scale [`compare`] names, so it replaces that one).
fn looks_like(mut failure: Failure, got: &[f64], variant: &[f64], mistake: &str) -> Failure {
    if compare("", variant, got, 1e-6).is_ok() {
        failure.likely_mistake = Some(mistake.to_string());
    }
    failure
}

const TRANSPOSED_W: &str = "∂L/∂W is transposed: it is δ aᵀ (n_out × n_in, the shape of W), \
                            not a δᵀ, which belongs to the samples-as-rows convention";

/// Checks `f` as the forward pass of a dense layer.
pub fn dense_forward(f: impl Fn(&Layer, &Matrix) -> Matrix) -> Outcome {
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
type Forward = Box<dyn Fn(&Layer, &Matrix) -> Matrix>;

/// The learner's forward pass if it passes its check, the check's own otherwise, and which.
fn forward_to_use(
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

/// A vector as a one-column matrix.
fn column(entries: &[f64]) -> Matrix {
    Matrix {
        rows: entries.len(),
        cols: 1,
        entries: entries.to_vec(),
    }
}

/// Compares the gradient `got` with `expected`, shape first; `mistake` is named if `got` is
/// `variant`, or has the transposed shape.
fn gradient(
    what: &str,
    expected: &Matrix,
    got: &Matrix,
    variant: Option<&Matrix>,
    mistake: &str,
) -> Result<(), Failure> {
    shape(what, got, expected.rows, expected.cols, mistake)?;
    compare(what, &expected.entries, &got.entries, 1e-6).map_err(|failure| match variant {
        Some(variant) => looks_like(failure, &got.entries, &variant.entries, mistake),
        None => failure,
    })
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

fn transpose(m: &Matrix) -> Matrix {
    let mut out = Matrix::zeros(m.cols, m.rows);
    for r in 0..m.rows {
        for c in 0..m.cols {
            out[(c, r)] = m[(r, c)];
        }
    }
    out
}

const SIGMA_AT_A: &str = "σ′ is evaluated at a instead of z: σ′(z) = σ(z)(1 − σ(z)) = a(1 − a), \
                          and you computed σ(a)(1 − σ(a)), the sigmoid applied twice";
const A_FORMULA_AT_Z: &str = "σ′ is evaluated at z with the formula meant for a: σ′(z) = a(1 − a) \
                              with a = σ(z), not z(1 − z)";
const NO_DERIVATIVE: &str = "the factor σ′(z) is missing: (W^{ℓ+1})ᵀ δ^{ℓ+1} is ∂L/∂a, and \
                             δ = ∂L/∂z needs ⊙ σ′(z) as well (6.7)";
const UNTRANSPOSED: &str = "the error goes back along the columns of W^{ℓ+1}: use (W^{ℓ+1})ᵀ δ^{ℓ+1}, \
                            not W^{ℓ+1} δ^{ℓ+1}";

/// The δ^ℓ that each typical BP2 mistake gives, with its name.
fn bp2_variants(
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
