//! Chapter 7's checks: a network declared with `network!` that learns digits (trained briefly
//! on a seeded MNIST subset), and the count of a network's parameters (8.2) against the tensors
//! a declared network really has.

use crate::catalog::Exercise;
use crate::grade::{Failure, Outcome, guarded};
use crate::{ch07_network_macro as learner, solutions::ch07_network_macro as solution};
use nabla::data::{Dataset, mnist};
use nabla::loss::SoftmaxCrossEntropy;
use nabla::network::{Network, Parameters};
use nabla::optim::Adam;
use nabla::rand::SeedableRng;
use nabla::rand::rngs::StdRng;
use nabla::train::{TrainConfig, accuracy, fit};
use std::sync::OnceLock;

/// Chapter 7's exercises.
pub const EXERCISES: &[Exercise] = &[
    Exercise {
        id: "ch07.digits_network",
        title: "declare a network that reads digits",
        file: "exercises/src/ch07_network_macro.rs",
        hints: &[
            "Without a hidden layer the network can only draw straight boundaries between the \
             digits: add one between the input and the output.",
            "The headline network of chapter 8 has one hidden layer of 128 ReLU units; half as \
             many is plenty here and keeps the check quick.",
            "pub struct Digits: 784 => relu 64 => softmax 10, and return Digits::new(rng).",
        ],
        check: || digits_network(learner::digits_network),
        solution: || digits_network(solution::digits_network),
    },
    Exercise {
        id: "ch07.parameter_count",
        title: "count a network's weights and biases",
        file: "exercises/src/ch07_network_macro.rs",
        hints: &[
            "Go through the layers, that is through consecutive pairs of widths (slice::windows(2) \
             gives them); the input is not a layer.",
            "Layer ℓ has n_ℓ × n_{ℓ−1} weights and n_ℓ biases; (8.2) for 784 => relu 128 => \
             softmax 10 is 784·128 + 128 + 128·10 + 10 = 101,770.",
        ],
        check: || parameter_count(learner::parameter_count),
        solution: || parameter_count(solution::parameter_count),
    },
];

/// The accuracy `digits_network` must reach on the held-out digits.
pub const TARGET: f64 = 0.89;
/// The largest network the check trains, in parameters.
pub const BUDGET: usize = 200_000;
/// Epochs of training.
const EPOCHS: usize = 5;
/// Training digits, held-out digits.
const SPLIT: (usize, usize) = (10_000, 2000);

/// The first 10,000 digits of MNIST's training file to train on, the first 2,000 of its test
/// file held out. Loaded once per process.
fn digits() -> Result<&'static (Dataset<f32, 784, 10>, Dataset<f32, 784, 10>), Failure> {
    type Digits = (Dataset<f32, 784, 10>, Dataset<f32, 784, 10>);
    static DIGITS: OnceLock<Result<Digits, String>> = OnceLock::new();
    DIGITS
        .get_or_init(|| {
            let dir = mnist::default_dir();
            let first = |images: &str, labels: &str, count: usize| {
                let raw = mnist::load_split(&dir.join(images), &dir.join(labels))
                    .map_err(|error| error.to_string())?;
                Ok::<_, String>(raw.to_dataset::<f32>().take(count))
            };
            Ok((
                first(mnist::TRAIN_IMAGES, mnist::TRAIN_LABELS, SPLIT.0)?,
                first(mnist::TEST_IMAGES, mnist::TEST_LABELS, SPLIT.1)?,
            ))
        })
        .as_ref()
        .map_err(|error| Failure::new(format!("the check cannot load MNIST: {error}")))
}

