//! Chapter 10: reference solutions.

// ANCHOR: clip_by_norm
/// One norm over every entry of every tensor; every entry scaled by the same `c/‖g‖` if it
/// is above `c` (equation 10.8), so the direction does not change.
pub fn clip_by_norm(gradients: &mut [Vec<f64>], max_norm: f64) -> f64 {
    let norm = gradients
        .iter()
        .flatten()
        .map(|g| g * g)
        .sum::<f64>()
        .sqrt();
    if norm > max_norm {
        let scale = max_norm / norm;
        gradients.iter_mut().flatten().for_each(|g| *g *= scale);
    }
    norm
}
// ANCHOR_END: clip_by_norm

// ANCHOR: clip_by_value
/// Every entry clamped to `[−c, c]` from both sides (equation 10.9).
pub fn clip_by_value(gradients: &mut [f64], max_value: f64) {
    for g in gradients {
        *g = g.clamp(-max_value, max_value);
    }
}
// ANCHOR_END: clip_by_value

// ANCHOR: init_std
/// `√(2/(n_in + n_out))`: the square root of the variance (10.4).
pub fn xavier_std(fan_in: usize, fan_out: usize) -> f64 {
    (2.0 / (fan_in + fan_out) as f64).sqrt()
}

/// `√(2/n_in)`: the square root of the variance (10.6), from the forward condition.
pub fn he_std(fan_in: usize, _fan_out: usize) -> f64 {
    (2.0 / fan_in as f64).sqrt()
}
// ANCHOR_END: init_std
