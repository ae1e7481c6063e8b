//! The exercises' checks, run on the library's `Dense` layer, its sigmoid and `network!`'s
//! generated backward pass: one function verifies each equation for the book and grades the
//! learner's answer. The exercises' `Matrix` is stored row after row and sized at run time, the
//! library's matrices column after column with const sizes: the adapters copy in and out, and
//! pick the const sizes from the run-time shapes the checks use.

use exercises::ch06_backpropagation::{Layer, LayerGradients, Matrix, TwoLayer, TwoLayerGradients};
use exercises::checks::ch06_backpropagation as check;
use nabla::activation::{Sigmoid, apply_derivative};
use nabla::dense::Dense;
use nabla::network::loss_and_gradients;
use nabla::{Batch, HeapMatrix};

fn to_dense<const IN: usize, const OUT: usize>(layer: &Layer) -> Dense<f64, IN, OUT> {
    Dense {
        weights: HeapMatrix::from_fn(|j, k| layer.weights[(j, k)]),
        bias: HeapMatrix::from_fn(|j, _| layer.bias[j]),
    }
}

fn to_batch<const N: usize>(m: &Matrix) -> Batch<f64, N> {
    Batch::from_fn(m.cols, |r, c| m[(r, c)])
}

/// A `rows × cols` `Matrix` whose entry (r, c) is `at(r, c)`.
fn matrix_from(rows: usize, cols: usize, at: impl Fn(usize, usize) -> f64) -> Matrix {
    let entries = (0..rows * cols).map(|n| at(n / cols, n % cols)).collect();
    Matrix {
        rows,
        cols,
        entries,
    }
}

fn from_batch<const N: usize>(b: &Batch<f64, N>) -> Matrix {
    matrix_from(N, b.ncols(), |r, c| b[(r, c)])
}

fn from_heap<const R: usize, const C: usize>(h: &HeapMatrix<f64, R, C>) -> Matrix {
    let view = h.view();
    matrix_from(R, C, |r, c| view[(r, c)])
}

/// `Dense::forward`.
fn forward<const IN: usize, const OUT: usize>(layer: &Layer, input: &Matrix) -> Matrix {
    from_batch(&to_dense::<IN, OUT>(layer).forward(&to_batch::<IN>(input)))
}

