//! Chapter 2, the artificial neuron: the weighted sum, the step, the perceptron rule, its
//! convergence bound on AND and OR, and why XOR defeats it.

use chapters::ch02_neuron::{
    Example, GATES, INPUTS, Neuron, Perceptron, Step, mistake_bound, train, truth_table,
};
use nabla::Batch;
use nabla::activation::{Elementwise, Relu, Sigmoid, Tanh};
use nabla::gradcheck::relative_error;
use nabla_tests::{seeded, uniform_dense, uniform_vec};
use rand::Rng;

/// The truth table of the gate called `name`.
fn gate(name: &str) -> [Example<2>; 4] {
    let (_, gate) = GATES
        .iter()
        .find(|(gate_name, _)| *gate_name == name)
        .expect("a gate of that name");
    truth_table(*gate)
}

/// A neuron with weights and bias drawn uniformly from `[-2, 2)`.
fn random_neuron<const N: usize>(rng: &mut impl Rng) -> Neuron<N> {
    Neuron {
        weights: std::array::from_fn(|_| rng.random_range(-2.0..2.0)),
        bias: rng.random_range(-2.0..2.0),
    }
}

#[test]
fn the_truth_tables_are_and_or_xor() {
    let targets = |name| gate(name).map(|(_, target)| target);
    assert_eq!(INPUTS, gate("AND").map(|(input, _)| input));
    assert_eq!(targets("AND"), [0.0, 0.0, 0.0, 1.0]);
    assert_eq!(targets("OR"), [0.0, 1.0, 1.0, 1.0]);
    assert_eq!(targets("XOR"), [0.0, 1.0, 1.0, 0.0]);
}

#[test]
fn eq_2_1_weighted_sum() {
    // z = Σ wᵢ xᵢ + b and a = f(z), against the library's dense layer with one output and the
    // library's activations applied to its result.
    let mut rng = seeded(21);
    for _ in 0..20 {
        let layer = uniform_dense::<3, 1>(&mut rng);
        let neuron = Neuron::<3> {
            weights: std::array::from_fn(|i| layer.weights[(0, i)]),
            bias: layer.bias[(0, 0)],
        };
        let inputs = uniform_vec(&mut rng, 3 * 10, -3.0, 3.0);
        let batch = Batch::<f64, 3>::from_column_slice(&inputs);
        let z = layer.forward(&batch);
        for (column, input) in inputs.chunks_exact(3).enumerate() {
            let input: [f64; 3] = input.try_into().unwrap();
            let expected = z[(0, column)];
            let weighted_input = neuron.weighted_input(&input);
            assert!(
                relative_error(weighted_input, expected, 1e-12) < 1e-12,
                "z = {weighted_input}, the dense layer gives {expected}"
            );
            let pairs = [
                (neuron.output(&Sigmoid, &input), Sigmoid.value(expected)),
                (neuron.output(&Tanh, &input), Tanh.value(expected)),
                (neuron.output(&Relu, &input), Relu.value(expected)),
            ];
            for (output, from_layer) in pairs {
                assert!(relative_error(output, from_layer, 1e-12) < 1e-12);
            }
        }
    }
}

#[test]
fn eq_2_2_step_activation() {
    // step(z) = 1 for z > 0, and 0 for z ≤ 0 (including z = 0 itself).
    let mut points = uniform_vec(&mut seeded(22), 200, -5.0, 5.0);
    points.extend([0.0, -0.0, 1e-300, -1e-300]);
    for z in points {
        let expected = if z > 0.0 { 1.0 } else { 0.0 };
        assert_eq!(Elementwise::<f64>::value(&Step, z), expected, "step({z})");
    }
    // The perceptron's prediction is the step of its weighted input.
    let mut rng = seeded(23);
    for _ in 0..200 {
        let perceptron = Perceptron {
            neuron: random_neuron::<2>(&mut rng),
            learning_rate: 1.0,
        };
        let input = [rng.random_range(-2.0..2.0), rng.random_range(-2.0..2.0)];
        let z = perceptron.neuron.weighted_input(&input);
        assert_eq!(perceptron.predict(&input), if z > 0.0 { 1.0 } else { 0.0 });
    }
}

