//! The convolution layer (`nabla::conv`): its backward pass against central differences (∂L/∂W,
//! ∂L/∂b and ∂L/∂x, with and without padding, several channels, images that are not square),
//! the output-size formula, a one-hot kernel that shifts its input, and the forward pass against
//! a direct seven-loop convolution whose kernels come from a file in PyTorch's layout.

use nabla::Batch;
use nabla::conv::Conv2d;
use nabla::layer::{Layer, Pass};
use nabla::model_file;
use nabla::network::{Parameters, TensorSpec};
use nabla_tests::{assert_gradients_match, finite_difference_gradient, seeded, uniform_batch};
use rand::Rng;

/// 2 × 4 × 5 → 3 × 2 × 3: kernels 3 × 3, no padding.
type Plain = Conv2d<f64, 40, 18, 2, 4, 5, 3, 3, 0>;
/// 3 × 3 × 4 → 2 × 3 × 4: kernels 3 × 3, padding 1 (the output keeps the input's size).
type Padded = Conv2d<f64, 36, 24, 3, 3, 4, 2, 3, 1>;
/// 2 × 2 × 3 → 2 × 5 × 6: kernels 2 × 2, padding 2 (some taps see only padding).
type WidePadding = Conv2d<f64, 12, 60, 2, 2, 3, 2, 2, 2>;

/// `Σ R ⊙ layer(input)` in training mode.
fn weighted_sum<L: Layer<f64, IN, OUT>, const IN: usize, const OUT: usize>(
    layer: &L,
    input: &Batch<f64, IN>,
    weights: &Batch<f64, OUT>,
) -> f64 {
    let mut cache = L::Cache::default();
    layer
        .forward(input, Pass::train(0), &mut cache)
        .dot(weights)
}

/// Checks `layer`'s backward pass against central differences of `C = Σ R ⊙ layer(input)`
/// (so `∂L/∂output = R`, random): every input entry and every parameter.
pub(crate) fn check_layer<L: Layer<f64, IN, OUT> + Clone, const IN: usize, const OUT: usize>(
    what: &str,
    layer: &L,
    input: &Batch<f64, IN>,
) {
    let mut rng = seeded(99);
    let weights: Batch<f64, OUT> = uniform_batch(&mut rng, input.ncols(), -1.0, 1.0);
    let mut cache = L::Cache::default();
    layer.forward(input, Pass::train(0), &mut cache);
    let mut gradients = layer.zeros_like();
    let mut input_gradient = Batch::zeros(0);
    layer.backward(
        input,
        &cache,
        &weights,
        &mut gradients,
        Some(&mut input_gradient),
    );

    let numeric = finite_difference_gradient(
        |x| weighted_sum(layer, &Batch::from_column_slice(x), &weights),
        input.as_slice(),
    );
    assert_gradients_match(
        &format!("{what}: ∂L/∂x"),
        input_gradient.as_slice(),
        &numeric,
    );

    let (mut analytic, mut values) = (Vec::new(), Vec::new());
    gradients.visit(&mut |tensor| analytic.push(tensor.to_vec()));
    layer.visit(&mut |tensor| values.push(tensor.to_vec()));
    let names = layer.tensor_specs();
    for (tensor, (analytic, value)) in analytic.iter().zip(&values).enumerate() {
        let numeric = finite_difference_gradient(
            |theta| {
                let mut moved = layer.clone();
                let mut k = 0;
                moved.visit_mut(&mut |slice| {
                    if k == tensor {
                        slice.copy_from_slice(theta);
                    }
                    k += 1;
                });
                weighted_sum(&moved, input, &weights)
            },
            value,
        );
        let name = &names[tensor].name;
        assert_gradients_match(&format!("{what}: ∂L/∂{name}"), analytic, &numeric);
    }

    // The parameter gradients do not depend on whether ∂L/∂x was asked for.
    let mut without = layer.zeros_like();
    layer.backward(input, &cache, &weights, &mut without, None);
    let mut again = Vec::new();
    without.visit(&mut |tensor| again.push(tensor.to_vec()));
    assert_eq!(again, analytic, "{what}: gradients change without ∂L/∂x");
}

/// A layer whose weights and biases are drawn uniformly from `[-1, 1)`.
fn random_layer<L: Parameters<f64>>(template: L, rng: &mut impl Rng) -> L {
    let mut layer = template;
    layer.visit_mut(&mut |tensor| {
        tensor
            .iter_mut()
            .for_each(|v| *v = rng.random_range(-1.0..1.0))
    });
    layer
}

#[test]
fn conv_gradients_without_padding_match_finite_differences() {
    let mut rng = seeded(1);
    let layer = random_layer(Plain::zeros(), &mut rng);
    let input: Batch<f64, 40> = uniform_batch(&mut rng, 2, -1.0, 1.0);
    check_layer("conv 2×4×5, 3 kernels 3×3, P = 0", &layer, &input);
}

