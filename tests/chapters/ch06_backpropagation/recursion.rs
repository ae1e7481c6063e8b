//! BP2, the recursion: the gradient with respect to an activation (6.6) and the error of a hidden
//! layer from the next one (6.7).

use super::*;

#[test]
fn eq_6_6_activation_gradient() {
    // ∂L/∂aˡ = (Wˡ⁺¹)ᵀ δˡ⁺¹, for a² and a¹ (the library writes it as the `input_gradient` of
    // layer l + 1's backward pass, before multiplying by σ').
    let (network, input, targets) = deep_setup(68);
    let (trace, _) = backpropagate(&network, &input, &targets);
    let [_, delta2, delta3] = deltas_by_recursion(&network, &trace, &targets);

    let formula = weights(&network.layer3).transpose() * &delta3;
    let numeric = numeric_gradient(&matrix(&trace.activation2), |a2| {
        loss_from_a2(&network, a2, &targets)
    });
    assert_gradients_match("∂L/∂a² = (W³)ᵀ δ³", formula.as_slice(), &numeric);

    let formula = weights(&network.layer2).transpose() * &delta2;
    let numeric = numeric_gradient(&matrix(&trace.activation1), |a1| {
        loss_from_a1(&network, a1, &targets)
    });
    assert_gradients_match("∂L/∂a¹ = (W²)ᵀ δ²", formula.as_slice(), &numeric);
    // That the dense layer's backward pass computes this product is the exercise's check,
    // `eq_6_9_the_librarys_dense_layer_passes_the_exercise_checks` below.
}

#[test]
fn eq_6_7_error_recursion() {
    // BP2: δˡ = ((Wˡ⁺¹)ᵀ δˡ⁺¹) ⊙ σ'(zˡ), computed from δ³ by the recursion, is the gradient of
    // C with respect to zˡ, in both hidden layers; and the library's δˡ are those numbers.
    let (network, input, targets) = deep_setup(69);
    let (trace, _) = backpropagate(&network, &input, &targets);
    let [delta1, delta2, _] = deltas_by_recursion(&network, &trace, &targets);

    let numeric = numeric_gradient(&matrix(&trace.weighted_input2), |z2| {
        loss_from_z2(&network, z2, &targets)
    });
    assert_gradients_match("δ² = ∂L/∂z²", delta2.as_slice(), &numeric);
    let numeric = numeric_gradient(&matrix(&trace.weighted_input1), |z1| {
        loss_from_z1(&network, z1, &targets)
    });
    assert_gradients_match("δ¹ = ∂L/∂z¹", delta1.as_slice(), &numeric);

    assert_close(
        "library δ²",
        trace.delta2.as_slice(),
        delta2.as_slice(),
        1e-13,
    );
    assert_close(
        "library δ¹",
        trace.delta1.as_slice(),
        delta1.as_slice(),
        1e-13,
    );
}
