//! The chapter's opening claim, on a small subset: shuffling the pixels of every image by one
//! fixed permutation leaves an MLP's accuracy where it was and costs a CNN much of its own,
//! because only the CNN uses which pixel lies next to which.

use super::train::{BATCH_SIZE, LEARNING_RATE};
use crate::cnn::LeNet;
use crate::headline::MnistNet;
use nabla::Result;
use nabla::data::mnist::{CLASSES, PIXELS};
use nabla::data::{Dataset, shuffled_indices};
use nabla::loss::SoftmaxCrossEntropy;
use nabla::network::Network;
use nabla::optim::Adam;
use nabla::train::{TrainConfig, accuracy, fit, on_epoch};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// `data` with the pixels of every image moved by the same permutation `order` (pixel `p` of
/// the result is pixel `order[p]` of the original).
pub fn permute(
    data: &Dataset<f32, PIXELS, CLASSES>,
    order: &[usize],
) -> Dataset<f32, PIXELS, CLASSES> {
    let mut inputs = data.inputs.clone();
    for (mut column, original) in inputs.column_iter_mut().zip(data.inputs.column_iter()) {
        for (p, &from) in order.iter().enumerate() {
            column[p] = original[from];
        }
    }
    Dataset::new(inputs, data.targets.clone())
}

/// Trains `network` with Adam (η = 10⁻³, constant) for `epochs` on `train` and returns its
/// accuracy on `test`.
fn train_and_score<N: Network<f32, PIXELS, CLASSES>>(
    mut network: N,
    epochs: usize,
    train: &Dataset<f32, PIXELS, CLASSES>,
    test: &Dataset<f32, PIXELS, CLASSES>,
    rng: &mut StdRng,
) -> Result<f64> {
    let config = TrainConfig {
        epochs,
        batch_size: BATCH_SIZE,
        ..TrainConfig::default()
    };
    let mut optimizer = Adam::new(LEARNING_RATE);
    fit(
        &mut network,
        &SoftmaxCrossEntropy,
        &mut optimizer,
        train,
        &config,
        rng,
        on_epoch(|_, _: &N, _: &Adam<f32>| Ok(())),
    )?;
    Ok(accuracy(&network, test))
}

/// Test accuracies of chapter 8's MLP and of LeNet, on the images as they are and with their pixels
/// permuted.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PermutedScores {
    /// The MLP on the original and on the permuted images.
    pub mlp: (f64, f64),
    /// LeNet on the original and on the permuted images.
    pub cnn: (f64, f64),
}

/// Trains the MLP and LeNet for `epochs` on `train`, once as is and once with the pixels of
/// `train` and `test` permuted by one permutation drawn from `seed`, and scores each on `test`.
pub fn compare(
    epochs: usize,
    train: &Dataset<f32, PIXELS, CLASSES>,
    test: &Dataset<f32, PIXELS, CLASSES>,
    seed: u64,
) -> Result<PermutedScores> {
    let order = shuffled_indices(PIXELS, &mut StdRng::seed_from_u64(seed));
    let (shuffled_train, shuffled_test) = (permute(train, &order), permute(test, &order));
    let mlp = |train: &Dataset<f32, PIXELS, CLASSES>, test: &Dataset<f32, PIXELS, CLASSES>| {
        let mut rng = StdRng::seed_from_u64(seed);
        train_and_score(
            MnistNet::<f32>::new(&mut rng),
            epochs,
            train,
            test,
            &mut rng,
        )
    };
    let cnn = |train: &Dataset<f32, PIXELS, CLASSES>, test: &Dataset<f32, PIXELS, CLASSES>| {
        let mut rng = StdRng::seed_from_u64(seed);
        train_and_score(LeNet::<f32>::new(&mut rng), epochs, train, test, &mut rng)
    };
    Ok(PermutedScores {
        mlp: (mlp(train, test)?, mlp(&shuffled_train, &shuffled_test)?),
        cnn: (cnn(train, test)?, cnn(&shuffled_train, &shuffled_test)?),
    })
}
