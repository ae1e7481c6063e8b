//! Convolutional networks declared with `network!`, end to end: every parameter's gradient
//! against finite differences (f64, relative error ≤ 1e-6) through convolutions (with and
//! without padding, one and several channels), max-pooling, standalone and attached activations
//! and the flattening into dense layers; the tensors' names and PyTorch shapes; the recorded
//! architecture; and a short training run on a task that needs the convolution to learn.

use nabla::Batch;
use nabla::batch::one_hot;
use nabla::conv::Conv2d;
use nabla::loss::Loss;
use nabla::network;
use nabla::network::{Network, Parameters, loss_and_gradients};
use nabla::optim::{Adam, Optimizer};
use nabla::parallel::Threads;
use nabla_tests::{assert_training_pass_gradients, random_one_hot, seeded};
use rand::Rng;

network! {
    /// One convolution with a fused tanh, max-pooling, and two dense layers.
    struct Small: 1x6x6 => conv(2, 3x3) tanh => maxpool(2) => sigmoid 3 => softmax 2
}

network! {
    /// Two convolutions (the first padded, over two input channels), a standalone activation,
    /// dropout and max-pooling before the dense layers.
    struct Padded: 2x5x5 => conv(3, 3x3, pad = 1) relu => conv(2, 2x2) => leaky_relu => dropout(0.25) => maxpool(2) => tanh 4 => softmax 3
}

/// Adds uniform noise in `[-0.3, 0.3)` to every parameter, so that biases are not all zero.
fn jitter(model: &mut impl Parameters<f64>, rng: &mut impl Rng) {
    model.visit_mut(&mut |tensor| {
        tensor
            .iter_mut()
            .for_each(|value| *value += rng.random_range(-0.3..0.3));
    });
}

/// Checks every parameter's gradient of `network` on a random batch against finite differences
/// of the loss in the same training pass (`loss_and_gradients` runs `Pass::train(0)`: the same
/// dropout mask on both sides).
fn assert_gradients<N, const IN: usize, const OUT: usize>(what: &str, mut network: N, seed: u64)
where
    N: Network<f64, IN, OUT> + Clone,
{
    let mut rng = seeded(seed);
    jitter(&mut network, &mut rng);
    let input = Batch::<f64, IN>::from_fn(4, |_, _| rng.random_range(-1.0..1.0));
    let targets = random_one_hot::<OUT>(&mut rng, 4);
    let loss = nabla::loss::SoftmaxCrossEntropy;
    assert_training_pass_gradients(what, &mut network, &loss, &input, &targets);
}

#[test]
fn cnn_gradients_match_finite_differences_end_to_end() {
    assert_gradients(
        "1x6x6 => conv tanh => maxpool",
        Small::<f64>::new(&mut seeded(1)),
        2,
    );
    assert_gradients(
        "two convolutions, padded",
        Padded::<f64>::new(&mut seeded(3)),
        4,
    );
}

#[test]
fn cnn_tensors_have_pytorch_names_and_shapes() {
    let specs: Vec<(String, Vec<usize>)> = Padded::<f64>::zeros()
        .tensor_specs()
        .into_iter()
        .map(|spec| (spec.name, spec.shape))
        .collect();
    let expected: Vec<(String, Vec<usize>)> = [
        ("conv1.weight", vec![3, 2, 3, 3]),
        ("conv1.bias", vec![3]),
        ("conv2.weight", vec![2, 3, 2, 2]),
        ("conv2.bias", vec![2]),
        ("layer1.weight", vec![4, 8]),
        ("layer1.bias", vec![4]),
        ("layer2.weight", vec![3, 4]),
        ("layer2.bias", vec![3]),
    ]
    .into_iter()
    .map(|(name, shape)| (name.to_string(), shape))
    .collect();
    assert_eq!(specs, expected);
    let count: usize = expected
        .iter()
        .map(|(_, s)| s.iter().product::<usize>())
        .sum();
    assert_eq!(Padded::<f64>::zeros().parameter_count(), count);
    assert_eq!(Padded::<f64>::zeros().buffer_specs(), []);
}

