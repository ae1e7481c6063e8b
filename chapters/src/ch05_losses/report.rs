//! Chapter 5's program: the tables it prints and the figures it draws.

use super::*;

/// Runs this chapter's program.
pub fn run(session: &mut Session) -> ChapterResult {
    likelihood(session)?;
    saturation(session)?;
    softmax_gradient(session)?;
    stability(session)?;
    figures(session)
}

/// Binary cross-entropy as the negative log-likelihood of six labels.
fn likelihood(session: &mut Session) -> ChapterResult {
    let out = &mut session.out;
    let logits = [2.0, -1.0, 0.5, 3.0, -2.5, 0.0];
    let labels = [1.0, 0.0, 0.0, 1.0, 0.0, 1.0];
    let probabilities: Vec<f64> = logits.iter().map(|&z| sigmoid(z)).collect();
    writeln!(
        out,
        "binary cross-entropy from the likelihood (six samples):"
    )?;
    writeln!(out, "  label   ŷ = σ(z)   P(label) (5.1)")?;
    for (&p, &y) in probabilities.iter().zip(&labels) {
        writeln!(out, "  {y:5}   {p:8.4}   {:14.4}", bernoulli(p, y))?;
    }
    let likelihood: f64 = probabilities
        .iter()
        .zip(&labels)
        .map(|(&p, &y)| bernoulli(p, y))
        .product();
    let library = SigmoidBinaryCrossEntropy.value(
        &Batch::<f64, 1>::from_column_slice(&logits),
        &Batch::<f64, 1>::from_column_slice(&labels),
    );
    writeln!(out, "  likelihood Π P(label) = {likelihood:.6}")?;
    writeln!(
        out,
        "  −(1/n) ln Π P(label) = {:.12}",
        mean_negative_log_likelihood(&probabilities, &labels)
    )?;
    writeln!(
        out,
        "  binary cross-entropy (5.2) = {:.12}",
        binary_cross_entropy(&probabilities, &labels)
    )?;
    writeln!(
        out,
        "  SigmoidBinaryCrossEntropy on the logits = {library:.12}"
    )?;
    Ok(())
}

/// ∂L/∂z for MSE and BCE behind a sigmoid, as the prediction gets more confidently wrong.
fn saturation(session: &mut Session) -> ChapterResult {
    let out = &mut session.out;
    writeln!(
        out,
        "\n∂L/∂z for label y = 1 (library losses, checked by central differences):"
    )?;
    writeln!(
        out,
        "      z    ŷ = σ(z)   MSE + sigmoid   central diff.   BCE + sigmoid   central diff."
    )?;
    let mse = AfterActivation {
        activation: Sigmoid,
        loss: MeanSquaredError,
    };
    let target = Batch::<f64, 1>::from_column_slice(&[1.0]);
    let library_gradient = |loss: &dyn Fn(&Batch<f64, 1>, &mut Batch<f64, 1>), z: f64| {
        let mut gradient = Batch::zeros(1);
        loss(&Batch::from_column_slice(&[z]), &mut gradient);
        gradient[0]
    };
    for z in [-10.0, -6.0, -3.0, -1.0, 0.0, 1.0, 3.0] {
        let with_mse = library_gradient(
            &|logits, gradient| {
                mse.value_and_gradient(logits, &target, gradient);
            },
            z,
        );
        let with_bce = library_gradient(
            &|logits, gradient| {
                SigmoidBinaryCrossEntropy.value_and_gradient(logits, &target, gradient);
            },
            z,
        );
        let numeric_mse = numeric_derivative(|z| (sigmoid(z) - 1.0).powi(2), z, STEP);
        let numeric_bce = numeric_derivative(|z| -sigmoid(z).ln(), z, STEP);
        writeln!(
            out,
            "  {z:5}   {:9.3e}   {with_mse:13.3e}   {numeric_mse:13.3e}   {with_bce:13.3e}   \
             {numeric_bce:13.3e}",
            sigmoid(z)
        )?;
    }
    let (start, eta, limit) = (-10.0, 1.0, 100_000);
    let escape = |steps: Option<usize>| match steps {
        Some(steps) => format!("{steps} steps"),
        None => format!("not within {limit} steps"),
    };
    writeln!(
        out,
        "\ngradient descent on z from {start} (ŷ = {:.1e}) with η = {eta}, until ŷ > 0.5:",
        sigmoid(start)
    )?;
    writeln!(
        out,
        "  with BCE: {}\n  with MSE: {}",
        escape(steps_to_escape(bce_sigmoid_gradient, start, eta, limit)),
        escape(steps_to_escape(mse_sigmoid_gradient, start, eta, limit))
    )?;

    writeln!(
        out,
        "\nmixing up the output error (central differences decide):"
    )?;
    let (z, y) = (0.3, 0.0);
    let numeric = numeric_derivative(|z| (sigmoid(z) - y).powi(2), z, STEP);
    writeln!(
        out,
        "  MSE at z = {z}, y = {y}: ∂L/∂z = {numeric:.4}; 2(ŷ − y)σ'(z) = {:.4}; ŷ − y = {:.4} (wrong)",
        mse_sigmoid_gradient(z, y),
        bce_sigmoid_gradient(z, y)
    )?;
    let (z, y) = (0.7, 1.0);
    let numeric = numeric_derivative(|z| naive_sigmoid_bce(z, y), z, STEP);
    writeln!(
        out,
        "  BCE at z = {z}, y = {y}: ∂L/∂z = {numeric:.4}; ŷ − y = {:.4}; (ŷ − y)σ'(z) = {:.4} (wrong)",
        bce_sigmoid_gradient(z, y),
        mse_sigmoid_gradient(z, y) / 2.0
    )?;
    Ok(())
}

