//! The backward pass step by step: ∂L/∂γ and ∂L/∂β (11.4), ∂L/∂x̂ (11.5), ∂L/∂σ² (11.6), ∂L/∂μ
//! (11.7), the chain rule through the batch statistics (11.8), the simplified formula (11.9)
//! and the Jacobian within a feature (11.10).

use super::*;

/// (11.4) ∂L/∂γ = Σ g x̂ and ∂L/∂β = Σ g, against central differences of L = Σ R ⊙ y.
#[test]
fn eq_11_4_gamma_and_beta_gradients_match_central_differences() {
    let mut rng = seeded(40);
    for batch in batches() {
        let bn = layer(&mut rng);
        let weights: Batch<f64, FEATURES> = uniform_batch(&mut rng, SAMPLES, -1.0, 1.0);
        let (_, gradients) = library_backward(&bn, &batch, Pass::train(0), &weights);
        for i in 0..FEATURES {
            let loss_at = |gamma: f64, beta: f64| {
                let mut moved = bn.clone();
                moved.gamma[(i, 0)] = gamma;
                moved.beta[(i, 0)] = beta;
                weighted_output(&moved, &batch, Pass::train(0), &weights)
            };
            let (gamma, beta) = (bn.gamma[(i, 0)], bn.beta[(i, 0)]);
            let numeric = [
                numeric_derivative(|g| loss_at(g, beta), gamma, H),
                numeric_derivative(|b| loss_at(gamma, b), beta, H),
            ];
            let analytic = [gradients.gamma[(i, 0)], gradients.beta[(i, 0)]];
            assert_gradients_match("∂L/∂γ, ∂L/∂β", &analytic, &numeric);
        }
    }
}

/// One feature's data for the step-by-step checks: x, γ, β and g = ∂L/∂y.
fn feature(seed: u64) -> (Vec<f64>, f64, f64, Vec<f64>) {
    let mut rng = seeded(seed);
    let x: Vec<f64> = (0..SAMPLES).map(|_| rng.random_range(-2.0..5.0)).collect();
    let g: Vec<f64> = (0..SAMPLES).map(|_| rng.random_range(-1.0..1.0)).collect();
    (
        x,
        rng.random_range(0.5..2.0),
        rng.random_range(-1.0..1.0),
        g,
    )
}

/// L as a function of the batch statistics taken as free variables: Σ gᵢ (γ (xᵢ − μ_B)/√(σ_B² + ε) + β).
fn loss_of_statistics(x: &[f64], gamma: f64, beta: f64, g: &[f64], mean: f64, var: f64) -> f64 {
    x.iter()
        .zip(g)
        .map(|(xj, gj)| gj * (gamma * (xj - mean) / (var + EPSILON).sqrt() + beta))
        .sum()
}

/// (11.5) ∂L/∂x̂ᵢ = γ gᵢ: central differences of Σ gᵢ (γ x̂ᵢ + β) in each x̂ᵢ.
#[test]
fn eq_11_5_gradient_of_the_normalized_input_is_gamma_times_g() {
    for seed in 0..5 {
        let (x, gamma, beta, g) = feature(seed);
        let (mean, var) = mean_and_variance(&x);
        let normalized: Vec<f64> = x
            .iter()
            .map(|v| (v - mean) / (var + EPSILON).sqrt())
            .collect();
        let numeric: Vec<f64> = (0..SAMPLES)
            .map(|j| {
                let loss = |value: f64| {
                    let mut moved = normalized.clone();
                    moved[j] = value;
                    moved
                        .iter()
                        .zip(&g)
                        .map(|(n, gj)| gj * (gamma * n + beta))
                        .sum()
                };
                numeric_derivative(loss, normalized[j], H)
            })
            .collect();
        assert_gradients_match(
            "∂L/∂x̂",
            &chain_rule(&x, gamma, &g, EPSILON).normalized,
            &numeric,
        );
    }
}

/// (11.6) ∂L/∂σ_B² = −½ Σ ∂L/∂x̂ᵢ (xᵢ − μ_B)(σ_B² + ε)^(−3/2): central differences in σ_B², μ_B held.
#[test]
fn eq_11_6_variance_gradient_matches_central_differences() {
    for seed in 0..5 {
        let (x, gamma, beta, g) = feature(seed);
        let (mean, var) = mean_and_variance(&x);
        let numeric = numeric_derivative(
            |s| loss_of_statistics(&x, gamma, beta, &g, mean, s),
            var,
            H * var,
        );
        let analytic = chain_rule(&x, gamma, &g, EPSILON).variance;
        assert_gradients_match("∂L/∂σ_B²", &[analytic], &[numeric]);
    }
}

/// (11.7) ∂L/∂μ_B = −Σ ∂L/∂x̂ᵢ / √(σ_B² + ε): the total derivative in μ_B, where σ_B² is itself the
/// spread about μ_B, (1/m) Σ (xᵢ − μ_B)²; its path through σ_B² vanishes at the batch mean.
#[test]
fn eq_11_7_mean_gradient_matches_central_differences_and_its_variance_path_vanishes() {
    for seed in 0..5 {
        let (x, gamma, beta, g) = feature(seed);
        let (mean, var) = mean_and_variance(&x);
        let spread_about =
            |mu: f64| x.iter().map(|v| (v - mu).powi(2)).sum::<f64>() / x.len() as f64;
        let total = numeric_derivative(
            |mu| loss_of_statistics(&x, gamma, beta, &g, mu, spread_about(mu)),
            mean,
            H,
        );
        let direct = numeric_derivative(
            |mu| loss_of_statistics(&x, gamma, beta, &g, mu, var),
            mean,
            H,
        );
        let analytic = chain_rule(&x, gamma, &g, EPSILON).mean;
        assert_gradients_match("∂L/∂μ_B, total", &[analytic], &[total]);
        assert_gradients_match("∂L/∂μ_B, σ_B² held", &[analytic], &[direct]);
    }
}

