//! Networks that mix dense layers with batch normalization, dropout and standalone
//! activations: their backward pass agrees with finite differences taken in the same training
//! pass, they train, and at inference a sample's output does not depend on its batch.

use nabla::batch::one_hot;
use nabla::data::Dataset;
use nabla::loss::Loss;
use nabla::network::{Network, Parameters};
use nabla::optim::Adam;
use nabla::train::{TrainConfig, fit};
use nabla::{Batch, network};
use nabla_tests::{assert_training_pass_gradients, largest_of_four_sums};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

network! {
    /// Every kind of step: dense layers, batch norm after and before a nonlinearity, dropout,
    /// and a standalone activation.
    struct Mixed: 4 => tanh 6 => batchnorm => dropout(0.3) => linear 5 => batchnorm => relu => softmax 3
}

network! {
    /// The grammar's example, on 16 features instead of MNIST's 784.
    pub struct Example: 16 => relu 32 => batchnorm => dropout(0.2) => relu 16 => softmax 4
}

network! {
    /// A network that starts with a standalone activation and a batch norm of its input.
    struct Leading: 3 => relu => batchnorm => sigmoid 1
}

#[test]
fn mixed_network_gradients_match_finite_differences_in_the_same_training_pass() {
    let mut rng = StdRng::seed_from_u64(3);
    let mut network = Mixed::<f64>::new(&mut rng);
    let input = Batch::<f64, 4>::from_fn(8, |r, c| ((r * 5 + c * 3) as f64 * 0.7).sin());
    let targets = one_hot::<f64, 3>(&[0, 1, 2, 0, 1, 2, 2, 1]);
    let loss = network.loss();
    assert_training_pass_gradients("mixed", &mut network, &loss, &input, &targets);
}

#[test]
fn leading_activation_and_batchnorm_have_correct_gradients() {
    let mut network = Leading::<f64>::new(&mut StdRng::seed_from_u64(9));
    let input = Batch::<f64, 3>::from_fn(5, |r, c| ((r * 3 + c * 7) as f64 * 0.4).cos());
    let targets = Batch::<f64, 1>::from_fn(5, |_, c| (c % 2) as f64);
    let loss = network.loss();
    assert_training_pass_gradients("leading", &mut network, &loss, &input, &targets);
}

#[test]
fn architecture_names_and_tensors_follow_the_steps() {
    assert_eq!(
        Mixed::<f64>::ARCHITECTURE,
        "4 => tanh 6 => batchnorm => dropout(0.3) => identity 5 => batchnorm => relu => softmax 3"
    );
    assert_eq!(Mixed::<f64>::WIDTHS, [4, 6, 5, 3]);
    let network = Mixed::<f64>::zeros();
    let names: Vec<String> = network
        .tensor_specs()
        .into_iter()
        .map(|spec| spec.name)
        .collect();
    assert_eq!(
        names,
        [
            "layer1.weight",
            "layer1.bias",
            "norm1.weight",
            "norm1.bias",
            "layer2.weight",
            "layer2.bias",
            "norm2.weight",
            "norm2.bias",
            "layer3.weight",
            "layer3.bias"
        ]
    );
    let buffers: Vec<String> = network
        .buffer_specs()
        .into_iter()
        .map(|spec| spec.name)
        .collect();
    assert_eq!(
        buffers,
        [
            "norm1.running_mean",
            "norm1.running_var",
            "norm2.running_mean",
            "norm2.running_var"
        ]
    );
}

/// The dense layers draw the same weights with or without the other steps: the dropout seeds
/// come after them.
#[test]
fn dense_weights_do_not_depend_on_the_other_steps() {
    network! { struct Plain: 16 => relu 32 => relu 16 => softmax 4 }
    let example = Example::<f32>::new(&mut StdRng::seed_from_u64(5));
    let plain = Plain::<f32>::new(&mut StdRng::seed_from_u64(5));
    assert_eq!(example.layer1, plain.layer1);
    assert_eq!(example.layer2, plain.layer2);
    assert_eq!(example.layer3, plain.layer3);
    assert_eq!(example.dropout1.p, 0.2);
}

/// 600 samples whose class is the largest of four sums of features.
fn data() -> Dataset<f32, 16, 4> {
    largest_of_four_sums(&mut StdRng::seed_from_u64(1), 600)
}

#[test]
fn example_grammar_trains_and_infers_per_sample() {
    let data = data();
    let mut rng = StdRng::seed_from_u64(2);
    let mut network = Example::<f32>::new(&mut rng);
    let before = network.norm1.clone();
    let loss = network.loss();
    let initial = loss.value(&network.logits(&data.inputs), &data.targets);
    let config = TrainConfig {
        epochs: 5,
        batch_size: 32,
        epochs_done: 0,
        test: None,
        ..TrainConfig::default()
    };
    fit(
        &mut network,
        &loss,
        &mut Adam::new(1e-2),
        &data,
        &config,
        &mut rng,
        (),
    )
    .unwrap();
    let trained = loss.value(&network.logits(&data.inputs), &data.targets);
    assert!(trained < 0.5 * initial, "loss {initial} → {trained}");
    assert!(network.accuracy(&data) > 0.8);
    // The training loop moved the running averages.
    assert_ne!(network.norm1.running_mean, before.running_mean);
    assert_ne!(network.norm1.running_var, before.running_var);

    // At inference batch norm uses its running averages and dropout is the identity: one
    // sample alone gets exactly the output it gets inside a batch, and twice the same.
    let batch = network.forward(&data.inputs);
    for column in [0, 17, 599] {
        let alone = Batch::<f32, 16>::from_column_slice(data.inputs.column(column).as_slice());
        let output = network.forward(&alone);
        for row in 0..4 {
            assert!(
                (output[(row, 0)] - batch[(row, column)]).abs() <= 1e-6,
                "sample {column}"
            );
        }
    }
    assert_eq!(network.forward(&data.inputs), batch);
}

network! {
    /// The grammar's example exactly as written in the documentation.
    pub struct Net: 784 => relu 256 => batchnorm => dropout(0.2) => relu 128 => softmax 10
}

#[test]
fn documented_example_compiles_and_its_loss_falls() {
    let mut rng = StdRng::seed_from_u64(4);
    let inputs = Batch::<f32, 784>::from_fn(200, |_, _| rng.random_range(0.0..1.0));
    let labels: Vec<u8> = (0..200)
        .map(|c| {
            let sums: Vec<f32> = (0..10)
                .map(|k| (0..78).map(|i| inputs[(78 * k + i, c)]).sum())
                .collect();
            (0..10)
                .max_by(|&a, &b| sums[a].total_cmp(&sums[b]))
                .unwrap() as u8
        })
        .collect();
    let data = Dataset::new(inputs, one_hot(&labels));
    let mut network = Net::<f32>::new(&mut rng);
    let loss = network.loss();
    let initial = loss.value(&network.logits(&data.inputs), &data.targets);
    let config = TrainConfig {
        epochs: 3,
        batch_size: 20,
        epochs_done: 0,
        test: None,
        ..TrainConfig::default()
    };
    let reports = fit(
        &mut network,
        &loss,
        &mut Adam::new(1e-3),
        &data,
        &config,
        &mut rng,
        (),
    )
    .unwrap();
    let trained = loss.value(&network.logits(&data.inputs), &data.targets);
    assert!(trained < initial, "loss {initial} → {trained}");
    assert!(reports[2].mean_loss < reports[0].mean_loss, "{reports:?}");
}
