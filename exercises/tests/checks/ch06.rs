//! Chapter 6's exercises: typical wrong answers fail with their mistake named, and the
//! library's own dense layer, sigmoid and generated backward pass pass the same checks.

use exercises::ch06_backpropagation::{Layer, LayerGradients, Matrix, TwoLayer, TwoLayerGradients};
use exercises::checks::ch06_backpropagation as check;
use exercises::solutions::ch06_backpropagation as solution;
use exercises::{Failure, Outcome};
use nabla::activation::{Sigmoid, apply, apply_derivative};
use nabla::dense::Dense;
use nabla::network::loss_and_gradients;
use nabla::{Batch, HeapMatrix};

/// The mistake a failing outcome names.
fn mistake(outcome: Outcome) -> String {
    match outcome {
        Outcome::Failed(Failure {
            likely_mistake: Some(m),
            ..
        }) => m,
        other => panic!("expected a failure with a named mistake, got {other:?}"),
    }
}

fn transpose(m: &Matrix) -> Matrix {
    let mut out = Matrix::zeros(m.cols, m.rows);
    for r in 0..m.rows {
        for c in 0..m.cols {
            out[(c, r)] = m[(r, c)];
        }
    }
    out
}

#[test]
fn a_forward_pass_without_the_bias_is_named() {
    let no_bias = |layer: &Layer, input: &Matrix| {
        let zero = Layer {
            bias: vec![0.0; layer.bias.len()],
            ..layer.clone()
        };
        solution::dense_forward(&zero, input)
    };
    assert!(mistake(check::dense_forward(no_bias)).contains("without the bias"));
}

#[test]
fn wrong_dense_backward_passes_fail_with_their_mistake_named() {
    let forward = solution::dense_forward;
    let transposed = |l: &Layer, a: &Matrix, d: &Matrix| {
        let right = solution::dense_backward(l, a, d);
        LayerGradients {
            weights: transpose(&right.weights),
            ..right
        }
    };
    assert!(mistake(check::dense_backward(transposed, forward)).contains("transposed"));
    let mean_bias = |l: &Layer, a: &Matrix, d: &Matrix| {
        let right = solution::dense_backward(l, a, d);
        let m = a.cols as f64;
        LayerGradients {
            bias: right.bias.iter().map(|b| b / m).collect(),
            ..right
        }
    };
    assert!(mistake(check::dense_backward(mean_bias, forward)).contains("summed over the batch"));
    let untransposed_input = |l: &Layer, a: &Matrix, d: &Matrix| {
        let right = solution::dense_backward(l, a, d);
        // W δ fits only a square layer; elsewhere keep the right answer so the square case decides.
        if l.weights.rows != l.weights.cols {
            return right;
        }
        let mut w_delta = Matrix::zeros(d.rows, d.cols);
        for j in 0..d.rows {
            for i in 0..d.cols {
                w_delta[(j, i)] = (0..d.rows).map(|k| l.weights[(j, k)] * d[(k, i)]).sum();
            }
        }
        LayerGradients {
            input: w_delta,
            ..right
        }
    };
    assert!(mistake(check::dense_backward(untransposed_input, forward)).contains("Wᵀ δ"));
}