#[test]
fn eq_2_3_perceptron_rule() {
    // w ← w + η (y − ŷ) x and b ← b + η (y − ŷ), with ŷ computed before the update.
    let mut rng = seeded(24);
    let mut updates = 0;
    for _ in 0..500 {
        let neuron = random_neuron::<3>(&mut rng);
        let learning_rate = rng.random_range(0.01..2.0);
        let input: [f64; 3] = std::array::from_fn(|_| rng.random_range(-2.0..2.0));
        let target = if rng.random_bool(0.5) { 1.0 } else { 0.0 };
        let z: f64 = neuron
            .weights
            .iter()
            .zip(&input)
            .map(|(w, x)| w * x)
            .sum::<f64>()
            + neuron.bias;
        let prediction = if z > 0.0 { 1.0 } else { 0.0 };

        let mut perceptron = Perceptron {
            neuron,
            learning_rate,
        };
        let mistake = perceptron.learn(&input, target);
        assert_eq!(mistake, prediction != target);
        updates += usize::from(mistake);
        let updated = perceptron.neuron.weights.iter().zip(&neuron.weights);
        for ((new, old), x) in updated.zip(&input) {
            let expected = old + learning_rate * (target - prediction) * x;
            assert!((new - expected).abs() < 1e-12);
        }
        let expected_bias = neuron.bias + learning_rate * (target - prediction);
        assert!((perceptron.neuron.bias - expected_bias).abs() < 1e-12);
    }
    assert!(
        updates > 100,
        "only {updates} of 500 random examples were mistakes"
    );
}

#[test]
fn eq_2_4_update_moves_weighted_input() {
    // After an update on x, z(x) changes by η (y − ŷ)(|x|² + 1): towards the right side.
    let mut rng = seeded(25);
    let mut moved = 0;
    for _ in 0..500 {
        let neuron = random_neuron::<3>(&mut rng);
        let learning_rate = rng.random_range(0.01..2.0);
        let input: [f64; 3] = std::array::from_fn(|_| rng.random_range(-2.0..2.0));
        let target = if rng.random_bool(0.5) { 1.0 } else { 0.0 };
        let mut perceptron = Perceptron {
            neuron,
            learning_rate,
        };
        let prediction = perceptron.predict(&input);
        let before = perceptron.neuron.weighted_input(&input);
        perceptron.learn(&input, target);
        let after = perceptron.neuron.weighted_input(&input);
        let squared_length: f64 = input.iter().map(|x| x * x).sum();
        let expected = learning_rate * (target - prediction) * (squared_length + 1.0);
        assert!(
            ((after - before) - expected).abs() <= 1e-12 * (1.0 + expected.abs()),
            "z moved by {}, expected {expected}",
            after - before
        );
        if prediction != target {
            moved += 1;
            // A missed 1 gets a larger z, a missed 0 a smaller one.
            assert_eq!((after - before).signum(), 2.0 * target - 1.0);
        }
    }
    assert!(moved > 100);
}

