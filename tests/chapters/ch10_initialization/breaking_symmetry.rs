//! Symmetry: equal weights give every hidden unit the same gradient (10.1).

use super::*;

/// (10.1) When the hidden units start alike (every weight into them equal, and each output's
/// weights from them equal), every hidden unit gets the same gradient: the rows of ∂L/∂W¹
/// agree, and so do the entries of ∂L/∂b¹. A step therefore keeps them alike, and after 200
/// epochs of SGD from all weights 0.5 the 8 units are still one. Xavier weights break the tie.
#[test]
fn eq_10_1_equal_weights_give_every_hidden_unit_the_same_gradient() {
    let data = symmetry::data(SEED);
    let mut network = equal_weights(0.5);
    // Output k weighs every hidden unit by the same 0.1·(k + 1): the units are still alike,
    // and the outputs differ, so the error reaching the hidden layer is not zero.
    for k in 0..3 {
        for j in 0..8 {
            network.layer2.weights[(k, j)] = 0.1 * (k + 1) as f64;
        }
    }
    let (_, gradient) = loss_and_gradients(&network, &network.loss(), &data.inputs, &data.targets);
    let g = &gradient.layer1.weights;
    let scale = frobenius(g.as_slice());
    assert!(
        scale > 1e-3,
        "the hidden layer's gradient is not zero: {scale}"
    );
    let b = gradient.layer1.bias.as_slice();
    for j in 1..8 {
        for k in 0..4 {
            assert!(
                (g[(j, k)] - g[(0, k)]).abs() <= 1e-12 * scale,
                "unit {j} input {k}: {} vs {}",
                g[(j, k)],
                g[(0, k)]
            );
        }
        assert!(
            (b[j] - b[0]).abs() <= 1e-12 * scale,
            "bias {j}: {} vs {}",
            b[j],
            b[0]
        );
    }
    let start = equal_weights(0.5);
    let mut trained = start.clone();
    symmetry::train(&mut trained, &data, 200);
    let moved =
        frobenius(trained.layer1.weights.as_slice()) - frobenius(start.layer1.weights.as_slice());
    assert!(moved.abs() > 1e-3, "training moved the hidden weights");
    assert!(
        largest_unit_difference(&trained) <= 1e-9,
        "the units stayed equal"
    );
    let mut random = xavier(SEED);
    symmetry::train(&mut random, &data, 200);
    assert!(largest_unit_difference(&random) > 0.1);
}