#[test]
fn cnn_architecture_and_sizes_are_recorded() {
    let small = "1x6x6 => conv(2, 3x3) tanh => maxpool(2) => sigmoid 3 => softmax 2";
    assert_eq!(Small::<f64>::ARCHITECTURE, small);
    assert_eq!(
        Parameters::<f64>::architecture(&Small::<f64>::zeros()),
        small
    );
    assert_eq!(
        Padded::<f64>::ARCHITECTURE,
        "2x5x5 => conv(3, 3x3, pad = 1) relu => conv(2, 2x2) => leaky_relu => dropout(0.25) => maxpool(2) => tanh 4 => softmax 3"
    );
    assert_eq!((Small::<f64>::INPUT, Small::<f64>::OUTPUT), (36, 2));
    assert_eq!(Small::<f64>::INPUT_SHAPE, [1, 6, 6]);
    // 2 channels of 4x4, pooled to 2x2: the dense layers read 8 features.
    assert_eq!(Small::<f64>::WIDTHS, [8, 3, 2]);
    assert_eq!(Padded::<f64>::INPUT_SHAPE, [2, 5, 5]);
    assert_eq!(Padded::<f64>::WIDTHS, [8, 4, 3]);
    let probabilities = Small::<f64>::new(&mut seeded(5)).forward_one(
        &nabla::nalgebra::SVector::from_fn(|r, _| (r as f64 * 0.3).sin()),
    );
    assert!((probabilities.sum() - 1.0).abs() < 1e-12);
}

network! {
    /// Two kernels and two max-poolings to a 2x2 summary of each channel: whether a bar is
    /// vertical or horizontal shows in it only once the kernels have learned to tell them apart.
    struct Bars: 1x8x8 => conv(2, 3x3, pad = 1) relu => maxpool(2) => maxpool(2) => softmax 2
}

/// 64 noisy 8x8 images, each a vertical (class 0) or horizontal (class 1) bar at a random place.
fn bars() -> (Batch<f32, 64>, Batch<f32, 2>) {
    let mut rng = seeded(7);
    let labels: Vec<u8> = (0..64).map(|i| (i % 2) as u8).collect();
    let mut images = Batch::<f32, 64>::from_fn(64, |_, _| rng.random_range(-0.1..0.1));
    for (sample, &label) in labels.iter().enumerate() {
        let place = rng.random_range(0..8);
        for along in 0..8 {
            let (y, x) = if label == 0 {
                (along, place)
            } else {
                (place, along)
            };
            images[(y * 8 + x, sample)] += 1.0;
        }
    }
    (images, one_hot(&labels))
}

/// Full-batch Adam for `steps` steps; with `train_conv` false the convolution's gradient is
/// dropped, as a backward pass that lost it would. Returns the final loss.
fn train_bars(train_conv: bool, steps: usize) -> f32 {
    let (images, targets) = bars();
    let mut network = Bars::<f32>::new(&mut seeded(8));
    let loss = network.loss();
    let mut adam = Adam::new(0.05);
    for _ in 0..steps {
        let (_, mut gradients) = loss_and_gradients(&network, &loss, &images, &targets);
        if !train_conv {
            gradients.conv1 = Conv2d::zeros();
        }
        adam.step(&mut network, &gradients);
    }
    loss.value(&network.logits(&images), &targets)
}

#[test]
fn cnn_learns_vertical_from_horizontal_bars_through_its_kernels() {
    let trained = train_bars(true, 150);
    let frozen = train_bars(false, 150);
    assert!(trained < 0.05, "loss after training: {trained}");
    assert!(frozen > 0.2, "with the kernels frozen: {frozen}");
}

/// Bars's weights after `steps` full-batch Adam steps (64 samples: 4 blocks of
/// `nabla::parallel::BLOCK`) on a pool of `threads` threads.
fn bars_weights_on(threads: usize, steps: usize) -> Vec<f32> {
    let pool = Threads::new(threads).unwrap();
    pool.run(|| {
        assert_eq!(nabla::parallel::threads(), threads);
        let (images, targets) = bars();
        let mut network = Bars::<f32>::new(&mut seeded(8));
        let loss = network.loss();
        let mut adam = Adam::new(0.05);
        for _ in 0..steps {
            let (_, gradients) = loss_and_gradients(&network, &loss, &images, &targets);
            adam.step(&mut network, &gradients);
        }
        let mut weights = Vec::new();
        network.visit(&mut |tensor| weights.extend_from_slice(tensor));
        weights
    })
}

