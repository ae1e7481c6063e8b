//! Chapter 2's program: what it prints and draws.

use super::*;

/// Runs this chapter's program.
pub fn run(session: &mut Session) -> ChapterResult {
    one_neuron(session)?;
    for (name, gate) in GATES {
        // ANCHOR: run_gate
        let examples = truth_table(gate);
        let mut rng = StdRng::seed_from_u64(SEED);
        let training = train(
            Neuron::zeros(),
            LEARNING_RATE,
            &examples,
            MAX_EPOCHS,
            &mut rng,
        );
        // ANCHOR_END: run_gate
        writeln!(session.out)?;
        report(session, name, &examples, &training)?;
        draw(session, name, &examples, &training)?;
    }
    Ok(())
}

/// `-0` printed as `0`.
fn number(x: f64) -> String {
    format!("{}", x + 0.0)
}

/// Evaluates one neuron on one input under several activations.
fn one_neuron(session: &mut Session) -> ChapterResult {
    // ANCHOR: one_neuron
    let neuron = Neuron {
        weights: [0.5, -1.0, 0.25],
        bias: 0.1,
    };
    let input = [2.0, 0.5, 4.0];
    let z = neuron.weighted_input(&input);
    // ANCHOR_END: one_neuron
    let out = &mut session.out;
    writeln!(
        out,
        "a neuron with weights {:?} and bias {}, on the input {:?}:",
        neuron.weights, neuron.bias, input
    )?;
    writeln!(out, "  weighted input z = {z:.4}")?;
    writeln!(out, "  step(z)    = {}", neuron.output(&Step, &input))?;
    writeln!(out, "  sigmoid(z) = {:.4}", neuron.output(&Sigmoid, &input))?;
    writeln!(out, "  tanh(z)    = {:.4}", neuron.output(&Tanh, &input))?;
    writeln!(out, "  relu(z)    = {:.4}", neuron.output(&Relu, &input))?;
    if let Some(path) = session.figure("ch02-neuron.png")? {
        plot::diagram(&path, &diagram::neuron_diagram(&neuron, &input))?;
    }
    Ok(())
}

/// Prints how a run went: the epochs, then the truth table with the final predictions.
fn report(
    session: &mut Session,
    name: &str,
    examples: &[Example<2>],
    training: &Training<2>,
) -> ChapterResult {
    let out = &mut session.out;
    writeln!(
        out,
        "{name}: perceptron rule with learning rate {LEARNING_RATE}, from w = (0, 0), b = 0, \
         examples shuffled each epoch (seed {SEED})"
    )?;
    writeln!(out, "  epoch  mistakes    w1    w2     b")?;
    const SHOWN: usize = 8;
    for epoch in training.epochs.iter().take(SHOWN) {
        let Neuron { weights, bias } = epoch.neuron;
        writeln!(
            out,
            "  {:>5}  {:>8}  {:>4}  {:>4}  {:>4}",
            epoch.number,
            epoch.mistakes,
            number(weights[0]),
            number(weights[1]),
            number(bias)
        )?;
    }
    if training.epochs.len() > SHOWN {
        writeln!(out, "  ... ({} epochs in all)", training.epochs.len())?;
    }
    let last = training.epochs.last().map_or(Neuron::zeros(), |e| e.neuron);
    let shown = match training.converged_after {
        Some(epoch) => {
            writeln!(
                out,
                "  converged: epoch {epoch} made no mistake ({} updates in all)",
                training.total_mistakes()
            )?;
            last
        }
        None => {
            writeln!(
                out,
                "  not converged: every one of the {} epochs made a mistake",
                training.epochs.len()
            )?;
            writeln!(
                out,
                "  the weights wander but stay small: no weight or bias ever exceeded {} in size",
                training.largest_weight()
            )?;
            writeln!(
                out,
                "  the best weights seen classify {} of {} examples",
                training.best.1,
                examples.len()
            )?;
            training.best.0
        }
    };
    let which = if training.converged_after.is_some() {
        "final"
    } else {
        "best"
    };
    writeln!(out, "  {which} weights on the truth table:")?;
    writeln!(out, "    x1  x2  target     z  prediction")?;
    let perceptron = Perceptron {
        neuron: shown,
        learning_rate: LEARNING_RATE,
    };
    for (input, target) in examples {
        let prediction = perceptron.predict(input);
        writeln!(
            out,
            "    {:>2}  {:>2}  {:>6}  {:>4}  {:>10}{}",
            input[0],
            input[1],
            target,
            number(shown.weighted_input(input)),
            prediction,
            if prediction == *target { "" } else { "  wrong" }
        )?;
    }
    if let Some((_, separator)) = SEPARATORS.iter().find(|(gate, _)| *gate == name) {
        if let Some(bound) = mistake_bound(examples, separator) {
            let Neuron { weights, bias } = separator;
            writeln!(
                out,
                "  mistake bound (R/γ)² from the line {}·x1 + {}·x2 {} = 0: {bound:.1} \
                 (the run made {})",
                weights[0],
                weights[1],
                format!("{bias:+}").replace('+', "+ ").replace('-', "− "),
                training.total_mistakes()
            )?;
        }
    }
    Ok(())
}

/// Draws the truth table over the regions the (final or best) weights assign to 0 and 1.
fn draw(
    session: &mut Session,
    name: &str,
    examples: &[Example<2>],
    training: &Training<2>,
) -> ChapterResult {
    let file = format!("ch02-{}.png", name.to_lowercase());
    let Some(path) = session.figure(&file)? else {
        return Ok(());
    };
    let (neuron, title) = match training.converged_after {
        Some(epoch) => (
            training.epochs[epoch - 1].neuron,
            format!("{name}: the line learned in {epoch} epochs"),
        ),
        None => (
            training.best.0,
            format!(
                "{name}: the best line seen in {} epochs ({} of 4 right)",
                training.epochs.len(),
                training.best.1
            ),
        ),
    };
    let classify = |x1: f64, x2: f64| neuron.output(&Step, &[x1, x2]);
    plot::scatter_with_regions(
        &path,
        &DecisionPlot {
            title,
            x_label: "x₁".into(),
            y_label: "x₂".into(),
            points: examples
                .iter()
                .map(|(input, target)| (input[0], input[1], *target as usize))
                .collect(),
            x_range: (-0.5, 1.5),
            y_range: (-0.5, 1.5),
            classify: &classify,
            resolution: 201,
        },
    )?;
    Ok(())
}
