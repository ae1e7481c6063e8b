//! The dense layer `Z = W X + b 1ᵀ` and its three backward products, for the loss
//! `C = Σ R ⊙ Z` with a random `R` (so the layer's error is `δ = ∂L/∂Z = R`):
//! `∂L/∂W = δ Xᵀ`, `∂L/∂b = δ 1` and `∂L/∂X = Wᵀ δ`.
//!
//! nalgebra sends a product to its fast `gemm` kernel only when every dimension exceeds 5, so each
//! equation is checked at sizes above that (7 inputs, 6 outputs, a batch of 8) as well as at tiny
//! and mixed sizes that take the simple loop.

use nabla::dense::Dense;
use nabla::gradcheck::check_gradients;
use nabla::nalgebra::DMatrix;
use nabla::network::Parameters;
use nabla::{Batch, HeapMatrix, linalg};
use nabla_tests::{
    TOLERANCE, Tensors, assert_gradients_match, assert_restored, finite_difference_gradient,
    options, reference_affine, seeded, uniform_batch, uniform_dense,
};
use rand::Rng;

/// A layer, a batch and the weights `R` of the loss `C = Σ R ⊙ (W X + b)`.
struct Setup<const IN: usize, const OUT: usize> {
    layer: Dense<f64, IN, OUT>,
    input: Batch<f64, IN>,
    delta: Batch<f64, OUT>,
}

impl<const IN: usize, const OUT: usize> Setup<IN, OUT> {
    fn new(samples: usize, seed: u64) -> Self {
        let mut rng = seeded(seed);
        Self {
            layer: uniform_dense(&mut rng),
            input: uniform_batch(&mut rng, samples, -1.0, 1.0),
            delta: uniform_batch(&mut rng, samples, -1.0, 1.0),
        }
    }

    /// `C = Σ R ⊙ (W X + b)` for any layer and input.
    fn loss(&self, layer: &Dense<f64, IN, OUT>, input: &Batch<f64, IN>) -> f64 {
        layer.forward(input).component_mul(&self.delta).sum()
    }

    /// The backward pass: (∂L/∂W and ∂L/∂b as a layer, ∂L/∂X).
    fn backward(&self) -> (Dense<f64, IN, OUT>, Batch<f64, IN>) {
        // Start from garbage: the backward pass must overwrite, not accumulate.
        let mut gradients = self.layer.clone();
        let mut input_gradient = Batch::from_element(self.input.ncols() + 1, 123.0);
        self.layer.backward(
            &self.input,
            &self.delta,
            &mut gradients,
            Some(&mut input_gradient),
        );
        (gradients, input_gradient)
    }

    fn columns(&self) -> usize {
        self.input.ncols()
    }
}

fn as_dmatrix(slice: &[f64], rows: usize, columns: usize) -> DMatrix<f64> {
    DMatrix::from_column_slice(rows, columns, slice)
}

/// Asserts two matrices agree to rounding (the same sums, possibly in another order).
fn assert_close(what: &str, actual: &DMatrix<f64>, expected: &DMatrix<f64>) {
    assert_eq!(actual.shape(), expected.shape(), "{what}: shape");
    let error = (actual - expected).amax();
    assert!(
        error < 1e-13,
        "{what}: off by {error:e}\n{actual}\nexpected{expected}"
    );
}

fn forward_case<const IN: usize, const OUT: usize>(samples: usize, seed: u64) {
    let setup = Setup::<IN, OUT>::new(samples, seed);
    let z = setup.layer.forward(&setup.input);
    let expected = reference_affine(&setup.layer.weights, &setup.layer.bias, &setup.input);
    assert_close(
        &format!("W x + b, {IN} → {OUT}, batch {samples}"),
        &as_dmatrix(z.as_slice(), OUT, samples),
        &expected,
    );
    // `forward_into` resizes a buffer of the wrong width and overwrites its contents.
    let mut buffer = Batch::from_element(samples + 3, f64::NAN);
    setup.layer.forward_into(&setup.input, &mut buffer);
    assert_eq!(buffer, z);
}

