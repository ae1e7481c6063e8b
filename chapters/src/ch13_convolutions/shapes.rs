//! LeNet's shapes and parameter counts read from its types (13.2, 13.3), against a dense layer
//! with the same input and output, and its receptive fields (13.10), computed by the
//! recursion and measured as the pixels a unit's gradient can reach.

use crate::cnn::{LeNet, LeNetTrace};
use crate::headline::count;
use crate::session::{ChapterResult, Session};
use nabla::Batch;
use nabla::conv::Conv2d;
use nabla::layer::{Layer, Pass};
use nabla::network::{Network, Parameters};
use nabla::pool::MaxPool2d;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// A convolution's output `(C_out, H_out, W_out)`, as its type computes it by (13.2).
pub fn conv_output<
    T: nabla::Scalar,
    const IN: usize,
    const OUT: usize,
    const C_IN: usize,
    const H: usize,
    const W: usize,
    const C_OUT: usize,
    const K: usize,
    const P: usize,
>(
    _layer: &Conv2d<T, IN, OUT, C_IN, H, W, C_OUT, K, P>,
) -> (usize, usize, usize) {
    (
        C_OUT,
        Conv2d::<T, IN, OUT, C_IN, H, W, C_OUT, K, P>::H_OUT,
        Conv2d::<T, IN, OUT, C_IN, H, W, C_OUT, K, P>::W_OUT,
    )
}

/// A pooling layer's output `(C, H/2, W/2)`.
pub fn pool_output<
    const IN: usize,
    const OUT: usize,
    const C: usize,
    const H: usize,
    const W: usize,
>(
    _layer: &MaxPool2d<IN, OUT, C, H, W>,
) -> (usize, usize, usize) {
    (C, H / 2, W / 2)
}

/// The number of trained numbers in `part`.
pub fn parameters<P: Parameters<f32>>(part: &P) -> usize {
    part.tensor_specs().iter().map(|spec| spec.len()).sum()
}

/// One row of the shape table: the stage, its output shape, its parameters, and the parameters
/// of a dense layer from the same input to the same output (`None` for stages without weights).
pub struct Stage {
    /// The stage as `network!` spells it.
    pub name: &'static str,
    /// `(C, H, W)` for an image, `(0, n, 0)` for a flat vector of `n` numbers.
    pub shape: (usize, usize, usize),
    /// Trained parameters.
    pub parameters: usize,
    /// `in · out + out`, for the stages that have weights.
    pub dense: Option<usize>,
}

// ANCHOR: stages
/// LeNet's stages with the shapes its types carry.
pub fn stages(net: &LeNet<f32>) -> Vec<Stage> {
    let size = |(c, h, w): (usize, usize, usize)| if c == 0 { h } else { c * h * w };
    // A stage with weights, and a dense layer from the same input to the same output.
    let weighted = |name, input, shape, parameters| Stage {
        name,
        shape,
        parameters,
        dense: Some(size(input) * size(shape) + size(shape)),
    };
    let plain = |name, shape| Stage {
        name,
        shape,
        parameters: 0,
        dense: None,
    };
    let image = (1, 28, 28);
    let (conv1, pool1) = (conv_output(&net.conv1), pool_output(&net.pool1));
    let (conv2, pool2) = (conv_output(&net.conv2), pool_output(&net.pool2));
    let (hidden, classes) = ((0, 120, 0), (0, 10, 0));
    vec![
        plain("input 1x28x28", image),
        weighted("conv(8, 5x5) relu", image, conv1, parameters(&net.conv1)),
        plain("maxpool(2)", pool1),
        weighted("conv(16, 5x5) relu", pool1, conv2, parameters(&net.conv2)),
        plain("maxpool(2)", pool2),
        weighted("relu 120", pool2, hidden, parameters(&net.layer1)),
        weighted("softmax 10", hidden, classes, parameters(&net.layer2)),
    ]
}
// ANCHOR_END: stages

/// `(r, s)` after each stage of conv 5, pool, conv 5, pool by (13.10): the side of the
/// receptive field and the spacing of neighbouring units, in input pixels.
pub fn receptive_fields() -> Vec<(&'static str, usize, usize)> {
    // ANCHOR: receptive
    let (mut r, mut s) = (1, 1);
    let mut fields = Vec::new();
    for (name, kernel) in [
        ("conv 5", Some(5)),
        ("pool 2", None),
        ("conv 5", Some(5)),
        ("pool 2", None),
    ] {
        match kernel {
            Some(k) => r += (k - 1) * s,
            None => {
                r += s;
                s *= 2;
            }
        }
        fields.push((name, r, s));
    }
    // ANCHOR_END: receptive
    fields
}

