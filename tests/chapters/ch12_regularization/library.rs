//! Adapters from the library's dropout layer, L2 penalty and early stopping to the signatures
//! of chapter 12's exercise checks.
//!
//! - Dropout: the check hands over a mask; the library draws its own from the layer's seed and
//!   the step. The adapter runs the library's forward pass at the first step whose mask drops
//!   exactly the entries the check's mask drops (at most a few hundred tries for the check's
//!   short masks), so both the pattern and the factor 1/(1 − p) are the library's.
//! - L2: the flat parameters become a [`Tensors`] model, one tensor per run of weights or of
//!   biases, for `add_l2`.
//! - Early stopping: `fit` trains the network `1 => identity 1` with an optimizer that replays
//!   the check's validation losses: after epoch e the bias is √L_e, so the validation loss on
//!   the one sample (x = 0, y = 0) is L_e, and the weight is e, so the network `fit` returns
//!   names the epoch whose weights it kept.

use exercises::ch12_regularization::EarlyStop;
use nabla::Batch;
use nabla::data::Dataset;
use nabla::dropout::{Dropout, DropoutCache};
use nabla::layer::{Layer, Pass};
use nabla::loss::MeanSquaredError;
use nabla::optim::Optimizer;
use nabla::regularize::add_l2;
use nabla::train::{EarlyStopping, TrainConfig, fit};
use nabla_tests::{Tensors, seeded};

/// The library's forward pass over `activations` (one row, a sample per entry) at the first
/// training step whose mask drops what `mask` drops: the layer, its input and its cache.
fn forward_with(
    activations: &[f64],
    mask: &[f64],
    p: f64,
) -> (Batch<f64, 1>, DropoutCache<f64, 1>) {
    let layer = Dropout::new(p, 12);
    let input = Batch::<f64, 1>::from_column_slice(activations);
    let mut cache = DropoutCache::default();
    for step in 0..100_000 {
        Layer::<f64, 1, 1>::forward(&layer, &input, Pass::train(step), &mut cache);
        let dropped = |factor: f64| factor == 0.0;
        if (cache.mask.iter().zip(mask)).all(|(&m, &r)| dropped(m) == dropped(r)) {
            return (input, cache);
        }
    }
    panic!("no step of the library's dropout draws the mask {mask:?}");
}

/// The library's dropout forward pass (12.5) with the mask `mask`, in exercise 12.1's signature.
pub fn dropout_forward(activations: &[f64], mask: &[f64], p: f64) -> Vec<f64> {
    forward_with(activations, mask, p)
        .1
        .output
        .as_slice()
        .to_vec()
}

/// The library's dropout backward pass (12.8) with the mask `mask`, in exercise 12.2's
/// signature: the forward pass that drew the mask, then `backward` from its cache.
pub fn dropout_backward(output_gradient: &[f64], mask: &[f64], p: f64) -> Vec<f64> {
    let layer = Dropout::new(p, 12);
    let (input, cache) = forward_with(&vec![1.0; mask.len()], mask, p);
    let mut input_gradient = Batch::zeros(0);
    let mut unused = layer;
    Layer::<f64, 1, 1>::backward(
        &layer,
        &input,
        &cache,
        &Batch::<f64, 1>::from_column_slice(output_gradient),
        &mut unused,
        Some(&mut input_gradient),
    );
    input_gradient.as_slice().to_vec()
}

/// The library's `add_l2` (12.2), in exercise 12.3's signature: θ cut into one tensor per run
/// of weights or biases, the runs of weights marked as the slots to penalize.
pub fn l2_gradient(
    parameters: &[f64],
    gradient: &[f64],
    is_weight: &[bool],
    lambda: f64,
) -> Vec<f64> {
    let (mut model, mut gradients, mut slots) = (Tensors(vec![]), Tensors(vec![]), vec![]);
    let mut start = 0;
    for run in is_weight.chunk_by(|a, b| a == b) {
        let range = start..start + run.len();
        model.0.push(parameters[range.clone()].to_vec());
        gradients.0.push(gradient[range].to_vec());
        slots.push(run[0]);
        start += run.len();
    }
    add_l2(&model, &mut gradients, lambda, &slots);
    gradients.0.concat()
}

nabla::network! {
    /// One identity neuron: the weight names the epoch, the bias sets the validation loss.
    pub struct Replayed: 1 => identity 1
}

/// An optimizer that, at the step of epoch e, sets the weight to e and the bias to √L_e.
struct Replay<'a> {
    losses: &'a [f64],
    epoch: usize,
}

impl Optimizer<f64> for Replay<'_> {
    fn learning_rate(&self) -> f64 {
        1.0
    }

    fn set_learning_rate(&mut self, _learning_rate: f64) {}

    fn begin_step(&mut self) {
        self.epoch += 1;
    }

    fn update(&mut self, slot: usize, parameters: &mut [f64], _gradients: &[f64]) {
        parameters[0] = match slot {
            0 => self.epoch as f64,
            _ => self.losses[self.epoch - 1].sqrt(),
        };
    }
}

/// The library's early stopping in `fit` (12.9), in exercise 12.4's signature: the last epoch
/// trained, and the epoch whose weights `fit` returned.
pub fn early_stopping(validation_losses: &[f64], patience: usize) -> EarlyStop {
    let one = Dataset::new(Batch::<f64, 1>::zeros(1), Batch::<f64, 1>::zeros(1));
    let mut network = Replayed::<f64>::zeros();
    let config = TrainConfig {
        epochs: validation_losses.len(),
        batch_size: 1,
        early_stopping: Some(EarlyStopping {
            validation: &one,
            patience,
        }),
        ..TrainConfig::default()
    };
    let mut replay = Replay {
        losses: validation_losses,
        epoch: 0,
    };
    let reports = fit(
        &mut network,
        &MeanSquaredError,
        &mut replay,
        &one,
        &config,
        &mut seeded(12),
        (),
    )
    .expect("trains");
    EarlyStop {
        stop_epoch: reports.len(),
        best_epoch: network.layer1.weights[(0, 0)] as usize,
    }
}
