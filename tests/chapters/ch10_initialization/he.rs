//! ReLU layers: ReLU halves the second moment (10.5), and He's variance keeps it (10.6).

use super::*;

/// (10.5) For z symmetric about 0, E[relu(z)²] = E[z²] / 2: exactly for a sample that holds
/// every value with its negative (relu(z)² + relu(−z)² = z²), and by sampling for a normal z.
#[test]
fn eq_10_5_relu_halves_the_second_moment() {
    let mut rng = seeded(105);
    let half: Vec<f64> = (0..500).map(|_| 3.0 * standard_normal(&mut rng)).collect();
    let symmetric: Vec<f64> = half.iter().flat_map(|&z| [z, -z]).collect();
    let z = Batch::<f64, 1>::from_column_slice(&symmetric);
    let mut a = Batch::zeros(0);
    apply(&Relu, &z, &mut a);
    let (relu_second, second) = (mean(a.iter().map(|v| v * v)), mean(z.iter().map(|v| v * v)));
    assert!(
        (relu_second - second / 2.0).abs() < 1e-12 * second,
        "{relu_second} vs {second}/2"
    );
    let normal: Vec<f64> = (0..200_000)
        .map(|_| 3.0 * standard_normal(&mut rng))
        .collect();
    let relu_second = mean(normal.iter().map(|z| z.max(0.0).powi(2)));
    assert!(
        (relu_second / 4.5 - 1.0).abs() < 0.02,
        "E[relu(z)²] = {relu_second}, not 9/2"
    );
}

/// E[(aˡ)²] of layer `l` (from 1) of a 10-layer ReLU stack drawn by `init`, on Gaussian inputs.
fn relu_second_moments(init: Init) -> Vec<f64> {
    let mut rng = seeded(106);
    let inputs = gaussian_batch::<WIDTH>(&mut rng, 128);
    let labels: Vec<u8> = (0..128).map(|i| (i % 10) as u8).collect();
    let stack = DeepStack::<f32, WIDTH>::new(Phi::Relu, init, &mut rng);
    let flow = stack.flow(&inputs, &labels);
    flow.activations
        .iter()
        .map(|a| mean(a.iter().map(|&v| f64::from(v).powi(2))))
        .collect()
}

/// (10.6) He's Var(w) = 2 / n_in: each ReLU layer then keeps E[a²], because n_in · Var(w) = 2
/// undoes (10.5)'s halving. Measured on the chapter's 10-layer stack: E[(a¹⁰)²] stays within
/// a factor 2 of E[(a¹)²]; with Var(w) = 1 / n_in (Xavier, for equal widths) each layer halves
/// it, 2⁻⁹ over the nine layers.
#[test]
fn eq_10_6_he_keeps_the_second_moment_of_relu_layers() {
    let outcome = exercises::checks::ch10_initialization::he_std(library::he_std);
    assert!(outcome.passed(), "{outcome:?}");
    let he = relu_second_moments(Init::He);
    let ratio = he[9] / he[0];
    assert!((0.5..2.0).contains(&ratio), "He: E[a²] ratio {ratio}");
    let xavier = relu_second_moments(Init::Xavier);
    let ratio = xavier[9] / xavier[0];
    let halved = 0.5f64.powi(9);
    assert!(
        ratio > halved / 4.0 && ratio < halved * 4.0,
        "Xavier: ratio {ratio} vs 2⁻⁹"
    );
}
