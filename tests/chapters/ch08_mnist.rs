//! Chapter 8: MNIST. The checks that grade the learner's pixel scaling and accuracy (exercises
//! 8.1 and 8.2) run on the library's. The confusion matrix (exercise 8.3) has no counterpart to
//! run its check on: the chapter program counts it inline, and the library has none.

use chapters::headline::MnistNet;
use nabla::Batch;
use nabla::batch::one_hot;
use nabla::data::Dataset;
use nabla::data::mnist::{PIXELS, RawDigits};
use nabla::network::{Network, Parameters};
use nabla::train::{accuracy, count_correct};
use nabla_tests::seeded;

/// The library's scaling (`RawDigits::to_dataset`) of `pixels`, in exercise 8.1's signature:
/// the pixels are the first of one image's, the rest of it blank.
fn library_scale_pixels(pixels: &[u8]) -> Vec<f64> {
    let mut image = pixels.to_vec();
    image.resize(PIXELS, 0);
    let digits = RawDigits {
        pixels: image,
        labels: vec![0],
    };
    let inputs = digits.to_dataset::<f64>().inputs;
    inputs.as_slice()[..pixels.len()].to_vec()
}

/// (8.1) x = p / 255: 0 is background, 255 full ink, and the scale is linear in between. The
/// check that grades the learner's scaling (exercise 8.1) passes the library's on every byte
/// value; a whole dataset's inputs then span [0, 1] and its labels are kept.
#[test]
fn eq_8_1_pixels_scale_to_unit_interval() {
    let digits = RawDigits {
        pixels: (0..=255).cycle().take(784 * 2).collect(),
        labels: vec![3, 7],
    };
    let data = digits.to_dataset::<f64>();
    let outcome = exercises::checks::ch08_mnist::scale_pixels(library_scale_pixels);
    assert!(outcome.passed(), "{outcome:?}");
    assert_eq!(data.inputs.min(), 0.0);
    assert_eq!(data.inputs.max(), 1.0);
    assert_eq!(data.labels(), vec![3, 7]);
}

/// (8.2) 784·128 + 128 + 128·10 + 10 parameters, counted from the network itself.
#[test]
fn eq_8_2_parameter_count() {
    let network = MnistNet::<f32>::zeros();
    let mut tensors = Vec::new();
    network.visit(&mut |tensor| tensors.push(tensor.len()));
    assert_eq!(
        tensors,
        vec![128 * 784, 128, 10 * 128, 10],
        "weights and biases of each layer"
    );
    assert_eq!(network.parameter_count(), 784 * 128 + 128 + 128 * 10 + 10);
}

/// (8.3) Accuracy is the fraction of samples whose largest output is the labelled class,
/// checked against a direct count on a random network and random data, and by the check that
/// grades the learner's accuracy (exercise 8.2) on networks that pass given logits through.
#[test]
fn eq_8_3_accuracy_is_the_fraction_of_argmax_matches() {
    let mut rng = seeded(8);
    let network = MnistNet::<f64>::new(&mut rng);
    let labels: Vec<u8> = (0..50).map(|i| (i * 7 % 10) as u8).collect();
    let inputs = Batch::<f64, 784>::from_fn(labels.len(), |r, c| {
        ((r * 31 + c * 17) % 255) as f64 / 255.0
    });
    let targets = one_hot::<f64, 10>(&labels);
    let data = nabla::data::Dataset::new(inputs.clone(), targets.clone());

    let outputs = network.predict(&inputs);
    let mut matches = 0;
    for (column, &label) in outputs.column_iter().zip(&labels) {
        let best = (0..10)
            .max_by(|&a, &b| column[a].total_cmp(&column[b]))
            .expect("ten outputs");
        matches += usize::from(best == usize::from(label));
    }
    let expected = matches as f64 / labels.len() as f64;
    assert_eq!(accuracy(&network, &data), expected);
    assert_eq!(count_correct(&network.logits(&inputs), &targets), matches);
    let outcome = exercises::checks::ch08_mnist::accuracy(library_accuracy);
    assert!(outcome.passed(), "{outcome:?}");
}

nabla::network! {
    /// Three logits passed through: `3 => identity 3` with identity weights.
    struct Logits3: 3 => identity 3
}

nabla::network! {
    /// Ten logits passed through: `10 => identity 10` with identity weights.
    struct Logits10: 10 => identity 10
}

/// The library's `accuracy` of `network` (its first tensor a `K × K` weight, set to the
/// identity, so its logits are its inputs) on the samples whose logits are `logits`.
fn through<const K: usize, N: Network<f64, K, K>>(
    mut network: N,
    logits: &[Vec<f64>],
    labels: &[usize],
) -> f64 {
    let mut slot = 0;
    network.visit_mut(&mut |tensor| {
        if slot == 0 {
            (0..K).for_each(|i| tensor[i * K + i] = 1.0);
        }
        slot += 1;
    });
    let inputs = Batch::<f64, K>::from_iterator(logits.len(), logits.iter().flatten().copied());
    let labels: Vec<u8> = labels.iter().map(|&l| l as u8).collect();
    accuracy(&network, &Dataset::new(inputs, one_hot::<f64, K>(&labels)))
}

/// The library's `accuracy` (8.3) in exercise 8.2's signature, for the numbers of classes the
/// check uses: a network whose logits are the given ones.
fn library_accuracy(logits: &[Vec<f64>], labels: &[usize]) -> f64 {
    match logits[0].len() {
        3 => through::<3, _>(Logits3::<f64>::zeros(), logits, labels),
        10 => through::<10, _>(Logits10::<f64>::zeros(), logits, labels),
        k => panic!("no network for {k} classes"),
    }
}
