//! Chapter 11: batch normalization. The quick part takes one batch-norm layer apart in `f64`:
//! what it does to a batch, its backward pass through the batch statistics against central
//! differences, what γ and β are for, the running averages and the two modes. The long part
//! (`long.rs`) trains a deep ReLU network on MNIST with and without it.

mod deep;
mod long;
mod quick;

pub use deep::{
    DIVERGED_LOSS, EpochRow, Normalized, Plain, Run, accuracy_in, predictions_in, smoothed, train,
};
pub use long::{BATCH_SIZE, EPOCHS, LEARNING_RATES, SEED, SMOOTHING, run_long};
pub use quick::{
    ChainRule, FEATURES, SAMPLES, chain_rule, example_batch, frozen_statistics_gradient,
    library_backward, mean_and_variance, output_of_sample, train_running_averages, weighted_output,
};

use crate::session::{ChapterResult, Session};
use nabla::Batch;
use nabla::batchnorm::BatchNorm;
use nabla::gradcheck::{numeric_derivative, relative_error};
use nabla::layer::Pass;
use plot::{LineChart, Series};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// The seed of the quick part's batches and weights.
pub const QUICK_SEED: u64 = 11;
/// The step of the central differences.
pub const STEP: f64 = 1e-5;
/// Gradients smaller than this are compared as if they were this large.
pub const FLOOR: f64 = 1e-8;
/// Training steps of the running-average demonstration.
pub const RUNNING_STEPS: usize = 100;

/// The quick part of the chapter, re-run by `cargo test`.
pub fn run(session: &mut Session) -> ChapterResult {
    let mut rng = StdRng::seed_from_u64(QUICK_SEED);
    let batch = example_batch(&mut rng);
    normalize_a_batch(session, &batch)?;
    gradient_check(session, &batch, &mut rng)?;
    undo_the_normalization(session, &batch)?;
    running_averages_and_modes(session, &mut rng)
}

/// Prints each feature's batch statistics and those of its normalized values.
fn normalize_a_batch(session: &mut Session, batch: &Batch<f64, FEATURES>) -> ChapterResult {
    let layer = BatchNorm::<f64, FEATURES>::new();
    let mut cache = Default::default();
    nabla::layer::Layer::<f64, FEATURES, FEATURES>::forward(
        &layer,
        batch,
        Pass::train(0),
        &mut cache,
    );
    writeln!(
        session.out,
        "A batch of {SAMPLES} samples with {FEATURES} features, normalized (γ = 1, β = 0)"
    )?;
    for i in 0..FEATURES {
        let row: Vec<f64> = batch.row(i).iter().copied().collect();
        let (mean, variance) = mean_and_variance(&row);
        let normalized: Vec<f64> = cache.normalized.row(i).iter().copied().collect();
        let (normalized_mean, normalized_variance) = mean_and_variance(&normalized);
        writeln!(
            session.out,
            "  feature {i}: μ_B = {mean:7.3}  σ_B² = {variance:8.4}  →  x̂: |mean| {:.0e}  variance {normalized_variance:.6}",
            normalized_mean.abs().max(1e-17)
        )?;
    }
    Ok(())
}

/// Checks the backward pass in training mode against central differences of
/// `L = Σ R ⊙ y`, and shows what ignoring the batch statistics costs.
fn gradient_check(
    session: &mut Session,
    batch: &Batch<f64, FEATURES>,
    rng: &mut impl Rng,
) -> ChapterResult {
    let mut layer = BatchNorm::<f64, FEATURES>::new();
    for i in 0..FEATURES {
        layer.gamma[(i, 0)] = rng.random_range(0.5..2.0);
        layer.beta[(i, 0)] = rng.random_range(-1.0..1.0);
    }
    let weights = Batch::<f64, FEATURES>::from_fn(SAMPLES, |_, _| rng.random_range(-1.0..1.0));
    let loss = |x: &Batch<f64, FEATURES>| weighted_output(&layer, x, Pass::train(0), &weights);
    let numeric = Batch::<f64, FEATURES>::from_fn(SAMPLES, |i, j| {
        let moved = |value: f64| {
            let mut x = batch.clone();
            x[(i, j)] = value;
            loss(&x)
        };
        numeric_derivative(moved, batch[(i, j)], STEP)
    });
    let (library, _) = library_backward(&layer, batch, Pass::train(0), &weights);
    let (mut by_chain_rule, mut frozen) = (batch.clone(), batch.clone());
    for i in 0..FEATURES {
        let x: Vec<f64> = batch.row(i).iter().copied().collect();
        let g: Vec<f64> = weights.row(i).iter().copied().collect();
        let gamma = layer.gamma[(i, 0)];
        let steps = chain_rule(&x, gamma, &g, layer.epsilon);
        let naive = frozen_statistics_gradient(&x, gamma, &g, layer.epsilon);
        for j in 0..SAMPLES {
            by_chain_rule[(i, j)] = steps.input[j];
            frozen[(i, j)] = naive[j];
        }
    }
    let worst = |a: &Batch<f64, FEATURES>, b: &Batch<f64, FEATURES>| {
        a.iter()
            .zip(b.iter())
            .map(|(&a, &b)| relative_error(a, b, FLOOR))
            .fold(0.0, f64::max)
    };
    writeln!(
        session.out,
        "Gradient check in training mode: ∂L/∂x for L = Σ R ⊙ y against central differences"
    )?;
    writeln!(
        session.out,
        "  chain rule through μ_B and σ_B² (11.8): largest relative error {:.1e}",
        worst(&by_chain_rule, &numeric)
    )?;
    writeln!(
        session.out,
        "  the library's backward (11.9): largest relative error {:.1e}",
        worst(&library, &numeric)
    )?;
    writeln!(
        session.out,
        "  μ_B and σ_B² taken as constants: largest relative error {:.2}",
        worst(&frozen, &numeric)
    )?;
    // ∂y[0, i]/∂x[0, 0]: moving one input moves every output of its feature, and no other.
    let column = |i: usize, k: usize| {
        let moved = |value: f64| {
            let mut x = batch.clone();
            x[(0, 0)] = value;
            output_of_sample(&layer, &x, k, Pass::train(0))[i]
        };
        numeric_derivative(moved, batch[(0, 0)], STEP)
    };
    let first: Vec<String> = (0..SAMPLES)
        .map(|k| format!("{:.3}", column(0, k)))
        .collect();
    writeln!(
        session.out,
        "  ∂y[0, i]/∂x[0, 0], i = 0..{}: {}",
        SAMPLES - 1,
        first.join(" ")
    )?;
    let other = (1..FEATURES)
        .flat_map(|i| (0..SAMPLES).map(move |k| (i, k)))
        .map(|(i, k)| column(i, k).abs())
        .fold(0.0, f64::max);
    writeln!(
        session.out,
        "  largest |∂y[j, i]/∂x[0, 0]| for the other features: {other}"
    )?;
    Ok(())
}

