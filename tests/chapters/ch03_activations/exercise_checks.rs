//! The exercise checks of chapter 3 run on the library (3.2, 3.7, 3.10, 3.13, 3.14, 3.16).
//!
//! The exercises' checks, run on the library: one function verifies each equation for the book
//! and grades the learner's answer. The library differentiates at z, the exercises from the
//! output a, so the adapters recover z from a: by the log-odds (3.5) and by atanh.

use super::*;

/// (3.2): the check of exercise 3.1 passes the library's `Sigmoid::derivative`, at
/// `z = ln(a / (1 − a))`.
#[test]
fn eq_3_2_the_librarys_sigmoid_derivative_passes_the_exercise_check() {
    let from_output = |a: f64| Elementwise::<f64>::derivative(&Sigmoid, (a / (1.0 - a)).ln());
    let outcome = exercises::checks::ch03_activations::sigmoid_derivative(from_output);
    assert!(outcome.passed(), "{outcome:?}");
}

/// (3.7): the check of exercise 3.2 passes the library's `Tanh::derivative`, at `z = atanh a`.
#[test]
fn eq_3_7_the_librarys_tanh_derivative_passes_the_exercise_check() {
    let from_output = |a: f64| Elementwise::<f64>::derivative(&Tanh, a.atanh());
    let outcome = exercises::checks::ch03_activations::tanh_derivative(from_output);
    assert!(outcome.passed(), "{outcome:?}");
}

/// (3.10): the check of exercise 3.3 passes the library's `Relu::derivative`, 0 at the kink.
#[test]
fn eq_3_10_the_librarys_relu_derivative_passes_the_exercise_check() {
    let derivative = |z: f64| Elementwise::<f64>::derivative(&Relu, z);
    let outcome = exercises::checks::ch03_activations::relu_derivative(derivative);
    assert!(outcome.passed(), "{outcome:?}");
}

/// The library's softmax of one column.
fn library_softmax(z: &[f64]) -> Vec<f64> {
    let mut s = vec![0.0; z.len()];
    softmax_into(z, &mut s);
    s
}

/// (3.13) and (3.14): the check of exercise 3.4 passes the library's `softmax_into`, on logits
/// of ±1000 whose exponentials overflow or vanish, which the tests above do not reach.
#[test]
fn eq_3_14_the_librarys_softmax_passes_the_exercise_check() {
    let outcome = exercises::checks::ch03_activations::softmax(library_softmax);
    assert!(outcome.passed(), "{outcome:?}");
}

/// (3.16): the check of exercise 3.5 passes the library's `Softmax::backward` on one column,
/// against central differences of `g · softmax(z)` through the library's softmax.
#[test]
fn eq_3_16_the_librarys_softmax_backward_passes_the_exercise_check() {
    let backward = |z: &[f64], g: &[f64]| {
        let s = library_softmax(z);
        let mut gradient = g.to_vec();
        Softmax.backward(z, &s, &mut gradient, z.len());
        gradient
    };
    let outcome = exercises::checks::ch03_activations::softmax_backward(backward, library_softmax);
    assert!(outcome.passed(), "{outcome:?}");
}
