//! `nabla bench`: times training epochs of the headline MLP (in its `network!` and hand-wired
//! versions) or of chapter 13's CNNs, [`crate::cnn::WideLeNet`] (the one the chapter trains)
//! and [`crate::cnn::LeNet`], on the threads of the pool it runs in (the `nabla` command's
//! `--threads`).
//!
//! Only the training epochs are timed (gathering each batch, forward, loss, backward and the
//! optimizer's step; no evaluation): the same work `tools/pytorch_bench.py` times for PyTorch.
//! Several implementations alternate epoch by epoch, so that all of them see the same machine
//! conditions; each network's test accuracy is measured once, after its last epoch.

use crate::cnn::{LeNet, WideLeNet};
use crate::hand_wired::Mlp;
use crate::headline::{MnistNet, RunConfig};
use nabla::Result;
use nabla::data::Dataset;
use nabla::data::mnist::{self, CLASSES, PIXELS};
use nabla::loss::SoftmaxCrossEntropy;
use nabla::network::Network;
use nabla::train::{Trainer, accuracy};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// The headline network wired by hand (see `hand_wired.rs`), for the benchmark.
pub type HandWiredNet = Mlp<f32, PIXELS, 128, CLASSES>;

/// Which network to time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Implementation {
    /// The headline MLP declared with `network!`.
    Macro,
    /// The headline MLP wired by hand from `Dense` layers.
    HandWired,
    /// Chapter 13's smaller convolutional network, [`LeNet`].
    LeNet,
    /// The convolutional network chapter 13 trains, [`WideLeNet`].
    WideLeNet,
}

impl Implementation {
    /// The name the benchmark prints.
    pub fn name(self) -> &'static str {
        match self {
            Implementation::Macro => "network!",
            Implementation::HandWired => "hand-wired",
            Implementation::LeNet => "LeNet",
            Implementation::WideLeNet => "WideLeNet",
        }
    }
}

/// What the benchmark measured for one implementation.
#[derive(Clone, Debug, PartialEq)]
pub struct Timing {
    /// The seconds of each training epoch, in order.
    pub seconds: Vec<f64>,
    /// The accuracy on the 10,000 test images after the last epoch.
    pub test_accuracy: f64,
}

impl Timing {
    /// The median epoch, leaving out the first (cold caches, page faults) when there are
    /// others.
    pub fn steady_median(&self) -> f64 {
        let mut steady: Vec<f64> = self
            .seconds
            .iter()
            .skip(usize::from(self.seconds.len() > 1))
            .copied()
            .collect();
        steady.sort_by(f64::total_cmp);
        steady[steady.len() / 2]
    }
}

/// Times `config.epochs` training epochs of `config`'s recipe for each implementation,
/// alternating between them epoch by epoch, then measures each one's test accuracy.
pub fn bench(config: &RunConfig, implementations: &[Implementation]) -> Result<Vec<Timing>> {
    let digits = mnist::load(&config.data_dir)?;
    let (train, test) = (
        digits.train.to_dataset::<f32>(),
        digits.test.to_dataset::<f32>(),
    );
    let mut runs: Vec<Box<dyn TimedRun + '_>> = Vec::new();
    for &implementation in implementations {
        let mut rng = StdRng::seed_from_u64(config.seed);
        runs.push(match implementation {
            Implementation::Macro => timed(MnistNet::<f32>::new(&mut rng), config, &train, rng),
            Implementation::HandWired => timed(HandWiredNet::new(&mut rng), config, &train, rng),
            Implementation::LeNet => timed(LeNet::<f32>::new(&mut rng), config, &train, rng),
            Implementation::WideLeNet => {
                timed(WideLeNet::<f32>::new(&mut rng), config, &train, rng)
            }
        });
    }
    let mut seconds = vec![Vec::new(); runs.len()];
    for _ in 0..config.epochs {
        for (run, times) in runs.iter_mut().zip(&mut seconds) {
            times.push(run.epoch()?);
        }
    }
    Ok(runs
        .iter()
        .zip(seconds)
        .map(|(run, seconds)| Timing {
            seconds,
            test_accuracy: run.test_accuracy(&test),
        })
        .collect())
}

/// A network being trained by the benchmark, whatever its type.
trait TimedRun {
    /// Trains one more epoch and returns its seconds.
    fn epoch(&mut self) -> Result<f64>;
    /// The fraction of `test` classified correctly.
    fn test_accuracy(&self, test: &Dataset<f32, PIXELS, CLASSES>) -> f64;
}

/// A network, its optimizer and its training buffers.
struct Run<'a, N: Network<f32, PIXELS, CLASSES>> {
    network: N,
    optimizer: Box<dyn nabla::optim::Optimizer<f32>>,
    trainer: Trainer<f32, N, PIXELS, CLASSES>,
    batch_size: usize,
    train: &'a Dataset<f32, PIXELS, CLASSES>,
    rng: StdRng,
}

/// `network`, ready to be trained with `config`'s optimizer on `train`.
fn timed<'a, N: Network<f32, PIXELS, CLASSES> + 'a>(
    network: N,
    config: &RunConfig,
    train: &'a Dataset<f32, PIXELS, CLASSES>,
    rng: StdRng,
) -> Box<dyn TimedRun + 'a> {
    Box::new(Run {
        optimizer: config.optimizer.build(config.learning_rate),
        trainer: Trainer::new(&network),
        network,
        batch_size: config.batch_size,
        train,
        rng,
    })
}

impl<N: Network<f32, PIXELS, CLASSES>> TimedRun for Run<'_, N> {
    fn epoch(&mut self) -> Result<f64> {
        let report = self.trainer.epoch(
            &mut self.network,
            &SoftmaxCrossEntropy,
            &mut self.optimizer,
            self.train,
            self.batch_size,
            &mut self.rng,
            &mut || {},
        )?;
        Ok(report.seconds)
    }

    fn test_accuracy(&self, test: &Dataset<f32, PIXELS, CLASSES>) -> f64 {
        accuracy(&self.network, test)
    }
}
