//! Chapter 3's program: the tables it prints and the figures it draws.

use super::*;

/// The depths printed in the chain table.
const DEPTHS: [usize; 7] = [1, 2, 3, 5, 10, 20, 30];
/// The input of the chains.
const CHAIN_INPUT: f64 = 0.5;

/// Runs this chapter's program.
pub fn run(session: &mut Session) -> ChapterResult {
    derivative_checks(session)?;
    values(session)?;
    kinks(session)?;
    softmax(session)?;
    saturation(session)?;
    figures(session)
}

/// Every elementwise derivative against central differences.
fn derivative_checks(session: &mut Session) -> ChapterResult {
    // ANCHOR: check_all
    let points = midpoints(-8.0, 8.0, 1600);
    let leaky = LeakyRelu::default();
    let checks = [
        ("sigmoid", largest_derivative_error(&Sigmoid, &points)),
        ("tanh", largest_derivative_error(&Tanh, &points)),
        ("relu", largest_derivative_error(&Relu, &points)),
        ("leaky_relu", largest_derivative_error(&leaky, &points)),
        ("relu6", largest_derivative_error(&Relu6, &points)),
    ];
    // ANCHOR_END: check_all
    let out = &mut session.out;
    writeln!(
        out,
        "derivatives against central differences (h = {STEP:e}) at {} points in (-8, 8):",
        points.len()
    )?;
    for (name, error) in checks {
        writeln!(out, "  {name:<11} largest relative error {error:.1e}")?;
    }
    let tanh_gap = points
        .iter()
        .map(|&z| (z.tanh() - (2.0 * sigmoid(2.0 * z) - 1.0)).abs())
        .fold(0.0, f64::max);
    let symmetry_gap = points
        .iter()
        .map(|&z| (sigmoid(-z) - (1.0 - sigmoid(z))).abs())
        .fold(0.0, f64::max);
    writeln!(out, "  largest |tanh(z) − (2σ(2z) − 1)|: {tanh_gap:.1e}")?;
    writeln!(out, "  largest |σ(−z) − (1 − σ(z))|:    {symmetry_gap:.1e}")?;
    Ok(())
}

/// A table of sigmoid and tanh with their derivatives.
fn values(session: &mut Session) -> ChapterResult {
    let out = &mut session.out;
    writeln!(out)?;
    writeln!(out, "     z    σ(z)   σ'(z)  tanh(z)  tanh'(z)")?;
    for z in [-6.0, -4.0, -2.0, -1.0, 0.0, 1.0, 2.0, 4.0, 6.0] {
        let (s, ds) = (Sigmoid.value(z), Sigmoid.derivative(z));
        let (t, dt): (f64, f64) = (Tanh.value(z), Tanh.derivative(z));
        writeln!(
            out,
            "  {z:>4}  {s:.4}  {ds:.4}  {:>7.4}  {dt:>8.4}",
            t + 0.0
        )?;
    }
    Ok(())
}

/// What the difference quotients of ReLU do at its kink.
fn kinks(session: &mut Session) -> ChapterResult {
    // ANCHOR: kink
    let relu = |z: f64| Elementwise::<f64>::value(&Relu, z);
    let h = STEP;
    let left = (relu(0.0) - relu(-h)) / h;
    let right = (relu(h) - relu(0.0)) / h;
    let central = (relu(h) - relu(-h)) / (2.0 * h);
    // ANCHOR_END: kink
    let out = &mut session.out;
    writeln!(out)?;
    writeln!(out, "ReLU at its kink z = 0 (h = {h:e}):")?;
    writeln!(out, "  left difference quotient    {left}")?;
    writeln!(out, "  right difference quotient   {right}")?;
    writeln!(out, "  central difference quotient {central}")?;
    writeln!(
        out,
        "  the library's convention     relu'(0) = {}, leaky_relu'(0) = {}, relu6'(0) = {}, relu6'(6) = {}",
        Elementwise::<f64>::derivative(&Relu, 0.0),
        Elementwise::<f64>::derivative(&LeakyRelu::default(), 0.0),
        Elementwise::<f64>::derivative(&Relu6, 0.0),
        Elementwise::<f64>::derivative(&Relu6, 6.0),
    )?;
    Ok(())
}

/// Prints a square matrix, one row per line.
fn print_matrix(session: &mut Session, rows: &[Vec<f64>]) -> ChapterResult {
    for row in rows {
        let cells: Vec<String> = row.iter().map(|x| format!("{:>8.4}", x + 0.0)).collect();
        writeln!(session.out, "    {}", cells.join(""))?;
    }
    Ok(())
}