/// Softmax cross-entropy: the chain rule through the Jacobian, the library, and `ŷ − y`.
fn softmax_gradient(session: &mut Session) -> ChapterResult {
    let out = &mut session.out;
    let z = [2.0, 1.0, 0.1];
    let y = [0.0, 1.0, 0.0];
    let p = naive_softmax(&z);
    writeln!(out, "\nsoftmax cross-entropy at z = {z:?}, y = {y:?}:")?;
    writeln!(out, "  ŷ = softmax(z)          {}", row(&p))?;
    writeln!(
        out,
        "  L = −ln ŷ₂ = {:.6}; library: {:.6}",
        -p[1].ln(),
        stable_softmax_cross_entropy(z, y)
    )?;
    let mut gradient = Batch::<f64, 3>::zeros(1);
    SoftmaxCrossEntropy.value_and_gradient(
        &Batch::from_column_slice(&z),
        &Batch::from_column_slice(&y),
        &mut gradient,
    );
    let numeric: Vec<f64> = (0..3)
        .map(|j| {
            let moved = |zj: f64| {
                let mut moved = z;
                moved[j] = zj;
                naive_softmax_cross_entropy(&moved, &y)
            };
            numeric_derivative(moved, z[j], STEP)
        })
        .collect();
    let difference: Vec<f64> = p.iter().zip(&y).map(|(p, y)| p - y).collect();
    writeln!(
        out,
        "  chain rule Jᵀ(−y/ŷ)     {}",
        row(&softmax_ce_gradient_by_chain_rule(&z, &y))
    )?;
    writeln!(out, "  ŷ − y                   {}", row(&difference))?;
    writeln!(
        out,
        "  SoftmaxCrossEntropy     {}",
        row(gradient.as_slice())
    )?;
    writeln!(out, "  central differences     {}", row(&numeric))?;

    let confident = [50.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0];
    let mut label = [0.0; 10];
    label[0] = 1.0;
    writeln!(
        out,
        "\nsoftmax applied twice, 10 classes, logits [50, 0, …, 0], correct label 0:\n  \
         loss {:.4} instead of {:.4}; the floor is ln(e + 9) − 1 = {:.4}",
        double_softmax_cross_entropy(&confident, 0),
        stable_softmax_cross_entropy(confident, label),
        (std::f64::consts::E + 9.0).ln() - 1.0
    )?;
    Ok(())
}

