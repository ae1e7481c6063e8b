//! Chapter 1: reference solutions.

// ANCHOR: parameter_count
/// Between layers of widths `n_in` and `n_out`: `n_in · n_out` weights and `n_out` biases.
pub fn parameter_count(widths: &[usize]) -> usize {
    widths
        .windows(2)
        .map(|pair| pair[0] * pair[1] + pair[1])
        .sum()
}
// ANCHOR_END: parameter_count

// ANCHOR: xor_forward
/// `σ(v · tanh(W x + b) + c)`, one hidden unit at a time.
pub fn xor_forward(
    hidden_weights: &[f64],
    hidden_biases: &[f64],
    output_weights: &[f64],
    output_bias: f64,
    input: [f64; 2],
) -> f64 {
    let mut z = output_bias;
    for (j, (&b, &v)) in hidden_biases.iter().zip(output_weights).enumerate() {
        let row = &hidden_weights[2 * j..2 * j + 2];
        let hidden = (row[0] * input[0] + row[1] * input[1] + b).tanh();
        z += v * hidden;
    }
    1.0 / (1.0 + (-z).exp())
}
// ANCHOR_END: xor_forward