/// Softmax of one column, its Jacobian, and a check of both against finite differences.
fn softmax(session: &mut Session) -> ChapterResult {
    let z = [2.0, 1.0, -1.0];
    let mut s = [0.0; 3];
    softmax_into(&z, &mut s);
    let jacobian = softmax_jacobian(&z);
    let numeric = softmax_jacobian_numeric(&z);
    let jacobian_error = jacobian
        .iter()
        .flatten()
        .zip(numeric.iter().flatten())
        .map(|(&a, &n)| relative_error(a, n, FLOOR))
        .fold(0.0, f64::max);

    // The backward pass for an upstream gradient g: ∂L/∂z = Jᵀ g = s ⊙ (g − (sᵀg) 1).
    let upstream = [0.5, -1.0, 2.0];
    let mut backward = upstream;
    Softmax.backward(&z, &s, &mut backward, 3);
    let through_jacobian: Vec<f64> = (0..3)
        .map(|j| (0..3).map(|i| jacobian[i][j] * upstream[i]).sum())
        .collect();

    writeln!(session.out)?;
    writeln!(session.out, "softmax of z = {z:?}:")?;
    let shown: Vec<String> = s.iter().map(|p| format!("{p:.4}")).collect();
    writeln!(
        session.out,
        "  s = [{}], sum {:.15}",
        shown.join(", "),
        s.iter().sum::<f64>()
    )?;
    writeln!(
        session.out,
        "  Jacobian diag(s) − s sᵀ (row i holds ∂sᵢ/∂zⱼ):"
    )?;
    print_matrix(session, &jacobian)?;
    let column_sums: Vec<String> = (0..3)
        .map(|j| format!("{:.1e}", (0..3).map(|i| jacobian[i][j]).sum::<f64>().abs()))
        .collect();
    let out = &mut session.out;
    writeln!(out, "  |column sums|: {}", column_sums.join(", "))?;
    writeln!(
        out,
        "  largest relative error against central differences: {jacobian_error:.1e}"
    )?;
    let format = |v: &[f64]| {
        v.iter()
            .map(|x| format!("{:.4}", x + 0.0))
            .collect::<Vec<_>>()
            .join(", ")
    };
    writeln!(
        out,
        "  backward pass for g = {upstream:?}: [{}] (Jᵀg = [{}])",
        format(&backward),
        format(&through_jacobian)
    )?;
    Ok(())
}

/// How saturation and depth shrink gradients.
fn saturation(session: &mut Session) -> ChapterResult {
    let out = &mut session.out;
    writeln!(out)?;
    writeln!(out, "saturation: the sigmoid's slope far from 0")?;
    for z in [0.0, 2.0, 5.0, 10.0] {
        let slope = Sigmoid.derivative(z);
        writeln!(
            out,
            "  σ'({z:>2}) = {slope:.6}  ({:>6.2}% of its largest value 1/4)",
            100.0 * slope / 0.25
        )?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "chains a_k = φ(a_(k−1)) of D neurons (w = 1, b = 0), input a_0 = {CHAIN_INPUT}: ∂a_D/∂a_0"
    )?;
    writeln!(out, "     n    sigmoid     4^(−n)       tanh       relu")?;
    for n in DEPTHS {
        let layers = vec![(1.0, 0.0); n];
        let (_, sigmoid_gradient) = chain(&Sigmoid, &layers, CHAIN_INPUT);
        let (_, tanh_gradient) = chain(&Tanh, &layers, CHAIN_INPUT);
        let (_, relu_gradient) = chain(&Relu, &layers, CHAIN_INPUT);
        writeln!(
            out,
            "  {n:>4}  {sigmoid_gradient:>9.3e}  {:>9.3e}  {tanh_gradient:>9.3e}  {relu_gradient:>9.3e}",
            0.25f64.powi(n as i32)
        )?;
    }
    Ok(())
}

/// `f` sampled at `samples` points of `range`, with the line broken at each of `kinks`.
fn with_breaks(label: &str, range: (f64, f64), kinks: &[f64], f: impl Fn(f64) -> f64) -> Series {
    let mut points = Vec::new();
    let mut pending: Vec<f64> = kinks.to_vec();
    for z in midpoints(range.0, range.1, 600) {
        while pending.first().is_some_and(|&kink| kink < z) {
            points.push((pending.remove(0), f64::NAN));
        }
        points.push((z, f(z)));
    }
    Series::new(label, points)
}

/// One chart of an elementwise activation and its derivative.
fn activation_chart<A: Elementwise<f64>>(
    title: &str,
    name: &str,
    activation: &A,
    range: (f64, f64),
    kinks: &[f64],
    y_range: (f64, f64),
) -> LineChart {
    LineChart {
        title: title.into(),
        x_label: "z".into(),
        y_label: "value".into(),
        series: vec![
            with_breaks(&format!("{name}(z)"), range, &[], |z| activation.value(z)),
            with_breaks(&format!("{name}′(z)"), range, kinks, |z| {
                activation.derivative(z)
            }),
        ],
        y_range: Some(y_range),
        log_y: false,
    }
}