/// `σ′` applied to the wrong argument, or missing: BP2 with `derivative(z, a)` as the factor.
fn bp2_with(
    derivative: fn(f64, f64) -> f64,
) -> impl Fn(&Matrix, &Matrix, &Matrix, &Matrix) -> Matrix + Copy {
    move |w: &Matrix, d: &Matrix, z: &Matrix, a: &Matrix| {
        let mut delta = Matrix::zeros(z.rows, z.cols);
        for j in 0..z.rows {
            for i in 0..z.cols {
                let back: f64 = (0..w.rows).map(|k| w[(k, j)] * d[(k, i)]).sum();
                delta[(j, i)] = back * derivative(z[(j, i)], a[(j, i)]);
            }
        }
        delta
    }
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

#[test]
fn sigma_prime_at_the_wrong_argument_is_named() {
    let forward = solution::dense_forward;
    let at_a = bp2_with(|_z, a| sigmoid(a) * (1.0 - sigmoid(a)));
    assert!(mistake(check::hidden_error(at_a, forward)).contains("evaluated at a instead of z"));
    let formula_at_z = bp2_with(|z, _a| z * (1.0 - z));
    assert!(mistake(check::hidden_error(formula_at_z, forward)).contains("not z(1 − z)"));
    let missing = bp2_with(|_z, _a| 1.0);
    assert!(mistake(check::hidden_error(missing, forward)).contains("σ′(z) is missing"));
}

/// The two-layer gradients with one piece replaced.
fn two_layer_with(
    bp2: impl Fn(&Matrix, &Matrix, &Matrix, &Matrix) -> Matrix + Copy,
    scale: f64,
    transpose_w2: bool,
) -> impl Fn(&TwoLayer, &Matrix, &[usize]) -> TwoLayerGradients {
    move |net: &TwoLayer, x: &Matrix, labels: &[usize]| {
        let z1 = solution::dense_forward(&net.hidden, x);
        let mut a1 = z1.clone();
        a1.entries.iter_mut().for_each(|z| *z = sigmoid(*z));
        let z2 = solution::dense_forward(&net.output, &a1);
        let mut delta2 = Matrix::zeros(z2.rows, z2.cols);
        for (i, &label) in labels.iter().enumerate() {
            let sum: f64 = (0..z2.rows).map(|k| z2[(k, i)].exp()).sum();
            for k in 0..z2.rows {
                let y = if k == label { 1.0 } else { 0.0 };
                delta2[(k, i)] = scale * (z2[(k, i)].exp() / sum - y) / x.cols as f64;
            }
        }
        let output = solution::dense_backward(&net.output, &a1, &delta2);
        let delta1 = bp2(&net.output.weights, &delta2, &z1, &a1);
        let hidden = solution::dense_backward(&net.hidden, x, &delta1);
        TwoLayerGradients {
            hidden_weights: hidden.weights,
            hidden_bias: hidden.bias,
            output_weights: if transpose_w2 {
                transpose(&output.weights)
            } else {
                output.weights
            },
            output_bias: output.bias,
        }
    }
}

#[test]
fn wrong_two_layer_gradients_fail_with_their_mistake_named() {
    let forward = solution::dense_forward;
    let right_bp2 = bp2_with(|_z, a| a * (1.0 - a));
    let at_a = bp2_with(|_z, a| sigmoid(a) * (1.0 - sigmoid(a)));
    let said = mistake(check::two_layer_gradients(
        two_layer_with(at_a, 1.0, false),
        forward,
    ));
    assert!(said.contains("evaluated at a instead of z"), "{said}");
    let formula_at_z = bp2_with(|z, _a| z * (1.0 - z));
    let said = mistake(check::two_layer_gradients(
        two_layer_with(formula_at_z, 1.0, false),
        forward,
    ));
    assert!(said.contains("not z(1 − z)"), "{said}");
    let missing = bp2_with(|_z, _a| 1.0);
    let said = mistake(check::two_layer_gradients(
        two_layer_with(missing, 1.0, false),
        forward,
    ));
    assert!(said.contains("σ′(z) is missing"), "{said}");
    let said = mistake(check::two_layer_gradients(
        two_layer_with(right_bp2, 1.0, true),
        forward,
    ));
    assert!(said.contains("transposed"), "{said}");
    let flipped = mistake(check::two_layer_gradients(
        two_layer_with(right_bp2, -1.0, false),
        forward,
    ));
    assert!(flipped.contains("wrong sign"), "{flipped}");
    // Without the 1/m every gradient is m times too large; the first network has m = 1, where
    // that is no mistake, so the second (m = 5) catches it.
    let no_mean = |net: &TwoLayer, x: &Matrix, labels: &[usize]| {
        two_layer_with(right_bp2, x.cols as f64, false)(net, x, labels)
    };
    let said = mistake(check::two_layer_gradients(no_mean, forward));
    assert!(said.contains("times too large"), "{said}");
}

fn to_dense<const IN: usize, const OUT: usize>(layer: &Layer) -> Dense<f64, IN, OUT> {
    Dense {
        weights: HeapMatrix::from_fn(|j, k| layer.weights[(j, k)]),
        bias: HeapMatrix::from_fn(|j, _| layer.bias[j]),
    }
}

fn to_batch<const N: usize>(m: &Matrix) -> Batch<f64, N> {
    Batch::from_fn(m.cols, |r, c| m[(r, c)])
}

fn from_batch<const N: usize>(b: &Batch<f64, N>) -> Matrix {
    let mut m = Matrix::zeros(N, b.ncols());
    for r in 0..N {
        for c in 0..b.ncols() {
            m[(r, c)] = b[(r, c)];
        }
    }
    m
}

fn from_heap<const R: usize, const C: usize>(h: &HeapMatrix<f64, R, C>) -> Matrix {
    let view = h.view();
    let mut m = Matrix::zeros(R, C);
    for r in 0..R {
        for c in 0..C {
            m[(r, c)] = view[(r, c)];
        }
    }
    m
}

fn library_forward<const IN: usize, const OUT: usize>(layer: &Layer, input: &Matrix) -> Matrix {
    from_batch(&to_dense::<IN, OUT>(layer).forward(&to_batch::<IN>(input)))
}

fn library_backward<const IN: usize, const OUT: usize>(
    layer: &Layer,
    input: &Matrix,
    delta: &Matrix,
) -> LayerGradients {
    let dense = to_dense::<IN, OUT>(layer);
    let mut gradients = Dense::zeros();
    let mut input_gradient = Batch::zeros(input.cols);
    dense.backward(
        &to_batch(input),
        &to_batch(delta),
        &mut gradients,
        Some(&mut input_gradient),
    );
    LayerGradients {
        weights: from_heap(&gradients.weights),
        bias: gradients.bias.as_slice().to_vec(),
        input: from_batch(&input_gradient),
    }
}

/// `(W^{ℓ+1})ᵀ δ^{ℓ+1}` from the library's dense backward, then its sigmoid's derivative.
fn library_hidden_error<const UNITS: usize, const NEXT: usize>(
    w: &Matrix,
    d: &Matrix,
    z: &Matrix,
    a: &Matrix,
) -> Matrix {
    let next = Layer {
        weights: w.clone(),
        bias: vec![0.0; NEXT],
    };
    let dense = to_dense::<UNITS, NEXT>(&next);
    let mut gradients = Dense::zeros();
    let mut delta = Batch::zeros(z.cols);
    dense.backward(&to_batch(a), &to_batch(d), &mut gradients, Some(&mut delta));
    apply_derivative(&Sigmoid, &to_batch::<UNITS>(z), &to_batch(a), &mut delta);
    from_batch(&delta)
}

#[test]
fn the_library_passes_the_same_checks() {
    let forward = |l: &Layer, a: &Matrix| match (l.weights.rows, l.weights.cols) {
        (3, 2) => library_forward::<2, 3>(l, a),
        (3, 3) => library_forward::<3, 3>(l, a),
        (2, 4) => library_forward::<4, 2>(l, a),
        (2, 2) => library_forward::<2, 2>(l, a),
        (4, 3) => library_forward::<3, 4>(l, a),
        (3, 4) => library_forward::<4, 3>(l, a),
        shape => panic!("no adapter for {shape:?}"),
    };
    let outcome = check::dense_forward(forward);
    assert!(outcome.passed(), "{outcome:?}");
    let backward = |l: &Layer, a: &Matrix, d: &Matrix| match (l.weights.rows, l.weights.cols) {
        (3, 2) => library_backward::<2, 3>(l, a, d),
        (3, 3) => library_backward::<3, 3>(l, a, d),
        (2, 4) => library_backward::<4, 2>(l, a, d),
        (2, 2) => library_backward::<2, 2>(l, a, d),
        (4, 3) => library_backward::<3, 4>(l, a, d),
        (3, 4) => library_backward::<4, 3>(l, a, d),
        shape => panic!("no adapter for {shape:?}"),
    };
    let outcome = check::dense_backward(backward, forward);
    assert!(
        outcome.passed() && outcome_says(&outcome, "your dense_forward"),
        "{outcome:?}"
    );
    let hidden = |w: &Matrix, d: &Matrix, z: &Matrix, a: &Matrix| match (w.rows, w.cols) {
        (3, 2) => library_hidden_error::<2, 3>(w, d, z, a),
        (3, 3) => library_hidden_error::<3, 3>(w, d, z, a),
        (2, 4) => library_hidden_error::<4, 2>(w, d, z, a),
        shape => panic!("no adapter for {shape:?}"),
    };
    let outcome = check::hidden_error(hidden, forward);
    assert!(outcome.passed(), "{outcome:?}");
    let outcome = check::two_layer_gradients(library_two_layer, forward);
    assert!(outcome.passed(), "{outcome:?}");
}

fn outcome_says(outcome: &Outcome, text: &str) -> bool {
    matches!(outcome, Outcome::Passed(said) if said.contains(text))
}

nabla::network! { struct Tiny: 2 => sigmoid 2 => softmax 2 }
nabla::network! { struct Wide: 3 => sigmoid 4 => softmax 3 }
nabla::network! { struct Square: 3 => sigmoid 3 => softmax 3 }

/// The gradients of `network!`'s generated backward pass, with the library's loss.
fn library_two_layer(net: &TwoLayer, x: &Matrix, labels: &[usize]) -> TwoLayerGradients {
    macro_rules! run {
        ($network:ident, $inputs:literal, $hidden:literal, $classes:literal) => {{
            let network = $network::<f64> {
                layer1: to_dense(&net.hidden),
                layer2: to_dense(&net.output),
            };
            let labels: Vec<u8> = labels.iter().map(|&l| l as u8).collect();
            let targets = nabla::batch::one_hot::<f64, $classes>(&labels);
            let (_, g) =
                loss_and_gradients(&network, &network.loss(), &to_batch::<$inputs>(x), &targets);
            TwoLayerGradients {
                hidden_weights: from_heap(&g.layer1.weights),
                hidden_bias: g.layer1.bias.as_slice().to_vec(),
                output_weights: from_heap(&g.layer2.weights),
                output_bias: g.layer2.bias.as_slice().to_vec(),
            }
        }};
    }
    match (x.rows, net.hidden.bias.len()) {
        (2, 2) => run!(Tiny, 2, 2, 2),
        (3, 4) => run!(Wide, 3, 4, 3),
        (3, 3) => run!(Square, 3, 3, 3),
        shape => panic!("no network for {shape:?}"),
    }
}

#[test]
fn the_library_sigmoid_is_what_the_checks_assume() {
    let z = Batch::<f64, 1>::from_fn(1, |_, _| 0.3);
    let mut a = Batch::zeros(1);
    apply(&Sigmoid, &z, &mut a);
    assert!((a[(0, 0)] - sigmoid(0.3)).abs() < 1e-15);
}