#[test]
fn conv_gradients_with_padding_match_finite_differences() {
    let mut rng = seeded(2);
    let layer = random_layer(Padded::zeros(), &mut rng);
    let input: Batch<f64, 36> = uniform_batch(&mut rng, 2, -1.0, 1.0);
    check_layer("conv 3×3×4, 2 kernels 3×3, P = 1", &layer, &input);
    let layer = random_layer(WidePadding::zeros(), &mut rng);
    let input: Batch<f64, 12> = uniform_batch(&mut rng, 3, -1.0, 1.0);
    check_layer("conv 2×2×3, 2 kernels 2×2, P = 2", &layer, &input);
}

#[test]
fn conv_output_size_is_h_plus_2p_minus_k_plus_1() {
    assert_eq!((Plain::H_OUT, Plain::W_OUT), (4 - 3 + 1, 5 - 3 + 1));
    assert_eq!((Padded::H_OUT, Padded::W_OUT), (3, 4));
    assert_eq!(
        (WidePadding::H_OUT, WidePadding::W_OUT),
        (2 + 4 - 1, 3 + 4 - 1)
    );
    // LeNet's two convolutions on MNIST: 28 − 5 + 1 = 24, then (24/2) − 5 + 1 = 8.
    type First = Conv2d<f32, 784, 4608, 1, 28, 28, 8, 5, 0>;
    type Second = Conv2d<f32, 1152, 1024, 8, 12, 12, 16, 5, 0>;
    assert_eq!((First::H_OUT, First::W_OUT, First::TAPS), (24, 24, 25));
    assert_eq!((Second::H_OUT, Second::W_OUT, Second::TAPS), (8, 8, 200));
    // The forward pass writes a batch of that size.
    let mut cache = Default::default();
    let output = Plain::zeros()
        .forward(&Batch::zeros(3), Pass::infer(), &mut cache)
        .clone();
    assert_eq!(output.shape(), (3 * 2 * 3, 3));
}

/// `weight[o, c, ky, kx]` of a layer, by the documented layout of its kernel matrix.
fn kernel_entry(c_in: usize, k: usize, (c, ky, kx): (usize, usize, usize)) -> usize {
    c + c_in * (ky + k * kx)
}

#[test]
fn conv_with_a_one_hot_kernel_is_a_shifted_copy_of_its_input() {
    let mut rng = seeded(3);
    let input: Batch<f64, 36> = uniform_batch(&mut rng, 2, -1.0, 1.0);
    let (h, w) = (3, 4);
    let at = |sample: usize, c: usize, y: isize, x: isize| {
        let inside = (0..h as isize).contains(&y) && (0..w as isize).contains(&x);
        // Zeros come in where the shift moves the image past its edge (the padding).
        inside.then(|| input[(c * h * w + y as usize * w + x as usize, sample)])
    };
    for (c, ky, kx) in [(0, 0, 0), (1, 1, 1), (2, 2, 0), (0, 1, 2), (2, 0, 2)] {
        let mut layer = Padded::zeros();
        // Kernel 0 picks (c, ky, kx); kernel 1 picks channel (c + 1) % 3 at the centre.
        layer.weight[(0, kernel_entry(3, 3, (c, ky, kx)))] = 1.0;
        layer.weight[(1, kernel_entry(3, 3, ((c + 1) % 3, 1, 1)))] = 1.0;
        let mut cache = Default::default();
        let output = layer.forward(&input, Pass::infer(), &mut cache);
        for sample in 0..2 {
            for (y, x) in (0..h).flat_map(|y| (0..w).map(move |x| (y, x))) {
                let (y, x) = (y as isize, x as isize);
                let got = |o: usize| output[(o * h * w + y as usize * w + x as usize, sample)];
                let shifted = at(sample, c, y + ky as isize - 1, x + kx as isize - 1);
                assert_eq!(
                    got(0),
                    shifted.unwrap_or(0.0),
                    "tap {c},{ky},{kx} at {y},{x}"
                );
                assert_eq!(got(1), at(sample, (c + 1) % 3, y, x).unwrap());
            }
        }
    }
    // Without padding, the centre tap of a 3 × 3 kernel crops one pixel off every edge.
    let mut layer = Plain::zeros();
    layer.weight[(2, kernel_entry(2, 3, (1, 1, 1)))] = 1.0;
    let input: Batch<f64, 40> = uniform_batch(&mut rng, 1, -1.0, 1.0);
    let mut cache = Default::default();
    let output = layer.forward(&input, Pass::infer(), &mut cache);
    for (y, x) in (0..2).flat_map(|y| (0..3).map(move |x| (y, x))) {
        let expected = input[(20 + (y + 1) * 5 + x + 1, 0)];
        assert_eq!(output[(2 * 6 + y * 3 + x, 0)], expected);
        assert_eq!(output[(y * 3 + x, 0)], 0.0);
    }
}

