//! Chapter 9: optimizers. Runs the library's seven update rules on two-parameter test functions
//! (chapter 4's ravine, Rosenbrock's valley, a saddle) and draws their paths over the contours;
//! works single steps by hand; shows what Adam's bias correction is for and how AdamW differs
//! from Adam with an L2 penalty; draws the learning-rate schedules. The long part trains MNIST
//! with each optimizer at a rate chosen on a validation split.

pub mod mnist;
pub mod schedules;
pub mod steps;
pub mod surfaces;

use crate::{ChapterResult, Session};
use nabla::optim::{AdaGrad, Adam, AdamW, Momentum, Nesterov, Optimizer, RmsProp, Sgd};
use plot::{ContourPlot, LineChart, Series, contour_plot, line_chart};
use steps::{ETA, UncorrectedAdam, two_steps};
use surfaces::{Contender, Surface, contender, path, steps_to_reach};

/// Steps on each surface: (ravine, Rosenbrock, saddle).
pub const STEPS: [usize; 3] = [100, 3000, 200];
/// How close to the minimum value counts as arrived.
pub const TOLERANCE: f64 = 1e-6;

/// The contenders on the ravine: the best fixed rate of gradient descent (chapter 4), momentum
/// with the usual μ = 0.9 and with μ tuned to the ravine, Nesterov, and the adaptive methods.
pub fn ravine_contenders() -> Vec<Contender> {
    vec![
        contender("sgd", 0.4, 0.0),
        contender("momentum", 0.04, 0.9),
        contender("momentum", 0.5, 0.3),
        contender("nesterov", 0.04, 0.9),
        contender("adagrad", 1.0, 0.0),
        contender("rmsprop", 0.03, 0.0),
        contender("adam", 0.3, 0.0),
    ]
}

/// The contenders on Rosenbrock's valley.
pub fn rosenbrock_contenders() -> Vec<Contender> {
    vec![
        contender("sgd", 0.001, 0.0),
        contender("momentum", 0.001, 0.9),
        contender("nesterov", 0.001, 0.9),
        contender("rmsprop", 0.003, 0.0),
        contender("adam", 0.05, 0.0),
    ]
}

/// The contenders at the saddle.
pub fn saddle_contenders() -> Vec<Contender> {
    vec![
        contender("sgd", 0.1, 0.0),
        contender("momentum", 0.1, 0.9),
        contender("rmsprop", 0.01, 0.0),
        contender("adam", 0.05, 0.0),
    ]
}

/// Runs this chapter's program (the quick part).
pub fn run(session: &mut Session) -> ChapterResult {
    worked_steps(session)?;
    bias_correction(session)?;
    let ravine: &[Figure] = &[
        (
            "ch09-ravine-momentum.png",
            "Chapter 4's ravine: gradient descent and momentum",
            &[0, 1, 2, 3],
        ),
        (
            "ch09-ravine-adaptive.png",
            "Chapter 4's ravine: adaptive step sizes",
            &[0, 4, 5, 6],
        ),
    ];
    race(
        session,
        &surfaces::ravine(),
        ravine_contenders(),
        STEPS[0],
        ravine,
    )?;
    let rosenbrock: &[Figure] = &[(
        "ch09-rosenbrock.png",
        "Rosenbrock's valley",
        &[0, 1, 2, 3, 4],
    )];
    let contenders = rosenbrock_contenders();
    race(
        session,
        &surfaces::rosenbrock(),
        contenders,
        STEPS[1],
        rosenbrock,
    )?;
    let saddle: &[Figure] = &[("ch09-saddle.png", "Escaping a saddle point", &[0, 1, 2, 3])];
    race(
        session,
        &surfaces::saddle(),
        saddle_contenders(),
        STEPS[2],
        saddle,
    )?;
    decoupled_decay(session)?;
    schedule_table(session)
}

/// The chapter's long MNIST experiments.
pub fn run_long(session: &mut Session) -> ChapterResult {
    mnist::run_long(session)
}

/// A row of the worked example: a name, the optimizer, and the shape it sees θ as.
type WorkedOptimizer<'a> = (&'a str, Box<dyn Optimizer<f64>>, &'a [usize]);