/// `Dense::backward`, asked for the input gradient too.
fn backward<const IN: usize, const OUT: usize>(
    layer: &Layer,
    input: &Matrix,
    delta: &Matrix,
) -> LayerGradients {
    let mut gradients = Dense::zeros();
    let mut input_gradient = Batch::zeros(input.cols);
    to_dense::<IN, OUT>(layer).backward(
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

/// `(W^{ℓ+1})ᵀ δ^{ℓ+1}` from the next layer's `Dense::backward`, then `apply_derivative`
/// of the sigmoid: how the generated backward pass computes δˡ.
fn hidden<const UNITS: usize, const NEXT: usize>(
    w: &Matrix,
    d: &Matrix,
    z: &Matrix,
    a: &Matrix,
) -> Matrix {
    let next = Layer {
        weights: w.clone(),
        bias: vec![0.0; NEXT],
    };
    let mut gradients = Dense::zeros();
    let mut delta = Batch::zeros(z.cols);
    let dense = to_dense::<UNITS, NEXT>(&next);
    dense.backward(&to_batch(a), &to_batch(d), &mut gradients, Some(&mut delta));
    apply_derivative(&Sigmoid, &to_batch::<UNITS>(z), &to_batch(a), &mut delta);
    from_batch(&delta)
}

/// `forward` for every (n_out, n_in) the checks use.
fn library_forward(l: &Layer, a: &Matrix) -> Matrix {
    match (l.weights.rows, l.weights.cols) {
        (3, 2) => forward::<2, 3>(l, a),
        (3, 3) => forward::<3, 3>(l, a),
        (2, 4) => forward::<4, 2>(l, a),
        (2, 2) => forward::<2, 2>(l, a),
        (4, 3) => forward::<3, 4>(l, a),
        (3, 4) => forward::<4, 3>(l, a),
        shape => panic!("no adapter for {shape:?}"),
    }
}

/// (6.1): the check of exercise 6.1 passes `Dense::forward`.
#[test]
fn eq_6_1_the_librarys_dense_forward_passes_the_exercise_check() {
    let outcome = check::dense_forward(library_forward);
    assert!(outcome.passed(), "{outcome:?}");
}

/// (6.6), (6.8) and (6.9): the check of exercise 6.2 passes `Dense::backward`, against
/// central differences of `⟨δ, Dense::forward(W, b, a)⟩`.
#[test]
fn eq_6_9_the_librarys_dense_layer_passes_the_exercise_checks() {
    let library_backward =
        |l: &Layer, a: &Matrix, d: &Matrix| match (l.weights.rows, l.weights.cols) {
            (3, 2) => backward::<2, 3>(l, a, d),
            (3, 3) => backward::<3, 3>(l, a, d),
            (2, 4) => backward::<4, 2>(l, a, d),
            shape => panic!("no adapter for {shape:?}"),
        };
    let outcome = check::dense_backward(library_backward, library_forward);
    let differenced_the_library = matches!(
        &outcome, exercises::Outcome::Passed(said) if said.contains("your dense_forward")
    );
    assert!(differenced_the_library, "{outcome:?}");
}

/// (6.7): the check of exercise 6.3 passes BP2 as the library computes it.
#[test]
fn eq_6_7_the_librarys_error_recursion_passes_the_exercise_check() {
    let library_hidden = |w: &Matrix, d: &Matrix, z: &Matrix, a: &Matrix| match (w.rows, w.cols) {
        (3, 2) => hidden::<2, 3>(w, d, z, a),
        (3, 3) => hidden::<3, 3>(w, d, z, a),
        (2, 4) => hidden::<4, 2>(w, d, z, a),
        shape => panic!("no adapter for {shape:?}"),
    };
    let outcome = check::hidden_error(library_hidden, library_forward);
    assert!(outcome.passed(), "{outcome:?}");
}

nabla::network! { struct Tiny: 2 => sigmoid 2 => softmax 2 }
nabla::network! { struct Wide: 3 => sigmoid 4 => softmax 3 }
nabla::network! { struct Square: 3 => sigmoid 3 => softmax 3 }

/// The gradients of `network!`'s generated backward pass with its softmax cross-entropy.
fn library_two_layer(net: &TwoLayer, x: &Matrix, labels: &[usize]) -> TwoLayerGradients {
    macro_rules! run {
        ($network:ident, $inputs:literal, $classes:literal) => {{
            let network = $network::<f64> {
                layer1: to_dense(&net.hidden),
                layer2: to_dense(&net.output),
            };
            let labels: Vec<u8> = labels.iter().map(|&l| l as u8).collect();
            let targets = nabla::batch::one_hot::<f64, $classes>(&labels);
            let input = to_batch::<$inputs>(x);
            let (_, g) = loss_and_gradients(&network, &network.loss(), &input, &targets);
            TwoLayerGradients {
                hidden_weights: from_heap(&g.layer1.weights),
                hidden_bias: g.layer1.bias.as_slice().to_vec(),
                output_weights: from_heap(&g.layer2.weights),
                output_bias: g.layer2.bias.as_slice().to_vec(),
            }
        }};
    }
    match (x.rows, net.hidden.bias.len()) {
        (2, 2) => run!(Tiny, 2, 2),
        (3, 4) => run!(Wide, 3, 3),
        (3, 3) => run!(Square, 3, 3),
        shape => panic!("no network for {shape:?}"),
    }
}

/// (6.5) with (6.7)–(6.9): the check of exercise 6.4 (all four equations for
/// `n₀ => sigmoid n₁ => softmax K`) passes the backward pass `network!` generates.
#[test]
fn eq_6_5_the_generated_backward_pass_passes_the_exercise_check() {
    let outcome = check::two_layer_gradients(library_two_layer, library_forward);
    assert!(outcome.passed(), "{outcome:?}");
}
