//! Learning-rate schedules: step decay (9.11), cosine (9.12) and linear warm-up (9.13).

use super::*;

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
