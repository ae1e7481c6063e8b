//! Chapter 6's measurements of a gradient: what it costs by backpropagation and by central
//! differences (6.11), how a gradient check's error depends on the step and the precision
//! (6.10, 6.12), and what the check reports next to a ReLU kink.

use super::{Blobs, Probe, SEED};
use crate::{ChapterResult, Session};
use nabla::batch::one_hot;
use nabla::gradcheck::{GradCheckOptions, GradCheckReport, check_gradients, relative_error};
use nabla::loss::{Loss, SoftmaxCrossEntropy};
use nabla::network::{Network, Parameters, TensorSpec, loss_and_gradients};
use nabla::{Batch, Scalar};
use plot::{LineChart, Series};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::time::Instant;

// ANCHOR: count
/// Multiply-adds in the matrix products of one forward pass over `samples` samples:
/// `Wˡ aˡ⁻¹` costs `nₗ nₗ₋₁` per sample and layer.
pub fn forward_multiply_adds(widths: &[usize], samples: usize) -> usize {
    widths.windows(2).map(|w| w[0] * w[1] * samples).sum()
}

/// Multiply-adds in the matrix products of one backward pass: `δˡ (aˡ⁻¹)ᵀ` in every
/// layer (BP4) and `(Wˡ)ᵀ δˡ` in every layer but the first (BP2), each as large as
/// `Wˡ aˡ⁻¹`.
pub fn backward_multiply_adds(widths: &[usize], samples: usize) -> usize {
    let first_layer = widths[0] * widths[1] * samples;
    2 * forward_multiply_adds(widths, samples) - first_layer
}
// ANCHOR_END: count

/// The probe network with its batch: 16 random inputs and random one-hot targets.
pub fn probe_setup() -> (Probe<f64>, Batch<f64, 8>, Batch<f64, 4>) {
    let mut rng = StdRng::seed_from_u64(SEED);
    let probe = Probe::new(&mut rng);
    let (input, targets) = probe_batch(16, &mut rng);
    (probe, input, targets)
}

/// Random inputs in [−1, 1) and random one-hot targets for [`Probe`].
pub fn probe_batch(samples: usize, rng: &mut impl Rng) -> (Batch<f64, 8>, Batch<f64, 4>) {
    let input = Batch::from_fn(samples, |_, _| rng.random_range(-1.0..1.0));
    let labels: Vec<u8> = (0..samples).map(|_| rng.random_range(0..4)).collect();
    (input, one_hot(&labels))
}

/// The relative error of central differences for one parameter (`index` of tensor 0, that is
/// of `W¹`) of `probe` at each step size, in `f64` and in `f32`, against backpropagation in `f64`.
pub fn step_size_errors(
    probe: &Probe<f64>,
    input: &Batch<f64, 8>,
    targets: &Batch<f64, 4>,
    index: usize,
    steps: &[f64],
) -> Vec<(f64, f64, f64)> {
    let loss = SoftmaxCrossEntropy;
    let (_, gradients) = loss_and_gradients(probe, &loss, input, targets);
    let analytic = gradients.layer1.weights.as_slice()[index];

    // The same network, inputs and targets in single precision.
    let mut single = Probe::<f32>::zeros();
    copy_parameters(probe, &mut single);
    let input32 = input.map(|v| v as f32);
    let targets32 = targets.map(|v| v as f32);

    steps
        .iter()
        .map(|&h| {
            let mut moved = probe.clone();
            let original = moved.layer1.weights.as_slice()[index];
            let mut loss_at = |value: f64| {
                moved.layer1.weights.as_mut_slice()[index] = value;
                loss.value(&moved.logits(input), targets)
            };
            let numeric64 = (loss_at(original + h) - loss_at(original - h)) / (2.0 * h);

            let h32 = h as f32;
            let mut moved = single.clone();
            let original = moved.layer1.weights.as_slice()[index];
            let mut loss_at = |value: f32| {
                moved.layer1.weights.as_mut_slice()[index] = value;
                loss.value(&moved.logits(&input32), &targets32)
            };
            let numeric32 = (loss_at(original + h32) - loss_at(original - h32)) / (2.0 * h32);

            let floor = GradCheckOptions::default().floor;
            (
                h,
                relative_error(analytic, numeric64, floor),
                relative_error(analytic, f64::from(numeric32), floor),
            )
        })
        .collect()
}

