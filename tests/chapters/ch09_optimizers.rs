//! Chapter 9's equations, each checked numerically by the test named after it.
//!
//! The update rules are tested through the library's `Optimizer::update`: one or two steps
//! against the numbers the page works out by hand, and the laws the page derives (the velocity
//! as a weighted sum, its gain for slow and alternating gradients, Nesterov's look-ahead, Adam's
//! bias correction, AdamW's decoupled decay, the schedules). `tests/optimizers.rs` checks more
//! of each optimizer (convergence on a bowl, AdamW's choice of tensors in a real network,
//! resuming from saved state); these tests do not repeat it.

use chapters::ch04_gradient_descent::{SAMPLES, SEED, eigenvalues, hessian, make_data};
use chapters::ch09_optimizers::schedules::{BASE_RATE, EPOCHS, STEPS_PER_EPOCH, WARMUP, rates};
use chapters::ch09_optimizers::steps::{
    DECAY, ETA, UncorrectedAdam, adam_l2_and_adamw, penalized_minimum, step_sizes, two_steps,
};
use chapters::ch09_optimizers::surfaces::{self, path};
use nabla::optim::{AdaGrad, Adam, AdamW, Momentum, Nesterov, Optimizer, RmsProp, Sgd};
use nabla::schedule::Schedule;
use nabla_tests::{seeded, uniform_vec};

/// θ after each of the worked example's two steps (a bias-shaped tensor unless told).
fn worked(mut optimizer: impl Optimizer<f64>) -> [[f64; 2]; 2] {
    two_steps(&mut optimizer, &[2])
}

fn assert_steps(name: &str, actual: [[f64; 2]; 2], by_hand: [[f64; 2]; 2], tolerance: f64) {
    for (step, (a, h)) in actual.iter().zip(&by_hand).enumerate() {
        for i in 0..2 {
            assert!(
                (a[i] - h[i]).abs() <= tolerance,
                "{name}, step {}: θ{} = {} but the page works out {}",
                step + 1,
                i + 1,
                a[i],
                h[i]
            );
        }
    }
}

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

/// (9.5) AdaGrad: G ← G + g², θ ← θ − η g / (√G + ε), worked by hand.
#[test]
fn eq_9_5_adagrad_takes_the_hand_worked_steps() {
    let five = 0.1 / 5f64.sqrt();
    let half = 0.1 * 0.5 / 0.5f64.sqrt();
    assert_steps(
        "adagrad",
        worked(AdaGrad::new(ETA)),
        [[0.9, -1.9], [0.9 - five, -1.9 - half]],
        1e-9,
    );
    assert!((five - 0.044721).abs() < 1e-6 && (half - 0.070711).abs() < 1e-6);
}

/// (9.6) RMSProp: E ← ρ E + (1 − ρ) g², θ ← θ − η g / (√E + ε), worked by hand: the first step
/// is 10 η sign(g), because √(1 − ρ) = 0.1.
#[test]
fn eq_9_6_rmsprop_takes_the_hand_worked_steps() {
    assert_steps(
        "rmsprop",
        worked(RmsProp::new(ETA)),
        [[0.0, -1.0], [-0.449013, -1.708881]],
        1e-6,
    );
}

/// (9.7) m and v are running averages: unrolled, m_t = (1 − β₁) Σ_k β₁^(t−k) g_k, and for a
/// constant gradient m_t = (1 − β₁^t) g, v_t = (1 − β₂^t) g²: too small by exactly the factor
/// the correction divides out. Checked through the library's Adam state.
#[test]
fn eq_9_7_the_moments_are_weighted_sums_that_start_too_small() {
    let gradients = uniform_vec(&mut seeded(97), 20, -3.0, 3.0);
    let mut adam = Adam::new(0.01);
    let mut theta = [0.0];
    for t in 0..gradients.len() {
        adam.begin_step();
        adam.update(0, &mut theta, &gradients[t..=t]);
        let mut state = adam.state();
        let m = state.take("first_moment")[0][0];
        let v = state.take("second_moment")[0][0];
        let weighted = |beta: f64, f: &dyn Fn(f64) -> f64| {
            (1.0 - beta)
                * (0..=t)
                    .map(|k| beta.powi((t - k) as i32) * f(gradients[k]))
                    .sum::<f64>()
        };
        assert!(
            (m - weighted(0.9, &|g| g)).abs() < 1e-12,
            "step {t}: m = {m}"
        );
        assert!(
            (v - weighted(0.999, &|g| g * g)).abs() < 1e-12,
            "step {t}: v = {v}"
        );
    }
    let mut adam = Adam::new(0.01);
    for t in 1..=50 {
        adam.begin_step();
        adam.update(0, &mut theta, &[2.0]);
        let mut state = adam.state();
        let m = state.take("first_moment")[0][0];
        let v = state.take("second_moment")[0][0];
        assert!((m - (1.0 - 0.9f64.powi(t)) * 2.0).abs() < 1e-12);
        assert!((v - (1.0 - 0.999f64.powi(t)) * 4.0).abs() < 1e-12);
    }
}

