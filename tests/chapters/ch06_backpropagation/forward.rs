//! The forward pass: the weighted input (6.1), the activation (6.2), and the network as a
//! composition of layers (6.3).

use super::*;

#[test]
fn eq_6_1_weighted_input() {
    // z = W a + b 1ᵀ: the layer's forward pass against nalgebra's operators, at sizes that take
    // the fast matrix kernel (7 → 6, batch of 8) and at small ones (3 → 5, batch of 5).
    let mut rng = seeded(60);
    let layer = uniform_dense::<7, 6>(&mut rng);
    let input = uniform_batch::<7>(&mut rng, 8, -1.0, 1.0);
    let z = layer.forward(&input);
    assert_eq!(
        z.shape(),
        (6, 8),
        "z has n_l rows and one column per sample"
    );
    let expected = reference_affine(&layer.weights, &layer.bias, &input);
    assert_close(
        "z = Wa + b (large)",
        z.as_slice(),
        expected.as_slice(),
        1e-13,
    );

    let (network, input, _) = deep_setup(61);
    let mut trace = DeepTrace::default();
    network.forward_trace(&input, nabla::layer::Pass::train(0), &mut trace);
    let layer = &network.layer1;
    let expected = reference_affine(&layer.weights, &layer.bias, &input);
    assert_close(
        "z¹",
        trace.weighted_input1.as_slice(),
        expected.as_slice(),
        1e-13,
    );
    let layer = &network.layer2;
    let expected = reference_affine(&layer.weights, &layer.bias, &trace.activation1);
    assert_close(
        "z²",
        trace.weighted_input2.as_slice(),
        expected.as_slice(),
        1e-13,
    );
}

#[test]
fn eq_6_2_activation() {
    // a = σ(z), entry by entry, for the hidden layers of a forward pass.
    let (network, input, _) = deep_setup(62);
    let mut trace = DeepTrace::default();
    network.forward_trace(&input, nabla::layer::Pass::train(0), &mut trace);
    let tanh: Vec<f64> = trace.weighted_input1.iter().map(|z| z.tanh()).collect();
    assert_close("a¹ = tanh(z¹)", trace.activation1.as_slice(), &tanh, 1e-15);
    let logistic: Vec<f64> = trace.weighted_input2.iter().map(|&z| sigmoid(z)).collect();
    assert_close("a² = σ(z²)", trace.activation2.as_slice(), &logistic, 1e-15);
    // The library's `apply` does the same for a batch.
    let mut activation = Batch::zeros(0);
    apply(&Sigmoid, &trace.weighted_input2, &mut activation);
    assert_close("apply", activation.as_slice(), &logistic, 1e-15);
}

#[test]
fn eq_6_3_network_is_a_composition_of_layers() {
    // ŷ = σ³(W³ σ²(W² σ¹(W¹ x + b¹) + b²) + b³): W¹ meets the input first.
    let (network, input, _) = deep_setup(63);
    let x = matrix(&input);
    let layer_output = |layer: &nabla::dense::Dense<f64, 5, 4>, a: &DMatrix<f64>| {
        affine(&weights(layer), layer.bias.as_slice(), a)
    };
    let a1 = affine(
        &weights(&network.layer1),
        network.layer1.bias.as_slice(),
        &x,
    )
    .map(f64::tanh);
    let a2 = layer_output(&network.layer2, &a1).map(sigmoid);
    let z3 = affine(
        &weights(&network.layer3),
        network.layer3.bias.as_slice(),
        &a2,
    );
    let expected = softmax_columns(&z3);
    let predicted = network.predict(&input);
    assert_close("ŷ", predicted.as_slice(), expected.as_slice(), 1e-14);

    // With every layer the same width the layers can be composed the other way round (W³
    // innermost, as in ŷ = f(W₁ f(W₂ ⋯ f(W_L x)))), or without biases; both give other outputs.
    let mut rng = seeded(64);
    let square = Square {
        layer1: uniform_dense(&mut rng),
        layer2: uniform_dense(&mut rng),
        layer3: uniform_dense(&mut rng),
    };
    let input = uniform_batch::<3>(&mut rng, SAMPLES, -2.0, 2.0);
    let x = matrix(&input);
    let [w1, w2, w3] = [
        weights(&square.layer1),
        weights(&square.layer2),
        weights(&square.layer3),
    ];
    let [b1, b2, b3] = [
        square.layer1.bias.as_slice(),
        square.layer2.bias.as_slice(),
        square.layer3.bias.as_slice(),
    ];
    let right = affine(
        &w3,
        b3,
        &affine(&w2, b2, &affine(&w1, b1, &x).map(f64::tanh)).map(f64::tanh),
    )
    .map(sigmoid);
    let reversed = affine(
        &w1,
        b1,
        &affine(&w2, b2, &affine(&w3, b3, &x).map(f64::tanh)).map(f64::tanh),
    )
    .map(sigmoid);
    let no_bias = (&w3 * (&w2 * (&w1 * &x).map(f64::tanh)).map(f64::tanh)).map(sigmoid);
    let predicted = matrix(&square.predict(&input));
    assert!((&predicted - &right).amax() < 1e-14);
    assert!((&predicted - &reversed).amax() > 0.05, "reversed order");
    assert!((&predicted - &no_bias).amax() > 0.05, "no biases");
}