/// The rows and columns of input pixels on which the gradient of `unit` (an entry of the second
/// pooling layer's output) is nonzero for at least one of `images` random images: the part of
/// the digit the unit can see. Returns `(first row, last row, first column, last column)`.
pub fn measured_field(
    net: &LeNet<f32>,
    unit: usize,
    images: usize,
    seed: u64,
) -> (usize, usize, usize, usize) {
    let mut rng = StdRng::seed_from_u64(seed);
    let input = Batch::<f32, 784>::from_fn(images, |_, _| rng.random_range(0.0..1.0));
    let mut trace = LeNetTrace::<f32>::default();
    net.forward_trace(&input, Pass::train(0), &mut trace);
    // ∂(unit)/∂(pool2 output): one at the unit, for every image.
    let mut upstream = Batch::<f32, 256>::zeros(images);
    upstream.row_mut(unit).fill(1.0);
    let mut scratch = net.zeros_like();
    let (mut g_act2, mut g_conv2, mut g_pool1) =
        (Batch::zeros(0), Batch::zeros(0), Batch::zeros(0));
    let (mut g_act1, mut g_conv1, mut g_input) =
        (Batch::zeros(0), Batch::zeros(0), Batch::zeros(0));
    net.pool2.backward(
        &trace.act2.output,
        &trace.pool2,
        &upstream,
        &mut scratch.pool2,
        Some(&mut g_act2),
    );
    net.act2.backward(
        &trace.conv2.output,
        &trace.act2,
        &g_act2,
        &mut scratch.act2,
        Some(&mut g_conv2),
    );
    net.conv2.backward(
        &trace.pool1.output,
        &trace.conv2,
        &g_conv2,
        &mut scratch.conv2,
        Some(&mut g_pool1),
    );
    net.pool1.backward(
        &trace.act1.output,
        &trace.pool1,
        &g_pool1,
        &mut scratch.pool1,
        Some(&mut g_act1),
    );
    net.act1.backward(
        &trace.conv1.output,
        &trace.act1,
        &g_act1,
        &mut scratch.act1,
        Some(&mut g_conv1),
    );
    net.conv1.backward(
        &input,
        &trace.conv1,
        &g_conv1,
        &mut scratch.conv1,
        Some(&mut g_input),
    );
    let reached: Vec<usize> = (0..784)
        .filter(|&pixel| g_input.row(pixel).iter().any(|&g| g != 0.0))
        .collect();
    let rows = reached.iter().map(|p| p / 28);
    let columns = reached.iter().map(|p| p % 28);
    (
        rows.clone().min().unwrap_or(0),
        rows.max().unwrap_or(0),
        columns.clone().min().unwrap_or(0),
        columns.max().unwrap_or(0),
    )
}

/// Prints the shape table and the receptive fields.
pub fn run(session: &mut Session) -> ChapterResult {
    let net = LeNet::<f32>::new(&mut StdRng::seed_from_u64(super::SEED));
    writeln!(session.out, "LeNet: {}", LeNet::<f32>::ARCHITECTURE)?;
    writeln!(
        session.out,
        "  {:<20} {:>12} {:>11} {:>22}",
        "stage", "output", "parameters", "dense, same in and out"
    )?;
    for stage in stages(&net) {
        let (c, h, w) = stage.shape;
        let shape = if c == 0 {
            h.to_string()
        } else {
            format!("{c} × {h} × {w}")
        };
        let dense = stage
            .dense
            .map_or(String::new(), |n| count(n, "", "").trim_end().to_string());
        let own = count(stage.parameters, "", "").trim_end().to_string();
        writeln!(
            session.out,
            "  {:<20} {shape:>12} {own:>11} {dense:>22}",
            stage.name
        )?;
    }
    let total: usize = stages(&net).iter().map(|s| s.parameters).sum();
    let dense_total: usize = stages(&net).iter().filter_map(|s| s.dense).sum();
    writeln!(
        session.out,
        "  {:<20} {:>12} {:>11} {:>22}",
        "total",
        "",
        count(total, "", "").trim_end(),
        count(dense_total, "", "").trim_end()
    )?;
    writeln!(
        session.out,
        "  (the type's parameter_count: {})",
        net.parameter_count()
    )?;
    writeln!(
        session.out,
        "receptive fields by (13.10), side r and spacing s in input pixels"
    )?;
    for (name, r, s) in receptive_fields() {
        writeln!(session.out, "  after {name}: r = {r:>2}, s = {s}")?;
    }
    // Unit (channel 0, row 1, column 2) of the second pooling layer's 16 × 4 × 4 output.
    let unit = 4 + 2;
    let (top, bottom, left, right) = measured_field(&net, unit, 8, 1);
    writeln!(
        session.out,
        "measured: unit (0, 1, 2) after the second pooling depends on rows {top}–{bottom} and \
         columns {left}–{right} of the digit ({} × {} pixels)",
        bottom + 1 - top,
        right + 1 - left
    )?;
    Ok(())
}
