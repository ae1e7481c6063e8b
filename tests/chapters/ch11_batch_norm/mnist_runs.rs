//! Chapter 11's long experiments on a small seeded subset of MNIST, which are not tied to one
//! equation and so are kept apart from the equation tests: batch norm training at a rate
//! where the plain network diverges, and what forgetting inference mode does.

use chapters::ch11_batch_norm::{Normalized, Plain, accuracy_in, predictions_in, train};
use nabla::data::Dataset;
use nabla::data::mnist::{self, CLASSES, PIXELS};
use nabla::layer::Pass;
use rand::SeedableRng;

/// The first `count` MNIST test images (the test split loads faster than the training split).
fn mnist_subset(count: usize) -> Dataset<f32, PIXELS, CLASSES> {
    let dir = mnist::default_dir();
    let digits = mnist::load_split(&dir.join(mnist::TEST_IMAGES), &dir.join(mnist::TEST_LABELS))
        .expect("the MNIST test files are in data/mnist");
    digits.to_dataset::<f32>().take(count)
}

/// The long experiment in small: on 640 digits, the plain deep network learns at the ordinary
/// rate 0.05 but diverges within its first 20 batches at 2, forty times larger; the
/// batch-normalized one trains at 2, its loss falling to about half of chance (ln 10 ≈ 2.3).
#[test]
fn at_a_large_learning_rate_batch_norm_trains_where_the_plain_network_diverges() {
    let data = mnist_subset(640);
    let settings = (3, 32);
    let generators = || {
        let seeded = rand::rngs::StdRng::seed_from_u64;
        (seeded(7), seeded(8))
    };
    let plain_at = |learning_rate: f64| {
        let (mut weights, mut order) = generators();
        let mut plain = Plain::<f32>::new(&mut weights);
        train(
            &mut plain,
            &data,
            &data,
            learning_rate,
            settings,
            &mut order,
        )
    };
    let ordinary = plain_at(0.05);
    assert_eq!(ordinary.diverged_at, None);
    let loss = ordinary.epochs.last().expect("three epochs").mean_loss;
    assert!(
        loss < 1.5,
        "the plain network learns at η = 0.05: loss {loss}"
    );
    let large = plain_at(2.0);
    assert!(
        large.diverged_at.is_some_and(|batch| batch <= 20),
        "the plain network diverges at η = 2: {:?}",
        large.diverged_at
    );
    let (mut weights, mut order) = generators();
    let mut normalized = Normalized::<f32>::new(&mut weights);
    let run = train(&mut normalized, &data, &data, 2.0, settings, &mut order);
    assert_eq!(run.diverged_at, None);
    let last = run.epochs.last().expect("three epochs");
    assert!(
        last.mean_loss < 1.2,
        "batch norm at η = 2: loss {}",
        last.mean_loss
    );
    assert!(last.test_accuracy > 0.7, "accuracy {}", last.test_accuracy);
}

/// The modes of a trained batch-norm network: inference mode with its running averages scores
/// about as well as training mode with large batches; training mode with batches of one sample
/// (the forgotten switch) normalizes every input to x̂ = 0, so every image gets the same class.
#[test]
fn forgetting_inference_mode_with_one_sample_gives_every_image_the_same_class() {
    let data = mnist_subset(640);
    let mut rng = rand::rngs::StdRng::seed_from_u64(8);
    let mut normalized = Normalized::<f32>::new(&mut rng);
    let run = train(&mut normalized, &data, &data, 0.05, (3, 32), &mut rng);
    assert_eq!(run.diverged_at, None);
    let infer = accuracy_in(&normalized, &data, Pass::infer(), 640);
    let large_batches = accuracy_in(&normalized, &data, Pass::train(0), 320);
    assert!(infer > 0.75, "inference accuracy {infer}");
    assert!(
        (infer - large_batches).abs() < 0.1,
        "{infer} vs {large_batches}"
    );
    let alone = predictions_in(&normalized, &data, Pass::train(0), 1);
    assert!(
        alone.iter().all(|&class| class == alone[0]),
        "one class for all"
    );
    let single = accuracy_in(&normalized, &data, Pass::train(0), 1);
    assert!(single < 0.2, "batches of one score near chance: {single}");
}
