//! Chapter 10's checks: the typical wrong answers fail with their mistake named. That the
//! library's own clipping and initializers pass them is tested by the book's equation tests
//! (through the adapters in `tests/chapters/ch10_initialization/library.rs`).

use exercises::Outcome;
use exercises::checks::ch10_initialization::{clip_by_norm, clip_by_value, he_std, xavier_std};
use exercises::solutions::ch10_initialization as solution;

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
fn wrong_clipping_by_norm_fails_with_its_mistake_named() {
    let per_tensor = |gradients: &mut [Vec<f64>], c: f64| {
        let mut total = 0.0;
        for tensor in gradients.iter_mut() {
            total += solution::clip_by_norm(std::slice::from_mut(tensor), c).powi(2);
        }
        total.sqrt()
    };
    assert!(mistake(clip_by_norm(per_tensor)).contains("its own norm"));
    let clamped = |gradients: &mut [Vec<f64>], c: f64| {
        let norm = gradients
            .iter()
            .flatten()
            .map(|g| g * g)
            .sum::<f64>()
            .sqrt();
        gradients
            .iter_mut()
            .for_each(|t| solution::clip_by_value(t, c));
        norm
    };
    let said = mistake(clip_by_norm(clamped));
    assert!(said.contains("changes the direction"), "{said}");
    let always = |gradients: &mut [Vec<f64>], c: f64| {
        let norm = gradients
            .iter()
            .flatten()
            .map(|g| g * g)
            .sum::<f64>()
            .sqrt();
        gradients.iter_mut().flatten().for_each(|g| *g *= c / norm);
        norm
    };
    assert!(mistake(clip_by_norm(always)).contains("min(1, c/‖g‖)"));
    let squared = |gradients: &mut [Vec<f64>], c: f64| {
        let norm = solution::clip_by_norm(gradients, f64::INFINITY);
        solution::clip_by_norm(gradients, c / norm);
        norm * norm
    };
    assert!(mistake(clip_by_norm(squared)).contains("square root"));
    let first_tensor_only = |gradients: &mut [Vec<f64>], c: f64| {
        let norm = gradients
            .iter()
            .flatten()
            .map(|g| g * g)
            .sum::<f64>()
            .sqrt();
        let scale = (c / norm).min(1.0);
        gradients[0].iter_mut().for_each(|g| *g *= scale);
        norm
    };
    let said = mistake(clip_by_norm(first_tensor_only));
    assert!(said.contains("keeps the direction"), "{said}");
    let norm_after =
        |gradients: &mut [Vec<f64>], c: f64| solution::clip_by_norm(gradients, c).min(c);
    assert!(mistake(clip_by_norm(norm_after)).contains("before clipping"));
}

#[test]
fn wrong_clipping_by_value_fails_with_its_mistake_named() {
    let from_above =
        |gradients: &mut [f64], c: f64| gradients.iter_mut().for_each(|g| *g = g.min(c));
    assert!(mistake(clip_by_value(from_above)).contains("only from above"));
    let unsigned = |gradients: &mut [f64], c: f64| {
        gradients
            .iter_mut()
            .filter(|g| g.abs() > c)
            .for_each(|g| *g = c);
    };
    assert!(mistake(clip_by_value(unsigned)).contains("keeping its sign"));
    let everything = |gradients: &mut [f64], c: f64| {
        gradients
            .iter_mut()
            .filter(|g| **g != 0.0)
            .for_each(|g| *g = c.copysign(*g));
    };
    assert!(mistake(clip_by_value(everything)).contains("left as they are"));
}

#[test]
fn wrong_initializer_scales_fail_with_their_mistake_named() {
    let variance = |i: usize, o: usize| 2.0 / (i + o) as f64;
    assert!(mistake(xavier_std(variance)).contains("square root"));
    let integer = |i: usize, o: usize| ((2 / (i + o)) as f64).sqrt();
    assert!(mistake(xavier_std(integer)).contains("integer"));
    let uniform_bound = |i: usize, o: usize| (6.0 / (i + o) as f64).sqrt();
    assert!(mistake(xavier_std(uniform_bound)).contains("XavierUniform"));
    let fan_out = |_i: usize, o: usize| (2.0 / o as f64).sqrt();
    assert!(mistake(he_std(fan_out)).contains("n_in"));
    let no_two = |i: usize, _o: usize| (1.0 / i as f64).sqrt();
    assert!(mistake(he_std(no_two)).contains("halving"));
    assert!(mistake(he_std(solution::xavier_std)).contains("Xavier"));
}
