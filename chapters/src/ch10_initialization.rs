//! Chapter 10: Initialization and gradient flow. Shows that equal starting weights keep every
//! hidden unit alike, checks the variance law behind Xavier and He initialization by sampling,
//! follows the activations and the gradients through ten layers under four initializations and
//! three activations, and (in the long part, on MNIST) measures the gradients of a real batch
//! and trains a deep network that diverges without gradient clipping and trains with it.

pub mod clipping;
pub mod deep;
pub mod symmetry;

use crate::session::{ChapterResult, Session};
use deep::{DEPTH, DeepStack, Flow, INITS, Phi, WIDTH, std_dev};
use nabla::Batch;
use nabla::clip::Clip;
use nabla::data::mnist;
use nabla::init::Init;
use nabla::network::Parameters;
use plot::{HistogramGrid, HistogramPanel, LineChart, Series, histogram_grid, line_chart};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// The seed of every experiment's weights and data.
pub const SEED: u64 = 10;
/// Samples in the Gaussian batch pushed through the deep stack.
pub const BATCH: usize = 256;
/// Epochs of the symmetry experiment.
pub const SYMMETRY_EPOCHS: usize = 200;
/// The layers whose activations the histograms show.
pub const HISTOGRAM_LAYERS: [usize; 4] = [1, 4, 7, 10];
/// The learning rate of the clipping run: too large for plain SGD on the deep ReLU network.
pub const CLIPPING_RATE: f64 = 1.0;
/// The clipping settings compared with no clipping.
pub const CLIPS: [Clip; 3] = [Clip::Norm(1.0), Clip::Value(0.01), Clip::Value(0.001)];
/// Epochs of each clipping run.
pub const CLIPPING_EPOCHS: usize = 3;
/// Steps traced one by one at the start of the clipping runs.
pub const TRACED_STEPS: usize = 8;
/// Steps of the same runs the clipping figure shows.
pub const FIGURE_STEPS: usize = 100;

/// The quick part of the chapter, re-run by `cargo test`.
pub fn run(session: &mut Session) -> ChapterResult {
    symmetry_experiment(session)?;
    variance_by_sampling(session)?;
    let mut rng = StdRng::seed_from_u64(SEED);
    let inputs = gaussian_batch::<WIDTH>(&mut rng, BATCH);
    let labels: Vec<u8> = (0..BATCH).map(|_| rng.random_range(0..10)).collect();
    let flows = all_flows(&inputs, &labels);
    writeln!(
        session.out,
        "Standard deviation of aˡ in layers 1 to {DEPTH} ({BATCH} Gaussian inputs, width {WIDTH})"
    )?;
    for (phi, init, flow) in &flows {
        let stds: Vec<f64> = flow
            .activations
            .iter()
            .map(|a| std_dev(a.as_slice()))
            .collect();
        writeln!(session.out, "  {}", table_row(*phi, init, &stds))?;
    }
    writeln!(
        session.out,
        "Gradient norms ‖∂L/∂Wˡ‖ in layers 1 to {DEPTH} (the same batch)"
    )?;
    for (phi, init, flow) in &flows {
        writeln!(
            session.out,
            "  {}",
            table_row(*phi, init, &flow.weight_gradient_norms)
        )?;
    }
    draw_histograms(session, &flows)?;
    draw_gradient_norms(session, &flows)
}

/// One row of a per-layer table: the activation, the initialization, and a value per layer.
fn table_row(phi: Phi, init: &str, values: &[f64]) -> String {
    let printed: String = values.iter().map(|v| format!("{v:>8.1e}")).collect();
    format!("{:<7} {init:<12}{printed}", phi.name())
}

// ANCHOR: flows
/// One forward and backward pass through the deep stack for every activation and every
/// initialization, each stack drawn from the same seed.
pub fn all_flows<const IN: usize>(
    inputs: &Batch<f32, IN>,
    labels: &[u8],
) -> Vec<(Phi, &'static str, Flow<f32>)> {
    let mut flows = Vec::new();
    for phi in Phi::ALL {
        for (name, init) in INITS {
            let stack = DeepStack::<f32, IN>::new(phi, init, &mut StdRng::seed_from_u64(SEED));
            flows.push((phi, name, stack.flow(inputs, labels)));
        }
    }
    flows
}
// ANCHOR_END: flows

/// `columns` samples of `N` independent standard normal features.
pub fn gaussian_batch<const N: usize>(rng: &mut impl Rng, columns: usize) -> Batch<f32, N> {
    Batch::from_fn(columns, |_, _| standard_normal(rng) as f32)
}