fn weight_gradient_case<const IN: usize, const OUT: usize>(samples: usize, seed: u64) {
    let setup = Setup::<IN, OUT>::new(samples, seed);
    let (gradients, _) = setup.backward();
    let what = format!("∂L/∂W, {IN} → {OUT}, batch {samples}");
    // ∂L/∂W = δ Xᵀ, with nalgebra's operators on owned matrices.
    let delta = as_dmatrix(setup.delta.as_slice(), OUT, samples);
    let input = as_dmatrix(setup.input.as_slice(), IN, samples);
    assert_close(
        &what,
        &as_dmatrix(gradients.weights.as_slice(), OUT, IN),
        &(&delta * input.transpose()),
    );
    let numeric = finite_difference_gradient(
        |weights| {
            let mut layer = setup.layer.clone();
            layer.weights = HeapMatrix::from_column_slice(weights).expect("OUT × IN weights");
            setup.loss(&layer, &setup.input)
        },
        setup.layer.weights.as_slice(),
    );
    assert_gradients_match(&what, gradients.weights.as_slice(), &numeric);
}

fn bias_gradient_case<const IN: usize, const OUT: usize>(samples: usize, seed: u64) {
    let setup = Setup::<IN, OUT>::new(samples, seed);
    let (gradients, _) = setup.backward();
    let what = format!("∂L/∂b, {IN} → {OUT}, batch {samples}");
    // ∂L/∂b = δ 1: each bias gets the sum of its row of δ over the batch.
    let row_sums: Vec<f64> = (0..OUT).map(|j| setup.delta.row(j).sum()).collect();
    assert_close(
        &what,
        &as_dmatrix(gradients.bias.as_slice(), OUT, 1),
        &as_dmatrix(&row_sums, OUT, 1),
    );
    let numeric = finite_difference_gradient(
        |bias| {
            let mut layer = setup.layer.clone();
            layer.bias = HeapMatrix::from_column_slice(bias).expect("OUT biases");
            setup.loss(&layer, &setup.input)
        },
        setup.layer.bias.as_slice(),
    );
    assert_gradients_match(&what, gradients.bias.as_slice(), &numeric);
}

fn input_gradient_case<const IN: usize, const OUT: usize>(samples: usize, seed: u64) {
    let setup = Setup::<IN, OUT>::new(samples, seed);
    let (_, input_gradient) = setup.backward();
    let what = format!("∂L/∂X, {IN} → {OUT}, batch {samples}");
    assert_eq!(input_gradient.ncols(), setup.columns(), "{what}: shape");
    // ∂L/∂X = Wᵀ δ.
    let weights = as_dmatrix(setup.layer.weights.as_slice(), OUT, IN);
    let delta = as_dmatrix(setup.delta.as_slice(), OUT, samples);
    assert_close(
        &what,
        &as_dmatrix(input_gradient.as_slice(), IN, samples),
        &(weights.transpose() * &delta),
    );
    // The inputs as a model, so the library's checker can perturb them.
    let mut inputs = Tensors(vec![setup.input.as_slice().to_vec()]);
    let analytic = Tensors(vec![input_gradient.as_slice().to_vec()]);
    let report = check_gradients(
        &mut inputs,
        &analytic,
        |inputs| setup.loss(&setup.layer, &Batch::from_column_slice(&inputs.0[0])),
        options(),
    );
    assert_eq!(report.checked, IN * samples);
    assert!(report.max_relative_error <= TOLERANCE, "{what}: {report:?}");
}

