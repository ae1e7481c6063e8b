//! SGD and momentum: the hand-worked steps, momentum (9.1) and its velocity as a weighted sum
//! (9.2) with its gains (9.3), Nesterov (9.4) and the square-root rate of tuned momentum.

use super::*;

#[test]
fn ch09_sgd_takes_the_hand_worked_steps() {
    assert_steps(
        "sgd",
        worked(Sgd::new(ETA)),
        [[0.8, -1.95], [0.7, -2.0]],
        1e-12,
    );
}

/// (9.1) v ← μ v + g, θ ← θ − η v: the first step equals SGD's, the second adds 0.9 of the first.
#[test]
fn eq_9_1_momentum_takes_the_hand_worked_steps() {
    assert_steps(
        "momentum",
        worked(Momentum::new(ETA, 0.9)),
        [[0.8, -1.95], [0.52, -1.955]],
        1e-12,
    );
}

/// (9.1) The check that grades the learner's momentum step (exercise 9.1) passes the library's
/// `Momentum`: θ and v after every step of its runs, the worked example among them.
#[test]
fn eq_9_1_the_librarys_momentum_passes_the_exercise_check() {
    let outcome = exercises::checks::ch09_optimizers::momentum_step(library::momentum_step);
    assert!(outcome.passed(), "{outcome:?}");
}

/// (9.2) v_t = Σ_k μ^(t−k) g_k: the library's steps, divided by −η, are the weighted sums of
/// all gradients so far, for random gradients.
#[test]
fn eq_9_2_the_velocity_is_an_exponentially_weighted_sum_of_gradients() {
    let (eta, mu) = (0.05, 0.8);
    let gradients = uniform_vec(&mut seeded(92), 30, -2.0, 2.0);
    let mut optimizer = Momentum::new(eta, mu);
    let mut theta = [0.0];
    for t in 0..gradients.len() {
        let before = theta[0];
        optimizer.update(0, &mut theta, &gradients[t..=t]);
        let velocity = (before - theta[0]) / eta;
        let sum: f64 = (0..=t)
            .map(|k| mu.powi((t - k) as i32) * gradients[k])
            .sum();
        assert!(
            (velocity - sum).abs() < 1e-12,
            "step {t}: {velocity} vs {sum}"
        );
    }
}

/// (9.3) The velocity's gain: 1/(1 − μ) for a constant gradient, 1/(1 + μ) for one that
/// alternates in sign, once the start is forgotten.
#[test]
fn eq_9_3_momentum_amplifies_steady_gradients_and_damps_alternating_ones() {
    let mu = 0.9;
    let velocity_after = |gradient: &dyn Fn(usize) -> f64| {
        let mut optimizer = Momentum::new(1.0, mu);
        let mut theta = [0.0];
        let mut velocity = 0.0;
        for t in 0..400 {
            let before = theta[0];
            optimizer.update(0, &mut theta, &[gradient(t)]);
            velocity = before - theta[0];
        }
        velocity
    };
    let steady = velocity_after(&|_| 1.0);
    assert!((steady - 1.0 / (1.0 - mu)).abs() < 1e-9, "{steady}");
    // After an even number of steps the last gradient was −1.
    let alternating = velocity_after(&|t| if t % 2 == 0 { 1.0 } else { -1.0 });
    assert!(
        (alternating + 1.0 / (1.0 + mu)).abs() < 1e-9,
        "{alternating}"
    );
}

/// (9.4) Nesterov: v ← μ v + g, θ ← θ − η (g + μ v), worked by hand.
#[test]
fn eq_9_4_nesterov_takes_the_hand_worked_steps() {
    assert_steps(
        "nesterov",
        worked(Nesterov::new(ETA, 0.9)),
        [[0.62, -1.905], [0.268, -1.9595]],
        1e-12,
    );
}

/// The form (9.4) is the classic look-ahead method (the gradient taken at θ + μ v) tracked at
/// the looked-ahead point: on the ravine, the two give the same points.
#[test]
fn ch09_nesterov_is_the_look_ahead_method_in_other_variables() {
    let surface = surfaces::ravine();
    let (eta, mu) = (0.05, 0.9);
    let library = path(&surface, &mut Nesterov::new(eta, mu), 50);
    // Classic: v ← μ v − η ∇L(θ + μ v), θ ← θ + v; its look-ahead point is θ + μ v.
    let (mut theta, mut v) = (surface.start, [0.0, 0.0]);
    for (step, expected) in library.iter().enumerate().skip(1) {
        let ahead = [theta[0] + mu * v[0], theta[1] + mu * v[1]];
        let g = (surface.gradient)(ahead);
        v = [mu * v[0] - eta * g[0], mu * v[1] - eta * g[1]];
        theta = [theta[0] + v[0], theta[1] + v[1]];
        let looked_ahead = [theta[0] + mu * v[0], theta[1] + mu * v[1]];
        for i in 0..2 {
            assert!(
                (looked_ahead[i] - expected[i]).abs() < 1e-10,
                "step {step}: {looked_ahead:?} vs {expected:?}"
            );
        }
    }
}

/// On the ravine, momentum with μ = ((√κ − 1)/(√κ + 1))² and η = 4/(√λ_max + √λ_min)² shrinks
/// the error by about (√κ − 1)/(√κ + 1) = 0.54 per step, where gradient descent at its best
/// rate manages (κ − 1)/(κ + 1) = 0.84.
#[test]
fn ch09_tuned_momentum_shrinks_the_error_at_the_square_root_rate() {
    let (low, high) = eigenvalues(hessian(&make_data(SEED, SAMPLES)));
    let root_kappa = (high / low).sqrt();
    let rate = (root_kappa - 1.0) / (root_kappa + 1.0);
    let eta = 4.0 / (high.sqrt() + low.sqrt()).powi(2);
    let surface = surfaces::ravine();
    let per_step = |optimizer: &mut dyn Optimizer<f64>| {
        let points = path(&surface, optimizer, 40);
        let error = |p: [f64; 2]| {
            let m = surface.minimum.0;
            (p[0] - m[0]).hypot(p[1] - m[1])
        };
        (error(points[40]) / error(points[10])).powf(1.0 / 30.0)
    };
    let momentum = per_step(&mut Momentum::new(eta, rate * rate));
    let descent = per_step(&mut Sgd::new(2.0 / (low + high)));
    assert!(
        (0.5..0.6).contains(&momentum) && momentum > rate,
        "{momentum} vs {rate}"
    );
    assert!(descent > 0.8, "{descent}");
}