/// Checks the network `make` builds: it ends in `softmax 10`, fits the budget, and reaches
/// [`TARGET`] on held-out digits after 5 seeded epochs of Adam on 10,000 digits.
pub fn digits_network<N: Network<f32, 784, 10>>(make: impl Fn(&mut StdRng) -> N) -> Outcome {
    let mut rng = StdRng::seed_from_u64(7);
    let mut network = match guarded(|| make(&mut rng)) {
        Ok(network) => network,
        Err(outcome) => return outcome,
    };
    let architecture = network.architecture();
    let parameters = network.parameter_count();
    if !architecture.replace(' ', "").ends_with("softmax10") {
        return Failure {
            explanation: format!(
                "your network is `{architecture}`, which does not end in `softmax 10`"
            ),
            likely_mistake: Some(
                "ten digits need ten outputs turned into probabilities: end with `=> softmax 10`, \
                 whose loss is the softmax cross-entropy the check trains with"
                    .to_string(),
            ),
        }
        .into();
    }
    if parameters > BUDGET {
        return Failure::new(format!(
            "`{architecture}` has {parameters} parameters, more than the {BUDGET} this check \
             trains: narrower hidden layers learn these digits as well"
        ))
        .into();
    }
    let (train, held_out) = match digits() {
        Ok(digits) => digits,
        Err(failure) => return failure.into(),
    };
    let config = TrainConfig {
        epochs: EPOCHS,
        batch_size: 64,
        ..TrainConfig::default()
    };
    let trained = guarded(|| {
        fit(
            &mut network,
            &SoftmaxCrossEntropy,
            &mut Adam::new(1e-3),
            train,
            &config,
            &mut rng,
            (),
        )
    });
    match trained {
        Ok(Ok(_)) => {}
        Ok(Err(error)) => {
            return Failure::new(format!("training `{architecture}` failed: {error}")).into();
        }
        Err(outcome) => return outcome,
    }
    let reached = accuracy(&network, held_out);
    let hidden_layers = architecture.matches("=>").count() - 1;
    if reached < TARGET {
        let mistake = (hidden_layers == 0).then(|| {
            "a network without a hidden layer is a linear classifier: it draws straight \
             boundaries between the digits, and needs far more training to approach this \
             target; add a hidden layer such as `=> relu 64`"
                .to_string()
        });
        return Failure {
            explanation: format!(
                "`{architecture}` reaches {:.1}% on {} held-out digits after {EPOCHS} epochs on \
                 {}; the target is {:.0}%",
                100.0 * reached,
                SPLIT.1,
                SPLIT.0,
                100.0 * TARGET
            ),
            likely_mistake: mistake,
        }
        .into();
    }
    Outcome::Passed(format!(
        "`{architecture}` ({parameters} parameters) reaches {:.1}% on {} held-out digits after \
         {EPOCHS} epochs on {} (target {:.0}%)",
        100.0 * reached,
        SPLIT.1,
        SPLIT.0,
        100.0 * TARGET
    ))
}

nabla::network! { struct Headline: 784 => relu 128 => softmax 10 }
nabla::network! { struct Xor: 2 => tanh 4 => sigmoid 1 }
nabla::network! { struct Small: 4 => tanh 5 => sigmoid 3 => softmax 2 }
nabla::network! { struct Deep: 8 => relu 16 => relu 16 => relu 16 => softmax 4 }
nabla::network! { struct Linear: 3 => identity 1 }

/// Checks `f` as the parameter count of a network, against the tensors of networks declared
/// with `network!`.
pub fn parameter_count(f: impl Fn(&[usize]) -> usize) -> Outcome {
    parameter_count_once(&f)
}

/// [`parameter_count`]'s body, compiled once: the implementation is behind a reference, not a
/// type parameter, so each caller's closure does not compile the whole check again.
fn parameter_count_once(f: &dyn Fn(&[usize]) -> usize) -> Outcome {
    let cases: [(&[usize], usize, &str); 5] = [
        (
            &Headline::<f32>::WIDTHS,
            Headline::<f32>::zeros().parameter_count(),
            Headline::<f32>::ARCHITECTURE,
        ),
        (
            &Xor::<f32>::WIDTHS,
            Xor::<f32>::zeros().parameter_count(),
            Xor::<f32>::ARCHITECTURE,
        ),
        (
            &Small::<f32>::WIDTHS,
            Small::<f32>::zeros().parameter_count(),
            Small::<f32>::ARCHITECTURE,
        ),
        (
            &Deep::<f32>::WIDTHS,
            Deep::<f32>::zeros().parameter_count(),
            Deep::<f32>::ARCHITECTURE,
        ),
        (
            &Linear::<f32>::WIDTHS,
            Linear::<f32>::zeros().parameter_count(),
            Linear::<f32>::ARCHITECTURE,
        ),
    ];
    for (widths, expected, architecture) in cases {
        let got = match guarded(|| f(widths)) {
            Ok(got) => got,
            Err(outcome) => return outcome,
        };
        if got != expected {
            let weights: usize = widths.windows(2).map(|p| p[0] * p[1]).sum();
            let biases = expected - weights;
            let mistake = if got == weights {
                Some(format!(
                    "only the weights are counted: every layer also has a bias per unit, {biases} in all"
                ))
            } else if got == expected + widths[0] {
                Some(format!(
                    "the input's {} entries are counted as biases too: the input is not a layer and has no bias",
                    widths[0]
                ))
            } else if got == weights + widths[..widths.len() - 1].iter().sum::<usize>() {
                Some(
                    "a layer's biases are one per output unit, widths[ℓ], not one per input"
                        .to_string(),
                )
            } else {
                None
            };
            return Failure {
                explanation: format!(
                    "`{architecture}` (widths {widths:?}) has {expected} parameters; you counted {got}"
                ),
                likely_mistake: mistake,
            }
            .into();
        }
    }
    Outcome::Passed(format!(
        "the count matches the tensors of {} declared networks, 101,770 for the headline one",
        cases.len()
    ))
}