/// Draws each activation with its derivative, and the chain gradients.
fn figures(session: &mut Session) -> ChapterResult {
    let plot_slope = LeakyRelu { slope: 0.1 };
    let charts = [
        (
            "ch03-sigmoid.png",
            activation_chart(
                "The sigmoid and its derivative",
                "σ",
                &Sigmoid,
                (-8.0, 8.0),
                &[],
                (-0.1, 1.1),
            ),
        ),
        (
            "ch03-tanh.png",
            activation_chart(
                "tanh and its derivative",
                "tanh",
                &Tanh,
                (-4.0, 4.0),
                &[],
                (-1.1, 1.1),
            ),
        ),
        (
            "ch03-relu.png",
            activation_chart(
                "ReLU and its derivative",
                "relu",
                &Relu,
                (-3.0, 3.0),
                &[0.0],
                (-0.5, 3.0),
            ),
        ),
        (
            "ch03-leaky-relu.png",
            activation_chart(
                "Leaky ReLU (slope α = 0.1) and its derivative",
                "leaky_relu",
                &plot_slope,
                (-3.0, 3.0),
                &[0.0],
                (-0.5, 3.0),
            ),
        ),
        (
            "ch03-relu6.png",
            activation_chart(
                "ReLU6 and its derivative",
                "relu6",
                &Relu6,
                (-2.0, 8.0),
                &[0.0, 6.0],
                (-0.5, 7.0),
            ),
        ),
    ];
    for (file, chart) in &charts {
        if let Some(path) = session.figure(file)? {
            line_chart(&path, chart)?;
        }
    }

    if let Some(path) = session.figure("ch03-softmax.png")? {
        let probability = |i: usize| {
            move |t: f64| {
                let mut s = [0.0; 3];
                softmax_into(&[t, 1.0, -1.0], &mut s);
                s[i]
            }
        };
        let range = (-6.0, 6.0);
        let chart = LineChart {
            title: "Softmax of (z₁, 1, −1) and two entries of its Jacobian".into(),
            x_label: "z₁".into(),
            y_label: "value".into(),
            series: vec![
                Series::sampled("s₁", range, 400, probability(0)),
                Series::sampled("s₂", range, 400, probability(1)),
                Series::sampled("s₃", range, 400, probability(2)),
                Series::sampled("∂s₁/∂z₁ = s₁(1 − s₁)", range, 400, |t| {
                    softmax_jacobian(&[t, 1.0, -1.0])[0][0]
                }),
                Series::sampled("∂s₂/∂z₁ = −s₁s₂", range, 400, |t| {
                    softmax_jacobian(&[t, 1.0, -1.0])[1][0]
                }),
            ],
            y_range: Some((-0.3, 1.7)),
            log_y: false,
        };
        line_chart(&path, &chart)?;
    }

    // The log-scale axis of `line_chart` labels ticks below 1e-9 poorly, so this chart shows
    // log₁₀ of the gradient on a linear axis instead.
    if let Some(path) = session.figure("ch03-chain.png")? {
        let depths: Vec<usize> = (1..=30).collect();
        let log_gradients = |gradient: &dyn Fn(&[Link]) -> f64| {
            depths
                .iter()
                .map(|&n| (n as f64, gradient(&vec![(1.0, 0.0); n]).log10()))
                .collect::<Vec<_>>()
        };
        let chart = LineChart {
            title: "Gradient through a chain of n neurons (w = 1, b = 0)".into(),
            x_label: "n (neurons in the chain)".into(),
            y_label: "log₁₀ of ∂aₙ/∂a₀".into(),
            series: vec![
                Series::new(
                    "ReLU",
                    log_gradients(&|layers| chain(&Relu, layers, CHAIN_INPUT).1),
                ),
                Series::new(
                    "tanh",
                    log_gradients(&|layers| chain(&Tanh, layers, CHAIN_INPUT).1),
                ),
                Series::new(
                    "sigmoid",
                    log_gradients(&|layers| chain(&Sigmoid, layers, CHAIN_INPUT).1),
                ),
                Series::new(
                    "bound 4⁻ⁿ",
                    depths
                        .iter()
                        .map(|&n| (n as f64, -(n as f64) * 4f64.log10()))
                        .collect(),
                ),
            ],
            y_range: Some((-21.0, 1.0)),
            log_y: false,
        };
        line_chart(&path, &chart)?;
    }
    Ok(())
}