/// Two steps of every optimizer on the worked example.
fn worked_steps(session: &mut Session) -> ChapterResult {
    let [g1, g2] = steps::GRADIENTS;
    writeln!(
        session.out,
        "two steps from θ = ({}, {}) with gradients g₁ = ({}, {}), g₂ = ({}, {}), η = {ETA}:",
        steps::THETA0[0],
        steps::THETA0[1],
        g1[0],
        g1[1],
        g2[0],
        g2[1]
    )?;
    let bias = [2];
    let weight = [1, 2];
    let optimizers: [WorkedOptimizer; 8] = [
        ("sgd", Box::new(Sgd::new(ETA)), &bias),
        ("momentum μ = 0.9", Box::new(Momentum::new(ETA, 0.9)), &bias),
        ("nesterov μ = 0.9", Box::new(Nesterov::new(ETA, 0.9)), &bias),
        ("adagrad", Box::new(AdaGrad::new(ETA)), &bias),
        ("rmsprop ρ = 0.99", Box::new(RmsProp::new(ETA)), &bias),
        ("adam", Box::new(Adam::new(ETA)), &bias),
        (
            "adamw λ = 0.1, a bias",
            Box::new(AdamW::with_weight_decay(ETA, 0.1)),
            &bias,
        ),
        (
            "adamw λ = 0.1, a weight",
            Box::new(AdamW::with_weight_decay(ETA, 0.1)),
            &weight,
        ),
    ];
    writeln!(
        session.out,
        "  optimizer                  θ after step 1          θ after step 2"
    )?;
    for (name, mut optimizer, shape) in optimizers {
        let [first, second] = two_steps(optimizer.as_mut(), shape);
        writeln!(
            session.out,
            "  {name:<24} ({:9.6}, {:9.6})  ({:9.6}, {:9.6})",
            first[0], first[1], second[0], second[1]
        )?;
    }
    Ok(())
}

/// Adam's first steps with and without the bias correction.
fn bias_correction(session: &mut Session) -> ChapterResult {
    writeln!(
        session.out,
        "\nAdam's first step, |Δθ| / η, for a gradient of size g (η = 0.001):"
    )?;
    writeln!(session.out, "           g   corrected   uncorrected")?;
    for g in [1e-4, 1.0, 1e4] {
        let corrected = steps::step_sizes(&mut Adam::new(1e-3), g, 1)[0];
        let uncorrected = steps::step_sizes(&mut UncorrectedAdam::new(1e-3), g, 1)[0];
        writeln!(
            session.out,
            "  {g:10.0e}   {corrected:9.4}   {uncorrected:11.4}"
        )?;
    }
    writeln!(
        session.out,
        "the first steps for a constant gradient g = 1 (|Δθ| / η):"
    )?;
    writeln!(session.out, "     step   corrected   uncorrected")?;
    let corrected = steps::step_sizes(&mut Adam::new(1e-3), 1.0, 10_000);
    let uncorrected = steps::step_sizes(&mut UncorrectedAdam::new(1e-3), 1.0, 10_000);
    for t in [1, 2, 5, 10, 20, 50, 100, 1000, 10_000] {
        writeln!(
            session.out,
            "  {t:7}   {:9.4}   {:11.4}",
            corrected[t - 1],
            uncorrected[t - 1]
        )?;
    }
    Ok(())
}

