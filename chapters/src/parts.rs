//! `nabla bench --model parts`: where one training step of the headline MLP spends its time.
//!
//! [`PartTimer`] runs exactly the step that [`nabla::train::Trainer`] runs for the hand-wired
//! `784 → ReLU 128 → softmax 10` network (the same calls in the same order, so the same numbers:
//! a test checks the bits), with a clock read around each of its nine parts. Reading the clock
//! costs some tens of nanoseconds, against parts of tens of microseconds.

use crate::bench::HandWiredNet;
use crate::headline::RunConfig;
use nabla::activation::{Activation, Relu};
use nabla::batch::ensure_columns;
use nabla::data::mnist::{self, CLASSES, PIXELS};
use nabla::data::{Dataset, shuffled_indices};
use nabla::loss::{Loss, SoftmaxCrossEntropy};
use nabla::network::Parameters;
use nabla::optim::Optimizer;
use nabla::{Batch, Result};
use rand::SeedableRng;
use rand::rngs::StdRng;
use std::time::{Duration, Instant};

/// The hidden layer's width in the headline network.
const HIDDEN: usize = 128;

/// The parts of a training step, in the order they run.
pub const PARTS: [&str; 9] = [
    "gather the batch",
    "hidden layer: W¹X + b¹",
    "ReLU",
    "output layer: W²A¹ + b²",
    "softmax and cross-entropy",
    "output layer backward: ∂W², ∂b², W²ᵀδ²",
    "ReLU backward",
    "hidden layer backward: ∂W¹ = δ¹Xᵀ, ∂b¹",
    "optimizer step",
];

/// One training step of the headline MLP with a clock around each part, and its buffers.
pub struct PartTimer {
    inputs: Batch<f32, PIXELS>,
    targets: Batch<f32, CLASSES>,
    hidden_input: Batch<f32, HIDDEN>,
    hidden_activation: Batch<f32, HIDDEN>,
    hidden_delta: Batch<f32, HIDDEN>,
    logits: Batch<f32, CLASSES>,
    logits_gradient: Batch<f32, CLASSES>,
    gradients: HandWiredNet,
    /// The time spent in each part of [`PARTS`] since the last [`PartTimer::take`].
    spent: [Duration; PARTS.len()],
}

impl PartTimer {
    /// Buffers for training `network`.
    pub fn new(network: &HandWiredNet) -> Self {
        Self {
            inputs: Batch::zeros(0),
            targets: Batch::zeros(0),
            hidden_input: Batch::zeros(0),
            hidden_activation: Batch::zeros(0),
            hidden_delta: Batch::zeros(0),
            logits: Batch::zeros(0),
            logits_gradient: Batch::zeros(0),
            gradients: network.zeros_like(),
            spent: [Duration::ZERO; PARTS.len()],
        }
    }

    /// One training step on the samples `indices` of `data`; returns the batch's mean loss.
    pub fn step(
        &mut self,
        network: &mut HandWiredNet,
        optimizer: &mut impl Optimizer<f32>,
        data: &Dataset<f32, PIXELS, CLASSES>,
        indices: &[usize],
    ) -> f32 {
        let mut clock = Clock::start(&mut self.spent);
        data.gather_into(indices, &mut self.inputs, &mut self.targets);
        clock.lap(0);
        network
            .hidden
            .forward_into(&self.inputs, &mut self.hidden_input);
        clock.lap(1);
        ensure_columns(&mut self.hidden_activation, indices.len());
        Relu.forward(
            self.hidden_input.as_slice(),
            self.hidden_activation.as_mut_slice(),
            HIDDEN,
        );
        clock.lap(2);
        network
            .output
            .forward_into(&self.hidden_activation, &mut self.logits);
        clock.lap(3);
        let loss = SoftmaxCrossEntropy.value_and_gradient(
            &self.logits,
            &self.targets,
            &mut self.logits_gradient,
        );
        clock.lap(4);
        network.output.backward(
            &self.hidden_activation,
            &self.logits_gradient,
            &mut self.gradients.output,
            Some(&mut self.hidden_delta),
        );
        clock.lap(5);
        Relu.backward(
            self.hidden_input.as_slice(),
            self.hidden_activation.as_slice(),
            self.hidden_delta.as_mut_slice(),
            HIDDEN,
        );
        clock.lap(6);
        network.hidden.backward(
            &self.inputs,
            &self.hidden_delta,
            &mut self.gradients.hidden,
            None,
        );
        clock.lap(7);
        optimizer.step(network, &self.gradients);
        clock.lap(8);
        loss
    }

    /// The time spent in each part since the last call, and starts counting afresh.
    pub fn take(&mut self) -> [Duration; PARTS.len()] {
        std::mem::replace(&mut self.spent, [Duration::ZERO; PARTS.len()])
    }
}

/// Adds the time since the previous lap to a part's total.
struct Clock<'a> {
    spent: &'a mut [Duration],
    last: Instant,
}

