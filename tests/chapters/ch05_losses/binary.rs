//! Binary targets: the Bernoulli likelihood (5.1), binary cross-entropy as its negative log
//! (5.2), the Gaussian view of MSE (5.3), and the gradients through a sigmoid (5.4, 5.5).

use super::*;

#[test]
fn eq_5_1_bernoulli_gives_p_for_one_and_one_minus_p_for_zero() {
    for p in uniform_vec(&mut seeded(51), 20, 0.0, 1.0) {
        assert!((bernoulli(p, 1.0) - p).abs() < 1e-15);
        assert!((bernoulli(p, 0.0) - (1.0 - p)).abs() < 1e-15);
        assert!((bernoulli(p, 1.0) + bernoulli(p, 0.0) - 1.0).abs() < 1e-15);
    }
}

#[test]
fn eq_5_2_bce_is_the_mean_negative_log_likelihood() {
    let mut rng = seeded(52);
    let logits = uniform_vec(&mut rng, 12, -4.0, 4.0);
    let labels: Vec<f64> = (0..12)
        .map(|_| f64::from(rng.random_range(0..2u8)))
        .collect();
    let probabilities: Vec<f64> = logits.iter().map(|&z| naive_sigmoid(z)).collect();
    // Through the product of the probabilities of the observed labels.
    let from_likelihood = mean_negative_log_likelihood(&probabilities, &labels);
    let textbook = binary_cross_entropy(&probabilities, &labels);
    let fused = SigmoidBinaryCrossEntropy.value(
        &Batch::<f64, 1>::from_column_slice(&logits),
        &Batch::<f64, 1>::from_column_slice(&labels),
    );
    assert!(error(textbook, from_likelihood) < 1e-12);
    assert!(error(fused, from_likelihood) < 1e-12);

    // Maximum likelihood: a constant prediction p fits best at the fraction of ones.
    let ones = labels.iter().sum::<f64>() / labels.len() as f64;
    let loss = |p: f64| binary_cross_entropy(&vec![p; labels.len()], &labels);
    assert!(numeric_derivative(loss, ones, STEP).abs() < 1e-9);
    assert!(loss(ones) < loss(ones - 0.01) && loss(ones) < loss(ones + 0.01));
}

#[test]
fn eq_5_3_gaussian_negative_log_likelihood_is_mse_plus_a_constant() {
    let mut rng = seeded(53);
    let predictions = uniform_vec(&mut rng, 10, -2.0, 2.0);
    let targets = uniform_vec(&mut rng, 10, -2.0, 2.0);
    let sigma = 0.7;
    // −(1/n) Σ ln of the normal density N(yᵢ; ŷᵢ, σ²), written out.
    let density = |y: f64, mean: f64| {
        (-(y - mean).powi(2) / (2.0 * sigma * sigma)).exp()
            / (sigma * (2.0 * std::f64::consts::PI).sqrt())
    };
    let n = predictions.len() as f64;
    let nll = -predictions
        .iter()
        .zip(&targets)
        .map(|(&p, &y)| density(y, p).ln())
        .sum::<f64>()
        / n;
    let mse = MeanSquaredError.value(
        &Batch::<f64, 1>::from_column_slice(&predictions),
        &Batch::<f64, 1>::from_column_slice(&targets),
    );
    let constant = (sigma * (2.0 * std::f64::consts::PI).sqrt()).ln();
    assert!(error(nll, mse / (2.0 * sigma * sigma) + constant) < 1e-12);
}

#[test]
fn eq_5_4_bce_through_a_sigmoid_has_gradient_p_minus_y() {
    for z in moderate_logits() {
        for y in [0.0, 1.0, 0.3] {
            let numeric = numeric_derivative(|z| naive_sigmoid_bce(z, y), z, STEP);
            assert_gradients_match("σ(z) − y", &[bce_sigmoid_gradient(z, y)], &[numeric]);
            let library = library_gradient(&SigmoidBinaryCrossEntropy, z, y);
            assert_gradients_match("SigmoidBinaryCrossEntropy", &[library], &[numeric]);
        }
    }
}

#[test]
fn eq_5_5_mse_through_a_sigmoid_carries_the_sigmoid_derivative() {
    let after_sigmoid = AfterActivation {
        activation: Sigmoid,
        loss: MeanSquaredError,
    };
    for z in moderate_logits() {
        for y in [0.0, 1.0, 0.3] {
            let numeric = numeric_derivative(|z| (naive_sigmoid(z) - y).powi(2), z, STEP);
            assert_gradients_match("2(ŷ − y)σ'(z)", &[mse_sigmoid_gradient(z, y)], &[numeric]);
            let library = library_gradient(&after_sigmoid, z, y);
            assert_gradients_match("AfterActivation<Sigmoid, MSE>", &[library], &[numeric]);
        }
    }
}

#[test]
fn mse_gradient_vanishes_through_a_saturated_sigmoid_while_bce_does_not() {
    // A confident wrong answer: label 1, z = −10. σ'(−10) < 5e−5.
    let (z, y) = (-10.0, 1.0);
    assert!(mse_sigmoid_gradient(z, y).abs() < 1e-4);
    assert!(bce_sigmoid_gradient(z, y).abs() > 0.9999);
    // So gradient descent on the logit escapes in a few steps with BCE, thousands with MSE.
    let bce = steps_to_escape(bce_sigmoid_gradient, z, 1.0, 100_000).expect("BCE escapes");
    let mse = steps_to_escape(mse_sigmoid_gradient, z, 1.0, 100_000).expect("MSE escapes");
    assert!(bce <= 12, "BCE took {bce} steps");
    assert!(mse >= 100 * bce, "MSE took {mse} steps, BCE {bce}");
}

#[test]
fn using_the_bce_output_error_with_an_mse_loss_fails_the_gradient_check() {
    // MSE on a sigmoid: the output error ŷ − y (right for BCE) is not its gradient.
    let (z, y) = (0.3, 0.0);
    let numeric = numeric_derivative(|z| (naive_sigmoid(z) - y).powi(2), z, STEP);
    assert!(error(mse_sigmoid_gradient(z, y), numeric) < 1e-8);
    assert!(error(bce_sigmoid_gradient(z, y), numeric) > 0.5);
    // BCE on a sigmoid: the σ'(z) of the MSE pattern does not belong in its gradient.
    let (z, y) = (0.7, 1.0);
    let numeric = numeric_derivative(|z| naive_sigmoid_bce(z, y), z, STEP);
    let with_sigmoid_derivative = (sigmoid(z) - y) * sigmoid(z) * (1.0 - sigmoid(z));
    assert!(error(bce_sigmoid_gradient(z, y), numeric) < 1e-8);
    assert!(error(with_sigmoid_derivative, numeric) > 0.5);
}
