//! Chapter 4: gradient descent and linear regression. Every equation is checked against an
//! independent computation: gradients against central differences of the loss, the closed form
//! against nalgebra's least-squares solver, the Hessian against differences of the gradient and
//! the learning-rate bound against nalgebra's symmetric eigen-decomposition.

use chapters::ch04_gradient_descent::{
    LEARNING_RATE, LEARNING_RATES, Line, LineNetwork, SAMPLES, SEED, Sample, descend, eigenvalues,
    gradient_descent_step, hessian, least_squares, make_data, minibatch_descent, mse, mse_gradient,
    per_sample_descent, summed_gradient,
};
use nabla::Batch;
use nabla::loss::{Loss, MeanSquaredError};
use nabla::nalgebra::{DMatrix, DVector, Matrix2, SymmetricEigen, Vector2};
use nabla::network::{Network, Parameters};
use nabla::optim::{Optimizer, Sgd};
use nabla_tests::{
    assert_gradients_match, finite_difference_gradient, max_relative_error, seeded, uniform_vec,
};
use rand::Rng;
use rand::seq::SliceRandom;

fn data() -> Vec<Sample> {
    make_data(SEED, SAMPLES)
}

/// A few parameter points `(w, b)` spread around the plane, seeded.
fn points() -> Vec<Line> {
    let values = uniform_vec(&mut seeded(40), 10, -4.0, 4.0);
    values
        .chunks(2)
        .map(|p| Line { w: p[0], b: p[1] })
        .collect()
}

/// The loss as a function of the parameter vector `[w, b]`.
fn loss_of(data: &[Sample]) -> impl Fn(&[f64]) -> f64 + '_ {
    move |p| mse(Line { w: p[0], b: p[1] }, data)
}

/// The design matrix `A` with rows `[xᵢ, 1]` and the targets `y`.
fn design(data: &[Sample]) -> (DMatrix<f64>, DVector<f64>) {
    let a = DMatrix::from_fn(data.len(), 2, |i, j| if j == 0 { data[i].x } else { 1.0 });
    let y = DVector::from_iterator(data.len(), data.iter().map(|s| s.y));
    (a, y)
}

/// The minimizer of `‖A θ − y‖²` from nalgebra's SVD, independent of equation 4.6.
fn reference_least_squares(data: &[Sample]) -> Line {
    let (a, y) = design(data);
    let theta = a.svd(true, true).solve(&y, 1e-14).expect("A has full rank");
    Line {
        w: theta[0],
        b: theta[1],
    }
}

fn distance(a: Line, b: Line) -> f64 {
    (a.w - b.w).hypot(a.b - b.b)
}

/// The Hessian by central differences of the analytic gradient, column by column.
fn numeric_hessian(data: &[Sample], at: Line) -> Matrix2<f64> {
    let h = 1e-4;
    let gradient = |w: f64, b: f64| {
        let g = mse_gradient(Line { w, b }, data);
        Vector2::new(g.w, g.b)
    };
    let column_w = (gradient(at.w + h, at.b) - gradient(at.w - h, at.b)) / (2.0 * h);
    let column_b = (gradient(at.w, at.b + h) - gradient(at.w, at.b - h)) / (2.0 * h);
    Matrix2::from_columns(&[column_w, column_b])
}

/// The network `1 => identity 1` with weight `w` and bias `b`.
fn network(line: Line) -> LineNetwork<f64> {
    let mut network = LineNetwork::<f64>::zeros();
    network.layer1.weights.as_mut_slice()[0] = line.w;
    network.layer1.bias.as_mut_slice()[0] = line.b;
    network
}

fn batches(data: &[Sample]) -> (Batch<f64, 1>, Batch<f64, 1>) {
    let inputs = Batch::from_iterator(data.len(), data.iter().map(|s| s.x));
    let targets = Batch::from_iterator(data.len(), data.iter().map(|s| s.y));
    (inputs, targets)
}

#[test]
fn eq_4_1_the_line_is_a_network_with_one_identity_neuron() {
    let data = data();
    let (inputs, _) = batches(&data);
    for line in points() {
        let outputs = network(line).logits(&inputs);
        for (s, &output) in data.iter().zip(outputs.iter()) {
            let expected = line.w * s.x + line.b;
            assert!((line.predict(s.x) - expected).abs() <= 1e-15 * expected.abs().max(1.0));
            assert!((output - expected).abs() <= 1e-14 * expected.abs().max(1.0));
        }
    }
}