/// The textbook formulas against nabla's fused losses on large logits.
fn stability(session: &mut Session) -> ChapterResult {
    let out = &mut session.out;
    writeln!(out, "\nlarge logits: the textbook formulas against nabla's")?;
    writeln!(
        out,
        "  {:<30}   {:<12}{:>8}   {:>12}   nabla L",
        "softmax cross-entropy", "naive ŷ", "naive L", "log_sum_exp"
    )?;
    let cases: [([f64; 2], [f64; 2]); 4] = [
        ([1000.0, 0.0], [1.0, 0.0]),
        ([1000.0, 0.0], [0.0, 1.0]),
        ([-1000.0, -1000.0], [1.0, 0.0]),
        ([1000.0, 999.0], [0.0, 1.0]),
    ];
    for (z, y) in cases {
        let naive: Vec<String> = naive_softmax(&z).iter().map(|p| format!("{p}")).collect();
        writeln!(
            out,
            "  {:<30}   {:<12}{:>8}   {:>12.6}   {:.6}",
            format!("z = [{}, {}], y = [{}, {}]", z[0], z[1], y[0], y[1]),
            format!("[{}]", naive.join(", ")),
            naive_softmax_cross_entropy(&z, &y),
            log_sum_exp(&z),
            stable_softmax_cross_entropy(z, y),
        )?;
    }
    writeln!(
        out,
        "\nlarge logits in binary cross-entropy: the textbook formula against nabla's"
    )?;
    writeln!(
        out,
        "  {:<20}   {:<20}   {:<16}   nabla L",
        "binary cross-entropy", "naive σ(z)", "naive L"
    )?;
    for (z, y) in [(40.0, 0.0), (-800.0, 1.0), (20.0, 0.0), (-3.0, 1.0)] {
        writeln!(
            out,
            "  {:<20}   {:<20.17}   {:<16.12}   {:.12}",
            format!("z = {z}, y = {y}"),
            naive_sigmoid(z),
            naive_sigmoid_bce(z, y),
            stable_sigmoid_bce(z, y)
        )?;
    }
    Ok(())
}

/// Numbers of a row, to 6 decimals.
fn row(values: &[f64]) -> String {
    let cells: Vec<String> = values
        .iter()
        .map(|v| format!("{:>10.6}", v + 0.0))
        .collect();
    cells.join("")
}

/// The losses and their gradients for label 1 as functions of the logit.
fn figures(session: &mut Session) -> ChapterResult {
    let range = (-8.0, 8.0);
    if let Some(path) = session.figure("ch05-sigmoid-losses.png")? {
        line_chart(
            &path,
            &LineChart {
                title: "Loss for label y = 1, as a function of the logit z".into(),
                x_label: "z  (ŷ = σ(z))".into(),
                y_label: "L".into(),
                series: vec![
                    Series::sampled("squared error (σ(z) − 1)²", range, 321, |z| {
                        (sigmoid(z) - 1.0).powi(2)
                    }),
                    Series::sampled("cross-entropy −ln σ(z)", range, 321, |z| {
                        stable_sigmoid_bce(z, 1.0)
                    }),
                ],
                y_range: None,
                log_y: false,
            },
        )?;
    }
    if let Some(path) = session.figure("ch05-sigmoid-gradients.png")? {
        line_chart(
            &path,
            &LineChart {
                title: "Gradient ∂L/∂z for label y = 1".into(),
                x_label: "z  (ŷ = σ(z))".into(),
                y_label: "∂L/∂z".into(),
                series: vec![
                    Series::sampled("squared error: 2(ŷ − 1)σ′(z)", range, 321, |z| {
                        mse_sigmoid_gradient(z, 1.0)
                    }),
                    Series::sampled("cross-entropy: ŷ − 1", range, 321, |z| {
                        bce_sigmoid_gradient(z, 1.0)
                    }),
                ],
                y_range: None,
                log_y: false,
            },
        )?;
    }
    Ok(())
}