/// (9.8) The corrected first step has size η whatever the gradient's scale; without the
/// correction it is (1 − β₁)/√(1 − β₂) = 3.16 times η, and for a steady gradient the
/// uncorrected steps grow to 6.5 η around step 10 before settling to η after thousands.
#[test]
fn eq_9_8_bias_correction_makes_the_first_steps_eta_sized() {
    for g in [1e-4, 1e-2, 1.0, 1e2, 1e4] {
        for sign in [1.0, -1.0] {
            let corrected = step_sizes(&mut Adam::new(1e-3), sign * g, 1)[0];
            assert!(
                (corrected - 1.0).abs() < 1e-3,
                "g = {g}: step {corrected} η"
            );
        }
        let uncorrected = step_sizes(&mut UncorrectedAdam::new(1e-3), g, 1)[0];
        assert!(
            (uncorrected - 0.1 / 0.001f64.sqrt()).abs() < 0.01,
            "g = {g}: {uncorrected} η"
        );
    }
    let corrected = step_sizes(&mut Adam::new(1e-3), 1.0, 10_000);
    assert!(corrected.iter().all(|s| (s - 1.0).abs() < 1e-6));
    let uncorrected = step_sizes(&mut UncorrectedAdam::new(1e-3), 1.0, 10_000);
    let largest = uncorrected.iter().copied().fold(0.0, f64::max);
    let formula = |t: i32| (1.0 - 0.9f64.powi(t)) / (1.0 - 0.999f64.powi(t)).sqrt();
    assert!((uncorrected[9] - formula(10)).abs() < 1e-6 && (6.4..6.6).contains(&largest));
    assert!((uncorrected[9_999] - 1.0).abs() < 0.01);
}

/// (9.9) Adam's step θ ← θ − η m̂ / (√v̂ + ε), worked by hand for two steps.
#[test]
fn eq_9_9_adam_takes_the_hand_worked_steps() {
    // Step 2: m̂ = 0.28 / 0.19 and 0.005 / 0.19; v̂ = 0.004996 / 0.001999 and 0.00049975 / 0.001999.
    let m_hat: [f64; 2] = [0.28 / 0.19, 0.005 / 0.19];
    let v_hat: [f64; 2] = [0.004996 / 0.001999, 0.000_499_75 / 0.001999];
    let second = [0, 1].map(|i| [0.9, -1.9][i] - 0.1 * m_hat[i] / v_hat[i].sqrt());
    assert!((second[0] - 0.806782).abs() < 1e-6 && (second[1] + 1.905263).abs() < 1e-6);
    assert_steps("adam", worked(Adam::new(ETA)), [[0.9, -1.9], second], 1e-7);
}

/// (9.7)–(9.9) The check that grades the learner's Adam step (exercise 9.2) passes the
/// library's `Adam`: θ, m and v after every step, with gradients from 10⁻⁴ to 10⁴ (where ε's
/// place shows) and unusual β's.
#[test]
fn eq_9_9_the_librarys_adam_passes_the_exercise_check() {
    let outcome = exercises::checks::ch09_optimizers::adam_step(library::adam_step);
    assert!(outcome.passed(), "{outcome:?}");
}