/// A draw from the standard normal distribution (the Box–Muller transform).
pub fn standard_normal(rng: &mut impl Rng) -> f64 {
    let (u1, u2) = (1.0 - rng.random::<f64>(), rng.random::<f64>());
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Trains the small network from equal weights and from Xavier weights, and prints how far
/// apart its hidden units end up.
fn symmetry_experiment(session: &mut Session) -> ChapterResult {
    let data = symmetry::data(SEED);
    writeln!(
        session.out,
        "Symmetry: 4 => tanh 8 => softmax 3 on {} points, {SYMMETRY_EPOCHS} epochs of SGD",
        symmetry::SAMPLES
    )?;
    let starts = [
        ("all weights 0.5", symmetry::equal_weights(0.5)),
        ("Xavier", symmetry::xavier(SEED)),
    ];
    for (name, mut network) in starts {
        let loss = symmetry::train(&mut network, &data, SYMMETRY_EPOCHS);
        writeln!(
            session.out,
            "  {name:<16} loss {loss:.3}, accuracy {:.1}%, largest difference between two hidden units {}",
            100.0 * symmetry::accuracy(&network, &data),
            match symmetry::largest_unit_difference(&network) {
                0.0 => "0 (exactly)".to_string(),
                difference => format!("{difference:.3}"),
            }
        )?;
    }
    Ok(())
}

// ANCHOR: variance
/// Measures `Var(z)` for `z = W a` with He weights (`n_in = 256`) and inputs `a = φ(x)`,
/// `x` standard normal, and compares it with `n_in · Var(w) · E[a²]`.
fn variance_by_sampling(session: &mut Session) -> ChapterResult {
    let mut rng = StdRng::seed_from_u64(SEED);
    let layer = nabla::dense::Dense::<f64, WIDTH, WIDTH>::new(Init::He, &mut rng);
    let weight_variance = Init::He.variance(WIDTH, WIDTH);
    let x = Batch::<f64, WIDTH>::from_fn(2000, |_, _| standard_normal(&mut rng));
    writeln!(
        session.out,
        "Var(z) = n_in Var(w) E[a²] by sampling: n_in = {WIDTH}, Var(w) = 2/{WIDTH}, 2000 inputs"
    )?;
    for phi in Phi::ALL {
        let mut a = Batch::zeros(0);
        phi.forward(&x, &mut a);
        let second_moment = mean(a.iter().map(|v| v * v));
        let z = layer.forward(&a);
        let measured = mean(z.iter().map(|v| v * v)) - mean(z.iter().copied()).powi(2);
        let predicted = WIDTH as f64 * weight_variance * second_moment;
        writeln!(
            session.out,
            "  a = {:<7}(x): E[a²] {second_moment:.4}, Var(z) measured {measured:.4}, predicted {predicted:.4}",
            phi.name()
        )?;
    }
    let z = Batch::<f64, WIDTH>::from_fn(2000, |_, _| standard_normal(&mut rng));
    let relu_second = mean(z.iter().map(|v| v.max(0.0).powi(2)));
    let z_second = mean(z.iter().map(|v| v * v));
    writeln!(
        session.out,
        "  ReLU of z ~ N(0, 1): E[relu(z)²] / E[z²] = {:.4}",
        relu_second / z_second
    )?;
    Ok(())
}
// ANCHOR_END: variance

/// The mean of `values`.
fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, count) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    sum / count as f64
}

/// One figure per activation: a row of layer histograms for each initialization.
fn draw_histograms(session: &mut Session, flows: &[(Phi, &str, Flow<f32>)]) -> ChapterResult {
    for phi in Phi::ALL {
        let Some(path) = session.figure(&format!("ch10-histograms-{}.png", phi.name()))? else {
            continue;
        };
        let mut panels = Vec::new();
        for (_, init, flow) in flows.iter().filter(|(p, _, _)| *p == phi) {
            for layer in HISTOGRAM_LAYERS {
                let values = flow.activations[layer - 1].as_slice();
                panels.push(HistogramPanel {
                    title: format!("{init}, layer {layer}: sd {:.1e}", std_dev(values)),
                    values: values.iter().map(|&v| f64::from(v)).collect(),
                });
            }
        }
        let x_range = match phi {
            Phi::Sigmoid => (0.0, 1.0),
            Phi::Tanh => (-1.0, 1.0),
            Phi::Relu => (0.0, 4.0),
        };
        let grid = HistogramGrid {
            title: format!("Activations of {} layers, by initialization", phi.name()),
            x_label: format!(
                "a = {}(z) (values beyond the axis are counted in its end bins)",
                phi.name()
            ),
            panels,
            columns: HISTOGRAM_LAYERS.len(),
            bins: 40,
            x_range: Some(x_range),
        };
        histogram_grid(path, &grid)?;
    }
    Ok(())
}

/// The per-layer gradient norms of a few telling cases, as powers of ten.
fn draw_gradient_norms(session: &mut Session, flows: &[(Phi, &str, Flow<f32>)]) -> ChapterResult {
    let Some(path) = session.figure("ch10-gradient-norms.png")? else {
        return Ok(());
    };
    let shown = [
        (Phi::Sigmoid, "Xavier"),
        (Phi::Tanh, "Xavier"),
        (Phi::Relu, "He"),
        (Phi::Tanh, "unit normal"),
        (Phi::Relu, "unit normal"),
    ];
    let series = shown
        .iter()
        .filter_map(|&(phi, init)| {
            let (_, _, flow) = flows.iter().find(|(p, i, _)| *p == phi && *i == init)?;
            let points = (flow.weight_gradient_norms.iter().enumerate())
                .map(|(l, &norm)| ((l + 1) as f64, norm.log10()))
                .collect();
            Some(Series::new(format!("{}, {init}", phi.name()), points))
        })
        .collect();
    let chart = LineChart {
        title: "Gradient norm of each layer's weights, one batch".into(),
        x_label: "layer ℓ".into(),
        y_label: "log₁₀ ‖∂L/∂Wˡ‖".into(),
        series,
        // Room above the highest curve for the legend.
        y_range: Some((-7.0, 21.0)),
        log_y: false,
    };
    line_chart(path, &chart)?;
    Ok(())
}

