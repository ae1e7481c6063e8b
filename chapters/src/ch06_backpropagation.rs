//! Chapter 6: backpropagation. Works one example through by hand ([`worked`]), trains two small
//! networks (XOR, and two classes of 2-D blobs) by gradient descent on gradients from
//! backpropagation, and then ([`check`]) counts what a gradient costs by backpropagation and by
//! finite differences, and shows what a gradient check reports: in `f64` and `f32`, for step
//! sizes from 10⁻¹ to 10⁻⁹, and next to a ReLU kink.

pub mod check;
pub mod worked;

pub use check::{
    KINK_DISTANCE, KINK_STEPS, backward_multiply_adds, copy_parameters, forward_multiply_adds,
    kink_checks, largest_first_layer_entries, median_step_size_errors, parameter_name, probe_batch,
    probe_setup, step_size_errors, step_sizes,
};

use crate::{ChapterResult, Session};
use nabla::batch::one_hot;
use nabla::data::Dataset;
use nabla::loss::{Loss, SigmoidBinaryCrossEntropy, SoftmaxCrossEntropy};
use nabla::network::{Network, loss_and_gradients};
use nabla::optim::{Optimizer, Sgd};
use nabla::{Batch, Scalar, network};
use plot::{DecisionPlot, LineChart, Series};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

// ANCHOR: networks
network! {
    /// XOR: two inputs, four tanh units, one sigmoid output (the probability of a 1).
    pub struct Xor: 2 => tanh 4 => sigmoid 1
}

network! {
    /// Points in the plane, two classes: eight ReLU units, two softmax outputs.
    pub struct Blobs: 2 => relu 8 => softmax 2
}

network! {
    /// No hidden layer: a linear classifier, for comparison.
    pub struct Linear: 2 => softmax 2
}

network! {
    /// A network with two hidden layers, for counting costs and checking gradients.
    pub struct Probe: 8 => tanh 16 => tanh 16 => softmax 4
}
// ANCHOR_END: networks

/// The seed of everything random in this chapter.
pub const SEED: u64 = 6;

// ANCHOR: train
/// Full-batch gradient descent for `steps` steps: backpropagation computes the
/// gradient, the optimizer moves every parameter against it. Returns the loss before
/// each step.
pub fn train<T: Scalar, N: Network<T, IN, OUT>, const IN: usize, const OUT: usize>(
    network: &mut N,
    loss: &impl Loss<T, OUT>,
    data: &Dataset<T, IN, OUT>,
    learning_rate: f64,
    steps: usize,
) -> Vec<f64> {
    let mut gradient_descent = Sgd::new(learning_rate);
    let mut losses = Vec::with_capacity(steps);
    let (inputs, targets) = (&data.inputs, &data.targets);
    for _ in 0..steps {
        let (value, gradients) = loss_and_gradients(network, loss, inputs, targets);
        let value = value.as_f64();
        gradient_descent.step(network, &gradients); // θ ← θ − η ∂L/∂θ
        losses.push(value);
    }
    losses
}
// ANCHOR_END: train

/// The four points of XOR: the label is 1 when exactly one input is 1.
pub fn xor_data() -> Dataset<f32, 2, 1> {
    let inputs = Batch::from_column_slice(&[0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0]);
    let targets = Batch::from_column_slice(&[0.0, 1.0, 1.0, 0.0]);
    Dataset::new(inputs, targets)
}

/// Learning rate and number of steps for XOR.
pub const XOR_TRAINING: (f64, usize) = (1.0, 2000);

/// Learning rate and number of steps for the blobs.
pub const BLOBS_TRAINING: (f64, usize) = (0.5, 1000);

/// The centres of the three blobs and the class of each: class 1 sits between two blobs of
/// class 0, so no straight line separates the classes.
pub const BLOB_CENTRES: [((f64, f64), u8); 3] =
    [((-2.5, 0.0), 0), ((0.0, 0.0), 1), ((2.5, 0.0), 0)];

/// The standard deviation of each blob.
pub const BLOB_SPREAD: f64 = 0.7;