#[test]
fn eq_2_5_mistake_bound() {
    // From zero weights, the perceptron makes at most (R/γ)² mistakes on separable data, for
    // every learning rate and every order of the examples.
    let separators = [
        (
            "AND",
            Neuron {
                weights: [1.0, 1.0],
                bias: -1.5,
            },
        ),
        (
            "OR",
            Neuron {
                weights: [2.0, 2.0],
                bias: -1.0,
            },
        ),
    ];
    for (name, separator) in separators {
        let examples = gate(name);
        let bound = mistake_bound(&examples, &separator).expect("the line separates the gate");
        for seed in 0..20 {
            for learning_rate in [0.01, 1.0, 7.5] {
                let training = train(
                    Neuron::zeros(),
                    learning_rate,
                    &examples,
                    1000,
                    &mut seeded(seed),
                );
                assert!(training.converged_after.is_some());
                assert!(
                    training.total_mistakes() as f64 <= bound,
                    "{name}: {} mistakes, bound {bound}",
                    training.total_mistakes()
                );
            }
        }
    }
    // Random separable data sets in the plane: points at least 0.2 from a random line.
    let mut rng = seeded(26);
    for _ in 0..50 {
        let line = random_neuron::<2>(&mut rng);
        let norm = (line.weights[0].powi(2) + line.weights[1].powi(2)).sqrt();
        let mut examples = Vec::new();
        while examples.len() < 30 {
            let input = [rng.random_range(-3.0..3.0), rng.random_range(-3.0..3.0)];
            let distance = line.weighted_input(&input) / norm;
            if distance.abs() >= 0.2 {
                examples.push((input, if distance > 0.0 { 1.0 } else { 0.0 }));
            }
        }
        let bound = mistake_bound(&examples, &line).expect("the line separates its own labels");
        let training = train(Neuron::zeros(), 0.5, &examples, 100_000, &mut rng);
        assert!(training.converged_after.is_some());
        assert!(training.total_mistakes() as f64 <= bound);
    }
    // A line that misclassifies an example gives no bound.
    let wrong = Neuron {
        weights: [1.0, 1.0],
        bias: -0.5,
    };
    assert!(mistake_bound(&gate("AND"), &wrong).is_none());
}

#[test]
fn perceptron_learns_and_and_or_within_ten_epochs() {
    for name in ["AND", "OR"] {
        let examples = gate(name);
        for seed in 0..20 {
            let training = train(Neuron::zeros(), 1.0, &examples, 10, &mut seeded(seed));
            let epochs = training
                .converged_after
                .unwrap_or_else(|| panic!("{name} (seed {seed}) did not converge in 10 epochs"));
            let last = training.epochs[epochs - 1];
            assert_eq!(last.mistakes, 0);
            let perceptron = Perceptron {
                neuron: last.neuron,
                learning_rate: 1.0,
            };
            assert_eq!(perceptron.correct(&examples), 4, "{name} (seed {seed})");
        }
    }
}

#[test]
fn perceptron_never_learns_xor() {
    // Whatever the start, learning rate and order: 1000 epochs, each with a mistake, and no
    // weights seen along the way classify more than 3 of the 4 examples.
    let examples = gate("XOR");
    let mut rng = seeded(27);
    let mut best_overall = 0;
    for seed in 0..20 {
        let start = if seed == 0 {
            Neuron::zeros()
        } else {
            random_neuron(&mut rng)
        };
        let learning_rate = [1.0, 0.1, 0.37][seed % 3];
        let training = train(
            start,
            learning_rate,
            &examples,
            1000,
            &mut seeded(seed as u64),
        );
        assert_eq!(training.converged_after, None);
        assert_eq!(training.epochs.len(), 1000);
        assert!(training.epochs.iter().all(|epoch| epoch.mistakes > 0));
        assert!(training.best.1 <= 3, "seed {seed}: {:?}", training.best);
        best_overall = best_overall.max(training.best.1);
    }
    assert_eq!(best_overall, 3, "the best line gets 3 of 4 right");
}

/// Whether the weighted input `w₁x₁ + w₂x₂ + b` puts `input` in the class `target`.
fn satisfies(w1: f64, w2: f64, b: f64, (input, target): &Example<2>) -> bool {
    let z = w1 * input[0] + w2 * input[1] + b;
    if *target == 1.0 { z > 0.0 } else { z <= 0.0 }
}

