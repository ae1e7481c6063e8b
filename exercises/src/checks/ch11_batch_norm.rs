//! Chapter 11's checks: batch normalization's forward pass over one feature (11.1)–(11.3), and
//! its backward pass (11.4)–(11.9), against central differences of the learner's own forward.

use crate::catalog::Exercise;
use crate::ch11_batch_norm::{BatchNormGradients, EPSILON};
use crate::grade::{Failure, Outcome, central_differences, compare, guarded};
use crate::{ch11_batch_norm as learner, solutions::ch11_batch_norm as solution};

/// Chapter 11's exercises.
pub const EXERCISES: &[Exercise] = &[
    Exercise {
        id: "ch11.batch_norm_forward",
        title: "batch normalization of one feature, in training mode",
        file: "exercises/src/ch11_batch_norm.rs",
        hints: &[
            "Three steps: the batch's mean and variance, then standardize every value with them, \
             then scale by γ and shift by β.",
            "The variance is the batch's own, divided by m, not m − 1; ε goes under the square root.",
            "Equations (11.1)–(11.3): μ_B = (1/m) Σ xᵢ, σ_B² = (1/m) Σ (xᵢ − μ_B)², \
             x̂ᵢ = (xᵢ − μ_B)/√(σ_B² + ε), yᵢ = γ x̂ᵢ + β.",
        ],
        check: || batch_norm_forward(learner::batch_norm_forward),
        solution: || batch_norm_forward(solution::batch_norm_forward),
    },
    Exercise {
        id: "ch11.batch_norm_backward",
        title: "its backward pass: ∂L/∂γ, ∂L/∂β and ∂L/∂x",
        file: "exercises/src/ch11_batch_norm.rs",
        hints: &[
            "γ and β are the easy part: γ multiplies every x̂ᵢ, β is added to every yᵢ (11.4).",
            "Moving one xᵢ moves μ_B and σ_B², and through them every output: ∂L/∂xᵢ has three \
             terms, through x̂ᵢ directly, through σ_B² and through μ_B (11.8).",
            "Equation (11.9): ∂L/∂xᵢ = γ/(m √(σ_B² + ε)) · (m gᵢ − Σⱼ gⱼ − x̂ᵢ Σⱼ gⱼ x̂ⱼ), \
             with ∂L/∂γ = Σ gᵢ x̂ᵢ and ∂L/∂β = Σ gᵢ.",
        ],
        check: || batch_norm_backward(learner::batch_norm_backward, learner::batch_norm_forward),
        solution: || {
            batch_norm_backward(solution::batch_norm_backward, solution::batch_norm_forward)
        },
    },
];

/// (x, γ, β): features of different scales, one whose variance is small enough for ε to show
/// (as the book's second feature), and a batch of three.
const FORWARD_CASES: &[(&[f64], f64, f64)] = &[
    (&[1.0, 2.0, 4.0, 7.0], 1.0, 0.0),
    (&[0.52, 0.47, 0.55, 0.41, 0.50, 0.46, 0.58, 0.44], 1.5, -0.3),
    (&[120.0, -40.0, 35.0, 10.0, 80.0], 0.7, 2.0),
    (&[3.0, -1.0, 0.5], -2.0, 0.5),
];

/// The standardized values with a given variance divisor and ε, by the check's own arithmetic.
fn standardized(x: &[f64], divisor: f64, epsilon: f64, root: bool) -> Vec<f64> {
    let m = x.len() as f64;
    let mean = x.iter().sum::<f64>() / m;
    let var = x.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / divisor;
    let spread = if root {
        (var + epsilon).sqrt()
    } else {
        var + epsilon
    };
    x.iter().map(|x| (x - mean) / spread).collect()
}

/// `γ x̂ + β` for the book's x̂ (11.1)–(11.3).
fn forward_expected(x: &[f64], gamma: f64, beta: f64) -> Vec<f64> {
    let m = x.len() as f64;
    standardized(x, m, EPSILON, true)
        .into_iter()
        .map(|n| gamma * n + beta)
        .collect()
}

/// The failure, with `mistake` as its diagnosis if there is one: a mistake of the chapter
/// explains more than the constant ratio [`compare`] may have seen.
fn diagnosed(failure: Failure, mistake: Option<String>) -> Outcome {
    Failure {
        likely_mistake: mistake.or(failure.likely_mistake),
        ..failure
    }
    .into()
}

