//! Dropout: the forward pass (12.5), its expected output (12.6) and variance (12.7), and the
//! backward pass (12.8).

use super::*;

#[test]
fn eq_12_5_dropout_outputs_are_zero_or_the_input_over_the_keep_probability() {
    // The check that grades the learner's forward pass (exercise 12.1), on the library's masks.
    let outcome = exercises::checks::ch12_regularization::dropout_forward(library::dropout_forward);
    assert!(outcome.passed(), "{outcome:?}");
    for p in [0.2, 0.5] {
        let masks = 4000;
        let batch = Batch::<f64, 8>::from_fn(masks, |row, _| INPUT[row]);
        let mut cache = DropoutCache::default();
        Dropout::new(p, 9).forward(&batch, Pass::train(3), &mut cache);
        for (out, a) in cache.output.iter().zip(batch.iter()) {
            assert!(
                *out == 0.0 || (out - a / (1.0 - p)).abs() < 1e-12,
                "{out} from {a}"
            );
        }
        let kept = measure(&INPUT, p, masks, 9).kept;
        let sd = (p * (1.0 - p) / (8.0 * masks as f64)).sqrt();
        assert!(
            (kept - (1.0 - p)).abs() < 4.0 * sd,
            "kept {kept} at p = {p}"
        );
    }
    // At inference the layer is the identity.
    let batch = Batch::<f64, 8>::from_fn(3, |row, _| INPUT[row]);
    let mut cache = DropoutCache::default();
    let output = Dropout::new(0.5, 9).forward(&batch, Pass::infer(), &mut cache);
    assert_eq!(output, &batch);
}

#[test]
fn eq_12_6_inverted_dropout_keeps_the_expected_output() {
    for p in [0.2, 0.5, 0.8] {
        let masks = 20_000;
        let measured = measure(&INPUT, p, masks, 5);
        for (a, mean) in INPUT.iter().zip(&measured.mean) {
            // The standard error of a mean of `masks` draws of variance a² p/(1 − p).
            let error = (a * a * p / (1.0 - p) / masks as f64).sqrt();
            assert!(
                (mean - a).abs() <= 4.0 * error + 1e-12,
                "p = {p}: mean {mean}, a {a}"
            );
        }
    }
    // Without the 1/(1 − p), the mean would be (1 − p) a: far outside those bounds.
    let measured = measure(&INPUT, 0.5, 20_000, 5);
    assert!((measured.mean[7] - 0.5 * INPUT[7]).abs() > 1.0);
}

#[test]
fn eq_12_7_dropout_variance_is_a_squared_p_over_one_minus_p() {
    for p in [0.2, 0.5] {
        let masks = 40_000;
        let measured = measure(&INPUT, p, masks, 6);
        for (a, variance) in INPUT.iter().zip(&measured.variance) {
            let expected = a * a * p / (1.0 - p);
            // A sample variance of Bernoulli-scaled draws is within a few percent at 40,000.
            assert!(
                (variance - expected).abs() <= 0.05 * expected + 1e-12,
                "p = {p}, a = {a}: {variance} vs {expected}"
            );
        }
    }
}

/// (12.8) The check that grades the learner's backward pass (exercise 12.2) passes the
/// library's, against central differences of L = Σ g ã through the library's forward pass. On a
/// whole batch, with the mask of a step of training: the gradient is the upstream gradient
/// times the factor the forward pass gave each input, 0 where it dropped one.
#[test]
fn eq_12_8_dropout_backward_multiplies_by_the_forward_mask() {
    let outcome = exercises::checks::ch12_regularization::dropout_backward(
        library::dropout_backward,
        library::dropout_forward,
    );
    assert!(outcome.passed(), "{outcome:?}");
    let mut rng = seeded(8);
    let input: Vec<f64> = (0..8 * 5).map(|_| rng.random_range(0.5..2.0)).collect();
    let upstream: Vec<f64> = (0..8 * 5).map(|_| rng.random_range(-1.0..1.0)).collect();
    let layer = Dropout::new(0.4, 21);
    let batch = Batch::<f64, 8>::from_column_slice(&input);
    let mut cache = DropoutCache::default();
    let output = layer.forward(&batch, Pass::train(17), &mut cache).clone();
    let mut input_gradient = Batch::zeros(0);
    let mut unused = layer;
    layer.backward(
        &batch,
        &cache,
        &Batch::<f64, 8>::from_column_slice(&upstream),
        &mut unused,
        Some(&mut input_gradient),
    );
    for k in 0..input.len() {
        let factor = output.as_slice()[k] / input[k];
        let expected = upstream[k] * factor;
        assert!(
            (input_gradient.as_slice()[k] - expected).abs() < 1e-12,
            "entry {k}"
        );
    }
    assert!(input_gradient.iter().any(|&g| g == 0.0) && input_gradient.iter().any(|&g| g != 0.0));
}