/// The chapter's long MNIST experiments: the gradient norms of a batch of real digits, and
/// the clipping runs.
pub fn run_long(session: &mut Session) -> ChapterResult {
    let digits = mnist::load(&mnist::default_dir())?;
    let train = digits.train.to_dataset::<f32>();
    let test = digits.test.to_dataset::<f32>();
    let batch = train.take(1000);
    let labels: Vec<u8> = digits.train.labels[..1000].to_vec();
    let flows = all_flows(&batch.inputs, &labels);
    writeln!(
        session.out,
        "Gradient norms ‖∂L/∂Wˡ‖ in layers 1 to {DEPTH}, 1000 MNIST training images"
    )?;
    for (phi, init, flow) in &flows {
        writeln!(
            session.out,
            "  {}",
            table_row(*phi, init, &flow.weight_gradient_norms)
        )?;
    }
    writeln!(
        session.out,
        "Clipping: {} ReLU layers of 256 ({} parameters), SGD at rate {CLIPPING_RATE}, {CLIPPING_EPOCHS} epochs",
        clipping::DeepRelu::<f32>::WIDTHS.len() - 2,
        clipping::DeepRelu::<f32>::zeros().parameter_count()
    )?;
    let runs = [None, Some(CLIPS[0]), Some(CLIPS[1]), Some(CLIPS[2])];
    for clip in runs {
        let mut network = clipping::DeepRelu::<f32>::new(&mut StdRng::seed_from_u64(SEED));
        let outcome = clipping::train(
            &mut network,
            (&train, &test),
            CLIPPING_RATE,
            clip,
            CLIPPING_EPOCHS,
            SEED,
        )?;
        writeln!(
            session.out,
            "  {:<19} {}",
            clip_name(clip),
            clipping::describe(&outcome)
        )?;
    }
    writeln!(
        session.out,
        "First {TRACED_STEPS} steps, runs in the order above: batch loss, ‖g‖ before clipping"
    )?;
    let traces: Vec<Vec<(f64, f64)>> = runs
        .iter()
        .map(|&clip| {
            let mut network = clipping::DeepRelu::<f32>::new(&mut StdRng::seed_from_u64(SEED));
            clipping::first_steps(
                &mut network,
                &train,
                CLIPPING_RATE,
                clip,
                FIGURE_STEPS,
                SEED,
            )
        })
        .collect();
    for step in 0..TRACED_STEPS {
        let column = |f: &dyn Fn(f64, f64) -> String| {
            let cells: Vec<String> = (traces.iter())
                .map(|trace| trace.get(step).map_or("-".to_string(), |&(l, n)| f(l, n)))
                .collect();
            cells.join(" / ")
        };
        let losses = column(&|loss, _| match loss {
            big if big >= 1000.0 => format!("{big:.1e}"),
            loss => format!("{loss:.3}"),
        });
        let norms = column(&|_, norm| format!("{norm:.1e}"));
        writeln!(
            session.out,
            "  step {}: loss {losses}, ‖g‖ {norms}",
            step + 1
        )?;
    }
    draw_clipping(session, &runs, &traces)
}

/// The gradient norm of each step of the clipping runs, as powers of ten.
fn draw_clipping(
    session: &mut Session,
    runs: &[Option<Clip>],
    traces: &[Vec<(f64, f64)>],
) -> ChapterResult {
    let Some(path) = session.figure("ch10-clipping.png")? else {
        return Ok(());
    };
    let series = (runs.iter().zip(traces))
        .map(|(&clip, trace)| {
            let points = (trace.iter().enumerate())
                .map(|(step, &(_, norm))| ((step + 1) as f64, norm.log10()))
                .collect();
            Series::new(clip_name(clip), points)
        })
        .collect();
    let chart = LineChart {
        title: format!("Gradient norm before clipping, SGD at rate {CLIPPING_RATE}"),
        x_label: "step".into(),
        y_label: "log₁₀ ‖g‖".into(),
        series,
        y_range: None,
        log_y: false,
    };
    line_chart(path, &chart)?;
    Ok(())
}

/// How a run clips, in words.
fn clip_name(clip: Option<Clip>) -> String {
    match clip {
        None => "no clipping".to_string(),
        Some(Clip::Norm(c)) => format!("clip by norm {c}"),
        Some(Clip::Value(c)) => format!("clip by value {c}"),
    }
}