/// A standard normal draw (Box–Muller).
fn standard_normal(rng: &mut impl Rng) -> f64 {
    let u: f64 = 1.0 - rng.random::<f64>(); // in (0, 1], so the logarithm is finite
    let v: f64 = rng.random();
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

/// `per_blob` points from each of the blobs of [`BLOB_CENTRES`], with one-hot targets.
pub fn blobs_data(per_blob: usize, rng: &mut impl Rng) -> Dataset<f32, 2, 2> {
    let mut coordinates = Vec::new();
    let mut labels = Vec::new();
    for _ in 0..per_blob {
        for &((x, y), class) in &BLOB_CENTRES {
            coordinates.push((x + BLOB_SPREAD * standard_normal(rng)) as f32);
            coordinates.push((y + BLOB_SPREAD * standard_normal(rng)) as f32);
            labels.push(class);
        }
    }
    Dataset::new(Batch::from_column_slice(&coordinates), one_hot(&labels))
}

/// A trained network with its data and the loss before each step.
pub struct Trained<N, const OUT: usize> {
    /// The network after training.
    pub network: N,
    /// What it was trained on.
    pub data: Dataset<f32, 2, OUT>,
    /// The loss before each step.
    pub losses: Vec<f64>,
}

impl<N: Network<f32, 2, OUT>, const OUT: usize> Trained<N, OUT> {
    /// The fraction of the training points classified correctly.
    pub fn accuracy(&self) -> f64 {
        nabla::train::accuracy(&self.network, &self.data)
    }

    /// The mean loss after the last step.
    pub fn final_loss(&self, loss: &impl Loss<f32, OUT>) -> f64 {
        loss.value(&self.network.logits(&self.data.inputs), &self.data.targets)
            .as_f64()
    }
}

/// Trains [`Xor`] from the weights that `seed` draws.
pub fn train_xor(seed: u64) -> Trained<Xor, 1> {
    let mut network = Xor::new(&mut StdRng::seed_from_u64(seed));
    let data = xor_data();
    let (learning_rate, steps) = XOR_TRAINING;
    let loss = network.loss();
    let losses = train(&mut network, &loss, &data, learning_rate, steps);
    Trained {
        network,
        data,
        losses,
    }
}

/// Trains [`Blobs`] on 100 points per blob; `seed` draws the points and the weights.
pub fn train_blobs(seed: u64) -> Trained<Blobs, 2> {
    let mut rng = StdRng::seed_from_u64(seed);
    let data = blobs_data(100, &mut rng);
    let mut network = Blobs::new(&mut rng);
    let (learning_rate, steps) = BLOBS_TRAINING;
    let loss = network.loss();
    let losses = train(&mut network, &loss, &data, learning_rate, steps);
    Trained {
        network,
        data,
        losses,
    }
}

/// Trains [`Linear`] on the same points as [`train_blobs`], with the same settings.
pub fn train_linear(seed: u64) -> Trained<Linear, 2> {
    let mut rng = StdRng::seed_from_u64(seed);
    let data = blobs_data(100, &mut rng);
    let mut network = Linear::new(&mut rng);
    let (learning_rate, steps) = BLOBS_TRAINING;
    let loss = network.loss();
    let losses = train(&mut network, &loss, &data, learning_rate, steps);
    Trained {
        network,
        data,
        losses,
    }
}

/// Runs this chapter's program.
pub fn run(session: &mut Session) -> ChapterResult {
    worked::run(session)?;
    let xor = train_xor(SEED);
    report_xor(session, &xor)?;
    let blobs = train_blobs(SEED);
    report_blobs(session, &blobs)?;
    draw_training(session, &xor, &blobs)?;
    check::cost_and_check(session)?;
    check::kink(session, &blobs.network)?;
    Ok(())
}

/// Prints what the XOR network learned and draws its decision regions.
fn report_xor(session: &mut Session, xor: &Trained<Xor, 1>) -> ChapterResult {
    let out = &mut session.out;
    writeln!(out, "\nXOR with {}", Xor::<f32>::ARCHITECTURE)?;
    let (learning_rate, steps) = XOR_TRAINING;
    writeln!(
        out,
        "  {steps} steps of gradient descent, learning rate {learning_rate}"
    )?;
    writeln!(
        out,
        "  loss before training {:.4}, after {:.4}",
        xor.losses[0],
        xor.final_loss(&SigmoidBinaryCrossEntropy)
    )?;
    let predictions = xor.network.predict(&xor.data.inputs);
    for (x, p) in xor.data.inputs.column_iter().zip(predictions.iter()) {
        writeln!(out, "  x = ({}, {})  ŷ = {p:.3}", x[0], x[1])?;
    }
    writeln!(out, "  accuracy {:.0}%", 100.0 * xor.accuracy())?;

    if let Some(path) = session.figure("ch06-xor.png")? {
        let network = &xor.network;
        let classify = |x: f64, y: f64| {
            let point = Batch::<f32, 2>::from_column_slice(&[x as f32, y as f32]);
            f64::from(network.predict(&point)[0])
        };
        plot::scatter_with_regions(
            &path,
            &DecisionPlot {
                title: format!("XOR learned by {}", Xor::<f32>::ARCHITECTURE),
                x_label: "x₁".into(),
                y_label: "x₂".into(),
                points: points(&xor.data),
                x_range: (-0.5, 1.5),
                y_range: (-0.5, 1.5),
                classify: &classify,
                resolution: 150,
            },
        )?;
    }
    Ok(())
}

/// The points of a 2-D data set as `(x, y, class)`.
fn points<const OUT: usize>(data: &Dataset<f32, 2, OUT>) -> Vec<(f64, f64, usize)> {
    let classes = if OUT == 1 {
        data.targets.iter().map(|&y| usize::from(y > 0.5)).collect()
    } else {
        data.labels()
    };
    data.inputs
        .column_iter()
        .zip(classes)
        .map(|(x, class)| (f64::from(x[0]), f64::from(x[1]), class))
        .collect()
}

/// Prints what the blobs network learned and draws its decision regions.
fn report_blobs(session: &mut Session, blobs: &Trained<Blobs, 2>) -> ChapterResult {
    let out = &mut session.out;
    writeln!(
        out,
        "\nBlobs with {}: {} points",
        Blobs::<f32>::ARCHITECTURE,
        blobs.data.len()
    )?;
    let (learning_rate, steps) = BLOBS_TRAINING;
    writeln!(
        out,
        "  {steps} steps of gradient descent, learning rate {learning_rate}"
    )?;
    writeln!(
        out,
        "  loss before training {:.4}, after {:.4}",
        blobs.losses[0],
        blobs.final_loss(&SoftmaxCrossEntropy)
    )?;
    writeln!(out, "  accuracy {:.1}%", 100.0 * blobs.accuracy())?;
    let linear = train_linear(SEED);
    writeln!(
        out,
        "  without the hidden layer ({}): loss {:.4}, accuracy {:.1}%",
        Linear::<f32>::ARCHITECTURE,
        linear.final_loss(&SoftmaxCrossEntropy),
        100.0 * linear.accuracy()
    )?;

    if let Some(path) = session.figure("ch06-blobs.png")? {
        let network = &blobs.network;
        let classify = |x: f64, y: f64| {
            let point = Batch::<f32, 2>::from_column_slice(&[x as f32, y as f32]);
            f64::from(network.predict(&point)[1])
        };
        plot::scatter_with_regions(
            &path,
            &DecisionPlot {
                title: format!("Two classes learned by {}", Blobs::<f32>::ARCHITECTURE),
                x_label: "x₁".into(),
                y_label: "x₂".into(),
                points: points(&blobs.data),
                x_range: (-5.0, 5.0),
                y_range: (-3.0, 3.0),
                classify: &classify,
                resolution: 150,
            },
        )?;
    }
    Ok(())
}

/// Draws the loss during training of both networks.
fn draw_training(
    session: &mut Session,
    xor: &Trained<Xor, 1>,
    blobs: &Trained<Blobs, 2>,
) -> ChapterResult {
    if let Some(path) = session.figure("ch06-loss.png")? {
        let curve = |label: &str, losses: &[f64]| {
            Series::new(
                label,
                losses
                    .iter()
                    .enumerate()
                    .map(|(step, &loss)| (step as f64, loss))
                    .collect(),
            )
        };
        plot::line_chart(
            &path,
            &LineChart {
                title: "Loss during gradient descent".into(),
                x_label: "step".into(),
                y_label: "loss".into(),
                series: vec![
                    curve("XOR (binary cross-entropy)", &xor.losses),
                    curve("blobs (cross-entropy)", &blobs.losses),
                ],
                y_range: None,
                log_y: true,
            },
        )?;
    }
    Ok(())
}