#[test]
fn eq_4_2_mse_is_the_mean_squared_residual() {
    // The chapter's `mse`; the library's `MeanSquaredError` passes the exercise's check below.
    let data = data();
    let (a, y) = design(&data);
    for line in points() {
        // ‖A θ − y‖² / n, computed by nalgebra's matrix product.
        let expected = (&a * Vector2::new(line.w, line.b) - &y).norm_squared() / data.len() as f64;
        assert!(
            (mse(line, &data) - expected).abs() <= 1e-12 * expected,
            "chapter's mse"
        );
    }
}

/// The analytic gradient and the central-difference gradient at `line`.
fn gradients_at(data: &[Sample], line: Line) -> ([f64; 2], Vec<f64>) {
    let analytic = mse_gradient(line, data);
    let numeric = finite_difference_gradient(loss_of(data), &[line.w, line.b]);
    ([analytic.w, analytic.b], numeric)
}

#[test]
fn eq_4_3_mse_gradient_in_w() {
    // The chapter's `mse_gradient`; the library's backward pass through `1 => identity 1`
    // passes the exercise's check below.
    let data = data();
    for line in points() {
        let (analytic, numeric) = gradients_at(&data, line);
        assert_gradients_match("∂L/∂w", &analytic[..1], &numeric[..1]);
    }
}

#[test]
fn eq_4_4_mse_gradient_in_b() {
    let data = data();
    for line in points() {
        let (analytic, numeric) = gradients_at(&data, line);
        assert_gradients_match("∂L/∂b", &analytic[1..], &numeric[1..]);
    }
}

#[test]
fn the_gradient_without_the_factor_2_or_with_the_sign_flipped_fails_the_check() {
    let data = data();
    for line in points() {
        let (analytic, numeric) = gradients_at(&data, line);
        let halved = [analytic[0] / 2.0, analytic[1] / 2.0];
        let flipped = [-analytic[0], -analytic[1]];
        // Half the true value is off by 50%, the opposite sign by 200%.
        assert!((max_relative_error(&halved, &numeric) - 0.5).abs() < 1e-6);
        assert!((max_relative_error(&flipped, &numeric) - 2.0).abs() < 1e-6);
    }
}

#[test]
fn eq_4_5_gradient_descent_converges_to_the_least_squares_line() {
    let data = data();
    let best = reference_least_squares(&data);
    for start in [Line::default(), Line { w: -3.0, b: 5.0 }] {
        let (end, losses) = descend(start, &data, LEARNING_RATE, 500);
        assert!(
            distance(end, best) < 1e-10,
            "ended at {end:?}, least squares is {best:?}"
        );
        // On this convex bowl, with η below the bound, the loss never goes up.
        assert!(losses.windows(2).all(|pair| pair[1] <= pair[0] + 1e-15));
    }
}

#[test]
fn eq_4_6_closed_form_matches_a_least_squares_solver() {
    for (seed, count) in [(SEED, SAMPLES), (99, 7), (5, 1000)] {
        let data = make_data(seed, count);
        let closed_form = least_squares(&data);
        let reference = reference_least_squares(&data);
        assert!(
            distance(closed_form, reference) < 1e-12,
            "seed {seed}: {closed_form:?} vs {reference:?}"
        );
        // The gradient vanishes there: it is the bottom of the bowl.
        let gradient = mse_gradient(closed_form, &data);
        assert!(gradient.w.abs() < 1e-12 && gradient.b.abs() < 1e-12);
    }
}

#[test]
fn eq_4_7_hessian_matches_differences_of_the_gradient() {
    let data = data();
    let analytic = hessian(&data);
    for line in points() {
        let numeric = numeric_hessian(&data, line);
        let analytic = [
            analytic[0][0],
            analytic[0][1],
            analytic[1][0],
            analytic[1][1],
        ];
        assert_gradients_match("Hessian", &analytic, numeric.as_slice());
    }
}