/// A figure of some of a race's paths: its file name, its title, and which contenders it shows.
pub type Figure = (&'static str, &'static str, &'static [usize]);

/// Every contender on `surface`: how soon it arrives, where it ends, and its paths drawn into
/// `figures`.
fn race(
    session: &mut Session,
    surface: &Surface,
    contenders: Vec<Contender>,
    steps: usize,
    figures: &[Figure],
) -> ChapterResult {
    let ([x, y], minimum) = surface.minimum;
    writeln!(
        session.out,
        "\n{} from ({}, {}), {steps} steps; minimum {minimum:.6} at ({x:.4}, {y:.4})",
        surface.name, surface.start[0], surface.start[1]
    )?;
    let escape_header = surface
        .escape
        .map_or(String::new(), |h| format!("   steps to θ₂ > {h}"));
    writeln!(
        session.out,
        "  optimizer                  steps to within {TOLERANCE:.0e}   value at the end{escape_header}"
    )?;
    let mut paths = Vec::new();
    for Contender {
        label,
        mut optimizer,
    } in contenders
    {
        let points = path(surface, optimizer.as_mut(), steps);
        let arrived = steps_to_reach(surface, &points, TOLERANCE)
            .map_or("never".to_string(), |s| s.to_string());
        let last = points[points.len() - 1];
        let value = if points.len() == steps + 1 {
            format!("{:.6}", (surface.value)(last))
        } else {
            format!("diverged at step {}", points.len())
        };
        let escaped = surface.escape.map_or(String::new(), |height| {
            let step = points.iter().position(|p| p[1] > height);
            format!(
                "{:>21}",
                step.map_or("never".to_string(), |s| s.to_string())
            )
        });
        let line = format!("  {label:<26} {arrived:>21}   {value:<16}{escaped}");
        writeln!(session.out, "{}", line.trim_end())?;
        paths.push(Series::new(
            label,
            points.iter().map(|p| (p[0], p[1])).collect(),
        ));
    }
    for &(name, title, shown) in figures {
        let Some(file) = session.figure(name)? else {
            continue;
        };
        let value = |x: f64, y: f64| (surface.value)([x, y]);
        // Levels spaced geometrically above the minimum.
        let levels = (0..16)
            .map(|i| minimum + 1e-3 * 2f64.powi(i))
            .collect::<Vec<_>>();
        let ravine = surface.name == "ravine";
        contour_plot(
            &file,
            &ContourPlot {
                title: title.into(),
                x_label: if ravine { "w" } else { "θ₁" }.into(),
                y_label: if ravine { "b" } else { "θ₂" }.into(),
                x_range: surface.ranges[0],
                y_range: surface.ranges[1],
                function: &value,
                levels,
                paths: shown.iter().map(|&i| paths[i].clone()).collect(),
                marker: Some((x, y)),
                resolution: 200,
            },
        )?;
    }
    Ok(())
}

/// Adam with an L2 penalty against AdamW on a bowl with one steep and one flat direction.
fn decoupled_decay(session: &mut Session) -> ChapterResult {
    let [a1, a2] = steps::CURVATURES;
    writeln!(
        session.out,
        "\nL2 penalty or decoupled decay, λ = {}, on ½ ({a1} (θ₁ − {c})² + {a2} (θ₂ − {c})²) \
         from (0, 0), η = 0.01, 20000 steps:",
        steps::DECAY,
        c = steps::CENTRE
    )?;
    let [coupled, decoupled] = steps::adam_l2_and_adamw(0.01, 20_000);
    let penalized = steps::penalized_minimum();
    let show = |p: [f64; 2]| format!("({:.4}, {:.4})", p[0], p[1]);
    writeln!(
        session.out,
        "  minimum of loss + λ/2 ‖θ‖²   {}",
        show(penalized)
    )?;
    writeln!(
        session.out,
        "  Adam with the L2 penalty     {}",
        show(coupled)
    )?;
    writeln!(
        session.out,
        "  AdamW                        {}",
        show(decoupled)
    )?;
    writeln!(
        session.out,
        "  AdamW's bound |θᵢ| ≤ 1/λ     {:.4}",
        1.0 / steps::DECAY
    )?;
    Ok(())
}

/// The schedules at a few steps, and their figure.
fn schedule_table(session: &mut Session) -> ChapterResult {
    use schedules::{BASE_RATE, EPOCHS, STEPS_PER_EPOCH};
    writeln!(
        session.out,
        "\nlearning-rate schedules, base rate {BASE_RATE}, {EPOCHS} epochs of \
         {STEPS_PER_EPOCH} steps:"
    )?;
    let shown = [0, 1, 49, 99, 299, 300, 500, 999];
    let header: Vec<String> = shown.iter().map(|s| format!("{s:>7}")).collect();
    writeln!(
        session.out,
        "  step                                      {}",
        header.join("")
    )?;
    let mut series = Vec::new();
    for (name, schedule) in schedules::schedules() {
        let rates = schedules::rates(&schedule);
        let row: Vec<String> = shown.iter().map(|&s| format!("{:7.4}", rates[s])).collect();
        writeln!(session.out, "  {name:<41} {}", row.join(""))?;
        series.push(Series::new(
            name,
            rates
                .iter()
                .enumerate()
                .map(|(s, &r)| (s as f64, r))
                .collect(),
        ));
    }
    if let Some(file) = session.figure("ch09-schedules.png")? {
        line_chart(
            &file,
            &LineChart {
                title: "Learning-rate schedules".into(),
                x_label: format!("step ({STEPS_PER_EPOCH} per epoch)"),
                y_label: "learning rate η".into(),
                series,
                y_range: Some((0.0, 0.105)),
                log_y: false,
            },
        )?;
    }
    Ok(())
}
