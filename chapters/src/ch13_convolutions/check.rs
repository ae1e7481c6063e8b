//! The library's `Conv2d` and `MaxPool2d` against the chapter's equations: the forward pass
//! against (13.1) loop by loop, the three gradients against (13.5)–(13.7) and against central
//! differences, and max-pooling's routing (13.9) on a small example.

use super::definition::{Geometry, max_pool};
use crate::session::{ChapterResult, Session};
use nabla::Batch;
use nabla::conv::Conv2d;
use nabla::gradcheck::relative_error;
use nabla::init::Init;
use nabla::layer::{Layer, Pass};
use nabla::network::Parameters;
use nabla::pool::MaxPool2d;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// The checked convolution: 2 channels of 5 × 6 → 3 channels of 5 × 6, kernels 3 × 3,
/// padding 1.
pub type Small = Conv2d<f64, 60, 90, 2, 5, 6, 3, 3, 1>;

/// [`Small`]'s sizes.
pub const SMALL: Geometry = Geometry {
    channels: 2,
    height: 5,
    width: 6,
    kernels: 3,
    kernel: 3,
    padding: 1,
};

/// A layer's kernels in PyTorch's `[o][c][i][j]` order (the library stores them as a
/// `C_out × C_in·K·K` matrix whose column `c + C_in·(i + K·j)` holds tap `(c, i, j)`).
pub fn kernels(layer: &Small, geometry: &Geometry) -> Vec<f64> {
    let (g, k) = (geometry, geometry.kernel);
    let mut weight = vec![0.0; g.kernel_len()];
    for o in 0..g.kernels {
        for c in 0..g.channels {
            for i in 0..k {
                for j in 0..k {
                    weight[g.tap(o, c, i, j)] = layer.weight[(o, c + g.channels * (i + k * j))];
                }
            }
        }
    }
    weight
}

/// The largest relative error between two lists, `|a − b| / max(|a|, |b|, 10⁻⁴)` (the floor of
/// chapter 6's gradient check).
pub fn largest_error(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len(), "lists of different lengths");
    a.iter()
        .zip(b)
        .map(|(&x, &y)| relative_error(x, y, 1e-4))
        .fold(0.0, f64::max)
}

/// What the comparison measured: the largest relative error of each quantity.
#[derive(Clone, Copy, Debug)]
pub struct Agreement {
    /// The library's output against (13.1).
    pub forward: f64,
    /// `∂L/∂W` against (13.5), and against central differences.
    pub kernel: (f64, f64),
    /// `∂L/∂b` against (13.6), and against central differences.
    pub bias: (f64, f64),
    /// `∂L/∂x` against (13.7), and against central differences.
    pub input: (f64, f64),
}

/// Compares the library's [`Small`] with the definitions on one random sample, with the loss
/// `L = Σ R ⊙ z` for a random `R` (so that `δ = R`).
pub fn compare(seed: u64) -> Agreement {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut layer = Small::new(Init::He, &mut rng);
    layer
        .bias
        .as_mut_slice()
        .iter_mut()
        .for_each(|b| *b = rng.random_range(-0.5..0.5));
    let image: Vec<f64> = (0..60).map(|_| rng.random_range(-1.0..1.0)).collect();
    let delta: Vec<f64> = (0..90).map(|_| rng.random_range(-1.0..1.0)).collect();
    let input = Batch::<f64, 60>::from_column_slice(&image);
    let upstream = Batch::<f64, 90>::from_column_slice(&delta);
    let weight = kernels(&layer, &SMALL);

    // ANCHOR: compare
    let mut cache = Default::default();
    let z = layer
        .forward(&input, Pass::train(0), &mut cache)
        .as_slice()
        .to_vec();
    let mut gradients = layer.zeros_like();
    let mut input_gradient = Batch::zeros(1);
    layer.backward(
        &input,
        &cache,
        &upstream,
        &mut gradients,
        Some(&mut input_gradient),
    );
    let forward = largest_error(&z, &SMALL.forward(&image, &weight, layer.bias.as_slice()));
    let kernel = largest_error(
        &kernels(&gradients, &SMALL),
        &SMALL.kernel_gradient(&image, &delta),
    );
    let bias = largest_error(gradients.bias.as_slice(), &SMALL.bias_gradient(&delta));
    let input_error = largest_error(
        input_gradient.as_slice(),
        &SMALL.input_gradient(&weight, &delta),
    );
    // ANCHOR_END: compare

    // Central differences of L = Σ R ⊙ z, computed by the definition (13.1).
    let loss = |image: &[f64], weight: &[f64], bias: &[f64]| -> f64 {
        SMALL
            .forward(image, weight, bias)
            .iter()
            .zip(&delta)
            .map(|(z, r)| z * r)
            .sum()
    };
    let bias_values = layer.bias.as_slice().to_vec();
    let h = 1e-5;
    let numeric = |values: &[f64], f: &dyn Fn(&[f64]) -> f64| -> Vec<f64> {
        (0..values.len())
            .map(|i| {
                let mut plus = values.to_vec();
                let mut minus = values.to_vec();
                plus[i] += h;
                minus[i] -= h;
                (f(&plus) - f(&minus)) / (2.0 * h)
            })
            .collect()
    };
    let numeric_kernel = numeric(&weight, &|w| loss(&image, w, &bias_values));
    let numeric_bias = numeric(&bias_values, &|b| loss(&image, &weight, b));
    let numeric_input = numeric(&image, &|x| loss(x, &weight, &bias_values));
    Agreement {
        forward,
        kernel: (
            kernel,
            largest_error(&kernels(&gradients, &SMALL), &numeric_kernel),
        ),
        bias: (
            bias,
            largest_error(gradients.bias.as_slice(), &numeric_bias),
        ),
        input: (
            input_error,
            largest_error(input_gradient.as_slice(), &numeric_input),
        ),
    }
}