impl<'a> Clock<'a> {
    fn start(spent: &'a mut [Duration]) -> Self {
        Self {
            spent,
            last: Instant::now(),
        }
    }

    fn lap(&mut self, part: usize) {
        let now = Instant::now();
        self.spent[part] += now - self.last;
        self.last = now;
    }
}

/// What [`time_parts`] measured.
#[derive(Clone, Debug, PartialEq)]
pub struct PartTimes {
    /// Microseconds per training step in each part of [`PARTS`]: the median over the epochs
    /// after the first of each epoch's mean.
    pub micros_per_step: Vec<f64>,
    /// Training steps per epoch.
    pub steps_per_epoch: usize,
    /// The seconds of each epoch (the sum of its parts).
    pub epoch_seconds: Vec<f64>,
}

/// Trains the headline recipe for `config.epochs` epochs part by part, on the MNIST files in
/// `config.data_dir`, and reports the time of each part.
pub fn time_parts(config: &RunConfig) -> Result<PartTimes> {
    let digits = mnist::load(&config.data_dir)?;
    let train = digits.train.to_dataset::<f32>();
    let mut rng = StdRng::seed_from_u64(config.seed);
    let mut network = HandWiredNet::new(&mut rng);
    let mut optimizer = config.optimizer.build(config.learning_rate);
    let mut timer = PartTimer::new(&network);
    let mut per_epoch = Vec::new();
    for epoch in 1..=config.epochs {
        let order = shuffled_indices(train.len(), &mut rng);
        // As in `Trainer::epoch`: the other threads wait for each parallel pass awake.
        let _awake = nabla::parallel::Awake::new();
        for (batch, indices) in order.chunks(config.batch_size.max(1)).enumerate() {
            let loss = timer.step(&mut network, &mut optimizer, &train, indices);
            if !loss.is_finite() {
                return Err(nabla::Error::Training(format!(
                    "the loss of batch {} of epoch {epoch} is {loss}: the timed run diverged",
                    batch + 1
                )));
            }
        }
        per_epoch.push(timer.take());
    }
    let steps_per_epoch = train.len().div_ceil(config.batch_size.max(1));
    let steady = &per_epoch[usize::from(per_epoch.len() > 1)..];
    let micros_per_step = (0..PARTS.len())
        .map(|part| {
            let mut micros: Vec<f64> = steady
                .iter()
                .map(|spent| 1e6 * spent[part].as_secs_f64() / steps_per_epoch as f64)
                .collect();
            micros.sort_by(f64::total_cmp);
            micros[micros.len() / 2]
        })
        .collect();
    Ok(PartTimes {
        micros_per_step,
        steps_per_epoch,
        epoch_seconds: per_epoch
            .iter()
            .map(|spent| spent.iter().sum::<Duration>().as_secs_f64())
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use nabla::batch::one_hot;
    use nabla::loss::SoftmaxCrossEntropy;
    use nabla::optim::Adam;
    use nabla::train::Trainer;

    /// 96 images in which one pixel in five is lit, in a pattern that depends on the label.
    fn data() -> Dataset<f32, PIXELS, CLASSES> {
        let labels: Vec<u8> = (0..96).map(|sample| (sample % CLASSES) as u8).collect();
        let inputs = Batch::<f32, PIXELS>::from_fn(96, |pixel, sample| {
            let lit = (pixel * 7 + sample * 13 + usize::from(labels[sample]) * pixel) % 5 == 0;
            if lit { (pixel % 17) as f32 / 17.0 } else { 0.0 }
        });
        Dataset::new(inputs, one_hot(&labels))
    }

    #[test]
    fn the_timed_step_is_the_trainers_step() {
        let mut rng = StdRng::seed_from_u64(3);
        let data = data();
        let network = HandWiredNet::new(&mut rng);
        let (mut timed, mut trained) = (network.clone(), network.clone());
        let (mut timed_adam, mut trained_adam) = (Adam::new(1e-3), Adam::new(1e-3));
        let (mut timed_rng, mut trained_rng) = (rng.clone(), rng);
        let mut trainer = Trainer::new(&trained);
        let mut timer = PartTimer::new(&timed);
        for _ in 0..2 {
            trainer
                .epoch(
                    &mut trained,
                    &SoftmaxCrossEntropy,
                    &mut trained_adam,
                    &data,
                    32,
                    &mut trained_rng,
                    &mut || {},
                )
                .expect("training works");
            let order = shuffled_indices(data.len(), &mut timed_rng);
            for indices in order.chunks(32) {
                timer.step(&mut timed, &mut timed_adam, &data, indices);
            }
        }
        assert_ne!(timed, network, "two epochs of training change the weights");
        assert_eq!(
            timed, trained,
            "the timed step must do the trainer's arithmetic"
        );
        assert!(timer.take().iter().all(|spent| *spent > Duration::ZERO));
    }
}