/// The entries of W¹ with the `count` largest gradients in `gradients`, largest first.
pub fn largest_first_layer_entries(gradients: &Probe<f64>, count: usize) -> Vec<usize> {
    let first_layer = gradients.layer1.weights.as_slice();
    let mut entries: Vec<usize> = (0..first_layer.len()).collect();
    entries.sort_by(|&i, &j| first_layer[j].abs().total_cmp(&first_layer[i].abs()));
    entries.truncate(count);
    entries
}

/// The step sizes of the experiment: 10⁻¹, 10⁻², …, 10⁻⁹.
pub fn step_sizes() -> Vec<f64> {
    (1..=9).map(|k| 10f64.powi(-k)).collect()
}

/// The median over `entries` of W¹ of [`step_size_errors`]: for each step, in `f64` and `f32`.
pub fn median_step_size_errors(
    probe: &Probe<f64>,
    input: &Batch<f64, 8>,
    targets: &Batch<f64, 4>,
    entries: &[usize],
    steps: &[f64],
) -> Vec<(f64, f64, f64)> {
    let each: Vec<Vec<(f64, f64, f64)>> = entries
        .iter()
        .map(|&index| step_size_errors(probe, input, targets, index, steps))
        .collect();
    let median = |mut values: Vec<f64>| {
        values.sort_by(f64::total_cmp);
        let middle = values.len() / 2;
        if values.is_empty() {
            f64::NAN
        } else if values.len() % 2 == 0 {
            (values[middle - 1] + values[middle]) / 2.0
        } else {
            values[middle]
        }
    };
    (0..steps.len())
        .map(|k| {
            (
                steps[k],
                median(each.iter().map(|errors| errors[k].1).collect()),
                median(each.iter().map(|errors| errors[k].2).collect()),
            )
        })
        .collect()
}