#[test]
fn eq_4_8_one_step_multiplies_the_error_by_i_minus_eta_h() {
    let data = data();
    let best = reference_least_squares(&data);
    let h = numeric_hessian(&data, Line::default());
    for (line, eta) in points().into_iter().zip([0.01, 0.1, 0.3, 0.5, 1.0]) {
        let mut next = line;
        gradient_descent_step(&mut next, &data, eta);
        let error = Vector2::new(line.w - best.w, line.b - best.b);
        let predicted = (Matrix2::identity() - h * eta) * error;
        let actual = Vector2::new(next.w - best.w, next.b - best.b);
        assert!(
            (actual - predicted).norm() <= 1e-8 * error.norm(),
            "η = {eta}: {actual} vs {predicted}"
        );
    }
}

#[test]
fn eq_4_9_gradient_descent_is_stable_exactly_below_two_over_lambda_max() {
    let data = data();
    let eigen = SymmetricEigen::new(numeric_hessian(&data, Line::default()));
    let lambda_max = eigen.eigenvalues.max();
    let (_, chapter_lambda_max) = eigenvalues(hessian(&data));
    assert!((chapter_lambda_max - lambda_max).abs() < 1e-8 * lambda_max);

    let bound = 2.0 / lambda_max;
    let best = reference_least_squares(&data);
    let start = Line::default();
    let initial = distance(start, best);
    let (below, _) = descend(start, &data, 0.99 * bound, 3000);
    let (above, _) = descend(start, &data, 1.01 * bound, 3000);
    assert!(
        distance(below, best) < 1e-9 * initial,
        "η = 0.99 · 2/λ_max did not converge"
    );
    assert!(
        distance(above, best) > 1e6 * initial,
        "η = 1.01 · 2/λ_max did not diverge"
    );
    // The book's figure shows one rate just below the bound and one just above it.
    assert!(LEARNING_RATES[2] < bound && bound < LEARNING_RATES[3]);
}

#[test]
fn eq_4_10_minibatch_gradients_average_to_the_full_gradient() {
    let data = data();
    let mut order: Vec<usize> = (0..data.len()).collect();
    order.shuffle(&mut seeded(41));
    for line in points() {
        let full = mse_gradient(line, &data);
        for batch_size in [1, 10, 25] {
            let batch_gradients: Vec<Line> = order
                .chunks(batch_size)
                .map(|indices| {
                    let batch: Vec<Sample> = indices.iter().map(|&i| data[i]).collect();
                    mse_gradient(line, &batch)
                })
                .collect();
            let count = batch_gradients.len() as f64;
            let mean_w = batch_gradients.iter().map(|g| g.w).sum::<f64>() / count;
            let mean_b = batch_gradients.iter().map(|g| g.b).sum::<f64>() / count;
            assert!((mean_w - full.w).abs() <= 1e-12 * full.w.abs().max(1.0));
            assert!((mean_b - full.b).abs() <= 1e-12 * full.b.abs().max(1.0));
        }
    }
    // With the whole data set as its only batch, mini-batch descent is batch gradient descent.
    let (whole, _) = minibatch_descent(Line::default(), &data, 0.1, data.len(), 20, &mut seeded(0));
    let (batch, _) = descend(Line::default(), &data, 0.1, 20);
    // (The same numbers, summed in a shuffled order: equal up to rounding.)
    assert!(distance(whole, batch) < 1e-12, "{whole:?} vs {batch:?}");
}

#[test]
fn a_summed_gradient_acts_like_an_n_times_larger_learning_rate() {
    let data = data();
    let n = data.len() as f64;
    let start = Line::default();
    let summed = summed_gradient(start, &data);
    let (_, numeric) = gradients_at(&data, start);
    assert!((summed.w - n * numeric[0]).abs() < 1e-6 * summed.w.abs());
    assert!((summed.b - n * numeric[1]).abs() < 1e-6 * summed.b.abs());
    // n η is far above the bound: ten steps blow the loss up, while the mean gradient shrinks it.
    let mut line = start;
    for _ in 0..10 {
        let g = summed_gradient(line, &data);
        line.w -= LEARNING_RATE * g.w;
        line.b -= LEARNING_RATE * g.b;
    }
    let (correct, _) = descend(start, &data, LEARNING_RATE, 10);
    assert!(mse(line, &data) > 1e10 * mse(start, &data));
    assert!(mse(correct, &data) < mse(start, &data));
}

