//! The checks that grade chapter 13's exercises, run on the library: the output size (13.2) as
//! `Conv2d`'s types compute it, the forward pass (13.1) and the kernel's gradient (13.5) of a
//! one-channel `Conv2d` without bias, and `MaxPool2d`'s backward pass (13.9). An adapter copies
//! between the checks' row-major slices and a `Batch`.

use exercises::checks::ch13_convolutions as checks;
use nabla::Batch;
use nabla::conv::Conv2d;
use nabla::layer::{Layer, Pass};
use nabla::network::Parameters;
use nabla::pool::MaxPool2d;

/// `H_OUT` of a one-channel convolution over an `H × H` image, or `None` when it is 0 (the
/// type's formula saturates at 0 where the kernel does not fit).
fn rows<const H: usize, const K: usize, const P: usize>() -> Option<usize> {
    let rows = Conv2d::<f64, 1, 1, 1, H, H, 1, K, P>::H_OUT;
    (rows > 0).then_some(rows)
}

/// The output size by `Conv2d`'s types, for the sizes the check asks about.
fn library_output_size(input: usize, kernel: usize, padding: usize) -> Option<usize> {
    match (input, kernel, padding) {
        (28, 5, 0) => rows::<28, 5, 0>(),
        (28, 5, 2) => rows::<28, 5, 2>(),
        (12, 5, 0) => rows::<12, 5, 0>(),
        (7, 3, 1) => rows::<7, 3, 1>(),
        (5, 5, 0) => rows::<5, 5, 0>(),
        (4, 5, 0) => rows::<4, 5, 0>(),
        (3, 7, 2) => rows::<3, 7, 2>(),
        (3, 9, 2) => rows::<3, 9, 2>(),
        (1, 1, 0) => rows::<1, 1, 0>(),
        other => panic!("no Conv2d type for {other:?}"),
    }
}

#[test]
fn eq_13_2_conv2ds_output_size_passes_the_exercise_check() {
    let outcome = checks::output_size(library_output_size);
    assert!(outcome.passed(), "{outcome:?}");
}

/// A one-channel, bias-free `Conv2d` with the row-major `k × k` kernel `kernel`: the library
/// stores tap `(i, j)` in column `i + K·j` of its weight matrix.
fn layer<
    const IN: usize,
    const OUT: usize,
    const H: usize,
    const W: usize,
    const K: usize,
    const P: usize,
>(
    kernel: &[f64],
) -> Conv2d<f64, IN, OUT, 1, H, W, 1, K, P> {
    let mut layer = Conv2d::zeros();
    for i in 0..K {
        for j in 0..K {
            layer.weight[(0, i + K * j)] = kernel[i * K + j];
        }
    }
    layer
}

/// The library's forward pass, and its kernel gradient for `delta` (row-major like the kernel).
fn library<
    const IN: usize,
    const OUT: usize,
    const H: usize,
    const W: usize,
    const K: usize,
    const P: usize,
>(
    image: &[f64],
    kernel: &[f64],
    delta: &[f64],
) -> (Vec<f64>, Vec<f64>) {
    let conv = layer::<IN, OUT, H, W, K, P>(kernel);
    let input = Batch::<f64, IN>::from_column_slice(image);
    let mut cache = Default::default();
    let output = conv
        .forward(&input, Pass::train(0), &mut cache)
        .as_slice()
        .to_vec();
    let mut gradients = conv.zeros_like();
    let upstream = Batch::<f64, OUT>::from_column_slice(delta);
    conv.backward(&input, &cache, &upstream, &mut gradients, None);
    let gradient = (0..K * K)
        .map(|n| gradients.weight[(0, n / K + K * (n % K))])
        .collect();
    (output, gradient)
}

/// [`library`] for the cases the checks use (`delta` of zeros when only the output is needed).
fn library_for(
    image: &[f64],
    h: usize,
    w: usize,
    kernel: &[f64],
    k: usize,
    padding: usize,
    delta: Option<&[f64]>,
) -> (Vec<f64>, Vec<f64>) {
    let outputs = (h + 2 * padding + 1 - k) * (w + 2 * padding + 1 - k);
    let zeros = vec![0.0; outputs];
    let delta = delta.unwrap_or(&zeros);
    match (h, w, k, padding) {
        (4, 5, 3, 0) => library::<20, 6, 4, 5, 3, 0>(image, kernel, delta),
        (5, 4, 3, 1) => library::<20, 20, 5, 4, 3, 1>(image, kernel, delta),
        (6, 6, 2, 0) => library::<36, 25, 6, 6, 2, 0>(image, kernel, delta),
        (3, 3, 3, 2) => library::<9, 25, 3, 3, 3, 2>(image, kernel, delta),
        other => panic!("no Conv2d type for {other:?}"),
    }
}

#[test]
fn eq_13_1_conv2ds_forward_pass_passes_the_exercise_check() {
    let forward = |image: &[f64], h, w, kernel: &[f64], k, padding| {
        library_for(image, h, w, kernel, k, padding, None).0
    };
    let outcome = checks::conv2d(forward);
    assert!(outcome.passed(), "{outcome:?}");
}

#[test]
fn eq_13_5_conv2ds_kernel_gradient_passes_the_exercise_check() {
    let forward = |image: &[f64], h, w, kernel: &[f64], k, padding| {
        library_for(image, h, w, kernel, k, padding, None).0
    };
    // The kernel's gradient does not depend on the kernel (z is linear in it): any kernel will do.
    let gradient = |image: &[f64], h, w, delta: &[f64], k: usize, padding| {
        library_for(image, h, w, &vec![0.0; k * k], k, padding, Some(delta)).1
    };
    let outcome = checks::kernel_gradient(gradient, forward);
    assert!(outcome.passed(), "{outcome:?}");
}

/// `MaxPool2d`'s input gradient on one `H × W` channel.
fn pool_backward<const IN: usize, const OUT: usize, const H: usize, const W: usize>(
    input: &[f64],
    output_gradient: &[f64],
) -> Vec<f64> {
    let pool = MaxPool2d::<IN, OUT, 1, H, W>;
    let x = Batch::<f64, IN>::from_column_slice(input);
    let mut cache = Default::default();
    pool.forward(&x, Pass::train(0), &mut cache);
    let upstream = Batch::<f64, OUT>::from_column_slice(output_gradient);
    let mut gradient = Batch::zeros(1);
    pool.backward(&x, &cache, &upstream, &mut MaxPool2d, Some(&mut gradient));
    gradient.as_slice().to_vec()
}

#[test]
fn eq_13_9_maxpool2ds_backward_pass_passes_the_exercise_check() {
    let backward = |input: &[f64], h, w, output_gradient: &[f64]| match (h, w) {
        (4, 4) => pool_backward::<16, 4, 4, 4>(input, output_gradient),
        (2, 6) => pool_backward::<12, 3, 2, 6>(input, output_gradient),
        (6, 4) => pool_backward::<24, 6, 6, 4>(input, output_gradient),
        other => panic!("no MaxPool2d type for {other:?}"),
    };
    let outcome = checks::max_pool_backward(backward);
    assert!(outcome.passed(), "{outcome:?}");
}
