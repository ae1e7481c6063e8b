//! The model and its loss: the line as a network with one identity neuron (4.1) and the mean
//! squared error (4.2).

use super::*;

#[test]
fn eq_4_1_the_line_is_a_network_with_one_identity_neuron() {
    let data = data();
    let (inputs, _) = batches(&data);
    for line in points() {
        let outputs = network(line).logits(&inputs);
        for (s, &output) in data.iter().zip(outputs.iter()) {
            let expected = line.w * s.x + line.b;
            assert!((line.predict(s.x) - expected).abs() <= 1e-15 * expected.abs().max(1.0));
            assert!((output - expected).abs() <= 1e-14 * expected.abs().max(1.0));
        }
    }
}

#[test]
fn eq_4_2_mse_is_the_mean_squared_residual() {
    // The chapter's `mse`; the library's `MeanSquaredError` passes the exercise's check below.
    let data = data();
    let (a, y) = design(&data);
    for line in points() {
        // ‖A θ − y‖² / n, computed by nalgebra's matrix product.
        let expected = (&a * Vector2::new(line.w, line.b) - &y).norm_squared() / data.len() as f64;
        assert!(
            (mse(line, &data) - expected).abs() <= 1e-12 * expected,
            "chapter's mse"
        );
    }
}
