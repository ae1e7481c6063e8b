//! Adam and AdamW: the moments (9.7), bias correction (9.8), Adam's step (9.9), AdamW's decoupled
//! decay (9.10), and where Adam with L2 and AdamW settle.

use super::*;

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