/// (11.8) The three paths summed give ∂L/∂x of the whole layer in training mode, where moving
/// one sample moves the batch's μ_B and σ_B² and so every output; treating μ_B and σ_B² as constants
/// fails the same check.
#[test]
fn eq_11_8_chain_rule_through_the_batch_statistics_matches_central_differences() {
    for seed in 0..5 {
        let (x, gamma, beta, g) = feature(seed);
        let loss = |x: &[f64]| {
            let (mean, var) = mean_and_variance(x);
            loss_of_statistics(x, gamma, beta, &g, mean, var)
        };
        let numeric: Vec<f64> = (0..SAMPLES)
            .map(|j| {
                let moved = |value: f64| {
                    let mut point = x.clone();
                    point[j] = value;
                    loss(&point)
                };
                numeric_derivative(moved, x[j], H)
            })
            .collect();
        assert_gradients_match("∂L/∂x", &chain_rule(&x, gamma, &g, EPSILON).input, &numeric);
        let frozen = frozen_statistics_gradient(&x, gamma, &g, EPSILON);
        assert!(
            max_relative_error(&frozen, &numeric) > 0.1,
            "ignoring μ_B and σ_B² must fail the check"
        );
    }
}

/// (11.9) The simplified formula γ/(m√(σ_B² + ε)) (m gᵢ − Σ g − x̂ᵢ Σ g x̂), written out here and
/// as the library computes it, equals the chain-rule sum; and the library's backward passes the
/// check that grades the learner's (exercise 11.2): ∂L/∂x, ∂L/∂γ and ∂L/∂β against central
/// differences of the library's forward pass, which passes its own check (exercise 11.1).
#[test]
fn eq_11_9_simplified_input_gradient_equals_the_chain_rule_sum() {
    let mut rng = seeded(90);
    for batch in batches() {
        let bn = layer(&mut rng);
        let weights: Batch<f64, FEATURES> = uniform_batch(&mut rng, SAMPLES, -1.0, 1.0);
        let (library, _) = library_backward(&bn, &batch, Pass::train(0), &weights);
        for i in 0..FEATURES {
            let (x, g, gamma) = (row(&batch, i), row(&weights, i), bn.gamma[(i, 0)]);
            let (mean, var) = mean_and_variance(&x);
            let std = (var + EPSILON).sqrt();
            let normalized: Vec<f64> = x.iter().map(|v| (v - mean) / std).collect();
            let m = SAMPLES as f64;
            let sum_g: f64 = g.iter().sum();
            let sum_gx: f64 = g.iter().zip(&normalized).map(|(a, b)| a * b).sum();
            let simplified: Vec<f64> = (0..SAMPLES)
                .map(|j| gamma / (m * std) * (m * g[j] - sum_g - normalized[j] * sum_gx))
                .collect();
            let chain = chain_rule(&x, gamma, &g, EPSILON).input;
            assert!(max_relative_error(&simplified, &chain) < 1e-9);
            assert!(max_relative_error(&row(&library, i), &chain) < 1e-9);
        }
    }
    let outcome = exercises::checks::ch11_batch_norm::batch_norm_backward(
        library::backward,
        library::forward,
    );
    assert!(outcome.passed(), "{outcome:?}");
}

/// (11.10) ∂yᵢ'/∂xᵢ = γ/(m√(σ_B² + ε)) (m δᵢᵢ' − 1 − x̂ᵢ x̂ᵢ') within a feature, and 0 across
/// features: one sample moves every output of its feature, and nothing else.
#[test]
fn eq_11_10_jacobian_within_a_feature_matches_central_differences() {
    let mut rng = seeded(100);
    let batch = example_batch(&mut rng);
    let bn = layer(&mut rng);
    let m = SAMPLES as f64;
    for i in 0..FEATURES {
        let (mean, var) = mean_and_variance(&row(&batch, i));
        let std = (var + EPSILON).sqrt();
        let normalized = |j: usize| (batch[(i, j)] - mean) / std;
        let gamma = bn.gamma[(i, 0)];
        for j in 0..SAMPLES {
            for k in 0..SAMPLES {
                let numeric = numeric_derivative(
                    |value| {
                        let mut moved = batch.clone();
                        moved[(i, j)] = value;
                        output_of_sample(&bn, &moved, k, Pass::train(0))[i]
                    },
                    batch[(i, j)],
                    H,
                );
                let kronecker = if j == k { 1.0 } else { 0.0 };
                let analytic =
                    gamma / (m * std) * (m * kronecker - 1.0 - normalized(j) * normalized(k));
                assert_gradients_match("∂yᵢ'/∂xᵢ", &[analytic], &[numeric]);
                for other in (0..FEATURES).filter(|&o| o != i) {
                    let mut moved = batch.clone();
                    moved[(i, j)] += 0.5;
                    let before = output_of_sample(&bn, &batch, k, Pass::train(0))[other];
                    let after = output_of_sample(&bn, &moved, k, Pass::train(0))[other];
                    assert_eq!(before, after, "feature {other} must not move");
                }
            }
        }
    }
}