/// (9.10) AdamW: θ ← θ − η λ θ − η m̂ / (√v̂ + ε) for a weight; a bias takes Adam's steps.
#[test]
fn eq_9_10_adamw_decays_weights_outside_the_moments_and_leaves_biases() {
    let mut weight = AdamW::with_weight_decay(ETA, 0.1);
    let as_weight = two_steps(&mut weight, &[1, 2]);
    // Step 1: (1, −2) × 0.99 = (0.99, −1.98), then Adam's (−0.1, +0.1).
    // Step 2: (0.89, −1.88) × 0.99 = (0.8811, −1.8612), then Adam's second step.
    let adam = worked(Adam::new(ETA));
    let adam_second_step = [0, 1].map(|i| adam[1][i] - adam[0][i]);
    let second = [0, 1].map(|i| [0.8811, -1.8612][i] + adam_second_step[i]);
    assert_steps("adamw, a weight", as_weight, [[0.89, -1.88], second], 1e-7);
    assert!((second[0] - 0.787882).abs() < 1e-6 && (second[1] + 1.866463).abs() < 1e-6);
    let as_bias = two_steps(&mut AdamW::with_weight_decay(ETA, 0.1), &[2]);
    assert_eq!(as_bias, adam, "a bias is not decayed");
}

/// Adam with the L2 penalty settles where loss + λ/2 ‖θ‖² is smallest, θᵢ = aᵢ c/(aᵢ + λ),
/// shrinking the flat direction most; AdamW holds every weight at 1/λ or less, whatever its
/// curvature.
#[test]
fn ch09_adam_with_l2_and_adamw_settle_in_different_places() {
    let [coupled, decoupled] = adam_l2_and_adamw(0.01, 20_000);
    let penalized = penalized_minimum();
    for i in 0..2 {
        assert!(
            (coupled[i] - penalized[i]).abs() < 1e-3,
            "{coupled:?} vs {penalized:?}"
        );
        assert!((decoupled[i] - 1.0 / DECAY).abs() < 2e-3, "{decoupled:?}");
    }
    // The penalized minimum as the page works it out by hand.
    assert!((penalized[0] - 2.857).abs() < 1e-3 && (penalized[1] - 0.5).abs() < 1e-3);
    assert!(coupled[1] < 0.6 && decoupled[1] > 1.9);
}

/// (9.11) Step decay: η_t = η₀ q^⌊e/k⌋, e the epoch of step t (from 0).
#[test]
fn eq_9_11_step_decay_multiplies_by_q_every_k_epochs() {
    let rates = rates(&Schedule::step_decay(3, 0.5));
    for (t, rate) in rates.iter().enumerate() {
        let epoch = t / STEPS_PER_EPOCH;
        let expected = BASE_RATE * 0.5f64.powi((epoch / 3) as i32);
        assert!(
            (rate - expected).abs() < 1e-15,
            "step {t}: {rate} vs {expected}"
        );
    }
}

/// (9.12) Cosine: η_t = η_min + (η₀ − η_min)(1 + cos(π t/T))/2 over T steps. The check that
/// grades the learner's schedule (exercise 9.3) compares the library's rate with the formula at
/// every step 0..=T of three runs; the chapter's run ends exactly at η_min.
#[test]
fn eq_9_12_cosine_falls_from_the_base_rate_to_the_minimum() {
    let outcome = exercises::checks::ch09_optimizers::cosine_rate(library::cosine_rate);
    assert!(outcome.passed(), "{outcome:?}");
    let (total, min) = (STEPS_PER_EPOCH * EPOCHS, 0.01);
    let schedule = Schedule::cosine(min);
    assert_eq!(
        schedule.rate(BASE_RATE, 0, STEPS_PER_EPOCH, total),
        BASE_RATE
    );
    let end = schedule.rate(BASE_RATE, total, STEPS_PER_EPOCH, total);
    assert!((end - min).abs() < 1e-15);
}

