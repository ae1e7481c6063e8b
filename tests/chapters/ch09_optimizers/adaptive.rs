//! Per-parameter rates: AdaGrad (9.5) and RMSProp (9.6).

use super::*;

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
