//! Chapter 2: reference solutions.

// ANCHOR: neuron
/// The perceptron's output: the step of `w · x + b`.
pub fn perceptron_output(weights: &[f64], bias: f64, inputs: &[f64]) -> f64 {
    let z: f64 = weights.iter().zip(inputs).map(|(w, x)| w * x).sum::<f64>() + bias;
    if z > 0.0 { 1.0 } else { 0.0 }
}
// ANCHOR_END: neuron

// ANCHOR: update
/// One step of the perceptron rule: move w and b by η (y − ŷ) x and η (y − ŷ).
pub fn perceptron_update(
    weights: &mut [f64],
    bias: &mut f64,
    inputs: &[f64],
    target: f64,
    eta: f64,
) {
    let error = target - perceptron_output(weights, *bias, inputs);
    for (w, x) in weights.iter_mut().zip(inputs) {
        *w += eta * error * x;
    }
    *bias += eta * error;
}
// ANCHOR_END: update