/// (9.13) Linear warm-up: step s < t_w gets (s + 1)/t_w of the rate the schedule would give.
#[test]
fn eq_9_13_warm_up_rises_linearly_to_the_schedule() {
    let plain = rates(&Schedule::constant());
    let warmed = rates(&Schedule::constant().with_warmup(WARMUP));
    for (s, (&w, &p)) in warmed.iter().zip(&plain).enumerate() {
        let expected = if s < WARMUP {
            p * (s + 1) as f64 / WARMUP as f64
        } else {
            p
        };
        assert!((w - expected).abs() < 1e-15, "step {s}: {w} vs {expected}");
    }
    assert!((warmed[0] - BASE_RATE / 100.0).abs() < 1e-15);

    // Behind a warm-up the cosine starts at step t_w, with t and T counted from there (9.12);
    // step decay keeps counting epochs from the start (9.11).
    let min = 0.001;
    let total = EPOCHS * STEPS_PER_EPOCH;
    let cosine = rates(&Schedule::cosine(min).with_warmup(WARMUP));
    let decayed = rates(&Schedule::step_decay(3, 0.5).with_warmup(WARMUP));
    for s in 0..total {
        let after = s.saturating_sub(WARMUP) as f64 / (total - WARMUP) as f64;
        let cosine_rate =
            min + (BASE_RATE - min) * (1.0 + (std::f64::consts::PI * after).cos()) / 2.0;
        let step_rate = BASE_RATE * 0.5f64.powi((s / STEPS_PER_EPOCH / 3) as i32);
        let ramp = if s < WARMUP {
            (s + 1) as f64 / WARMUP as f64
        } else {
            1.0
        };
        assert!(
            (cosine[s] - ramp * cosine_rate).abs() < 1e-15,
            "cosine, step {s}"
        );
        assert!(
            (decayed[s] - ramp * step_rate).abs() < 1e-15,
            "step decay, step {s}"
        );
    }
}

mod experiments {
    //! Chapter 9's experiments, which are not tied to one equation and so are kept apart from
    //! the equation tests: the saddle that adaptive methods leave sooner, and, on a few hundred
    //! MNIST images, the long experiment's rate search and every optimizer of its grid learning.

    use chapters::ch09_optimizers::mnist::{Trial, best, grid, trial};
    use chapters::ch09_optimizers::surfaces::{self, Surface, contender, path};
    use chapters::headline::OptimizerChoice;
    use nabla::data::mnist;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    /// Adam and RMSProp leave the saddle of the chapter in a fraction of the steps gradient descent
    /// needs, because they divide the tiny gradient across it by its own size.
    #[test]
    fn ch09_adaptive_methods_escape_the_saddle_sooner() {
        let surface: Surface = surfaces::saddle();
        let escape = |name: &str, eta: f64| {
            let mut contender = contender(name, eta, 0.9);
            let points = path(&surface, contender.optimizer.as_mut(), 200);
            points.iter().position(|p| p[1] > 0.5).expect("it escapes")
        };
        let descent = escape("sgd", 0.1);
        assert!(descent > 50, "{descent}");
        assert!(escape("adam", 0.05) < descent / 4);
        assert!(escape("rmsprop", 0.01) < descent / 4);
    }

    /// A network small enough for a test, on a few hundred MNIST images.
    mod small {
        nabla::network! {
            /// 784 pixels → 16 ReLU units → 10 classes.
            pub struct Tiny: 784 => relu 16 => softmax 10
        }
    }

    fn small_split() -> (
        nabla::data::Dataset<f32, 784, 10>,
        nabla::data::Dataset<f32, 784, 10>,
    ) {
        let digits = mnist::load(&mnist::default_dir()).expect("MNIST is in data/mnist");
        let some = digits.train.to_dataset::<f32>().take(800);
        some.split_validation(300, &mut StdRng::seed_from_u64(9))
    }

    fn tiny_trial(
        choice: OptimizerChoice,
        rate: f64,
        split: (
            &nabla::data::Dataset<f32, 784, 10>,
            &nabla::data::Dataset<f32, 784, 10>,
        ),
    ) -> Trial {
        trial(small::Tiny::<f32>::new, choice, rate, split, 5, 1).expect("training runs")
    }