/// γ = √(σ² + ε) and β = μ give back the input exactly.
fn undo_the_normalization(session: &mut Session, batch: &Batch<f64, FEATURES>) -> ChapterResult {
    let mut layer = BatchNorm::<f64, FEATURES>::new();
    for i in 0..FEATURES {
        let row: Vec<f64> = batch.row(i).iter().copied().collect();
        let (mean, variance) = mean_and_variance(&row);
        layer.gamma[(i, 0)] = (variance + layer.epsilon).sqrt();
        layer.beta[(i, 0)] = mean;
    }
    let mut cache = Default::default();
    let output = nabla::layer::Layer::<f64, FEATURES, FEATURES>::forward(
        &layer,
        batch,
        Pass::train(0),
        &mut cache,
    );
    let largest = (output - batch).abs().max();
    writeln!(
        session.out,
        "γ = √(σ_B² + ε), β = μ_B: the layer is the identity, largest |y − x| {largest:.0e}"
    )?;
    Ok(())
}

/// The running averages approach the data's statistics; inference uses them, training the
/// batch's.
fn running_averages_and_modes(session: &mut Session, rng: &mut impl Rng) -> ChapterResult {
    let (layer, history) = train_running_averages(RUNNING_STEPS, 32, rng);
    writeln!(
        session.out,
        "Running averages (momentum 0.1), batches of 32: feature 0 from U(1, 7), mean 4, variance 3"
    )?;
    for step in [1, 2, 5, 10, 20, 50, 100] {
        let (mean, variance) = history[step - 1];
        writeln!(
            session.out,
            "  after step {step:3}: running mean {mean:.3}  running variance {variance:.3}"
        )?;
    }
    writeln!(
        session.out,
        "  feature 1 (U(−2, 0), mean −1, variance 0.333): running mean {:.3}  running variance {:.3}",
        layer.running_mean[(1, 0)],
        layer.running_var[(1, 0)]
    )?;
    if let Some(path) = session.figure("ch11-running.png")? {
        let steps = |f: fn(&(f64, f64)) -> f64| -> Vec<(f64, f64)> {
            history
                .iter()
                .enumerate()
                .map(|(t, v)| ((t + 1) as f64, f(v)))
                .collect()
        };
        let flat = |value: f64| vec![(1.0, value), (RUNNING_STEPS as f64, value)];
        plot::line_chart(
            &path,
            &LineChart {
                title: "Running averages of feature 0 (batches of 32 from U(1, 7))".into(),
                x_label: "training step".into(),
                y_label: "value".into(),
                series: vec![
                    Series::new("running mean", steps(|v| v.0)),
                    Series::new("population mean 4", flat(4.0)),
                    Series::new("running variance", steps(|v| v.1)),
                    Series::new("population variance 3", flat(3.0)),
                ],
                y_range: None,
                log_y: false,
            },
        )?;
    }

    // One sample, alone and in two different batches, in both modes.
    let sample = [4.5, -0.5];
    let batch_with = |rng: &mut dyn rand::RngCore| {
        Batch::<f64, 2>::from_fn(4, |i, j| match (i, j) {
            (_, 0) => sample[i],
            (0, _) => rng.random_range(1.0..7.0),
            _ => rng.random_range(-2.0..0.0),
        })
    };
    let alone = Batch::<f64, 2>::from_column_slice(&sample);
    let (first, second) = (batch_with(rng), batch_with(rng));
    let show = |v: Vec<f64>| format!("({:6.3}, {:6.3})", v[0] + 0.0, v[1] + 0.0);
    writeln!(
        session.out,
        "The sample x = ({}, {}), γ = 1, β = 0, in each mode",
        sample[0], sample[1]
    )?;
    for (name, pass) in [("training", Pass::train(0)), ("inference", Pass::infer())] {
        writeln!(session.out, "  {name} mode:")?;
        for (batch_name, batch) in [
            ("alone", &alone),
            ("in batch A", &first),
            ("in batch B", &second),
        ] {
            writeln!(
                session.out,
                "    {batch_name:<10}  y = {}",
                show(output_of_sample(&layer, batch, 0, pass))
            )?;
        }
    }
    Ok(())
}
