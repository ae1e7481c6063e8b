//! Chapter 9's experiments, which are not tied to one equation and so are kept apart from
//! the equation tests: the saddle that adaptive methods leave sooner, and, on a few hundred
//! MNIST images, the long experiment's rate search and every optimizer of its grid learning.

use chapters::ch09_optimizers::mnist::{Trial, best, grid, trial};
use chapters::ch09_optimizers::surfaces::{self, Surface, contender, path};
use chapters::headline::OptimizerChoice;
use nabla::data::mnist;
use rand::SeedableRng;
use rand::rngs::StdRng;

/// Adam and RMSProp leave the saddle of the chapter in a fraction of the steps gradient descent
/// needs, because they divide the tiny gradient across it by its own size.
#[test]
fn ch09_adaptive_methods_escape_the_saddle_sooner() {
    let surface: Surface = surfaces::saddle();
    let escape = |name: &str, eta: f64| {
        let mut contender = contender(name, eta, 0.9);
        let points = path(&surface, contender.optimizer.as_mut(), 200);
        points.iter().position(|p| p[1] > 0.5).expect("it escapes")
    };
    let descent = escape("sgd", 0.1);
    assert!(descent > 50, "{descent}");
    assert!(escape("adam", 0.05) < descent / 4);
    assert!(escape("rmsprop", 0.01) < descent / 4);
}

/// A network small enough for a test, on a few hundred MNIST images.
mod small {
    nabla::network! {
        /// 784 pixels → 16 ReLU units → 10 classes.
        pub struct Tiny: 784 => relu 16 => softmax 10
    }
}

fn small_split() -> (
    nabla::data::Dataset<f32, 784, 10>,
    nabla::data::Dataset<f32, 784, 10>,
) {
    let digits = mnist::load(&mnist::default_dir()).expect("MNIST is in data/mnist");
    let some = digits.train.to_dataset::<f32>().take(800);
    some.split_validation(300, &mut StdRng::seed_from_u64(9))
}

fn tiny_trial(
    choice: OptimizerChoice,
    rate: f64,
    split: (
        &nabla::data::Dataset<f32, 784, 10>,
        &nabla::data::Dataset<f32, 784, 10>,
    ),
) -> Trial {
    trial(small::Tiny::<f32>::new, choice, rate, split, 5, 1).expect("training runs")
}

/// The long experiment's rate search, on 500 images: a rate far too small barely moves the
/// network, one far too large throws it about at chance level, and the search picks the one
/// between.
#[test]
fn ch09_the_rate_search_picks_a_rate_that_learns() {
    let (train, validation) = small_split();
    let trials: Vec<Trial> = [1e-6, 3e-3, 30.0]
        .iter()
        .map(|&rate| tiny_trial(OptimizerChoice::Adam, rate, (&train, &validation)))
        .collect();
    assert!(trials[0].validation_accuracy < 0.3, "{trials:?}");
    assert!(trials[1].validation_accuracy > 0.7, "{trials:?}");
    assert!(trials[2].validation_accuracy < 0.3, "{trials:?}");
    assert_eq!(best(&trials).rate, 3e-3);
}

/// Every optimizer of the MNIST comparison learns 500 images at the third rate of its grid: in
/// five epochs the loss falls far below ln 10 = 2.30, the loss of an even guess, and most of the
/// validation images are classified correctly.
#[test]
fn ch09_every_optimizer_learns_a_small_subset_at_the_third_rate_of_its_grid() {
    let (train, validation) = small_split();
    for (choice, rates) in grid() {
        let t = tiny_trial(choice, rates[2], (&train, &validation));
        assert!(
            t.loss < 1.2 && t.validation_accuracy > 0.7,
            "{} at {}: {t:?}",
            choice.name(),
            rates[2]
        );
    }
}
