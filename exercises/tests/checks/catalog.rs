//! The catalog keeps its promises: every reference solution passes its check, every stub
//! that is still a `todo!()` is reported as not started (never as a crash), and typical wrong
//! answers fail with the mistake they make named.

use exercises::checks::{ch02_neuron, ch05_losses};
use exercises::{Outcome, all, select};
use std::path::Path;

#[test]
fn every_reference_solution_passes_its_check() {
    let mut count = 0;
    for exercise in all() {
        count += 1;
        let outcome = (exercise.solution)();
        assert!(outcome.passed(), "{}: {outcome:?}", exercise.id);
    }
    assert!(count >= 6, "only {count} exercises");
}

#[test]
fn a_stub_still_calling_todo_is_not_started_and_nothing_crashes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for exercise in all() {
        let source = std::fs::read_to_string(root.join(exercise.file)).expect("the stub's file");
        // A learner who has started may pass or fail; a shipped stub must say "not started".
        let outcome = (exercise.check)();
        let name = exercise.id.split('.').nth(1).expect("chNN.name");
        let stub = source
            .split(&format!("pub fn {name}("))
            .nth(1)
            .and_then(|rest| rest.split("\npub fn ").next())
            .expect("the stub's function");
        if stub.contains("todo!(\"EXERCISE") {
            assert_eq!(outcome, Outcome::NotStarted, "{}", exercise.id);
        }
    }
}

#[test]
fn every_exercise_has_graded_hints_and_a_file_that_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for exercise in all() {
        assert!(
            exercise.hints.len() >= 2,
            "{} needs a nudge and the equation",
            exercise.id
        );
        assert!(root.join(exercise.file).is_file(), "{}", exercise.file);
        assert_eq!(select(exercise.id).len(), 1, "{}", exercise.id);
    }
    assert_eq!(select("ch05").len(), select("5").len());
    assert!(select("ch99").is_empty());
}

/// The mistake a failing outcome names.
fn mistake(outcome: Outcome) -> String {
    match outcome {
        Outcome::Failed(failure) => failure
            .likely_mistake
            .unwrap_or_else(|| panic!("no mistake named for: {}", failure.explanation)),
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[test]
fn wrong_perceptrons_fail_with_their_mistake_named() {
    let greater_or_equal = |w: &[f64], b: f64, x: &[f64]| {
        let z: f64 = w.iter().zip(x).map(|(w, x)| w * x).sum::<f64>() + b;
        if z >= 0.0 { 1.0 } else { 0.0 }
    };
    assert!(mistake(ch02_neuron::perceptron_output(greater_or_equal)).contains("z > 0"));
    let no_bias = |w: &[f64], _b: f64, x: &[f64]| {
        let z: f64 = w.iter().zip(x).map(|(w, x)| w * x).sum();
        if z > 0.0 { 1.0 } else { 0.0 }
    };
    assert!(mistake(ch02_neuron::perceptron_output(no_bias)).contains("bias"));

    let output = exercises::solutions::ch02_neuron::perceptron_output;
    let flipped = |w: &mut [f64], b: &mut f64, x: &[f64], y: f64, eta: f64| {
        let error = output(w, *b, x) - y;
        w.iter_mut().zip(x).for_each(|(w, x)| *w += eta * error * x);
        *b += eta * error;
    };
    assert!(mistake(ch02_neuron::perceptron_update(flipped)).contains("wrong sign"));
    let bias_kept = |w: &mut [f64], b: &mut f64, x: &[f64], y: f64, eta: f64| {
        let error = y - output(w, *b, x);
        w.iter_mut().zip(x).for_each(|(w, x)| *w += eta * error * x);
    };
    assert!(mistake(ch02_neuron::perceptron_update(bias_kept)).contains("bias"));
}

#[test]
fn wrong_losses_fail_with_their_mistake_named() {
    let no_two = |p: &[f64], y: &[f64]| -> Vec<f64> {
        let n = p.len() as f64;
        p.iter().zip(y).map(|(p, y)| (p - y) / n).collect()
    };
    assert!(mistake(ch05_losses::mse_gradient(no_two)).contains("factor of 2"));
    let no_mean = |p: &[f64], y: &[f64]| -> Vec<f64> {
        p.iter().zip(y).map(|(p, y)| 2.0 * (p - y)).collect()
    };
    assert!(mistake(ch05_losses::mse_gradient(no_mean)).contains("divide by the number"));
    let naive = |z: &[f64]| z.iter().map(|z| z.exp()).sum::<f64>().ln();
    assert!(mistake(ch05_losses::log_sum_exp(naive)).contains("subtract the largest logit"));

    let loss = exercises::solutions::ch05_losses::softmax_cross_entropy;
    let softmax_only = |z: &[f64], _label: usize| -> Vec<f64> {
        let lse = exercises::solutions::ch05_losses::log_sum_exp(z);
        z.iter().map(|z| (z - lse).exp()).collect()
    };
    let said = mistake(ch05_losses::softmax_cross_entropy_gradient(
        softmax_only,
        loss,
    ));
    assert!(said.contains("subtract 1 at the correct class"), "{said}");
    let target_minus_prediction = |z: &[f64], label: usize| -> Vec<f64> {
        exercises::solutions::ch05_losses::softmax_cross_entropy_gradient(z, label)
            .into_iter()
            .map(|g| -g)
            .collect()
    };
    let said = mistake(ch05_losses::softmax_cross_entropy_gradient(
        target_minus_prediction,
        loss,
    ));
    assert!(said.contains("wrong sign"), "{said}");
}
