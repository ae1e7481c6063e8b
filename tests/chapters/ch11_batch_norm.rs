//! Chapter 11's equations, each checked numerically by the test named after it: every step of
//! the backward pass against central differences of the function it differentiates (through
//! the batch statistics), the simplified formula against the chain-rule sum, and the laws of
//! the running averages and of the two modes. The checks that grade the learner's forward and
//! backward passes (exercises 11.1 and 11.2) run on the library's layer too. The long
//! experiments on a small seeded subset of MNIST are in `mnist_runs`.

use chapters::ch11_batch_norm::{
    FEATURES, SAMPLES, chain_rule, example_batch, frozen_statistics_gradient, library_backward,
    mean_and_variance, output_of_sample, train_running_averages, weighted_output,
};
use nabla::Batch;
use nabla::batchnorm::BatchNorm;
use nabla::gradcheck::numeric_derivative;
use nabla::layer::{Layer, Pass};
use nabla_tests::{assert_gradients_match, max_relative_error, seeded, uniform_batch};
use rand::Rng;

const EPSILON: f64 = 1e-5;
const H: f64 = 1e-5;

fn row<const N: usize>(batch: &Batch<f64, N>, i: usize) -> Vec<f64> {
    batch.row(i).iter().copied().collect()
}

/// A layer with γ and β away from 1 and 0.
fn layer(rng: &mut impl Rng) -> BatchNorm<f64, FEATURES> {
    let mut layer = BatchNorm::new();
    for i in 0..FEATURES {
        layer.gamma[(i, 0)] = rng.random_range(0.5..2.0);
        layer.beta[(i, 0)] = rng.random_range(-1.0..1.0);
    }
    layer
}

/// The example batch of the chapter, from a few seeds.
fn batches() -> Vec<Batch<f64, FEATURES>> {
    (0..4)
        .map(|seed| example_batch(&mut seeded(seed)))
        .collect()
}

/// (11.1) The layer's batch statistics are each feature's mean and biased variance (1/m).
#[test]
fn eq_11_1_batch_mean_and_biased_variance_per_feature() {
    for batch in batches() {
        let mut cache = Default::default();
        let layer = BatchNorm::<f64, FEATURES>::new();
        Layer::<f64, FEATURES, FEATURES>::forward(&layer, &batch, Pass::train(0), &mut cache);
        for i in 0..FEATURES {
            let x = row(&batch, i);
            let mean = x.iter().sum::<f64>() / SAMPLES as f64;
            let biased = x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / SAMPLES as f64;
            assert!((cache.batch_mean[i] - mean).abs() < 1e-12);
            assert!((cache.batch_var[i] - biased).abs() < 1e-12 * biased.max(1.0));
            assert_eq!(
                mean_and_variance(&x),
                (cache.batch_mean[i], cache.batch_var[i])
            );
        }
    }
}

/// (11.2) Normalized features have mean 0 and variance σ_B²/(σ_B² + ε): 1 but for ε, which shows
/// only when σ_B² is small (the example's second feature).
#[test]
fn eq_11_2_normalized_features_have_mean_0_and_variance_1_up_to_epsilon() {
    for batch in batches() {
        let mut cache = Default::default();
        let layer = BatchNorm::<f64, FEATURES>::new();
        Layer::<f64, FEATURES, FEATURES>::forward(&layer, &batch, Pass::train(0), &mut cache);
        for i in 0..FEATURES {
            let (_, variance) = mean_and_variance(&row(&batch, i));
            let (mean, normalized_variance) = mean_and_variance(&row(&cache.normalized, i));
            assert!(mean.abs() < 1e-12, "feature {i}: mean {mean}");
            let expected = variance / (variance + EPSILON);
            assert!((normalized_variance - expected).abs() < 1e-12);
            assert!(normalized_variance < 1.0 && normalized_variance > 0.99);
        }
    }
}