/// Measures a gradient by backpropagation and by central differences, and checks one against
/// the other; then shows how the check depends on the step size and the precision.
pub fn cost_and_check(session: &mut Session) -> ChapterResult {
    let (mut probe, input, targets) = probe_setup();
    let samples = input.ncols();
    let loss = SoftmaxCrossEntropy;

    // ANCHOR: cost
    // One gradient takes well under a millisecond: time a hundred and take the mean.
    let start = Instant::now();
    let (_, gradients) = loss_and_gradients(&probe, &loss, &input, &targets);
    for _ in 1..100 {
        loss_and_gradients(&probe, &loss, &input, &targets);
    }
    let backprop_time = start.elapsed() / 100;

    let mut forward_passes = 0;
    let start = Instant::now();
    let report = check_gradients(
        &mut probe,
        &gradients,
        |network| {
            forward_passes += 1;
            loss.value(&network.logits(&input), &targets)
        },
        GradCheckOptions::default(),
    );
    let numeric_time = start.elapsed();
    // ANCHOR_END: cost

    let widths = Probe::<f64>::WIDTHS;
    let forward = forward_multiply_adds(&widths, samples);
    let backward = backward_multiply_adds(&widths, samples);
    let out = &mut session.out;
    writeln!(
        out,
        "\nCost of one gradient of {}\n  {} parameters, batch of {samples}",
        Probe::<f64>::ARCHITECTURE,
        probe.parameter_count()
    )?;
    writeln!(out, "  multiply-adds in one forward pass:  {forward}")?;
    writeln!(out, "  multiply-adds in one backward pass: {backward}")?;
    writeln!(
        out,
        "  backpropagation:      1 forward + 1 backward pass = {} multiply-adds",
        forward + backward
    )?;
    writeln!(
        out,
        "  central differences:  {forward_passes} forward passes = {} multiply-adds",
        forward_passes * forward
    )?;
    let milliseconds = |time: std::time::Duration| time.as_secs_f64() * 1e3;
    writeln!(
        out,
        "  time for backpropagation:     {:.3} ms",
        milliseconds(backprop_time)
    )?;
    writeln!(
        out,
        "  time for central differences: {:.3} ms",
        milliseconds(numeric_time)
    )?;
    let specs = probe.tensor_specs();
    writeln!(out)?;
    write_report(out, "Gradient check in f64, h = 1e-5", &specs, &report)?;

    // The step-size experiment uses the 16 entries of W¹ with the largest gradients. Once
    // rounding dominates, one entry's error is noise that another CPU's matrix kernel changes;
    // the median of several is a steady measure of its size.
    let entries = largest_first_layer_entries(&gradients, 16);
    let steps = step_sizes();
    let errors = median_step_size_errors(&probe, &input, &targets, &entries, &steps);
    writeln!(
        out,
        "\nCentral differences for the {} entries of W¹ with the largest gradients: \
         median relative error by step h",
        entries.len()
    )?;
    writeln!(out, "  {:>5}  {:>7}  {:>7}", "h", "f64", "f32")?;
    for &(h, error64, error32) in &errors {
        writeln!(out, "  {h:>5.0e}  {error64:>7.1e}  {error32:>7.1e}")?;
    }
    if let Some(path) = session.figure("ch06-step-size.png")? {
        // Both axes in powers of ten: log₁₀ of the error on a linear axis reads better than a
        // log axis whose ticks would spell out 0.000000001.
        let series = |label: &str, pick: fn(&(f64, f64, f64)) -> f64| {
            let points = errors.iter().map(|e| (e.0.log10(), pick(e).log10()));
            Series::new(label, points.collect())
        };
        plot::line_chart(
            &path,
            &LineChart {
                title: "Central differences against backpropagation".into(),
                x_label: "log₁₀ h (step size)".into(),
                y_label: "log₁₀ relative error".into(),
                series: vec![series("f64", |e| e.1), series("f32", |e| e.2)],
                y_range: None,
                log_y: false,
            },
        )?;
    }
    Ok(())
}

/// The name of entry `index` of the tensor `spec` describes, in the book's notation:
/// `layer2.weight` entry 5 of shape `[4, 16]` is `W²[1, 1]`, `layer1.bias` entry 3 is `b¹[3]`.
/// Entries are numbered as the tensor is visited, the first index varying fastest (weights are
/// stored column by column). A tensor that is not a dense layer's `layerN.weight` or
/// `layerN.bias` keeps its own name.
pub fn parameter_name(spec: &TensorSpec, index: usize) -> String {
    let mut rest = index;
    let position: Vec<String> = spec
        .shape
        .iter()
        .map(|&size| {
            let coordinate = rest % size;
            rest /= size;
            coordinate.to_string()
        })
        .collect();
    let symbol = book_symbol(spec).unwrap_or_else(|| spec.name.clone());
    format!("{symbol}[{}]", position.join(", "))
}

/// A dense layer's `layer2.weight` (a matrix) → `W²`, its `layer2.bias` (a vector) → `b²`;
/// `None` for any other tensor.
fn book_symbol(spec: &TensorSpec) -> Option<String> {
    const SUPERSCRIPTS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    let (layer, kind) = spec.name.split_once('.')?;
    let layer: usize = layer.strip_prefix("layer")?.parse().ok()?;
    let letter = match (kind, spec.shape.len()) {
        ("weight", 2) => 'W',
        ("bias", 1) => 'b',
        _ => return None,
    };
    let superscript: String = layer
        .to_string()
        .chars()
        .filter_map(|digit| digit.to_digit(10).map(|d| SUPERSCRIPTS[d as usize]))
        .collect();
    Some(format!("{letter}{superscript}"))
}

