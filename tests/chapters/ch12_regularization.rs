//! Chapter 12's equations, each checked numerically by the test named after it; the checks
//! that grade the learner's dropout, L2 gradient and early stopping run on the library's (see
//! `library`). The chapter's experiments on a small seeded problem are in `experiments`.
//!
//! The tests are split by concept into the submodules declared below, one file each in the
//! directory of the same name; the helpers they share live here.

use chapters::ch12_regularization::decay::{
    ADAM_RATE, LAMBDA, SGD_RATE, Tiny, hand_run, max_difference, penalized_loss, toy_data,
    weight_norm,
};
use chapters::ch12_regularization::dropout_mean::{INPUT, measure};
use chapters::ch12_regularization::overfit::lowest;
use nabla::batch::one_hot;
use nabla::data::Dataset;
use nabla::dropout::{Dropout, DropoutCache};
use nabla::gradcheck::check_gradients;
use nabla::layer::{Layer, Pass};
use nabla::loss::{Loss, SoftmaxCrossEntropy};
use nabla::network::{Network, Parameters, loss_and_gradients};
use nabla::optim::{Adam, AdamW, Sgd};
use nabla::regularize::{add_l2, weight_slots};
use nabla::train::{EarlyStopping, TrainConfig, fit, mean_loss, on_epoch};
use nabla::{Batch, Scalar};
use nabla_tests::{options, seeded};
use rand::Rng;
use rand::SeedableRng;
use rand::rngs::StdRng;

mod dropout;
mod early_stopping;
mod experiments;
mod l2;
mod library;

fn flat<T: Scalar, P: Parameters<T>>(model: &P) -> Vec<T> {
    let mut all = Vec::new();
    model.visit(&mut |tensor| all.extend_from_slice(tensor));
    all
}

nabla::network! {
    /// A network that can memorize 100 noisy samples.
    struct Memorizer: 16 => relu 128 => softmax 4
}

/// `n` points in `[-1, 1]¹⁶` labelled by the largest of four fixed linear functions, a quarter
/// of the labels then replaced by random ones (noise a network can only memorize).
fn noisy_task(n: usize, seed: u64) -> Dataset<f32, 16, 4> {
    let mut mix_rng = StdRng::seed_from_u64(100);
    let mix: Vec<f32> = (0..64).map(|_| mix_rng.random_range(-1.0..1.0)).collect();
    let mut rng = StdRng::seed_from_u64(seed);
    let inputs = Batch::<f32, 16>::from_fn(n, |_, _| rng.random_range(-1.0..1.0));
    let labels: Vec<u8> = inputs
        .column_iter()
        .map(|x| {
            if rng.random::<f64>() < 0.25 {
                return rng.random_range(0..4u8);
            }
            let score = |c: usize| (0..16).map(|i| mix[16 * c + i] * x[i]).sum::<f32>();
            (0..4u8)
                .max_by(|&a, &b| score(a.into()).total_cmp(&score(b.into())))
                .unwrap_or(0)
        })
        .collect();
    Dataset::new(inputs, one_hot(&labels))
}
