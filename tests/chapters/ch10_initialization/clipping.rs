//! Gradient clipping: by norm (10.8) and by value (10.9).

use super::*;

/// (10.8) Clipping by norm: g ← g · min(1, c/‖g‖). On the gradient of a real network: the norm
/// after is min(‖g‖, c), the direction is unchanged (cosine 1 with the original), and the norm
/// returned is the one before.
#[test]
fn eq_10_8_clipping_by_norm_bounds_the_norm_and_keeps_the_direction() {
    let outcome = exercises::checks::ch10_initialization::clip_by_norm(library::clip_by_norm);
    assert!(outcome.passed(), "{outcome:?}");
    let original = small_gradient();
    let norm = global_norm(&original);
    for c in [0.01 * norm, 0.5 * norm, 2.0 * norm] {
        let mut clipped = original.clone();
        assert_eq!(Clip::Norm(c).apply(&mut clipped), Some(norm));
        let after = global_norm(&clipped);
        assert!(
            (after - norm.min(c)).abs() <= 1e-12 * norm,
            "{after} vs min({norm}, {c})"
        );
        let (g, h) = (flat(&original), flat(&clipped));
        let dot: f64 = g.iter().zip(&h).map(|(a, b)| a * b).sum();
        let cosine = dot / (norm * after);
        assert!((cosine - 1.0).abs() < 1e-12, "cosine {cosine}");
    }
}

/// (10.9) Clipping by value: gᵢ ← max(−c, min(c, gᵢ)). Entries beyond c on either side become
/// ±c, the others are unchanged; the direction then changes in general.
#[test]
fn eq_10_9_clipping_by_value_bounds_both_signs_and_keeps_small_entries() {
    let outcome = exercises::checks::ch10_initialization::clip_by_value(library::clip_by_value);
    assert!(outcome.passed(), "{outcome:?}");
    let original = small_gradient();
    let g = flat(&original);
    let largest = g.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let c = 0.3 * largest;
    let mut clipped = original.clone();
    assert_eq!(Clip::Value(c).apply(&mut clipped), None);
    let (mut above, mut below) = (0, 0);
    for (&h, &o) in flat(&clipped).iter().zip(&g) {
        let expected = o.clamp(-c, c);
        assert_eq!(h, expected, "{o} clipped to ±{c}");
        above += usize::from(o > c);
        below += usize::from(o < -c);
    }
    assert!(
        above > 0 && below > 0,
        "both signs were clipped ({above}, {below})"
    );
    let h = flat(&clipped);
    let dot: f64 = g.iter().zip(&h).map(|(a, b)| a * b).sum();
    let cosine = dot / (global_norm(&original) * global_norm(&clipped));
    assert!(
        cosine < 1.0 - 1e-6,
        "value clipping turned the gradient: cosine {cosine}"
    );
}
