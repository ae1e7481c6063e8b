//! The worked example: a 2-2-1 network computed one number at a time.

use super::*;
use chapters::ch06_backpropagation::worked::{EXAMPLE, Site, Tiny, backward, forward};

nabla::network! {
    /// The worked example's architecture, for comparing with the library.
    pub struct TinyNet: 2 => sigmoid 2 => sigmoid 1
}

/// The derivative of the loss with respect to the value at `site`, by central differences.
fn numeric_node_gradient(site: Site) -> f64 {
    let (net, x, y) = EXAMPLE;
    let loss = |change: f64| forward(&net, x, y, Some((site, change))).loss;
    (loss(STEP) - loss(-STEP)) / (2.0 * STEP)
}

const STEP: f64 = 1e-5;

fn relative(a: f64, b: f64) -> f64 {
    relative_error(a, b, FLOOR)
}

#[test]
fn ch06_worked_example_every_node_gradient_matches_central_differences() {
    let (net, x, y) = EXAMPLE;
    let g = backward(&net, x, y, &forward(&net, x, y, None));
    let mut checked = vec![(Site::Output, g.y_hat), (Site::OutputWeighted, g.delta2)];
    for j in 0..2 {
        checked.push((Site::HiddenActivation(j), g.a1[j]));
        checked.push((Site::HiddenWeighted(j), g.delta1[j]));
    }
    for (site, analytic) in checked {
        let numeric = numeric_node_gradient(site);
        let error = relative(analytic, numeric);
        assert!(
            error < TOLERANCE,
            "{site:?}: {analytic} vs {numeric} ({error:e})"
        );
    }
    // The fused output error (6.5) for one sample and one output: δ² = ŷ − y.
    let f = forward(&net, x, y, None);
    assert!((g.delta2 - (f.y_hat - y)).abs() < 1e-12);
}

/// The example's parameters as one list: W¹ row by row, b¹, W², b².
fn flatten(net: &Tiny) -> Vec<f64> {
    let mut p: Vec<f64> = net.w1.iter().flatten().copied().collect();
    p.extend(net.b1);
    p.extend(net.w2);
    p.push(net.b2);
    p
}

fn unflatten(p: &[f64]) -> Tiny {
    Tiny {
        w1: [[p[0], p[1]], [p[2], p[3]]],
        b1: [p[4], p[5]],
        w2: [p[6], p[7]],
        b2: p[8],
    }
}

#[test]
fn ch06_worked_example_parameter_gradients_match_central_differences_and_the_library() {
    let (net, x, y) = EXAMPLE;
    let g = backward(&net, x, y, &forward(&net, x, y, None));
    let by_hand = flatten(&Tiny {
        w1: g.w1,
        b1: g.b1,
        w2: g.w2,
        b2: g.b2,
    });
    let numeric =
        finite_difference_gradient(|p| forward(&unflatten(p), x, y, None).loss, &flatten(&net));
    let error = max_relative_error(&by_hand, &numeric);
    assert!(
        error < TOLERANCE,
        "by hand vs central differences: {error:e}"
    );

    // The same network in the library: its backward pass gives the same numbers.
    let mut library = TinyNet::<f64> {
        layer1: nabla::dense::Dense::zeros(),
        layer2: nabla::dense::Dense::zeros(),
    };
    for j in 0..2 {
        for k in 0..2 {
            library.layer1.weights[(j, k)] = net.w1[j][k];
        }
        library.layer1.bias[(j, 0)] = net.b1[j];
        library.layer2.weights[(0, j)] = net.w2[j];
    }
    library.layer2.bias[(0, 0)] = net.b2;
    let input = Batch::<f64, 2>::from_column_slice(&x);
    let target = Batch::<f64, 1>::from_column_slice(&[y]);
    let (loss, grads) = loss_and_gradients(&library, &SigmoidBinaryCrossEntropy, &input, &target);
    assert!((loss - forward(&net, x, y, None).loss).abs() < 1e-12);
    for j in 0..2 {
        for k in 0..2 {
            assert!((grads.layer1.weights[(j, k)] - g.w1[j][k]).abs() < 1e-12);
        }
        assert!((grads.layer1.bias[(j, 0)] - g.b1[j]).abs() < 1e-12);
        assert!((grads.layer2.weights[(0, j)] - g.w2[j]).abs() < 1e-12);
    }
    assert!((grads.layer2.bias[(0, 0)] - g.b2).abs() < 1e-12);
}

#[test]
fn ch06_a_small_change_of_z_changes_the_loss_by_delta_times_the_change() {
    let (net, x, y) = EXAMPLE;
    let f = forward(&net, x, y, None);
    let g = backward(&net, x, y, &f);
    for j in 0..2 {
        let mut previous = f64::INFINITY;
        for change in [1e-1, 1e-2, 1e-3] {
            let moved = forward(&net, x, y, Some((Site::HiddenWeighted(j), change)));
            let actual = moved.loss - f.loss;
            let predicted = g.delta1[j] * change;
            let miss = (actual - predicted).abs();
            // ΔL − δ·Δz is of second order: a tenth of the change leaves about a hundredth.
            assert!(
                miss < change * change,
                "unit {j}, Δz = {change}: ΔL = {actual}, δ·Δz = {predicted}"
            );
            assert!(
                miss < previous / 50.0,
                "unit {j}, Δz = {change}: {miss} after {previous}"
            );
            previous = miss;
        }
        // A δ that leaves out σ′ (the activation gradient ∂L/∂a) predicts a different change.
        let change = 1e-3;
        let moved = forward(&net, x, y, Some((Site::HiddenWeighted(j), change)));
        let wrong = g.a1[j] * change;
        assert!((moved.loss - f.loss - wrong).abs() > 0.5 * wrong.abs());
    }
}
