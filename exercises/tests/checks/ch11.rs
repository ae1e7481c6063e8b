//! Chapter 11's exercises: typical wrong answers fail with their mistake named. That the library's
//! own `BatchNorm` passes the same checks is tested by the book's equation tests (through the
//! adapters in `tests/chapters/ch11_batch_norm/library.rs`).

use exercises::Outcome;
use exercises::ch11_batch_norm::{BatchNormGradients, EPSILON};
use exercises::checks::ch11_batch_norm::{batch_norm_backward, batch_norm_forward};
use exercises::solutions::ch11_batch_norm as solution;

/// The mistake a failing outcome names.
fn mistake(outcome: Outcome) -> String {
    match outcome {
        Outcome::Failed(failure) => failure
            .likely_mistake
            .unwrap_or_else(|| panic!("no mistake named for: {}", failure.explanation)),
        other => panic!("expected a failure, got {other:?}"),
    }
}

/// The batch mean, the variance divided by `divisor`, and the standardized values.
fn standardize(x: &[f64], divisor: f64, epsilon: f64) -> Vec<f64> {
    let mean = x.iter().sum::<f64>() / x.len() as f64;
    let var = x.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / divisor;
    x.iter()
        .map(|x| (x - mean) / (var + epsilon).sqrt())
        .collect()
}

#[test]
fn wrong_forward_passes_fail_with_their_mistake_named() {
    let unbiased = |x: &[f64], gamma: f64, beta: f64| -> Vec<f64> {
        let m = x.len() as f64;
        standardize(x, m - 1.0, EPSILON)
            .into_iter()
            .map(|n| gamma * n + beta)
            .collect()
    };
    assert!(mistake(batch_norm_forward(unbiased)).contains("m − 1"));
    let no_epsilon = |x: &[f64], gamma: f64, beta: f64| -> Vec<f64> {
        standardize(x, x.len() as f64, 0.0)
            .into_iter()
            .map(|n| gamma * n + beta)
            .collect()
    };
    assert!(mistake(batch_norm_forward(no_epsilon)).contains("ε is missing"));
    let no_affine = |x: &[f64], _gamma: f64, _beta: f64| -> Vec<f64> {
        standardize(x, x.len() as f64, EPSILON)
    };
    assert!(mistake(batch_norm_forward(no_affine)).contains("you returned x̂"));
}

#[test]
fn frozen_batch_statistics_fail_with_their_mistake_named() {
    // The inference formula copied into training: only the direct path through x̂ᵢ.
    let frozen = |x: &[f64], gamma: f64, beta: f64, g: &[f64]| -> BatchNormGradients {
        let m = x.len() as f64;
        let mean = x.iter().sum::<f64>() / m;
        let var = x.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / m;
        let right = solution::batch_norm_backward(x, gamma, beta, g);
        BatchNormGradients {
            input: g
                .iter()
                .map(|g| gamma * g / (var + EPSILON).sqrt())
                .collect(),
            ..right
        }
    };
    let said = mistake(batch_norm_backward(frozen, solution::batch_norm_forward));
    assert!(said.contains("treated μ_B and σ_B² as constants"), "{said}");

    let no_variance_path = |x: &[f64], gamma: f64, beta: f64, g: &[f64]| -> BatchNormGradients {
        let m = x.len() as f64;
        let mean = x.iter().sum::<f64>() / m;
        let var = x.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / m;
        let mean_g = g.iter().sum::<f64>() / m;
        let right = solution::batch_norm_backward(x, gamma, beta, g);
        BatchNormGradients {
            input: g
                .iter()
                .map(|g| gamma * (g - mean_g) / (var + EPSILON).sqrt())
                .collect(),
            ..right
        }
    };
    let said = mistake(batch_norm_backward(
        no_variance_path,
        solution::batch_norm_forward,
    ));
    assert!(said.contains("path through σ_B² is missing"), "{said}");

    let gamma_without_normalized = |x: &[f64], gamma: f64, beta: f64, g: &[f64]| {
        let right = solution::batch_norm_backward(x, gamma, beta, g);
        BatchNormGradients {
            gamma: right.beta,
            ..right
        }
    };
    let said = mistake(batch_norm_backward(
        gamma_without_normalized,
        solution::batch_norm_forward,
    ));
    assert!(said.contains("Σ gᵢ x̂ᵢ"), "{said}");
}
