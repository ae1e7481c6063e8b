//! BP3 and BP4, the parameter gradients: ∂L/∂b (6.8) and ∂L/∂W (6.9), and the transposed
//! formula that is wrong.

use super::*;

#[test]
fn eq_6_8_bias_gradient() {
    // BP3: ∂L/∂bˡ = δˡ 1 (each row of δˡ summed over the batch), in every layer, against
    // central differences of C in bˡ; and the library's gradients are those numbers.
    let (network, input, targets) = deep_setup(70);
    let (trace, gradients) = backpropagate(&network, &input, &targets);
    let deltas = deltas_by_recursion(&network, &trace, &targets);
    let row_sums = |delta: &DMatrix<f64>| -> Vec<f64> { delta.column_sum().as_slice().to_vec() };

    let numeric = [
        finite_difference_gradient(
            |b| {
                let mut moved = network.clone();
                moved.layer1.bias.as_mut_slice().copy_from_slice(b);
                loss_of(&moved, &input, &targets)
            },
            network.layer1.bias.as_slice(),
        ),
        finite_difference_gradient(
            |b| {
                let mut moved = network.clone();
                moved.layer2.bias.as_mut_slice().copy_from_slice(b);
                loss_of(&moved, &input, &targets)
            },
            network.layer2.bias.as_slice(),
        ),
        finite_difference_gradient(
            |b| {
                let mut moved = network.clone();
                moved.layer3.bias.as_mut_slice().copy_from_slice(b);
                loss_of(&moved, &input, &targets)
            },
            network.layer3.bias.as_slice(),
        ),
    ];
    let library = [
        gradients.layer1.bias.as_slice(),
        gradients.layer2.bias.as_slice(),
        gradients.layer3.bias.as_slice(),
    ];
    for (layer, ((delta, numeric), library)) in deltas.iter().zip(&numeric).zip(library).enumerate()
    {
        let formula = row_sums(delta);
        assert_gradients_match(&format!("∂L/∂b{} = δ 1", layer + 1), &formula, numeric);
        assert_close("library ∂L/∂b", library, &formula, 1e-13);
    }
}

#[test]
fn eq_6_9_weight_gradient() {
    // BP4: ∂L/∂Wˡ = δˡ (aˡ⁻¹)ᵀ, in every layer, against central differences of C in Wˡ; and
    // the library's gradients are those numbers.
    let (network, input, targets) = deep_setup(71);
    let (trace, gradients) = backpropagate(&network, &input, &targets);
    let [delta1, delta2, delta3] = deltas_by_recursion(&network, &trace, &targets);
    let formulas = [
        &delta1 * matrix(&input).transpose(),
        &delta2 * matrix(&trace.activation1).transpose(),
        &delta3 * matrix(&trace.activation2).transpose(),
    ];
    assert_eq!(
        formulas[0].shape(),
        (5, 3),
        "∂L/∂W¹ has the shape of W¹: n₁ × n₀"
    );

    let numeric = [
        finite_difference_gradient(
            |w| {
                let mut moved = network.clone();
                moved.layer1.weights.as_mut_slice().copy_from_slice(w);
                loss_of(&moved, &input, &targets)
            },
            network.layer1.weights.as_slice(),
        ),
        finite_difference_gradient(
            |w| {
                let mut moved = network.clone();
                moved.layer2.weights.as_mut_slice().copy_from_slice(w);
                loss_of(&moved, &input, &targets)
            },
            network.layer2.weights.as_slice(),
        ),
        finite_difference_gradient(
            |w| {
                let mut moved = network.clone();
                moved.layer3.weights.as_mut_slice().copy_from_slice(w);
                loss_of(&moved, &input, &targets)
            },
            network.layer3.weights.as_slice(),
        ),
    ];
    let library = [
        gradients.layer1.weights.as_slice(),
        gradients.layer2.weights.as_slice(),
        gradients.layer3.weights.as_slice(),
    ];
    for (layer, ((formula, numeric), library)) in
        formulas.iter().zip(&numeric).zip(library).enumerate()
    {
        let what = format!("∂L/∂W{} = δ aᵀ", layer + 1);
        assert_gradients_match(&what, formula.as_slice(), numeric);
        assert_close(&what, library, formula.as_slice(), 1e-13);
    }
}

#[test]
fn eq_6_9_transposed_weight_gradient_is_wrong() {
    // The transposed formula a (δ)ᵀ has the shape of (Wˡ)ᵀ, n_{l−1} × n_l, not that of Wˡ.
    let (network, input, targets) = deep_setup(72);
    let (trace, _) = backpropagate(&network, &input, &targets);
    let [delta1, _, _] = deltas_by_recursion(&network, &trace, &targets);
    let transposed = matrix(&input) * delta1.transpose();
    assert_eq!(transposed.shape(), (3, 5));
    assert_ne!(transposed.shape(), (5, 3), "W¹ is 5 × 3");

    // In a square layer the shapes agree, but the numbers are not the gradient.
    let mut rng = seeded(73);
    let square = Square {
        layer1: uniform_dense(&mut rng),
        layer2: uniform_dense(&mut rng),
        layer3: uniform_dense(&mut rng),
    };
    let input = uniform_batch::<3>(&mut rng, SAMPLES, -2.0, 2.0);
    let labels = uniform_batch::<3>(&mut rng, SAMPLES, 0.0, 1.0);
    let loss = SigmoidBinaryCrossEntropy;
    let mut trace = Default::default();
    let logits = square
        .forward_trace(&input, nabla::layer::Pass::train(0), &mut trace)
        .clone();
    let mut delta3 = Batch::zeros(0);
    loss.value_and_gradient(&logits, &labels, &mut delta3);
    let mut gradients = square.zeros_like();
    square.backward(&input, &mut trace, &delta3, &mut gradients);
    let delta2 = matrix(&trace.delta2);
    let a1 = matrix(&trace.activation1);
    let numeric = finite_difference_gradient(
        |w| {
            let mut moved = square.clone();
            moved.layer2.weights.as_mut_slice().copy_from_slice(w);
            loss.value(&moved.logits(&input), &labels)
        },
        square.layer2.weights.as_slice(),
    );
    let right = &delta2 * a1.transpose();
    let wrong = &a1 * delta2.transpose();
    assert_gradients_match("δ² (a¹)ᵀ", right.as_slice(), &numeric);
    let error = max_relative_error(wrong.as_slice(), &numeric);
    assert!(error > 0.1, "a¹ (δ²)ᵀ passed: {error}");
}