#[test]
fn eq_2_6_xor_inequalities_contradict() {
    // No (w₁, w₂, b) satisfies all four XOR inequalities, though any three can be satisfied,
    // while AND and OR have solutions. Random weights and a grid that includes exact zeros.
    let xor = gate("XOR");
    let (and, or) = (gate("AND"), gate("OR"));
    let mut rng = seeded(28);
    let mut candidates: Vec<(f64, f64, f64)> = (0..100_000)
        .map(|_| {
            (
                rng.random_range(-5.0..5.0),
                rng.random_range(-5.0..5.0),
                rng.random_range(-5.0..5.0),
            )
        })
        .collect();
    let grid: Vec<f64> = (-8..=8).map(|i| f64::from(i) / 4.0).collect();
    for &w1 in &grid {
        for &w2 in &grid {
            for &b in &grid {
                candidates.push((w1, w2, b));
            }
        }
    }
    let mut three_of_four = [false; 4];
    let (mut and_solved, mut or_solved) = (false, false);
    for &(w1, w2, b) in &candidates {
        let held: Vec<bool> = xor.iter().map(|ex| satisfies(w1, w2, b, ex)).collect();
        assert!(
            held.iter().any(|h| !h),
            "({w1}, {w2}, {b}) satisfies all four XOR inequalities"
        );
        if let Some(broken) = (held.iter().filter(|h| !**h).count() == 1)
            .then(|| held.iter().position(|h| !h))
            .flatten()
        {
            three_of_four[broken] = true;
        }
        // The proof's step: (w₁ + b) + (w₂ + b) = (w₁ + w₂ + b) + b.
        assert!(((w1 + b) + (w2 + b) - ((w1 + w2 + b) + b)).abs() < 1e-12);
        and_solved |= and.iter().all(|ex| satisfies(w1, w2, b, ex));
        or_solved |= or.iter().all(|ex| satisfies(w1, w2, b, ex));
    }
    assert_eq!(
        three_of_four, [true; 4],
        "each inequality alone can be given up"
    );
    assert!(and_solved && or_solved, "AND and OR have separating lines");
}

/// The chapter's perceptron with `N` inputs, holding `weights`, `bias` and the rate `eta`.
fn perceptron<const N: usize>(weights: &[f64], bias: f64, eta: f64) -> Perceptron<N> {
    Perceptron {
        neuron: Neuron {
            weights: weights.try_into().expect("N weights"),
            bias,
        },
        learning_rate: eta,
    }
}

/// The chapter's `Perceptron::predict` for the input sizes the exercise's check uses.
fn chapter_output(weights: &[f64], bias: f64, inputs: &[f64]) -> f64 {
    match inputs.len() {
        2 => perceptron::<2>(weights, bias, 1.0).predict(&inputs.try_into().unwrap()),
        3 => perceptron::<3>(weights, bias, 1.0).predict(&inputs.try_into().unwrap()),
        n => panic!("no perceptron with {n} inputs"),
    }
}

/// (2.1) and (2.2): the check that grades the learner's perceptron output (exercise 2.1) passes
/// the chapter's `Perceptron::predict`, `z = 0` among its cases.
#[test]
fn eq_2_2_the_chapters_perceptron_passes_the_exercise_check() {
    let outcome = exercises::checks::ch02_neuron::perceptron_output(chapter_output);
    assert!(outcome.passed(), "{outcome:?}");
}

/// (2.3): the check of exercise 2.2 (hand-worked steps, then learning AND from zero weights)
/// passes the chapter's `Perceptron::learn`, its weights and bias copied in and out.
#[test]
fn eq_2_3_the_chapters_perceptron_rule_passes_the_exercise_check() {
    let learn = |weights: &mut [f64], bias: &mut f64, inputs: &[f64], target: f64, eta: f64| {
        let mut chapter = perceptron::<2>(weights, *bias, eta);
        chapter.learn(&inputs.try_into().expect("2 inputs"), target);
        weights.copy_from_slice(&chapter.neuron.weights);
        *bias = chapter.neuron.bias;
    };
    let outcome = exercises::checks::ch02_neuron::perceptron_update(learn);
    assert!(outcome.passed(), "{outcome:?}");
}