/// A safetensors file holding `tensors` (name, shape, row-major values) in `f64`, written by
/// hand as another tool would write it: PyTorch's layout, no nabla metadata.
fn pytorch_file(tensors: &[(&str, &[usize], &[f64])]) -> Vec<u8> {
    let (mut header, mut data) = (String::from("{"), Vec::new());
    for (i, (name, shape, values)) in tensors.iter().enumerate() {
        let shape: Vec<String> = shape.iter().map(usize::to_string).collect();
        let (begin, end) = (data.len(), data.len() + 8 * values.len());
        let comma = if i == 0 { "" } else { "," };
        header += &format!(
            "{comma}\"{name}\":{{\"dtype\":\"F64\",\"shape\":[{}],\"data_offsets\":[{begin},{end}]}}",
            shape.join(",")
        );
        values
            .iter()
            .for_each(|v| data.extend_from_slice(&v.to_le_bytes()));
    }
    header.push('}');
    let mut bytes = (header.len() as u64).to_le_bytes().to_vec();
    bytes.extend_from_slice(header.as_bytes());
    bytes.extend_from_slice(&data);
    bytes
}

/// The definition, seven loops deep: `z[s, o, y, x] = b[o] + Σ_c Σ_ky Σ_kx
/// w[o, c, ky, kx] · x[s, c, y + ky − P, x + kx − P]`, with `w` row-major `[C_OUT, C_IN, K, K]`
/// as PyTorch stores it and `x` zero outside the image.
#[allow(clippy::too_many_arguments)]
fn direct_convolution(
    input: &[f64],
    samples: usize,
    (c_in, h, w): (usize, usize, usize),
    (c_out, k, p): (usize, usize, usize),
    kernels: &[f64],
    bias: &[f64],
) -> Vec<f64> {
    let (h_out, w_out) = (h + 2 * p + 1 - k, w + 2 * p + 1 - k);
    let mut output = Vec::new();
    for s in 0..samples {
        for o in 0..c_out {
            for y in 0..h_out {
                for x in 0..w_out {
                    let mut z = bias[o];
                    for c in 0..c_in {
                        for ky in 0..k {
                            for kx in 0..k {
                                let (iy, ix) = (
                                    (y + ky) as isize - p as isize,
                                    (x + kx) as isize - p as isize,
                                );
                                if (0..h as isize).contains(&iy) && (0..w as isize).contains(&ix) {
                                    let pixel = input[s * c_in * h * w
                                        + c * h * w
                                        + iy as usize * w
                                        + ix as usize];
                                    z += kernels[((o * c_in + c) * k + ky) * k + kx] * pixel;
                                }
                            }
                        }
                    }
                    output.push(z);
                }
            }
        }
    }
    output
}

/// Loads random PyTorch-layout kernels into `layer` from a file, and compares its forward pass
/// with [`direct_convolution`] on random input.
fn check_against_direct<L: Layer<f64, IN, OUT>, const IN: usize, const OUT: usize>(
    mut layer: L,
    image: (usize, usize, usize),
    (c_out, k, p): (usize, usize, usize),
    rng: &mut impl Rng,
) {
    let kernels: Vec<f64> = (0..c_out * image.0 * k * k)
        .map(|_| rng.random_range(-1.0..1.0))
        .collect();
    let bias: Vec<f64> = (0..c_out).map(|_| rng.random_range(-1.0..1.0)).collect();
    let shape = [c_out, image.0, k, k];
    assert_eq!(
        layer.tensor_specs(),
        [
            TensorSpec::new("weight", shape),
            TensorSpec::new("bias", [c_out])
        ]
    );
    let file = pytorch_file(&[("weight", &shape, &kernels), ("bias", &[c_out], &bias)]);
    model_file::from_bytes(&file, &mut layer).expect("a file in PyTorch's layout loads");
    let samples = 3;
    let input: Batch<f64, IN> = uniform_batch(rng, samples, -1.0, 1.0);
    let expected = direct_convolution(
        input.as_slice(),
        samples,
        image,
        (c_out, k, p),
        &kernels,
        &bias,
    );
    let mut cache = L::Cache::default();
    let output = layer.forward(&input, Pass::infer(), &mut cache);
    let error = (output.iter().zip(&expected))
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    assert!(
        error < 1e-12,
        "{image:?} ⋆ {shape:?}, P = {p}: off by {error:e}"
    );
    // A second, smaller batch through the same cache: the buffers follow the batch size.
    let expected = direct_convolution(
        &input.as_slice()[..IN],
        1,
        image,
        (c_out, k, p),
        &kernels,
        &bias,
    );
    let single = Batch::from_column_slice(&input.as_slice()[..IN]);
    let output = layer.forward(&single, Pass::infer(), &mut cache);
    assert!((output.iter().zip(&expected)).all(|(a, b)| (a - b).abs() < 1e-12));
}

#[test]
fn conv_matches_a_direct_seven_loop_convolution_with_pytorch_layout_kernels() {
    let mut rng = seeded(4);
    check_against_direct(Plain::zeros(), (2, 4, 5), (3, 3, 0), &mut rng);
    check_against_direct(Padded::zeros(), (3, 3, 4), (2, 3, 1), &mut rng);
    check_against_direct(WidePadding::zeros(), (2, 2, 3), (2, 2, 2), &mut rng);
}