/// Whether `got` is `candidate` to the check's tolerance.
fn matches(candidate: &[f64], got: &[f64]) -> bool {
    compare("", candidate, got, 1e-9).is_ok()
}

/// Names the usual mistakes of the forward pass, if `got` is one of them.
fn forward_mistake(x: &[f64], gamma: f64, beta: f64, got: &[f64]) -> Option<String> {
    let m = x.len() as f64;
    let affine = |n: Vec<f64>| -> Vec<f64> { n.into_iter().map(|n| gamma * n + beta).collect() };
    let candidates = [
        (
            affine(standardized(x, m - 1.0, EPSILON, true)),
            "you divided the variance by m − 1: the batch variance (11.1) divides by m",
        ),
        (
            affine(standardized(x, m, 0.0, true)),
            "ε is missing: (11.2) divides by √(σ_B² + ε), which matters when σ_B² is small",
        ),
        (
            affine(standardized(x, m, EPSILON, false)),
            "you divided by the variance: divide by the standard deviation √(σ_B² + ε)",
        ),
        (
            standardized(x, m, EPSILON, true),
            "you returned x̂: scale it by γ and shift it by β (11.3)",
        ),
    ];
    candidates
        .into_iter()
        .find(|(candidate, _)| matches(candidate, got))
        .map(|(_, mistake)| mistake.to_string())
}

/// Checks `f` as batch normalization's forward pass over one feature, in training mode.
pub fn batch_norm_forward(f: impl Fn(&[f64], f64, f64) -> Vec<f64>) -> Outcome {
    batch_norm_forward_once(&f)
}

/// [`batch_norm_forward`]'s body, compiled once: the implementation is behind a reference, not a
/// type parameter, so each caller's closure does not compile the whole check again.
fn batch_norm_forward_once(f: &dyn Fn(&[f64], f64, f64) -> Vec<f64>) -> Outcome {
    for &(x, gamma, beta) in FORWARD_CASES {
        let got = match guarded(|| f(x, gamma, beta)) {
            Ok(got) => got,
            Err(outcome) => return outcome,
        };
        let expected = forward_expected(x, gamma, beta);
        let what = format!("y for x = {x:?}, γ = {gamma}, β = {beta}");
        if let Err(failure) = compare(&what, &expected, &got, 1e-9) {
            let mistake = forward_mistake(x, gamma, beta, &got);
            return diagnosed(failure, mistake);
        }
    }
    Outcome::Passed(format!(
        "right on {} batches, one with a variance small enough for ε to show",
        FORWARD_CASES.len()
    ))
}

/// The upstream gradients g = ∂L/∂y of the backward cases (one per sample of the forward case
/// of the same index).
const OUTPUT_GRADIENTS: &[&[f64]] = &[
    &[0.3, -1.2, 0.8, 0.5],
    &[1.0, -0.4, 0.25, 0.9, -1.3, 0.6, -0.2, 0.7],
    &[-0.5, 0.1, 0.9, -0.8, 0.35],
    &[0.4, 1.1, -0.6],
];

/// The input gradients of the usual wrong derivations, with their names.
fn backward_candidates(x: &[f64], gamma: f64, g: &[f64]) -> Vec<(Vec<f64>, &'static str)> {
    let m = x.len() as f64;
    let normalized = standardized(x, m, EPSILON, true);
    let mean = x.iter().sum::<f64>() / m;
    let var = x.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / m;
    let scale = gamma / (var + EPSILON).sqrt();
    let mean_g = g.iter().sum::<f64>() / m;
    let mean_g_normalized = g.iter().zip(&normalized).map(|(g, n)| g * n).sum::<f64>() / m;
    let each = |term: &dyn Fn(f64, f64) -> f64| -> Vec<f64> {
        g.iter()
            .zip(&normalized)
            .map(|(&g, &n)| scale * term(g, n))
            .collect()
    };
    vec![
        (
            each(&|g, _| g),
            "you treated μ_B and σ_B² as constants, as in inference: in training every xᵢ moves \
             them too, so (11.8) has three terms, not one",
        ),
        (
            each(&|g, _| g - mean_g),
            "the path through σ_B² is missing: add ∂L/∂σ_B² · 2(xᵢ − μ_B)/m (11.6, 11.8)",
        ),
        (
            each(&|g, n| g - n * mean_g_normalized),
            "the path through μ_B is missing: add ∂L/∂μ_B · 1/m (11.7, 11.8)",
        ),
    ]
}

