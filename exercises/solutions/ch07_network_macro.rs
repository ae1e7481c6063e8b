//! Chapter 7: reference solutions.

use nabla::rand::rngs::StdRng;

// ANCHOR: digits_network
nabla::network! {
    /// One hidden layer of 64 ReLU units: about 51,000 parameters.
    pub struct Digits: 784 => relu 64 => softmax 10
}

/// A new `Digits`, He-initialized for its ReLU layer and Xavier for its output.
pub fn digits_network(rng: &mut StdRng) -> Digits {
    Digits::new(rng)
}
// ANCHOR_END: digits_network

// ANCHOR: parameter_count
/// `Σ_ℓ (n_ℓ n_{ℓ−1} + n_ℓ)`: every layer's weights and biases; the input has neither.
pub fn parameter_count(widths: &[usize]) -> usize {
    widths
        .windows(2)
        .map(|pair| pair[1] * pair[0] + pair[1])
        .sum()
}
// ANCHOR_END: parameter_count
