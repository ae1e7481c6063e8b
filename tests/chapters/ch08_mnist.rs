//! Chapter 8: MNIST.

use chapters::headline::MnistNet;
use nabla::Batch;
use nabla::batch::one_hot;
use nabla::data::mnist::RawDigits;
use nabla::network::{Network, Parameters};
use nabla::train::{accuracy, count_correct};
use nabla_tests::seeded;

/// (8.1) x = p / 255: 0 is background, 255 full ink, and the scale is linear in between.
#[test]
fn eq_8_1_pixels_scale_to_unit_interval() {
    let pixels: Vec<u8> = (0..=255).cycle().take(784 * 2).collect();
    let digits = RawDigits {
        pixels: pixels.clone(),
        labels: vec![3, 7],
    };
    let data = digits.to_dataset::<f64>();
    for (&p, &x) in pixels.iter().zip(data.inputs.iter()) {
        assert!(
            (x - f64::from(p) / 255.0).abs() < 1e-15,
            "pixel {p} became {x}"
        );
    }
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
/// checked against a direct count on a random network and random data.
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
}