/// Checks `backward` as batch normalization's backward pass, against central differences of
/// `L = Σ gᵢ yᵢ` through the learner's own `forward` when that passes its check (and through the
/// check's own forward pass if not).
pub fn batch_norm_backward(
    backward: impl Fn(&[f64], f64, f64, &[f64]) -> BatchNormGradients,
    forward: impl Fn(&[f64], f64, f64) -> Vec<f64> + Copy,
) -> Outcome {
    batch_norm_backward_once(&backward, &forward)
}

/// [`batch_norm_backward`]'s body, compiled once: the implementation is behind a reference, not a
/// type parameter, so each caller's closure does not compile the whole check again.
fn batch_norm_backward_once(
    backward: &dyn Fn(&[f64], f64, f64, &[f64]) -> BatchNormGradients,
    forward: &dyn Fn(&[f64], f64, f64) -> Vec<f64>,
) -> Outcome {
    let own_forward = batch_norm_forward(forward).passed();
    let y = |x: &[f64], gamma: f64, beta: f64| -> Vec<f64> {
        if own_forward {
            forward(x, gamma, beta)
        } else {
            forward_expected(x, gamma, beta)
        }
    };
    for (&(x, gamma, beta), &g) in FORWARD_CASES.iter().zip(OUTPUT_GRADIENTS) {
        let got = match guarded(|| backward(x, gamma, beta, g)) {
            Ok(got) => got,
            Err(outcome) => return outcome,
        };
        let loss = |y: Vec<f64>| -> f64 { y.iter().zip(g).map(|(y, g)| y * g).sum() };
        let case = format!("x = {x:?}, γ = {gamma}, β = {beta}, g = {g:?}");
        let d_gamma = central_differences(|p| loss(y(x, p[0], beta)), &[gamma], 1e-5);
        let d_beta = central_differences(|p| loss(y(x, gamma, p[0])), &[beta], 1e-5);
        let sum_g: f64 = g.iter().sum();
        if let Err(failure) = compare(&format!("∂L/∂β for {case}"), &d_beta, &[got.beta], 1e-6)
        {
            let mistake =
                matches(&d_gamma, &[got.beta]).then(|| "∂L/∂γ and ∂L/∂β are swapped".to_string());
            return diagnosed(failure, mistake);
        }
        if let Err(failure) = compare(&format!("∂L/∂γ for {case}"), &d_gamma, &[got.gamma], 1e-6)
        {
            let mistake = matches(&[sum_g], &[got.gamma]).then(|| {
                "γ multiplies x̂ᵢ in every output, so ∂L/∂γ = Σ gᵢ x̂ᵢ, not Σ gᵢ (11.4)".to_string()
            });
            return diagnosed(failure, mistake);
        }
        let expected = central_differences(|x| loss(y(x, gamma, beta)), x, 1e-5);
        if let Err(failure) = compare(&format!("∂L/∂x for {case}"), &expected, &got.input, 1e-6)
        {
            let mistake = backward_candidates(x, gamma, g)
                .into_iter()
                .find(|(candidate, _)| compare("", candidate, &got.input, 1e-6).is_ok())
                .map(|(_, mistake)| mistake.to_string());
            return diagnosed(failure, mistake);
        }
    }
    let source = if own_forward {
        "your forward pass"
    } else {
        "the forward pass (yours does not pass yet)"
    };
    Outcome::Passed(format!(
        "∂L/∂x, ∂L/∂γ and ∂L/∂β match central differences of {source} on {} batches",
        FORWARD_CASES.len()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epsilon_shows_in_the_small_variance_case() {
        let (x, gamma, beta) = FORWARD_CASES[1];
        let m = x.len() as f64;
        let without: Vec<f64> = standardized(x, m, 0.0, true)
            .into_iter()
            .map(|n| gamma * n + beta)
            .collect();
        assert!(compare("", &forward_expected(x, gamma, beta), &without, 1e-9).is_err());
    }
}
