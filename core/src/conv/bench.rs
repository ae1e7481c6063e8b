//! A micro-benchmark, not a test: the forward and backward time of LeNet's convolutions on a
//! batch of 64 in `f32`, and the rate of their matrix products. Run it in release:
//! `cargo test -p nabla --release --lib conv::bench -- --ignored --nocapture`.

use super::Conv2d;
use crate::Batch;
use crate::init::Init;
use crate::layer::{Layer, Pass};
use rand::SeedableRng;
use rand::rngs::StdRng;
use std::time::{Duration, Instant};

/// The median of 51 timings of `work`, after one run that gives the caches their sizes.
fn median(mut work: impl FnMut()) -> Duration {
    work();
    let mut times: Vec<Duration> = (0..51)
        .map(|_| {
            let start = Instant::now();
            work();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

/// Times `layer` on a batch of 64; `gflop` is one of its three products, in GFLOP.
fn measure<L: Layer<f32, IN, OUT> + Clone, const IN: usize, const OUT: usize>(
    name: &str,
    layer: L,
    gflop: f64,
) {
    let samples = 64;
    let input = Batch::<f32, IN>::from_fn(samples, |i, j| ((i * 7 + j * 13) % 17) as f32 / 17.0);
    let upstream =
        Batch::<f32, OUT>::from_fn(samples, |i, j| ((i * 5 + j * 3) % 11) as f32 / 11.0 - 0.5);
    let mut cache = L::Cache::default();
    let mut gradients = layer.clone();
    let mut input_gradient = Batch::zeros(0);
    let forward = median(|| {
        layer.forward(&input, Pass::train(0), &mut cache);
    });
    let backward = median(|| layer.backward(&input, &cache, &upstream, &mut gradients, None));
    let backward_x = median(|| {
        let input_gradient = Some(&mut input_gradient);
        layer.backward(&input, &cache, &upstream, &mut gradients, input_gradient);
    });
    let ms = |time: Duration| format!("{:.3} ms", time.as_secs_f64() * 1e3);
    let rate = |products: f64, time: Duration| products * gflop / time.as_secs_f64();
    println!(
        "{name}, batch 64: forward {} ({:.1} GFLOP/s); backward {} ({:.1}), with ∂L/∂x {} ({:.1}); \
         forward + backward {} ({:.1} GFLOP/s), with ∂L/∂x {} ({:.1} GFLOP/s)",
        ms(forward),
        rate(1.0, forward),
        ms(backward),
        rate(1.0, backward),
        ms(backward_x),
        rate(2.0, backward_x),
        ms(forward + backward),
        rate(2.0, forward + backward),
        ms(forward + backward_x),
        rate(3.0, forward + backward_x),
    );
}

/// One product of a convolution over 64 samples, `2 · 64·H_OUT·W_OUT · C_IN·K·K · C_OUT`.
fn gflop(positions: usize, taps: usize, c_out: usize) -> f64 {
    2.0 * (64 * positions * taps * c_out) as f64 / 1e9
}

#[test]
#[ignore = "a benchmark: run in release with --ignored --nocapture"]
fn conv_forward_and_backward_speed() {
    let mut rng = StdRng::seed_from_u64(1);
    let first8 = Conv2d::<f32, 784, 4608, 1, 28, 28, 8, 5, 0>::new(Init::He, &mut rng);
    measure("1x28x28 => conv(8, 5x5)", first8, gflop(576, 25, 8));
    let first16 = Conv2d::<f32, 784, 9216, 1, 28, 28, 16, 5, 0>::new(Init::He, &mut rng);
    measure("1x28x28 => conv(16, 5x5)", first16, gflop(576, 25, 16));
    let second = Conv2d::<f32, 1152, 1024, 8, 12, 12, 16, 5, 0>::new(Init::He, &mut rng);
    measure("8x12x12 => conv(16, 5x5)", second, gflop(64, 200, 16));
}
