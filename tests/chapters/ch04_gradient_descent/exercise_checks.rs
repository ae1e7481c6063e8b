//! The exercise checks of chapter 4 run on the library (4.2, 4.3–4.4, 4.5–4.6, 4.10).
//!
//! The exercises' checks, run on the library's network `1 => identity 1` with its
//! `MeanSquaredError` and `Sgd`: one function verifies each equation for the book and grades the
//! learner's answer.

use super::*;

/// The network holding the line (w, b), and the points as batches.
fn line_and_batches(
    w: f64,
    b: f64,
    xs: &[f64],
    ys: &[f64],
) -> (LineNetwork<f64>, Batch<f64, 1>, Batch<f64, 1>) {
    let inputs = Batch::<f64, 1>::from_column_slice(xs);
    let targets = Batch::<f64, 1>::from_column_slice(ys);
    (network(Line { w, b }), inputs, targets)
}

/// The library's loss of the line (w, b) on the points.
fn library_loss(w: f64, b: f64, xs: &[f64], ys: &[f64]) -> f64 {
    let (network, inputs, targets) = line_and_batches(w, b, xs, ys);
    MeanSquaredError.value(&network.logits(&inputs), &targets)
}

/// The library's gradients of its loss with respect to the network's parameters.
fn library_gradients(
    network: &LineNetwork<f64>,
    inputs: &Batch<f64, 1>,
    targets: &Batch<f64, 1>,
) -> LineNetwork<f64> {
    let (mut trace, mut gradients) = (Default::default(), network.zeros_like());
    let mut output_gradient = Batch::zeros(0);
    let outputs = network.forward_trace(inputs, nabla::layer::Pass::train(0), &mut trace);
    MeanSquaredError.value_and_gradient(outputs, targets, &mut output_gradient);
    network.backward(inputs, &mut trace, &output_gradient, &mut gradients);
    gradients
}

/// One step of the library's `Sgd` on the points, the line copied in and out.
fn library_step(w: &mut f64, b: &mut f64, xs: &[f64], ys: &[f64], eta: f64) {
    let (mut network, inputs, targets) = line_and_batches(*w, *b, xs, ys);
    let gradients = library_gradients(&network, &inputs, &targets);
    Sgd::new(eta).step(&mut network, &gradients);
    (*w, *b) = (
        network.layer1.weights.as_slice()[0],
        network.layer1.bias.as_slice()[0],
    );
}

/// (4.2): the check of exercise 4.1 passes the library's `MeanSquaredError`.
#[test]
fn eq_4_2_the_librarys_mse_passes_the_exercise_check() {
    let outcome = exercises::checks::ch04_gradient_descent::mse_loss(library_loss);
    assert!(outcome.passed(), "{outcome:?}");
}

/// (4.3) and (4.4): the check of exercise 4.2 passes the library's backward pass, against
/// central differences of the library's loss.
#[test]
fn eq_4_3_the_librarys_backward_pass_passes_the_exercise_check() {
    let gradient = |w, b, xs: &[f64], ys: &[f64]| {
        let (network, inputs, targets) = line_and_batches(w, b, xs, ys);
        let g = library_gradients(&network, &inputs, &targets);
        [g.layer1.weights.as_slice()[0], g.layer1.bias.as_slice()[0]]
    };
    let outcome = exercises::checks::ch04_gradient_descent::mse_gradient(gradient, library_loss);
    assert!(outcome.passed(), "{outcome:?}");
}

/// (4.5) and (4.6): the check of exercise 4.3 passes a step of the library's `Sgd`, which
/// reaches the least-squares line in 300 steps.
#[test]
fn eq_4_5_the_librarys_sgd_step_passes_the_exercise_check() {
    let check = exercises::checks::ch04_gradient_descent::gradient_descent_step;
    let outcome = check(library_step, library_loss);
    assert!(outcome.passed(), "{outcome:?}");
}

/// (4.10): the check of exercise 4.4 passes the library's `Sgd` stepping once per batch cut from
/// the given order, the library's loss a mean over each batch's own points.
#[test]
fn eq_4_10_library_steps_batch_by_batch_pass_the_exercise_check() {
    let epoch = |w: &mut f64, b: &mut f64, xs: &[f64], ys: &[f64], order: &[usize], m, eta| {
        for batch in order.chunks(m) {
            let (bx, by): (Vec<f64>, Vec<f64>) = batch.iter().map(|&i| (xs[i], ys[i])).unzip();
            library_step(w, b, &bx, &by, eta);
        }
    };
    let outcome = exercises::checks::ch04_gradient_descent::minibatch_epoch(epoch);
    assert!(outcome.passed(), "{outcome:?}");
}
