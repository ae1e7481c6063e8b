//! Chapter 4's program: the experiments it prints and the figures it draws.

use super::*;

/// Runs this chapter's program.
pub fn run(session: &mut Session) -> ChapterResult {
    let data = make_data(SEED, SAMPLES);
    let best = least_squares(&data);
    let best_loss = mse(best, &data);
    let out = &mut session.out;
    writeln!(
        out,
        "data: {SAMPLES} points, x uniform in [0, 2), y = {TRUE_SLOPE} x + {TRUE_INTERCEPT} + \
         Gaussian noise (standard deviation {NOISE}), seed {SEED}"
    )?;
    writeln!(
        out,
        "closed form (4.6): w* = {:.6}, b* = {:.6}, L(w*, b*) = {best_loss:.6}",
        best.w, best.b
    )?;

    writeln!(
        out,
        "\ngradient check at w = 0, b = 0 (central differences, h = 1e-5):"
    )?;
    let start = Line::default();
    let analytic = mse_gradient(start, &data);
    let numeric = numeric_gradient(start, &data, 1e-5);
    writeln!(
        out,
        "  equations 4.3, 4.4     ∂L/∂w = {:9.5}  ∂L/∂b = {:9.5}",
        analytic.w, analytic.b
    )?;
    writeln!(
        out,
        "  central differences    ∂L/∂w = {:9.5}  ∂L/∂b = {:9.5}",
        numeric.w, numeric.b
    )?;
    writeln!(
        out,
        "  mistake: no factor 2   ∂L/∂w = {:9.5}  ∂L/∂b = {:9.5}",
        analytic.w / 2.0,
        analytic.b / 2.0
    )?;
    writeln!(
        out,
        "  mistake: sign flipped  ∂L/∂w = {:9.5}  ∂L/∂b = {:9.5}",
        -analytic.w, -analytic.b
    )?;

    // ANCHOR: fit
    writeln!(
        out,
        "\ngradient descent, η = {LEARNING_RATE}, from w = 0, b = 0:"
    )?;
    writeln!(out, "  step         w          b          L")?;
    let mut line = Line::default();
    for step in 0..=300 {
        if [0, 1, 2, 5, 10, 20, 50, 100, 300].contains(&step) {
            let loss = mse(line, &data);
            writeln!(
                out,
                "  {step:4}  {:9.6}  {:9.6}  {loss:9.6}",
                line.w, line.b
            )?;
        }
        gradient_descent_step(&mut line, &data, LEARNING_RATE);
    }
    // ANCHOR_END: fit
    let (fitted, _) = descend(start, &data, LEARNING_RATE, 300);
    writeln!(
        out,
        "  distance from the closed form after 300 steps: {:.1e}",
        distance(fitted, best)
    )?;
    let library = descend_with_nabla(start, &data, LEARNING_RATE, 300);
    writeln!(
        out,
        "the same 300 steps with network!(1 => identity 1), MeanSquaredError and Sgd:\n  \
         w = {:.6}, b = {:.6}, distance from the plain-Rust fit {:.1e}",
        library.w,
        library.b,
        distance(library, fitted)
    )?;

    // ANCHOR: bound
    let h = hessian(&data);
    let (lambda_min, lambda_max) = eigenvalues(h);
    let bound = 2.0 / lambda_max;
    // ANCHOR_END: bound
    writeln!(
        out,
        "\nHessian (4.7): [[{:.4}, {:.4}], [{:.4}, {:.4}]]",
        h[0][0], h[0][1], h[1][0], h[1][1]
    )?;
    writeln!(
        out,
        "eigenvalues: λ_min = {lambda_min:.4}, λ_max = {lambda_max:.4}; \
         stable for η < 2/λ_max = {bound:.4}"
    )?;
    let fastest = 2.0 / (lambda_min + lambda_max);
    writeln!(
        out,
        "fastest fixed rate: η = 2/(λ_min + λ_max) = {fastest:.4}, shrinking the error by \
         (λ_max − λ_min)/(λ_max + λ_min) = {:.4} per step",
        (lambda_max - lambda_min) / (lambda_max + lambda_min)
    )?;
    writeln!(out, "learning rates, {STEPS} steps from w = 0, b = 0:")?;
    writeln!(out, "       η   max |1 − η λ|   L − L* after {STEPS} steps")?;
    let mut curves = Vec::new();
    for eta in LEARNING_RATES {
        let rate = (1.0 - eta * lambda_min)
            .abs()
            .max((1.0 - eta * lambda_max).abs());
        let (_, losses) = descend(start, &data, eta, STEPS);
        let excess = losses[STEPS] - best_loss;
        writeln!(out, "  {eta:6.2}   {rate:13.4}   {excess:11.3e}")?;
        curves.push(Series::new(
            format!("η = {eta}"),
            losses
                .iter()
                .enumerate()
                .map(|(step, loss)| (step as f64, loss - best_loss))
                .collect(),
        ));
    }

    writeln!(
        out,
        "\nbatch, mini-batch and stochastic gradient descent, η = 0.1, {EPOCHS} epochs:"
    )?;
    writeln!(
        out,
        "  batch size   steps   L − L* at the end   distance from (w*, b*)"
    )?;
    let mut rng = StdRng::seed_from_u64(SEED);
    let mut batch_curves = Vec::new();
    for (name, batch_size) in [("batch", SAMPLES), ("mini-batch", 10), ("stochastic", 1)] {
        let (end, losses) = minibatch_descent(start, &data, 0.1, batch_size, EPOCHS, &mut rng);
        writeln!(
            out,
            "  {batch_size:10}   {:5}   {:17.3e}   {:22.1e}",
            EPOCHS * SAMPLES.div_ceil(batch_size),
            losses[EPOCHS] - best_loss,
            distance(end, best)
        )?;
        let after_each_epoch = losses.iter().enumerate();
        batch_curves.push(Series::new(
            format!("{name} ({batch_size} per step)"),
            after_each_epoch
                .map(|(epoch, loss)| (epoch as f64, loss - best_loss))
                .collect(),
        ));
    }

    writeln!(out, "\nmistakes:")?;
    let mut summed = Line::default();
    for _ in 0..10 {
        let gradient = summed_gradient(summed, &data);
        summed.w -= LEARNING_RATE * gradient.w;
        summed.b -= LEARNING_RATE * gradient.b;
    }
    writeln!(
        out,
        "  summed gradient, η = {LEARNING_RATE} (acts like η = {}): L after 10 steps = {:.1e}",
        LEARNING_RATE * SAMPLES as f64,
        mse(summed, &data)
    )?;
    let lines = per_sample_descent(&data, 0.01, 1000);
    let largest_residual = lines
        .iter()
        .zip(&data)
        .map(|(line, s)| (line.predict(s.x) - s.y).abs())
        .fold(0.0, f64::max);
    let slopes = lines.iter().map(|line| line.w);
    let (low, high) = slopes.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), w| {
        (lo.min(w), hi.max(w))
    });
    writeln!(
        out,
        "  per-sample lines, η = 0.01, 1000 steps: largest residual {largest_residual:.1e}, \
         slopes from {low:.2} to {high:.2}"
    )?;

    if let Some(path) = session.figure("ch04-fit.png")? {
        let after = |steps: usize| descend(start, &data, LEARNING_RATE, steps).0;
        let mut lines: Vec<FittedLine> = [1, 3, 10]
            .iter()
            .map(|&steps| {
                let line = after(steps);
                FittedLine {
                    label: format!("after {steps} step{}", if steps == 1 { "" } else { "s" }),
                    slope: line.w,
                    intercept: line.b,
                }
            })
            .collect();
        lines.push(FittedLine {
            label: "least squares (closed form)".into(),
            slope: best.w,
            intercept: best.b,
        });
        scatter_with_line(
            &path,
            &RegressionPlot {
                title: format!("Gradient descent fitting ŷ = w x + b (η = {LEARNING_RATE})"),
                x_label: "x".into(),
                y_label: "y".into(),
                points: data.iter().map(|s| (s.x, s.y)).collect(),
                lines,
            },
        )?;
    }
    if let Some(path) = session.figure("ch04-learning-rates.png")? {
        line_chart(
            &path,
            &LineChart {
                title: format!(
                    "Loss above its minimum, by learning rate (bound 2/λ_max = {bound:.3})"
                ),
                x_label: "step".into(),
                y_label: "L − L*".into(),
                series: curves,
                y_range: Some((1e-7, 1e4)),
                log_y: true,
            },
        )?;
    }
    if let Some(path) = session.figure("ch04-batch-sizes.png")? {
        line_chart(
            &path,
            &LineChart {
                title: "Batch, mini-batch and stochastic gradient descent (η = 0.1)".into(),
                x_label: "epoch (passes over the data)".into(),
                y_label: "L − L*".into(),
                series: batch_curves,
                y_range: None,
                log_y: true,
            },
        )?;
    }
    Ok(())
}
