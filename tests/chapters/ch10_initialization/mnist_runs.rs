//! Chapter 10's runs on real MNIST digits, which are not tied to one equation and so are
//! kept apart from the equation tests: clipping by norm rescuing a run that diverges, and
//! the gradients of deep sigmoid and ReLU stacks on digits.

use chapters::ch10_initialization::SEED;
use chapters::ch10_initialization::clipping::{Outcome, SmallRelu, train};
use chapters::ch10_initialization::deep::{DeepStack, Phi};
use nabla::clip::Clip;
use nabla::data::mnist;
use nabla::init::Init;
use nabla_tests::seeded;

/// The first `count` MNIST training images, and the next 500 as a test set.
fn mnist_subset(
    count: usize,
) -> (
    nabla::data::Dataset<f32, 784, 10>,
    nabla::data::Dataset<f32, 784, 10>,
) {
    let digits = mnist::load(&mnist::default_dir()).expect("MNIST is in data/mnist");
    let all = digits.train.to_dataset::<f32>();
    let train = all.take(count);
    let indices: Vec<usize> = (count..count + 500).collect();
    (train, all.subset(&indices))
}

/// The long part's clipping run, small: on 512 MNIST digits, SGD at rate 2 diverges on a six-layer ReLU
/// network of width 64 without clipping; clipped by norm (every step then at most 2 · 0.25 = 0.5
/// long), the same run from the same weights trains to a loss far below ln 10 ≈ 2.30 (the loss
/// of guessing).
#[test]
fn clipping_by_norm_trains_a_run_that_diverges_without_it() {
    let (train_set, test_set) = mnist_subset(512);
    let (rate, epochs) = (2.0, 10);
    let start = SmallRelu::<f32>::new(&mut seeded(SEED));
    let mut network = start.clone();
    let unclipped = train(
        &mut network,
        (&train_set, &test_set),
        rate,
        None,
        epochs,
        SEED,
    )
    .unwrap();
    assert!(
        matches!(unclipped, Outcome::Diverged { .. }),
        "{unclipped:?}"
    );
    let mut network = start.clone();
    let clip = Some(Clip::Norm(0.25));
    let clipped = train(
        &mut network,
        (&train_set, &test_set),
        rate,
        clip,
        epochs,
        SEED,
    );
    match clipped.unwrap() {
        Outcome::Trained {
            losses,
            test_accuracy,
            ..
        } => {
            assert!(losses[epochs - 1] < 0.8, "losses {losses:?}");
            assert!(losses[epochs - 1] < 0.5 * losses[0], "losses {losses:?}");
            assert!(test_accuracy > 0.6, "test accuracy {test_accuracy}");
        }
        diverged => panic!("clipped run diverged: {diverged:?}"),
    }
}

/// The long part's MNIST gradients, small: on 100 real digits, too, the deep sigmoid stack's
/// gradients vanish toward the input and the He-initialized ReLU stack's do not.
#[test]
fn on_mnist_digits_sigmoid_gradients_vanish_and_relu_he_gradients_do_not() {
    let (digits, _) = mnist_subset(100);
    let labels: Vec<u8> = digits.labels().iter().map(|&l| l as u8).collect();
    let norms = |phi, init| {
        let stack = DeepStack::<f32, 784>::new(phi, init, &mut seeded(SEED));
        stack.flow(&digits.inputs, &labels).weight_gradient_norms
    };
    let sigmoid = norms(Phi::Sigmoid, Init::Xavier);
    assert!(sigmoid[0] < 1e-4 * sigmoid[9], "{sigmoid:?}");
    let relu = norms(Phi::Relu, Init::He);
    assert!((0.1..10.0).contains(&(relu[0] / relu[9])), "{relu:?}");
}