    /// The long experiment's rate search, on 500 images: a rate far too small barely moves the
    /// network, one far too large throws it about at chance level, and the search picks the one
    /// between.
    #[test]
    fn ch09_the_rate_search_picks_a_rate_that_learns() {
        let (train, validation) = small_split();
        let trials: Vec<Trial> = [1e-6, 3e-3, 30.0]
            .iter()
            .map(|&rate| tiny_trial(OptimizerChoice::Adam, rate, (&train, &validation)))
            .collect();
        assert!(trials[0].validation_accuracy < 0.3, "{trials:?}");
        assert!(trials[1].validation_accuracy > 0.7, "{trials:?}");
        assert!(trials[2].validation_accuracy < 0.3, "{trials:?}");
        assert_eq!(best(&trials).rate, 3e-3);
    }

    /// Every optimizer of the MNIST comparison learns 500 images at the third rate of its grid: in
    /// five epochs the loss falls far below ln 10 = 2.30, the loss of an even guess, and most of the
    /// validation images are classified correctly.
    #[test]
    fn ch09_every_optimizer_learns_a_small_subset_at_the_third_rate_of_its_grid() {
        let (train, validation) = small_split();
        for (choice, rates) in grid() {
            let t = tiny_trial(choice, rates[2], (&train, &validation));
            assert!(
                t.loss < 1.2 && t.validation_accuracy > 0.7,
                "{} at {}: {t:?}",
                choice.name(),
                rates[2]
            );
        }
    }
}

mod library {
    //! Adapters from the library's optimizers and schedules to the signatures of chapter 9's
    //! exercise checks. A check hands over the state (θ and the optimizer's buffers) of every step;
    //! the library keeps its buffers inside the optimizer, so each adapter copies them in with
    //! `set_state`, takes one step through `Optimizer::update`, and copies them out with `state`.

    use exercises::ch09_optimizers::AdamSettings;
    use nabla::optim::{Adam, Momentum, Optimizer, OptimizerState};
    use nabla::schedule::Schedule;

    /// The state of an optimizer whose only tensor (slot 0) has the buffers `named`, after
    /// `steps` steps.
    fn one_tensor(steps: u64, named: &[(&str, &[f64])]) -> OptimizerState<f64> {
        OptimizerState {
            steps,
            buffers: named
                .iter()
                .map(|&(name, buffer)| (name.to_string(), vec![buffer.to_vec()]))
                .collect(),
        }
    }

    /// Buffer `name` of slot 0 of `state`, copied into `out`.
    fn copy_out(state: &mut OptimizerState<f64>, name: &str, out: &mut [f64]) {
        out.copy_from_slice(&state.take(name)[0]);
    }

    /// One step of the library's `Momentum` (9.1), in exercise 9.1's signature.
    pub fn momentum_step(
        theta: &mut [f64],
        velocity: &mut [f64],
        gradient: &[f64],
        eta: f64,
        mu: f64,
    ) {
        let mut momentum = Momentum::<f64>::new(eta, mu);
        momentum.set_state(one_tensor(0, &[("velocity", velocity)]));
        momentum.begin_step();
        momentum.update(0, theta, gradient);
        copy_out(&mut momentum.state(), "velocity", velocity);
    }

    /// Step `t` of the library's `Adam` (9.7)–(9.9), in exercise 9.2's signature: the optimizer
    /// resumes after `t − 1` steps, so its bias correction is that of step `t`.
    pub fn adam_step(
        theta: &mut [f64],
        m: &mut [f64],
        v: &mut [f64],
        gradient: &[f64],
        t: i32,
        settings: AdamSettings,
    ) {
        let mut adam = Adam::<f64>::new(settings.eta);
        (adam.beta1, adam.beta2, adam.epsilon) = (settings.beta1, settings.beta2, settings.epsilon);
        let taken = u64::try_from(t - 1).expect("steps count from 1");
        adam.set_state(one_tensor(
            taken,
            &[("first_moment", m), ("second_moment", v)],
        ));
        adam.begin_step();
        adam.update(0, theta, gradient);
        let mut state = adam.state();
        copy_out(&mut state, "first_moment", m);
        copy_out(&mut state, "second_moment", v);
    }

    /// The library's cosine schedule (9.12) at `step` of `total`, in exercise 9.3's signature (one
    /// step per epoch: cosine annealing does not look at epochs).
    pub fn cosine_rate(base: f64, min: f64, step: usize, total: usize) -> f64 {
        Schedule::cosine(min).rate(base, step, 1, total)
    }
}
