//! Chapter 9's checks: the typical wrong steps fail with their mistake named. That the library's
//! own optimizers and schedule pass them is tested by the book's equation tests (through the
//! adapters in `tests/chapters/ch09_optimizers/library.rs`).

use exercises::Outcome;
use exercises::ch09_optimizers::AdamSettings;
use exercises::checks::ch09_optimizers::{adam_step, cosine_rate, momentum_step};
use exercises::solutions::ch09_optimizers as solution;

/// The mistake a failing outcome names.
fn mistake(outcome: Outcome) -> String {
    match outcome {
        Outcome::Failed(failure) => failure
            .likely_mistake
            .unwrap_or_else(|| panic!("no mistake named for: {}", failure.explanation)),
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[test]
fn wrong_momentum_steps_fail_with_their_mistake_named() {
    let moving_average = |theta: &mut [f64], v: &mut [f64], g: &[f64], eta: f64, mu: f64| {
        for i in 0..theta.len() {
            v[i] = mu * v[i] + (1.0 - mu) * g[i];
            theta[i] -= eta * v[i];
        }
    };
    assert!(mistake(momentum_step(moving_average)).contains("moving average"));
    let step_first = |theta: &mut [f64], v: &mut [f64], g: &[f64], eta: f64, mu: f64| {
        for i in 0..theta.len() {
            theta[i] -= eta * v[i];
            v[i] = mu * v[i] + g[i];
        }
    };
    assert!(mistake(momentum_step(step_first)).contains("old velocity"));
    let along_gradient = |theta: &mut [f64], v: &mut [f64], g: &[f64], eta: f64, mu: f64| {
        for i in 0..theta.len() {
            v[i] = mu * v[i] + g[i];
            theta[i] -= eta * g[i];
        }
    };
    assert!(mistake(momentum_step(along_gradient)).contains("gradient descent"));
    let uphill = |theta: &mut [f64], v: &mut [f64], g: &[f64], eta: f64, mu: f64| {
        solution::momentum_step(theta, v, g, -eta, mu);
    };
    assert!(mistake(momentum_step(uphill)).contains("wrong sign"));
    let other_form = |theta: &mut [f64], v: &mut [f64], g: &[f64], eta: f64, mu: f64| {
        for i in 0..theta.len() {
            v[i] = mu * v[i] - eta * g[i];
            theta[i] += v[i];
        }
    };
    assert!(mistake(momentum_step(other_form)).contains("units of the gradient"));
}

#[test]
fn wrong_adam_steps_fail_with_their_mistake_named() {
    type AdamFn = dyn Fn(&mut [f64], &mut [f64], &mut [f64], &[f64], i32, AdamSettings);
    type Step = fn(&mut [f64], &mut [f64], &mut [f64], &[f64], i32, AdamSettings);
    // One Adam step with the corrections c1 = 1 − β₁ᵗ and c2 = 1 − β₂ᵗ as `correct` makes them.
    fn with(correct: fn(AdamSettings, i32) -> (f64, f64)) -> Box<AdamFn> {
        Box::new(move |theta, m, v, g, t, s| {
            let (c1, c2) = correct(s, t);
            for i in 0..theta.len() {
                m[i] = s.beta1 * m[i] + (1.0 - s.beta1) * g[i];
                v[i] = s.beta2 * v[i] + (1.0 - s.beta2) * g[i] * g[i];
                theta[i] -= s.eta * (m[i] / c1) / ((v[i] / c2).sqrt() + s.epsilon);
            }
        })
    }
    let said = mistake(adam_step(with(|_, _| (1.0, 1.0))));
    assert!(said.contains("bias correction is missing"), "{said}");
    let said = mistake(adam_step(with(|s, t| (1.0 - s.beta1.powi(t), 1.0))));
    assert!(said.contains("only m"), "{said}");
    let said = mistake(adam_step(with(|s, t| (1.0, 1.0 - s.beta2.powi(t)))));
    assert!(said.contains("only v"), "{said}");

    let corrected_in_place: Step = |theta, m, v, g, t, s| {
        for i in 0..theta.len() {
            m[i] = (s.beta1 * m[i] + (1.0 - s.beta1) * g[i]) / (1.0 - s.beta1.powi(t));
            v[i] = (s.beta2 * v[i] + (1.0 - s.beta2) * g[i] * g[i]) / (1.0 - s.beta2.powi(t));
            theta[i] -= s.eta * m[i] / (v[i].sqrt() + s.epsilon);
        }
    };
    assert!(mistake(adam_step(corrected_in_place)).contains("raw averages"));
    let epsilon_inside: Step = |theta, m, v, g, t, s| {
        let (c1, c2) = (1.0 - s.beta1.powi(t), 1.0 - s.beta2.powi(t));
        for i in 0..theta.len() {
            m[i] = s.beta1 * m[i] + (1.0 - s.beta1) * g[i];
            v[i] = s.beta2 * v[i] + (1.0 - s.beta2) * g[i] * g[i];
            theta[i] -= s.eta * (m[i] / c1) / (v[i] / c2 + s.epsilon).sqrt();
        }
    };
    assert!(mistake(adam_step(epsilon_inside)).contains("square root"));
    let forgetful: Step = |theta, m, v, g, t, s| {
        let (mut m, mut v) = (m.to_vec(), v.to_vec());
        solution::adam_step(theta, &mut m, &mut v, g, t, s);
    };
    assert!(mistake(adam_step(forgetful)).contains("write the new moments back"));
    let swapped: Step = |theta, m, v, g, t, s| {
        let swapped = AdamSettings {
            beta1: s.beta2,
            beta2: s.beta1,
            ..s
        };
        solution::adam_step(theta, m, v, g, t, swapped);
    };
    assert!(mistake(adam_step(swapped)).contains("swapped"));
}

#[test]
fn wrong_cosine_schedules_fail_with_their_mistake_named() {
    use std::f64::consts::PI;
    let integer = |base: f64, min: f64, step: usize, total: usize| {
        min + (base - min) * (1.0 + (PI * (step / total) as f64).cos()) / 2.0
    };
    assert!(mistake(cosine_rate(integer)).contains("integer"));
    let no_pi = |base: f64, min: f64, step: usize, total: usize| {
        min + (base - min) * (1.0 + (step as f64 / total as f64).cos()) / 2.0
    };
    assert!(mistake(cosine_rate(no_pi)).contains("no π"));
    let to_zero = |base: f64, _min: f64, step: usize, total: usize| {
        solution::cosine_rate(base, 0.0, step, total)
    };
    assert!(mistake(cosine_rate(to_zero)).contains("instead of η_min"));
    let early = |base: f64, min: f64, step: usize, total: usize| {
        solution::cosine_rate(base, min, step, total - 1)
    };
    assert!(mistake(cosine_rate(early)).contains("T − 1"));
}
