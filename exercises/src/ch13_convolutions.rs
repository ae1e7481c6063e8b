//! Chapter 13, convolutional networks: exercises. Fill in each function marked `EXERCISE`, then
//! run `cargo run --release -- exercises check ch13`.
//!
//! An image of `h × w` pixels is a slice of `h · w` numbers, row by row: pixel `(y, x)` is at
//! index `y · w + x`, as in the library.
// The stubs do not use their arguments until you fill them in.
#![allow(unused_variables)]

// ANCHOR: output_size
/// EXERCISE 13.1: the output size of a convolution.
///
/// A `kernel × kernel` kernel slides with stride 1 over an image `input` pixels high that has
/// `padding` rows of zeros added above and below. Return how many rows the output has,
/// equation (13.2), or `None` if the kernel does not fit in the padded image at all.
pub fn output_size(input: usize, kernel: usize, padding: usize) -> Option<usize> {
    todo!("EXERCISE 13.1")
}
// ANCHOR_END: output_size

// ANCHOR: conv2d
/// EXERCISE 13.2: the forward pass of a convolution, one channel in and one out, no bias.
///
/// `image` is `h × w`, `kernel` is `k × k` (row by row too), and the image is padded with
/// `padding` zeros on every side. Return the output of equation (13.1), row by row: its size
/// is given by (13.2) in each direction. Compute what frameworks call a convolution.
pub fn conv2d(
    image: &[f64],
    h: usize,
    w: usize,
    kernel: &[f64],
    k: usize,
    padding: usize,
) -> Vec<f64> {
    todo!("EXERCISE 13.2")
}

/// EXERCISE 13.3: the gradient of the kernel.
///
/// For the convolution of [`conv2d`] and the error `delta` = ∂L/∂output (one number per output
/// pixel, row by row), return ∂L/∂kernel, `k × k` row by row: equation (13.5).
pub fn kernel_gradient(
    image: &[f64],
    h: usize,
    w: usize,
    delta: &[f64],
    k: usize,
    padding: usize,
) -> Vec<f64> {
    todo!("EXERCISE 13.3")
}
// ANCHOR_END: conv2d

// ANCHOR: max_pool_backward
/// EXERCISE 13.4: max-pooling's backward pass.
///
/// The forward pass kept the largest of each 2 × 2 block of the `h × w` image `input` (`h`
/// and `w` even), giving an `h/2 × w/2` output. Given ∂L/∂output (`output_gradient`, row by
/// row), return ∂L/∂input, `h × w`: equation (13.9). No block of `input` has a tie.
pub fn max_pool_backward(input: &[f64], h: usize, w: usize, output_gradient: &[f64]) -> Vec<f64> {
    todo!("EXERCISE 13.4")
}
// ANCHOR_END: max_pool_backward
