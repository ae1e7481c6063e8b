//! The exercise checks of chapter 5 run on the library (5.9, 5.10, 5.11).

/// (5.11) The check that grades the learner's log-sum-exp (exercise 5.2) passes the library's:
/// one function verifies the equation for the book and for the learner.
#[test]
fn eq_5_11_the_librarys_log_sum_exp_passes_the_exercise_check() {
    let outcome = exercises::checks::ch05_losses::log_sum_exp(nabla::loss::log_sum_exp::<f64>);
    assert!(outcome.passed(), "{outcome:?}");
}

/// The library's `SoftmaxCrossEntropy` on one sample of `K` logits: its loss and gradient.
fn library_softmax_cross_entropy<const K: usize>(z: &[f64], label: usize) -> (f64, Vec<f64>) {
    use nabla::loss::{Loss, SoftmaxCrossEntropy};
    let logits = nabla::Batch::<f64, K>::from_column_slice(z);
    let targets = nabla::batch::one_hot::<f64, K>(&[label as u8]);
    let mut gradient = logits.clone();
    let value = SoftmaxCrossEntropy.value_and_gradient(&logits, &targets, &mut gradient);
    (value, gradient.as_slice().to_vec())
}

/// `library_softmax_cross_entropy` for the sizes the exercise's checks use.
fn library_for(z: &[f64], label: usize) -> (f64, Vec<f64>) {
    match z.len() {
        2 => library_softmax_cross_entropy::<2>(z, label),
        3 => library_softmax_cross_entropy::<3>(z, label),
        4 => library_softmax_cross_entropy::<4>(z, label),
        n => panic!("no case with {n} logits"),
    }
}

/// (5.10) and (5.9): the checks of exercises 5.3 and 5.4 pass the library's
/// `SoftmaxCrossEntropy`, its gradient compared with central differences of its loss.
#[test]
fn eq_5_10_the_librarys_softmax_cross_entropy_passes_the_exercise_checks() {
    use exercises::checks::ch05_losses::{softmax_cross_entropy, softmax_cross_entropy_gradient};
    let loss = |z: &[f64], label: usize| library_for(z, label).0;
    let gradient = |z: &[f64], label: usize| library_for(z, label).1;
    let outcome = softmax_cross_entropy(loss);
    assert!(outcome.passed(), "{outcome:?}");
    let outcome = softmax_cross_entropy_gradient(gradient, loss);
    assert!(outcome.passed(), "{outcome:?}");
}
