//! Chapter 6's exercises: typical wrong answers fail with their mistake named, and the library's
//! sigmoid is the one the checks assume. That the library's dense layer and generated backward
//! pass pass the same checks is tested by the book's equation tests
//! (`tests/chapters/ch06_backpropagation/exercise_checks.rs`).

use exercises::ch06_backpropagation::{Layer, LayerGradients, Matrix, TwoLayer, TwoLayerGradients};
use exercises::checks::ch06_backpropagation as check;
use exercises::solutions::ch06_backpropagation as solution;
use exercises::{Failure, Outcome};
use nabla::Batch;
use nabla::activation::{Sigmoid, apply};

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

#[test]
fn the_library_sigmoid_is_what_the_checks_assume() {
    let z = Batch::<f64, 1>::from_fn(1, |_, _| 0.3);
    let mut a = Batch::zeros(1);
    apply(&Sigmoid, &z, &mut a);
    assert!((a[(0, 0)] - sigmoid(0.3)).abs() < 1e-15);
}
