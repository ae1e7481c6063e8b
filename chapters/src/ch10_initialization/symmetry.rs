//! Why weights must not start equal: a small network whose hidden units all start alike stays
//! alike, however long it trains.

use nabla::data::Dataset;
use nabla::init::Init;
use nabla::optim::Sgd;
use nabla::train::{TrainConfig, fit};
use nabla::{Batch, network};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

network! {
    /// The network of the symmetry experiment.
    pub struct Small: 4 => tanh 8 => softmax 3
}

/// Samples in the symmetry experiment's data set.
pub const SAMPLES: usize = 64;

/// A seeded data set: 4 uniform features in [−1, 1], the class set by which of the first three
/// features is largest.
pub fn data(seed: u64) -> Dataset<f64, 4, 3> {
    let mut rng = StdRng::seed_from_u64(seed);
    let inputs = Batch::<f64, 4>::from_fn(SAMPLES, |_, _| rng.random_range(-1.0..1.0));
    let labels: Vec<u8> = inputs
        .column_iter()
        .map(|x| (0..3).max_by(|&i, &j| x[i].total_cmp(&x[j])).unwrap_or(0) as u8)
        .collect();
    Dataset::new(inputs, nabla::batch::one_hot(&labels))
}

// ANCHOR: equal_start
/// A network whose weights (every one) are `value` and whose biases are 0.
pub fn equal_weights(value: f64) -> Small<f64> {
    let mut network = Small::<f64>::zeros();
    network.layer1.weights.as_mut_slice().fill(value);
    network.layer2.weights.as_mut_slice().fill(value);
    network
}

/// The largest difference between the incoming weights of any two hidden units: the rows of
/// W¹, compared entry by entry (0 means all 8 units compute the same function).
pub fn largest_unit_difference(network: &Small<f64>) -> f64 {
    let w = &network.layer1.weights;
    let mut largest: f64 = 0.0;
    for j in 1..8 {
        for k in 0..4 {
            largest = largest.max((w[(j, k)] - w[(0, k)]).abs());
        }
    }
    largest
}
// ANCHOR_END: equal_start

/// Trains `network` with SGD (rate 0.5, batches of 16) for `epochs` epochs; returns the last
/// epoch's mean loss.
pub fn train(network: &mut Small<f64>, data: &Dataset<f64, 4, 3>, epochs: usize) -> f64 {
    let config = TrainConfig {
        epochs,
        batch_size: 16,
        ..TrainConfig::default()
    };
    let mut rng = StdRng::seed_from_u64(1);
    let loss = network.loss();
    let reports = fit(
        network,
        &loss,
        &mut Sgd::new(0.5),
        data,
        &config,
        &mut rng,
        (),
    )
    .expect("the small network trains");
    reports.last().map_or(f64::NAN, |r| r.mean_loss)
}

/// The same network, with Xavier weights drawn from `seed`.
pub fn xavier(seed: u64) -> Small<f64> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut network = Small::<f64>::zeros();
    network.layer1 = nabla::dense::Dense::new(Init::Xavier, &mut rng);
    network.layer2 = nabla::dense::Dense::new(Init::Xavier, &mut rng);
    network
}

/// The accuracy of `network` on `data`.
pub fn accuracy(network: &Small<f64>, data: &Dataset<f64, 4, 3>) -> f64 {
    nabla::train::accuracy(network, data)
}
