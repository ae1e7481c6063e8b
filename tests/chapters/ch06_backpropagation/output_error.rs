//! BP1, the output error: δᴸ for an elementwise activation (6.4) and for the fused pairs (6.5),
//! and why ŷ − y is not the output error of the mean squared error.

use super::*;

#[test]
fn eq_6_4_output_error() {
    // BP1 for an elementwise output activation: δᴸ = ∇ₐC ⊙ σ'(zᴸ). Here C is the mean squared
    // error of σ(zᴸ), for σ = sigmoid and σ = tanh; ∇ₐC comes from the loss, ⊙ σ'(zᴸ) from
    // `apply_derivative`, and the product must be the gradient of C with respect to zᴸ.
    let mut rng = seeded(65);
    let z = uniform_batch::<3>(&mut rng, SAMPLES, -3.0, 3.0);
    let targets = uniform_batch::<3>(&mut rng, SAMPLES, 0.0, 1.0);
    for name in ["sigmoid", "tanh"] {
        let activate = |z: &Batch<f64, 3>| {
            let mut a = Batch::zeros(0);
            match name {
                "sigmoid" => apply(&Sigmoid, z, &mut a),
                _ => apply(&Tanh, z, &mut a),
            }
            a
        };
        let a = activate(&z);
        let mut delta = Batch::zeros(0);
        MeanSquaredError.value_and_gradient(&a, &targets, &mut delta); // ∇ₐC
        match name {
            "sigmoid" => apply_derivative(&Sigmoid, &z, &a, &mut delta),
            _ => apply_derivative(&Tanh, &z, &a, &mut delta),
        }
        let numeric = finite_difference_gradient(
            |z| MeanSquaredError.value(&activate(&Batch::from_column_slice(z)), &targets),
            z.as_slice(),
        );
        assert_gradients_match(&format!("δᴸ with {name}"), delta.as_slice(), &numeric);
    }
}

#[test]
fn eq_6_5_fused_output_error() {
    // Softmax with cross-entropy: δᴸ = (ŷ − y)/B; sigmoid with binary cross-entropy (averaged
    // over the K outputs too): δᴸ = (ŷ − y)/(BK).
    let mut rng = seeded(66);
    let z = uniform_batch::<3>(&mut rng, SAMPLES, -3.0, 3.0);
    let targets = random_one_hot::<3>(&mut rng, SAMPLES);
    let samples = SAMPLES as f64;

    let mut delta = Batch::zeros(0);
    SoftmaxCrossEntropy.value_and_gradient(&z, &targets, &mut delta);
    let formula = (softmax_columns(&matrix(&z)) - matrix(&targets)) / samples;
    assert_close("(ŷ − y)/B", delta.as_slice(), formula.as_slice(), 1e-14);
    let numeric = finite_difference_gradient(
        |z| loss_from_logits(&DMatrix::from_column_slice(3, SAMPLES, z), &targets),
        z.as_slice(),
    );
    assert_gradients_match("softmax + cross-entropy", formula.as_slice(), &numeric);

    let labels = uniform_batch::<3>(&mut rng, SAMPLES, 0.0, 1.0);
    let formula = matrix(&z).zip_map(&matrix(&labels), |z, y| (sigmoid(z) - y) / (samples * 3.0));
    let numeric = finite_difference_gradient(
        |z| SigmoidBinaryCrossEntropy.value(&Batch::from_column_slice(z), &labels),
        z.as_slice(),
    );
    assert_gradients_match(
        "sigmoid + binary cross-entropy",
        formula.as_slice(),
        &numeric,
    );
    SigmoidBinaryCrossEntropy.value_and_gradient(&z, &labels, &mut delta);
    assert_close("library", delta.as_slice(), formula.as_slice(), 1e-14);
}

#[test]
fn eq_6_5_y_hat_minus_y_is_not_the_output_error_of_mean_squared_error() {
    // ŷ − y is δᴸ only for the fused pairs. With a sigmoid output and the mean squared error,
    // δᴸ = (2/BK)(ŷ − y) ⊙ σ'(z) (BP1); the shortcut, even scaled the same way, is far off.
    let mut rng = seeded(67);
    let z = uniform_batch::<3>(&mut rng, SAMPLES, -3.0, 3.0);
    let targets = uniform_batch::<3>(&mut rng, SAMPLES, 0.0, 1.0);
    let scale = 2.0 / (SAMPLES as f64 * 3.0);
    let loss = |z: &[f64]| {
        let a = Batch::<f64, 3>::from_column_slice(z).map(sigmoid);
        MeanSquaredError.value(&a, &targets)
    };
    let numeric = finite_difference_gradient(loss, z.as_slice());
    let bp1: Vec<f64> = (z.iter().zip(targets.iter()))
        .map(|(&z, &y)| scale * (sigmoid(z) - y) * sigmoid(z) * (1.0 - sigmoid(z)))
        .collect();
    assert_gradients_match("BP1 for MSE", &bp1, &numeric);
    let shortcut: Vec<f64> = (z.iter().zip(targets.iter()))
        .map(|(&z, &y)| scale * (sigmoid(z) - y))
        .collect();
    let error = max_relative_error(&shortcut, &numeric);
    assert!(error > 0.5, "ŷ − y passed for MSE: {error}");
}