/// Prints a gradient check's report.
fn write_report(
    out: &mut dyn std::io::Write,
    title: &str,
    specs: &[TensorSpec],
    report: &GradCheckReport,
) -> ChapterResult {
    let (tensor, index, analytic, numeric) = report.worst;
    let name = parameter_name(&specs[tensor], index);
    writeln!(out, "{title}: {} parameters", report.checked)?;
    writeln!(
        out,
        "  largest relative error {:.1e}, at ∂L/∂{name}",
        report.max_relative_error
    )?;
    writeln!(out, "    backpropagation    {analytic:>13.6e}")?;
    writeln!(out, "    central difference {numeric:>13.6e}")?;
    Ok(())
}

/// Copies every parameter of `from` into `to` (a network of the same shape), converting the
/// precision.
pub fn copy_parameters<S: Scalar, T: Scalar>(
    from: &impl Parameters<S>,
    to: &mut impl Parameters<T>,
) {
    let mut values = Vec::new();
    from.visit(&mut |tensor| values.extend(tensor.iter().map(|&v| T::of(v.as_f64()))));
    let mut next = 0;
    to.visit_mut(&mut |tensor| {
        tensor.copy_from_slice(&values[next..next + tensor.len()]);
        next += tensor.len();
    });
    assert_eq!(next, values.len(), "networks of different shapes");
}

/// The hidden unit of `network` whose two outgoing weights differ most: the one whose value
/// matters most to the two class scores.
fn most_influential_unit(network: &Blobs<f64>) -> usize {
    let w = network.layer2.weights.view();
    (0..w.ncols())
        .max_by(|&i, &j| {
            (w[(1, i)] - w[(0, i)])
                .abs()
                .total_cmp(&(w[(1, j)] - w[(0, j)]).abs())
        })
        .unwrap_or(0)
}

/// How far past the kink the chosen hidden unit's weighted input is put.
pub const KINK_DISTANCE: f64 = 2e-6;

/// The step sizes of the gradient checks next to the kink.
pub const KINK_STEPS: [f64; 2] = [1e-5, 1e-6];

/// Puts a hidden ReLU unit of the trained blobs network just past its kink for one point and
/// checks the gradient there with each of [`KINK_STEPS`]. Returns the unit and the reports.
pub fn kink_checks(trained: &Blobs) -> (usize, Vec<GradCheckReport>) {
    let mut network = Blobs::<f64>::zeros();
    copy_parameters(trained, &mut network);
    let point = Batch::<f64, 2>::from_column_slice(&[0.5, 0.5]);
    let target = one_hot::<f64, 2>(&[1]);
    let loss = SoftmaxCrossEntropy;
    let unit = most_influential_unit(&network);

    // ANCHOR: kink
    // Shift the unit's bias so that its weighted input for this point is 2·10⁻⁶: on
    // the active side of the kink at 0, but closer to it than the step h = 10⁻⁵.
    let z = network.layer1.forward(&point)[unit];
    network.layer1.bias.as_mut_slice()[unit] += KINK_DISTANCE - z;
    let (_, gradients) = loss_and_gradients(&network, &loss, &point, &target);
    let loss_of = |net: &Blobs<f64>| loss.value(&net.logits(&point), &target);
    let reports = KINK_STEPS
        .iter()
        .map(|&step| {
            let options = GradCheckOptions {
                step,
                ..GradCheckOptions::default()
            };
            check_gradients(&mut network, &gradients, &loss_of, options)
        })
        .collect();
    // ANCHOR_END: kink
    (unit, reports)
}

/// Prints the gradient checks next to a ReLU kink.
pub fn kink(session: &mut Session, trained: &Blobs) -> ChapterResult {
    let (unit, reports) = kink_checks(trained);
    let specs = trained.tensor_specs();
    writeln!(
        session.out,
        "\nHidden unit {unit} of the blobs network put at z = {KINK_DISTANCE:.0e} for (0.5, 0.5)"
    )?;
    for (step, report) in KINK_STEPS.iter().zip(&reports) {
        let title = format!("Gradient check next to the kink, h = {step:.0e}");
        write_report(session.out, &title, &specs, report)?;
    }
    Ok(())
}