#[test]
fn cnn_training_gives_the_same_bits_on_any_number_of_threads() {
    // The convolution and pooling split the batch into blocks whatever the thread count, and add
    // the blocks' partial gradients in block order: the thread count changes nothing else.
    let one = bars_weights_on(1, 20);
    assert_eq!(one.len(), Bars::<f32>::zeros().parameter_count());
    for threads in [2, 3] {
        let many = bars_weights_on(threads, 20);
        let same = one
            .iter()
            .zip(&many)
            .all(|(a, b)| a.to_bits() == b.to_bits());
        assert!(
            same,
            "{threads} threads trained other weights than one thread"
        );
    }
}

network! {
    /// The network of `tools/cnn_fixture.py` (a non-square image, a padded second convolution),
    /// declared with `network!`: PyTorch's module `linear` is this network's `layer1`.
    struct FixtureCnn: 1x8x10 => conv(2, 3x3) relu => maxpool(2) => conv(3, 3x3, pad = 1) relu => identity 4
}

/// A file of the fixture's directory, `tests/fixtures`.
fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

#[test]
fn cnn_declared_with_the_macro_loads_pytorchs_weights_and_gives_its_logits() {
    // PyTorch's state dict, its module `linear` renamed to this network's `layer1` (the same
    // length, so the header's offsets stay valid).
    let mut bytes = std::fs::read(fixture("cnn_weights.safetensors")).expect("the fixture");
    let header_end = 8 + u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let header = String::from_utf8(bytes[8..header_end].to_vec()).unwrap();
    let renamed = header.replace("\"linear.", "\"layer1.");
    assert_ne!(
        header, renamed,
        "the fixture names its dense layer `linear`"
    );
    bytes.splice(8..header_end, renamed.into_bytes());
    let mut network = FixtureCnn::<f64>::zeros();
    nabla::model_file::from_bytes(&bytes, &mut network).expect("PyTorch's weights load");

    let (_, io) =
        nabla::model_file::load_tensors::<f64>(fixture("cnn_io.safetensors")).expect("the fixture");
    let tensor = |name: &str| &io.iter().find(|(n, _)| n == name).expect(name).1;
    let logits = network.logits(&Batch::<f64, 80>::from_column_slice(tensor("input")));
    let expected = tensor("logits");
    assert_eq!(logits.len(), expected.len());
    // Both in f64, summed in different orders.
    for (ours, theirs) in logits.iter().zip(expected) {
        assert!(
            (ours - theirs).abs() < 1e-12,
            "{ours} vs PyTorch's {theirs}"
        );
    }
}

network! {
    /// The issue's example: LeNet on MNIST-sized images.
    pub struct LeNet: 1x28x28 => conv(8, 5x5) relu => maxpool(2) => conv(16, 5x5) relu => maxpool(2) => relu 120 => softmax 10
}

/// The issue's example compiles, its convolutions' const assertions (`IN = C_IN·H·W`, `OUT =
/// C_OUT·H_OUT·W_OUT`, the kernel fits) hold, and its tensors are those of the PyTorch LeNet with
/// the same module names. (Its forward pass is not run here: the smaller networks above test
/// the same code, and each new instantiation costs compile time.)
#[test]
fn lenet_of_the_issue_compiles_with_pytorchs_tensors() {
    let shapes: Vec<(String, Vec<usize>)> = LeNet::<f32>::zeros()
        .tensor_specs()
        .into_iter()
        .map(|spec| (spec.name, spec.shape))
        .collect();
    let expected = [
        ("conv1.weight", vec![8, 1, 5, 5]),
        ("conv1.bias", vec![8]),
        ("conv2.weight", vec![16, 8, 5, 5]),
        ("conv2.bias", vec![16]),
        ("layer1.weight", vec![120, 256]),
        ("layer1.bias", vec![120]),
        ("layer2.weight", vec![10, 120]),
        ("layer2.bias", vec![10]),
    ]
    .map(|(name, shape)| (name.to_string(), shape));
    assert_eq!(shapes, expected);
    assert_eq!(LeNet::<f32>::WIDTHS, [256, 120, 10]);
}
