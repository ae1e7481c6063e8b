//! Chapter 9: reference solutions.

use crate::ch09_optimizers::AdamSettings;

// ANCHOR: momentum_step
/// `v ← μ v + g`, then `θ ← θ − η v` with the new velocity (equation 9.1).
pub fn momentum_step(theta: &mut [f64], velocity: &mut [f64], gradient: &[f64], eta: f64, mu: f64) {
    for ((theta, v), g) in theta.iter_mut().zip(velocity.iter_mut()).zip(gradient) {
        *v = mu * *v + g;
        *theta -= eta * *v;
    }
}
// ANCHOR_END: momentum_step

// ANCHOR: adam_step
/// The moments (9.7), their corrections (9.8) in local copies, and the step (9.9).
pub fn adam_step(
    theta: &mut [f64],
    m: &mut [f64],
    v: &mut [f64],
    gradient: &[f64],
    t: i32,
    settings: AdamSettings,
) {
    let AdamSettings {
        eta,
        beta1,
        beta2,
        epsilon,
    } = settings;
    let (correction1, correction2) = (1.0 - beta1.powi(t), 1.0 - beta2.powi(t));
    for (((theta, m), v), g) in theta
        .iter_mut()
        .zip(m.iter_mut())
        .zip(v.iter_mut())
        .zip(gradient)
    {
        *m = beta1 * *m + (1.0 - beta1) * g;
        *v = beta2 * *v + (1.0 - beta2) * g * g;
        let (m_hat, v_hat) = (*m / correction1, *v / correction2);
        *theta -= eta * m_hat / (v_hat.sqrt() + epsilon);
    }
}
// ANCHOR_END: adam_step

// ANCHOR: cosine_rate
/// `η_min + (η₀ − η_min)(1 + cos(π t / T))/2` (equation 9.12).
pub fn cosine_rate(base: f64, min: f64, step: usize, total: usize) -> f64 {
    let fraction = step as f64 / total as f64;
    min + (base - min) * (1.0 + (std::f64::consts::PI * fraction).cos()) / 2.0
}
// ANCHOR_END: cosine_rate