#[test]
fn per_sample_updates_fit_every_point_but_learn_no_single_line() {
    let data = data();
    let lines = per_sample_descent(&data, 0.01, 1000);
    // Each sample's own (wᵢ, bᵢ) only ever moves along (xᵢ, 1), its gradient direction, so from
    // (0, 0) it converges to the point on that direction that fits the sample exactly:
    // (wᵢ, bᵢ) = yᵢ (xᵢ, 1) / (xᵢ² + 1).
    for (line, s) in lines.iter().zip(&data) {
        let scale = s.y / (s.x * s.x + 1.0);
        assert!((line.w - scale * s.x).abs() < 1e-7 && (line.b - scale).abs() < 1e-7);
        assert!(
            (line.predict(s.x) - s.y).abs() < 1e-7,
            "each point is fitted exactly"
        );
    }
    let slopes: Vec<f64> = lines.iter().map(|line| line.w).collect();
    let spread = slopes.iter().copied().fold(f64::NEG_INFINITY, f64::max)
        - slopes.iter().copied().fold(f64::INFINITY, f64::min);
    let best = reference_least_squares(&data);
    assert!(
        spread > 1.0,
        "the slopes spread over {spread}, instead of agreeing near {}",
        best.w
    );
}

#[test]
fn ch04_larger_inputs_shrink_the_usable_learning_rate_about_66_times() {
    // The text: with x ten times larger the Hessian is [[300.05, 20.312], [20.312, 2]] and
    // λ_max ≈ 301.4 instead of 4.59, so the bound 2/λ_max is about 66 times smaller; and at
    // η = 0.02 even the steep direction shrinks by only |1 − 0.02 λ_max| ≈ 0.908 per step.
    let data = make_data(SEED, SAMPLES);
    let scaled: Vec<Sample> = data
        .iter()
        .map(|s| Sample {
            x: 10.0 * s.x,
            y: s.y,
        })
        .collect();
    let (h, h_scaled) = (hessian(&data), hessian(&scaled));
    assert!((h_scaled[0][0] - 300.05).abs() < 0.01 && (h_scaled[0][1] - 20.312).abs() < 1e-3);
    let (λ, λ_scaled) = (eigenvalues(h).1, eigenvalues(h_scaled).1);
    assert!((λ_scaled - 301.4).abs() < 0.05, "{λ_scaled}");
    assert!((λ_scaled / λ - 66.0).abs() < 0.5, "{}", λ_scaled / λ);
    assert!(((1.0 - 0.02 * λ).abs() - 0.908).abs() < 5e-4);
}

#[test]
fn ch04_sgd_jumps_around_the_minimum_by_an_amount_that_depends_on_how_it_samples() {
    // Started at the minimum, single-sample SGD with a fixed η keeps moving. Reshuffled each
    // epoch, as the chapter's program does, the per-sample gradients at θ* sum to zero over an
    // epoch, so at the end of each epoch the distance from θ* is proportional to η and the
    // excess loss L − L* to η². Drawn with replacement, the noise accumulates against a pull
    // back of about ηλ per step: the variance settles proportional to η, the spread to √η.
    // A quarter of the rate: about 1/16 of the excess loss, or about 1/4.
    let data = make_data(SEED, SAMPLES);
    let best = least_squares(&data);
    let floor = mse(best, &data);
    let reshuffled = |learning_rate: f64| {
        let mut rng = seeded(11);
        let (_, losses) = minibatch_descent(best, &data, learning_rate, 1, 2000, &mut rng);
        losses[100..].iter().map(|c| c - floor).sum::<f64>() / (losses.len() - 100) as f64
    };
    let with_replacement = |learning_rate: f64| {
        let mut rng = seeded(12);
        let mut line = best;
        let mut excess = 0.0;
        for step in 0..200_000 {
            let sample = data[rng.random_range(0..data.len())];
            gradient_descent_step(&mut line, &[sample], learning_rate);
            if step >= 10_000 {
                excess += mse(line, &data) - floor;
            }
        }
        excess / 190_000.0
    };
    let ratio = reshuffled(0.02) / reshuffled(0.005);
    assert!(
        (10.0..30.0).contains(&ratio),
        "reshuffled: ratio {ratio}, expected about 16"
    );
    let ratio = with_replacement(0.02) / with_replacement(0.005);
    assert!(
        (3.0..5.5).contains(&ratio),
        "with replacement: ratio {ratio}, expected about 4"
    );
}