/// The pooled example: one channel of 4 × 4.
pub const POOL_INPUT: [f64; 16] = [
    1.0, 3.0, 0.5, 0.2, //
    2.0, 0.0, 0.1, 0.9, //
    -1.0, -2.0, 4.0, 1.0, //
    -0.5, -3.0, 2.0, 5.0,
];

/// The library's max-pooling on [`POOL_INPUT`]: its output, and its input gradient for the
/// output gradient `upstream`.
pub fn pool_example(upstream: [f64; 4]) -> (Vec<f64>, Vec<f64>) {
    let pool = MaxPool2d::<16, 4, 1, 4, 4>;
    let input = Batch::<f64, 16>::from_column_slice(&POOL_INPUT);
    let mut cache = Default::default();
    let output = pool
        .forward(&input, Pass::train(0), &mut cache)
        .as_slice()
        .to_vec();
    let mut gradient = Batch::zeros(1);
    let upstream = Batch::<f64, 4>::from_column_slice(&upstream);
    pool.backward(
        &input,
        &cache,
        &upstream,
        &mut MaxPool2d,
        Some(&mut gradient),
    );
    (output, gradient.as_slice().to_vec())
}

/// Prints the comparisons.
pub fn run(session: &mut Session) -> ChapterResult {
    let a = compare(super::SEED);
    writeln!(
        session.out,
        "Conv2d 2x5x6 => conv(3, 3x3) with padding 1, in f64, largest relative error of the library"
    )?;
    writeln!(
        session.out,
        "  output z     against (13.1) {:.1e}",
        a.forward
    )?;
    writeln!(
        session.out,
        "  ∂L/∂W        against (13.5) {:.1e}  against central differences {:.1e}",
        a.kernel.0, a.kernel.1
    )?;
    writeln!(
        session.out,
        "  ∂L/∂b        against (13.6) {:.1e}  against central differences {:.1e}",
        a.bias.0, a.bias.1
    )?;
    writeln!(
        session.out,
        "  ∂L/∂a        against (13.7) {:.1e}  against central differences {:.1e}",
        a.input.0, a.input.1
    )?;
    let upstream = [0.1, 0.2, 0.3, 0.4];
    let (output, gradient) = pool_example(upstream);
    let row = |values: &[f64]| values.iter().map(|v| format!("{v:>5}")).collect::<String>();
    writeln!(
        session.out,
        "max-pooling 4 × 4 → 2 × 2 (13.8), and the gradient routed back (13.9)"
    )?;
    writeln!(
        session.out,
        "  {:<20}    {:<10}    {:<10}    ∂L/∂a",
        "input a", "output a′", "∂L/∂a′"
    )?;
    for y in 0..4 {
        let half = |values: &[f64]| {
            if y < 2 {
                row(&values[2 * y..2 * y + 2])
            } else {
                " ".repeat(10)
            }
        };
        writeln!(
            session.out,
            "  {}    {}    {}    {}",
            row(&POOL_INPUT[4 * y..4 * y + 4]),
            half(&output),
            half(&upstream),
            row(&gradient[4 * y..4 * y + 4])
        )?;
    }
    let same = max_pool(&POOL_INPUT, 4, 4) == output;
    writeln!(
        session.out,
        "  the library's output equals the definition (13.8): {same}"
    )?;
    Ok(())
}
