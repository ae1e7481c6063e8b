//! The forward pass: batch mean and variance (11.1), normalization (11.2), scale and shift (11.3),
//! and the exercise check of the forward pass on the library.

use super::*;

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

/// (11.1)–(11.3) The check that grades the learner's forward pass (exercise 11.1) passes the
/// library's layer on one feature, one of its batches with a variance small enough for ε to show.
#[test]
fn eq_11_3_the_librarys_batch_norm_forward_passes_the_exercise_check() {
    let outcome = exercises::checks::ch11_batch_norm::batch_norm_forward(library::forward);
    assert!(outcome.passed(), "{outcome:?}");
}