/// (11.3) y = γ x̂ + β, and with γ = √(σ_B² + ε), β = μ_B the layer gives back its input: the
/// normalization costs the network nothing it cannot undo.
#[test]
fn eq_11_3_scale_and_shift_and_gamma_sqrt_var_beta_mean_is_the_identity() {
    let mut rng = seeded(30);
    for batch in batches() {
        let shifted = layer(&mut rng);
        let mut cache = Default::default();
        let y =
            Layer::<f64, FEATURES, FEATURES>::forward(&shifted, &batch, Pass::train(0), &mut cache)
                .clone();
        for (i, j) in (0..FEATURES).flat_map(|i| (0..SAMPLES).map(move |j| (i, j))) {
            let expected = shifted.gamma[(i, 0)] * cache.normalized[(i, j)] + shifted.beta[(i, 0)];
            assert!((y[(i, j)] - expected).abs() < 1e-12);
        }
        let mut identity = BatchNorm::<f64, FEATURES>::new();
        for i in 0..FEATURES {
            let (mean, variance) = mean_and_variance(&row(&batch, i));
            identity.gamma[(i, 0)] = (variance + EPSILON).sqrt();
            identity.beta[(i, 0)] = mean;
        }
        let y = Layer::<f64, FEATURES, FEATURES>::forward(
            &identity,
            &batch,
            Pass::train(0),
            &mut cache,
        );
        assert!((y - &batch).abs().max() < 1e-12);
    }
}

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