/// ∂L/∂W and ∂L/∂b together, by the library's gradient checker over every parameter.
fn parameter_gradient_case<const IN: usize, const OUT: usize>(samples: usize, seed: u64) {
    let setup = Setup::<IN, OUT>::new(samples, seed);
    let (gradients, _) = setup.backward();
    let mut layer = setup.layer.clone();
    let report = check_gradients(
        &mut layer,
        &gradients,
        |layer| setup.loss(layer, &setup.input),
        options(),
    );
    assert_eq!(report.checked, IN * OUT + OUT);
    assert_eq!(report.checked, layer.parameter_count());
    assert!(
        report.max_relative_error <= TOLERANCE,
        "{IN} → {OUT}, batch {samples}: {report:?}"
    );
    assert_restored("dense layer", &layer, &setup.layer);
}

#[test]
fn dense_forward_is_weights_times_input_plus_bias() {
    forward_case::<7, 6>(8, 1);
    forward_case::<3, 2>(1, 2);
    forward_case::<9, 7>(3, 3);
    forward_case::<1, 1>(2, 4);
}

#[test]
fn dense_weight_gradient_is_delta_times_input_transpose() {
    weight_gradient_case::<7, 6>(8, 5);
    weight_gradient_case::<3, 2>(1, 6);
    weight_gradient_case::<9, 7>(3, 7);
    weight_gradient_case::<1, 1>(2, 8);
}

#[test]
fn dense_bias_gradient_is_delta_row_sums() {
    bias_gradient_case::<7, 6>(8, 9);
    bias_gradient_case::<3, 2>(1, 10);
    bias_gradient_case::<9, 7>(3, 11);
    bias_gradient_case::<1, 1>(2, 12);
}

#[test]
fn dense_input_gradient_is_weights_transpose_times_delta() {
    input_gradient_case::<7, 6>(8, 13);
    input_gradient_case::<3, 2>(1, 14);
    input_gradient_case::<9, 7>(3, 15);
    input_gradient_case::<1, 1>(2, 16);
}

#[test]
fn dense_parameter_gradients_pass_the_gradient_check() {
    parameter_gradient_case::<7, 6>(8, 17);
    parameter_gradient_case::<3, 2>(1, 18);
    parameter_gradient_case::<6, 9>(7, 19);
}

#[test]
fn matrix_products_match_nalgebra_operators_at_every_size() {
    // The three products behind the dense layer, `A B`, `A Bᵀ` and `Aᵀ B`, against nalgebra's
    // operators on owned matrices, for every shape from 1 to 7 in each dimension: nalgebra takes
    // its simple loop when any dimension is 5 or less and its `gemm` kernel otherwise.
    let mut rng = seeded(20);
    for m in 1..=7 {
        for k in 1..=7 {
            for n in 1..=7 {
                let a = DMatrix::from_fn(m, k, |_, _| rng.random_range(-1.0..1.0));
                let b = DMatrix::from_fn(k, n, |_, _| rng.random_range(-1.0..1.0));
                let expected = &a * &b;
                let (a_transposed, b_transposed) = (a.transpose(), b.transpose());
                let mut out = vec![f64::NAN; m * n];
                linalg::mul(&mut out, a.as_slice(), b.as_slice(), m, k, n);
                assert_close(
                    &format!("A B, {m}×{k}·{k}×{n}"),
                    &as_dmatrix(&out, m, n),
                    &expected,
                );
                out.fill(f64::NAN);
                linalg::mul_transpose_b(&mut out, a.as_slice(), b_transposed.as_slice(), m, k, n);
                assert_close(
                    &format!("A Bᵀ, {m}×{k}·{k}×{n}"),
                    &as_dmatrix(&out, m, n),
                    &expected,
                );
                out.fill(f64::NAN);
                linalg::mul_transpose_a(&mut out, a_transposed.as_slice(), b.as_slice(), m, k, n);
                assert_close(
                    &format!("Aᵀ B, {m}×{k}·{k}×{n}"),
                    &as_dmatrix(&out, m, n),
                    &expected,
                );
            }
        }
    }
}
