//! Chapter 3's checks: typical wrong answers fail with their mistake named. That the library's
//! own activations pass the same checks is tested by the book's equation tests
//! (`tests/chapters/ch03_activations/exercise_checks.rs`).

use exercises::Outcome;
use exercises::checks::ch03_activations as check;
use exercises::solutions::ch03_activations as solution;

/// The mistake a failing outcome names.
fn mistake(outcome: Outcome) -> String {
    match outcome {
        Outcome::Failed(failure) => failure
            .likely_mistake
            .unwrap_or_else(|| panic!("no mistake named for: {}", failure.explanation)),
        other => panic!("expected a failure, got {other:?}"),
    }
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

#[test]
fn wrong_sigmoid_and_tanh_derivatives_fail_with_their_mistake_named() {
    // σ′ evaluated at the output as if it were z: the chapter's trap.
    let at_z = |a: f64| sigmoid(a) * (1.0 - sigmoid(a));
    assert!(mistake(check::sigmoid_derivative(at_z)).contains("evaluated at a as if it were z"));
    let tanh_formula = |a: f64| 1.0 - a * a;
    assert!(mistake(check::sigmoid_derivative(tanh_formula)).contains("tanh's derivative"));
    let half = |a: f64| 0.5 * a * (1.0 - a);
    assert!(mistake(check::sigmoid_derivative(half)).contains("factor of 2"));

    let tanh_at_z = |a: f64| 1.0 - a.tanh() * a.tanh();
    assert!(mistake(check::tanh_derivative(tanh_at_z)).contains("evaluated at a as if it were z"));
    let sigmoid_formula = |a: f64| a * (1.0 - a);
    assert!(mistake(check::tanh_derivative(sigmoid_formula)).contains("sigmoid's derivative"));
    let unsquared = |a: f64| 1.0 - a;
    assert!(mistake(check::tanh_derivative(unsquared)).contains("squared"));
}

#[test]
fn wrong_relu_derivatives_fail_with_their_mistake_named() {
    let greater_or_equal = |z: f64| if z >= 0.0 { 1.0 } else { 0.0 };
    assert!(mistake(check::relu_derivative(greater_or_equal)).contains("not z ≥ 0"));
    let central_difference_at_the_kink = |z: f64| {
        if z == 0.0 {
            0.5
        } else {
            solution::relu_derivative(z)
        }
    };
    let said = mistake(check::relu_derivative(central_difference_at_the_kink));
    assert!(said.contains("central difference"), "{said}");
    let value = |z: f64| z.max(0.0);
    assert!(mistake(check::relu_derivative(value)).contains("ReLU(z) itself"));
}

#[test]
fn wrong_softmaxes_fail_with_their_mistake_named() {
    let naive = |z: &[f64]| -> Vec<f64> {
        let sum: f64 = z.iter().map(|z| z.exp()).sum();
        z.iter().map(|z| z.exp() / sum).collect()
    };
    assert!(mistake(check::softmax(naive)).contains("subtract the largest logit"));
    let unnormalized = |z: &[f64]| -> Vec<f64> { z.iter().map(|z| z.exp()).collect() };
    assert!(mistake(check::softmax(unnormalized)).contains("divide each by their sum"));
    let by_the_largest = |z: &[f64]| -> Vec<f64> {
        let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        z.iter().map(|z| (z - max).exp()).collect()
    };
    assert!(mistake(check::softmax(by_the_largest)).contains("not by the largest"));
}

#[test]
fn wrong_softmax_backward_passes_fail_with_their_mistake_named() {
    let diagonal_only = |z: &[f64], g: &[f64]| -> Vec<f64> {
        solution::softmax(z)
            .iter()
            .zip(g)
            .map(|(s, g)| s * g)
            .collect()
    };
    let said = mistake(check::softmax_backward(diagonal_only, solution::softmax));
    assert!(said.contains("diagonal of the Jacobian"), "{said}");
    let flipped = |z: &[f64], g: &[f64]| -> Vec<f64> {
        solution::softmax_backward(z, g)
            .iter()
            .map(|d| -d)
            .collect()
    };
    let said = mistake(check::softmax_backward(flipped, solution::softmax));
    assert!(said.contains("wrong sign"), "{said}");
    let no_s = |z: &[f64], g: &[f64]| -> Vec<f64> {
        let s = solution::softmax(z);
        let dot: f64 = s.iter().zip(g).map(|(s, g)| s * g).sum();
        g.iter().map(|g| g - dot).collect()
    };
    assert!(mistake(check::softmax_backward(no_s, solution::softmax)).contains("multiplied by sⱼ"));
}