/// (11.1)–(11.3) The check that grades the learner's forward pass (exercise 11.1) passes the
/// library's layer on one feature, one of its batches with a variance small enough for ε to show.
#[test]
fn eq_11_3_the_librarys_batch_norm_forward_passes_the_exercise_check() {
    let outcome = exercises::checks::ch11_batch_norm::batch_norm_forward(library::forward);
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

/// (11.11) r ← (1 − α) r + α s: fed the same batch again and again, the running averages close
/// the gap to its statistics by the factor 1 − α = 0.9 per step (the variance's target being
/// the unbiased m/(m − 1) σ_B²); fed batches drawn from a distribution, they settle at its mean
/// and variance.
#[test]
fn eq_11_11_running_averages_converge_to_the_data_statistics() {
    let mut rng = seeded(110);
    let batch: Batch<f64, 2> = uniform_batch(&mut rng, 16, 2.0, 6.0);
    let mut bn = BatchNorm::<f64, 2>::new();
    let mut cache = Default::default();
    for step in 1..=30 {
        Layer::<f64, 2, 2>::forward(&bn, &batch, Pass::train(step), &mut cache);
        Layer::<f64, 2, 2>::update_buffers(&mut bn, &cache);
        let decay = 0.9f64.powi(step as i32);
        for i in 0..2 {
            let (mean, var) = mean_and_variance(&row(&batch, i));
            let unbiased = var * 16.0 / 15.0;
            assert!((bn.running_mean[(i, 0)] - mean * (1.0 - decay)).abs() < 1e-12);
            let expected = unbiased + decay * (1.0 - unbiased);
            assert!((bn.running_var[(i, 0)] - expected).abs() < 1e-12);
        }
    }
    let (trained, _) = train_running_averages(400, 64, &mut seeded(111));
    let (mean, var) = (trained.running_mean, trained.running_var);
    assert!((mean[(0, 0)] - 4.0).abs() < 0.15, "mean {}", mean[(0, 0)]);
    assert!((var[(0, 0)] - 3.0).abs() < 0.3, "variance {}", var[(0, 0)]);
    assert!((mean[(1, 0)] + 1.0).abs() < 0.05, "mean {}", mean[(1, 0)]);
    assert!(
        (var[(1, 0)] - 1.0 / 3.0).abs() < 0.05,
        "variance {}",
        var[(1, 0)]
    );
}

/// (11.12) In inference mode a sample's output is γ (x − r_μ)/√(r_σ² + ε) + β whatever batch
/// it comes in; in training mode it depends on the rest of the batch, and alone it is β.
#[test]
fn eq_11_12_inference_uses_the_running_averages_whatever_the_batch() {
    let mut rng = seeded(120);
    let (mut bn, _) = train_running_averages(50, 32, &mut rng);
    bn.gamma[(0, 0)] = 1.5;
    bn.beta[(1, 0)] = -0.25;
    let sample = [4.5, -0.5];
    let with_others = |rng: &mut rand::rngs::StdRng| {
        let mut batch: Batch<f64, 2> = uniform_batch(rng, 5, -3.0, 3.0);
        batch.column_mut(2).copy_from_slice(&sample);
        batch
    };
    let (first, second) = (with_others(&mut rng), with_others(&mut rng));
    let alone = Batch::<f64, 2>::from_column_slice(&sample);
    let infer = output_of_sample(&bn, &first, 2, Pass::infer());
    for i in 0..2 {
        let expected = bn.gamma[(i, 0)] * (sample[i] - bn.running_mean[(i, 0)])
            / (bn.running_var[(i, 0)] + EPSILON).sqrt()
            + bn.beta[(i, 0)];
        assert!((infer[i] - expected).abs() < 1e-12);
    }
    assert_eq!(infer, output_of_sample(&bn, &second, 2, Pass::infer()));
    assert_eq!(infer, output_of_sample(&bn, &alone, 0, Pass::infer()));
    let (a, b) = (
        output_of_sample(&bn, &first, 2, Pass::train(0)),
        output_of_sample(&bn, &second, 2, Pass::train(0)),
    );
    assert!(
        (a[0] - b[0]).abs() > 1e-3,
        "training mode depends on the batch"
    );
    let single = output_of_sample(&bn, &alone, 0, Pass::train(0));
    assert_eq!(
        single,
        vec![bn.beta[(0, 0)], bn.beta[(1, 0)]],
        "alone, x̂ = 0"
    );
}

mod library {
    //! Adapters from the library's `BatchNorm` layer to the signatures of chapter 11's exercise
    //! checks, which work on one feature: a one-feature layer with the given γ and β (and the
    //! library's ε, the exercises' `EPSILON`), the feature's values as a batch of one row.

    use exercises::ch11_batch_norm::{BatchNormGradients, EPSILON};
    use nabla::Batch;
    use nabla::batchnorm::BatchNorm;
    use nabla::layer::{Layer, Pass};
    use nabla::network::Parameters;

    /// A one-feature layer with `gamma` and `beta`.
    fn one_feature(gamma: f64, beta: f64) -> BatchNorm<f64, 1> {
        let mut layer = BatchNorm::new();
        assert_eq!(layer.epsilon, EPSILON, "the library's ε is the exercises'");
        (layer.gamma[(0, 0)], layer.beta[(0, 0)]) = (gamma, beta);
        layer
    }

    /// The library's forward pass in training mode (11.1)–(11.3), in exercise 11.1's signature.
    pub fn forward(x: &[f64], gamma: f64, beta: f64) -> Vec<f64> {
        let layer = one_feature(gamma, beta);
        let mut cache = Default::default();
        let input = Batch::<f64, 1>::from_column_slice(x);
        let output = Layer::<f64, 1, 1>::forward(&layer, &input, Pass::train(0), &mut cache);
        output.as_slice().to_vec()
    }

    /// The library's backward pass in training mode (11.4)–(11.9), in exercise 11.2's signature:
    /// the gradients for the upstream gradient `g = ∂L/∂y`.
    pub fn backward(x: &[f64], gamma: f64, beta: f64, g: &[f64]) -> BatchNormGradients {
        let layer = one_feature(gamma, beta);
        let mut cache = Default::default();
        let input = Batch::<f64, 1>::from_column_slice(x);
        Layer::<f64, 1, 1>::forward(&layer, &input, Pass::train(0), &mut cache);
        let upstream = Batch::<f64, 1>::from_column_slice(g);
        let mut gradients = layer.zeros_like();
        let mut input_gradient = input.clone();
        layer.backward(
            &input,
            &cache,
            &upstream,
            &mut gradients,
            Some(&mut input_gradient),
        );
        BatchNormGradients {
            input: input_gradient.as_slice().to_vec(),
            gamma: gradients.gamma[(0, 0)],
            beta: gradients.beta[(0, 0)],
        }
    }
}

mod mnist_runs {
    //! Chapter 11's long experiments on a small seeded subset of MNIST, which are not tied to one
    //! equation and so are kept apart from the equation tests: batch norm training at a rate
    //! where the plain network diverges, and what forgetting inference mode does.

    use chapters::ch11_batch_norm::{Normalized, Plain, accuracy_in, predictions_in, train};
    use nabla::data::Dataset;
    use nabla::data::mnist::{self, CLASSES, PIXELS};
    use nabla::layer::Pass;
    use rand::SeedableRng;

    /// The first `count` MNIST test images (the test split loads faster than the training split).
    fn mnist_subset(count: usize) -> Dataset<f32, PIXELS, CLASSES> {
        let dir = mnist::default_dir();
        let digits =
            mnist::load_split(&dir.join(mnist::TEST_IMAGES), &dir.join(mnist::TEST_LABELS))
                .expect("the MNIST test files are in data/mnist");
        digits.to_dataset::<f32>().take(count)
    }

    /// The long experiment in small: on 640 digits, the plain deep network learns at the ordinary
    /// rate 0.05 but diverges within its first 20 batches at 2, forty times larger; the
    /// batch-normalized one trains at 2, its loss falling to about half of chance (ln 10 ≈ 2.3).
    #[test]
    fn at_a_large_learning_rate_batch_norm_trains_where_the_plain_network_diverges() {
        let data = mnist_subset(640);
        let settings = (3, 32);
        let generators = || {
            let seeded = rand::rngs::StdRng::seed_from_u64;
            (seeded(7), seeded(8))
        };
        let plain_at = |learning_rate: f64| {
            let (mut weights, mut order) = generators();
            let mut plain = Plain::<f32>::new(&mut weights);
            train(
                &mut plain,
                &data,
                &data,
                learning_rate,
                settings,
                &mut order,
            )
        };
        let ordinary = plain_at(0.05);
        assert_eq!(ordinary.diverged_at, None);
        let loss = ordinary.epochs.last().expect("three epochs").mean_loss;
        assert!(
            loss < 1.5,
            "the plain network learns at η = 0.05: loss {loss}"
        );
        let large = plain_at(2.0);
        assert!(
            large.diverged_at.is_some_and(|batch| batch <= 20),
            "the plain network diverges at η = 2: {:?}",
            large.diverged_at
        );
        let (mut weights, mut order) = generators();
        let mut normalized = Normalized::<f32>::new(&mut weights);
        let run = train(&mut normalized, &data, &data, 2.0, settings, &mut order);
        assert_eq!(run.diverged_at, None);
        let last = run.epochs.last().expect("three epochs");
        assert!(
            last.mean_loss < 1.2,
            "batch norm at η = 2: loss {}",
            last.mean_loss
        );
        assert!(last.test_accuracy > 0.7, "accuracy {}", last.test_accuracy);
    }

    /// The modes of a trained batch-norm network: inference mode with its running averages scores
    /// about as well as training mode with large batches; training mode with batches of one sample
    /// (the forgotten switch) normalizes every input to x̂ = 0, so every image gets the same class.
    #[test]
    fn forgetting_inference_mode_with_one_sample_gives_every_image_the_same_class() {
        let data = mnist_subset(640);
        let mut rng = rand::rngs::StdRng::seed_from_u64(8);
        let mut normalized = Normalized::<f32>::new(&mut rng);
        let run = train(&mut normalized, &data, &data, 0.05, (3, 32), &mut rng);
        assert_eq!(run.diverged_at, None);
        let infer = accuracy_in(&normalized, &data, Pass::infer(), 640);
        let large_batches = accuracy_in(&normalized, &data, Pass::train(0), 320);
        assert!(infer > 0.75, "inference accuracy {infer}");
        assert!(
            (infer - large_batches).abs() < 0.1,
            "{infer} vs {large_batches}"
        );
        let alone = predictions_in(&normalized, &data, Pass::train(0), 1);
        assert!(
            alone.iter().all(|&class| class == alone[0]),
            "one class for all"
        );
        let single = accuracy_in(&normalized, &data, Pass::train(0), 1);
        assert!(single < 0.2, "batches of one score near chance: {single}");
    }
}
