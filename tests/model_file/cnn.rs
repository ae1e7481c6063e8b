//! A CNN and PyTorch: a small network hand-composed from nabla's layers loads the weights of the
//! same network in PyTorch (`tests/fixtures/cnn_weights.safetensors`, written by
//! `tools/cnn_fixture.py`) unchanged and gives PyTorch's logits; a kernel's entries sit in the
//! file in PyTorch's `[out, in, kh, kw]` row-major order; saved again by nabla, it loads back
//! (and into PyTorch: `python3 tools/cnn_fixture.py --verify FILE` with the file this test saves).

use nabla::activation::Relu;
use nabla::conv::Conv2d;
use nabla::dense::Dense;
use nabla::layer::{Activate, Layer, Pass};
use nabla::model_file;
use nabla::network::{Parameters, TensorSpec};
use nabla::pool::MaxPool2d;
use nabla::{Batch, Scalar};
use std::path::{Path, PathBuf};

/// `1x8x10 => conv(2, 3x3) relu => maxpool(2) => conv(3, 3x3, padding 1) relu => linear 4`, the
/// network of `tools/cnn_fixture.py`, its fields named as PyTorch's module names its layers.
#[derive(Clone, Debug, PartialEq, nabla::Parameters)]
struct SmallCnn<T: Scalar> {
    /// 1 × 8 × 10 → 2 × 6 × 8.
    conv1: Conv2d<T, 80, 96, 1, 8, 10, 2, 3, 0>,
    relu1: Activate<Relu>,
    /// 2 × 6 × 8 → 2 × 3 × 4.
    pool: MaxPool2d<96, 24, 2, 6, 8>,
    /// 2 × 3 × 4 → 3 × 3 × 4 (padding 1 keeps the size).
    conv2: Conv2d<T, 24, 36, 2, 3, 4, 3, 3, 1>,
    relu2: Activate<Relu>,
    /// The 36 numbers of a sample as they are (flattening is nothing) → 4 logits.
    linear: Dense<T, 36, 4>,
}

impl<T: Scalar> SmallCnn<T> {
    fn zeros() -> Self {
        Self {
            conv1: Conv2d::zeros(),
            relu1: Activate(Relu),
            pool: MaxPool2d,
            conv2: Conv2d::zeros(),
            relu2: Activate(Relu),
            linear: Dense::zeros(),
        }
    }

    /// The logits, layer by layer in inference mode.
    fn logits(&self, input: &Batch<T, 80>) -> Batch<T, 4> {
        let pass = Pass::infer();
        let mut caches = (
            Default::default(),
            Default::default(),
            Default::default(),
            Default::default(),
            Default::default(),
        );
        let x = self.conv1.forward(input, pass, &mut caches.0);
        let x = self.relu1.forward(x, pass, &mut caches.1);
        let x = self.pool.forward(x, pass, &mut caches.2);
        let x = self.conv2.forward(x, pass, &mut caches.3);
        let x = self.relu2.forward(x, pass, &mut caches.4);
        self.linear.forward(x)
    }
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// The fixture's one-dimensional tensors by name.
fn fixture_io() -> impl Fn(&str) -> Vec<f64> {
    let (_, tensors) = model_file::load_tensors::<f64>(fixture("cnn_io.safetensors"))
        .expect("the fixture's input and logits load");
    move |name| {
        let found = tensors.iter().find(|(n, _)| n == name);
        found.unwrap_or_else(|| panic!("no `{name}`")).1.clone()
    }
}

fn pytorch_model() -> SmallCnn<f64> {
    let mut model = SmallCnn::zeros();
    model_file::load_into(fixture("cnn_weights.safetensors"), &mut model)
        .expect("PyTorch's state dict loads into the same network built from nabla's layers");
    model
}

fn max_difference(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len(), "different lengths");
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f64::max)
}

#[test]
fn cnn_with_pytorchs_weights_gives_pytorchs_logits() {
    let io = fixture_io();
    let model = pytorch_model();
    // PyTorch's NCHW input, sample after sample, is nabla's batch column after column; its
    // `[samples, 4]` logits are the `4 × samples` batch.
    let input = Batch::<f64, 80>::from_column_slice(&io("input"));
    let logits = model.logits(&input);
    let expected = io("logits");
    assert_eq!(logits.len(), expected.len());
    // Both computed in f64, summing in different orders.
    let error = max_difference(logits.as_slice(), &expected);
    assert!(error < 1e-12, "logits differ from PyTorch's by {error:e}");
}

#[test]
fn conv_weight_is_pytorchs_out_in_kh_kw_row_major_in_the_file() {
    let io = fixture_io();
    let model = pytorch_model();
    let row_major = io("conv2_weight_row_major");
    let (c_out, c_in, k) = (3, 2, 3);
    assert_eq!(row_major.len(), c_out * c_in * k * k);
    for (flat, &value) in row_major.iter().enumerate() {
        let (o, c, ky, kx) = (
            flat / (c_in * k * k),
            flat / (k * k) % c_in,
            flat / k % k,
            flat % k,
        );
        // The kernel matrix's documented column for tap (c, ky, kx).
        let column = c + c_in * (ky + k * kx);
        assert_eq!(
            model.conv2.weight[(o, column)],
            value,
            "[{o}, {c}, {ky}, {kx}]"
        );
    }
}

#[test]
fn cnn_saved_by_nabla_has_pytorchs_names_and_loads_back() {
    let model = pytorch_model();
    let spec = |name: &str, shape: &[usize]| TensorSpec::new(name, shape);
    assert_eq!(
        model.tensor_specs(),
        [
            spec("conv1.weight", &[2, 1, 3, 3]),
            spec("conv1.bias", &[2]),
            spec("conv2.weight", &[3, 2, 3, 3]),
            spec("conv2.bias", &[3]),
            spec("linear.weight", &[4, 36]),
            spec("linear.bias", &[4]),
        ]
    );
    let bytes = model_file::to_bytes(&model);
    let mut loaded = SmallCnn::zeros();
    model_file::from_bytes(&bytes, &mut loaded).expect("a saved CNN loads");
    assert_eq!(loaded, model);
    // For `python3 tools/cnn_fixture.py --verify FILE`: the same file loaded by PyTorch.
    let directory = Path::new(env!("CARGO_TARGET_TMPDIR")).join("model_file");
    std::fs::create_dir_all(&directory).unwrap();
    model_file::save(directory.join("cnn_saved_by_nabla.safetensors"), &model).unwrap();
}