// The exercises' checks, run on the library's network `1 => identity 1` with its
// `MeanSquaredError` and `Sgd`: one function verifies each equation for the book and grades the
// learner's answer.

/// The network holding the line (w, b), and the points as batches.
fn line_and_batches(
    w: f64,
    b: f64,
    xs: &[f64],
    ys: &[f64],
) -> (LineNetwork<f64>, Batch<f64, 1>, Batch<f64, 1>) {
    let inputs = Batch::<f64, 1>::from_column_slice(xs);
    let targets = Batch::<f64, 1>::from_column_slice(ys);
    (network(Line { w, b }), inputs, targets)
}

/// The library's loss of the line (w, b) on the points.
fn library_loss(w: f64, b: f64, xs: &[f64], ys: &[f64]) -> f64 {
    let (network, inputs, targets) = line_and_batches(w, b, xs, ys);
    MeanSquaredError.value(&network.logits(&inputs), &targets)
}

/// The library's gradients of its loss with respect to the network's parameters.
fn library_gradients(
    network: &LineNetwork<f64>,
    inputs: &Batch<f64, 1>,
    targets: &Batch<f64, 1>,
) -> LineNetwork<f64> {
    let (mut trace, mut gradients) = (Default::default(), network.zeros_like());
    let mut output_gradient = Batch::zeros(0);
    let outputs = network.forward_trace(inputs, nabla::layer::Pass::train(0), &mut trace);
    MeanSquaredError.value_and_gradient(outputs, targets, &mut output_gradient);
    network.backward(inputs, &mut trace, &output_gradient, &mut gradients);
    gradients
}

/// One step of the library's `Sgd` on the points, the line copied in and out.
fn library_step(w: &mut f64, b: &mut f64, xs: &[f64], ys: &[f64], eta: f64) {
    let (mut network, inputs, targets) = line_and_batches(*w, *b, xs, ys);
    let gradients = library_gradients(&network, &inputs, &targets);
    Sgd::new(eta).step(&mut network, &gradients);
    (*w, *b) = (
        network.layer1.weights.as_slice()[0],
        network.layer1.bias.as_slice()[0],
    );
}

/// (4.2): the check of exercise 4.1 passes the library's `MeanSquaredError`.
#[test]
fn eq_4_2_the_librarys_mse_passes_the_exercise_check() {
    let outcome = exercises::checks::ch04_gradient_descent::mse_loss(library_loss);
    assert!(outcome.passed(), "{outcome:?}");
}

/// (4.3) and (4.4): the check of exercise 4.2 passes the library's backward pass, against
/// central differences of the library's loss.
#[test]
fn eq_4_3_the_librarys_backward_pass_passes_the_exercise_check() {
    let gradient = |w, b, xs: &[f64], ys: &[f64]| {
        let (network, inputs, targets) = line_and_batches(w, b, xs, ys);
        let g = library_gradients(&network, &inputs, &targets);
        [g.layer1.weights.as_slice()[0], g.layer1.bias.as_slice()[0]]
    };
    let outcome = exercises::checks::ch04_gradient_descent::mse_gradient(gradient, library_loss);
    assert!(outcome.passed(), "{outcome:?}");
}

/// (4.5) and (4.6): the check of exercise 4.3 passes a step of the library's `Sgd`, which
/// reaches the least-squares line in 300 steps.
#[test]
fn eq_4_5_the_librarys_sgd_step_passes_the_exercise_check() {
    let check = exercises::checks::ch04_gradient_descent::gradient_descent_step;
    let outcome = check(library_step, library_loss);
    assert!(outcome.passed(), "{outcome:?}");
}

/// (4.10): the check of exercise 4.4 passes the library's `Sgd` stepping once per batch cut from
/// the given order, the library's loss a mean over each batch's own points.
#[test]
fn eq_4_10_library_steps_batch_by_batch_pass_the_exercise_check() {
    let epoch = |w: &mut f64, b: &mut f64, xs: &[f64], ys: &[f64], order: &[usize], m, eta| {
        for batch in order.chunks(m) {
            let (bx, by): (Vec<f64>, Vec<f64>) = batch.iter().map(|&i| (xs[i], ys[i])).unzip();
            library_step(w, b, &bx, &by, eta);
        }
    };
    let outcome = exercises::checks::ch04_gradient_descent::minibatch_epoch(epoch);
    assert!(outcome.passed(), "{outcome:?}");
}
