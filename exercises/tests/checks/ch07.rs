//! Chapter 7's exercises: typical wrong networks and counts fail with their mistake named, and
//! the library's own headline network and parameter count pass the same checks.

use exercises::checks::ch07_network_macro as check;
use exercises::solutions::ch07_network_macro as solution;
use exercises::{Failure, Outcome};
use nabla::network::Parameters;
use std::time::Instant;

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

nabla::network! { struct SigmoidOutput: 784 => relu 64 => sigmoid 10 }
nabla::network! { struct Huge: 784 => relu 512 => relu 256 => softmax 10 }
nabla::network! { struct Headline: 784 => relu 128 => softmax 10 }

#[test]
fn the_placeholder_without_a_hidden_layer_misses_the_target() {
    let started = Instant::now();
    let outcome = check::digits_network(exercises::ch07_network_macro::Digits::new);
    eprintln!("{outcome:?} in {:.2?}", started.elapsed());
    assert!(mistake(outcome).contains("linear classifier"));
}

#[test]
fn a_network_that_does_not_end_in_softmax_10_is_named() {
    let said = mistake(check::digits_network(SigmoidOutput::new));
    assert!(said.contains("softmax 10"), "{said}");
}

#[test]
fn a_network_over_the_budget_is_refused_before_training() {
    let outcome = check::digits_network(Huge::new);
    assert!(
        matches!(&outcome, Outcome::Failed(f) if f.explanation.contains("more than the 200000")),
        "{outcome:?}"
    );
}

#[test]
fn the_headline_network_and_the_solution_reach_the_target() {
    let started = Instant::now();
    let outcome = check::digits_network(Headline::new);
    eprintln!("{outcome:?} in {:.2?}", started.elapsed());
    assert!(outcome.passed(), "{outcome:?}");
    let outcome = check::digits_network(solution::digits_network);
    eprintln!("{outcome:?} in {:.2?}", started.elapsed());
    assert!(outcome.passed(), "{outcome:?}");
}

#[test]
fn wrong_parameter_counts_fail_with_their_mistake_named() {
    let weights_only = |w: &[usize]| w.windows(2).map(|p| p[0] * p[1]).sum::<usize>();
    assert!(mistake(check::parameter_count(weights_only)).contains("only the weights"));
    let input_biases = |w: &[usize]| solution::parameter_count(w) + w[0];
    assert!(mistake(check::parameter_count(input_biases)).contains("input is not a layer"));
    let bias_per_input = |w: &[usize]| w.windows(2).map(|p| p[0] * p[1] + p[0]).sum::<usize>();
    assert!(mistake(check::parameter_count(bias_per_input)).contains("one per output unit"));
}

#[test]
fn the_library_count_passes_the_same_check() {
    // What `Parameters::parameter_count` says for a network of these widths, built by hand.
    nabla::network! { struct Probe: 784 => relu 128 => softmax 10 }
    assert_eq!(Probe::<f32>::zeros().parameter_count(), 101_770);
    let library = |widths: &[usize]| -> usize {
        widths
            .windows(2)
            .map(|pair| {
                let layer = nabla::network::TensorSpec::new("weight", [pair[1], pair[0]]);
                let bias = nabla::network::TensorSpec::new("bias", [pair[1]]);
                layer.len() + bias.len()
            })
            .sum()
    };
    let outcome = check::parameter_count(library);
    assert!(outcome.passed(), "{outcome:?}");
}
