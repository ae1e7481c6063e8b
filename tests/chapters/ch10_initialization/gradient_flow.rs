//! Gradient flow: each layer multiplies the error's variance by its gain (10.7), so gradients
//! vanish or explode.

use super::*;

/// The per-layer weight-gradient norms of a stack, on Gaussian inputs.
fn gradient_norms(phi: Phi, init: Init) -> Vec<f64> {
    let mut rng = seeded(107);
    let inputs = gaussian_batch::<WIDTH>(&mut rng, 128);
    let labels: Vec<u8> = (0..128).map(|_| rng.random_range(0..10)).collect();
    let stack = DeepStack::<f32, WIDTH>::new(phi, init, &mut rng);
    stack.flow(&inputs, &labels).weight_gradient_norms
}

/// φ′(z) from a = φ(z), for the two activations whose derivative is a function of their output:
/// σ′ = σ(1 − σ), tanh′ = 1 − tanh².
fn derivative_from_output(phi: Phi, a: f64) -> f64 {
    match phi {
        Phi::Sigmoid => a * (1.0 - a),
        Phi::Tanh => 1.0 - a * a,
        Phi::Relu => f64::from(u8::from(a > 0.0)),
    }
}

/// For each hidden layer ℓ = 1 … D − 1 of a stack drawn by `init`, on Gaussian inputs: the
/// measured ratio Var(δˡ) / Var(δˡ⁺¹), and the gain n · Var(wˡ⁺¹) · E[φ′(zˡ)²] of (10.7), with
/// n = 256 and Var(wˡ⁺¹) the variance of the weights layer ℓ + 1 drew.
fn measured_and_predicted_gains(phi: Phi, init: Init) -> Vec<(f64, f64)> {
    let mut rng = seeded(107);
    let inputs = gaussian_batch::<WIDTH>(&mut rng, 128);
    let labels: Vec<u8> = (0..128).map(|_| rng.random_range(0..10)).collect();
    let stack = DeepStack::<f32, WIDTH>::new(phi, init, &mut rng);
    let flow = stack.flow(&inputs, &labels);
    let delta_variance = |l: usize| {
        let values: Vec<f64> = flow.deltas[l].iter().map(|&v| f64::from(v)).collect();
        variance(&values)
    };
    (0..DEPTH - 1)
        .map(|l| {
            // `deltas[l]` and `activations[l]` are layer l + 1's; `hidden[l]` is layer l + 2.
            let measured = delta_variance(l) / delta_variance(l + 1);
            let above = stack.hidden[l].weights.as_slice();
            let weights: Vec<f64> = above.iter().map(|&w| f64::from(w)).collect();
            let derivative_second = mean(
                flow.activations[l]
                    .iter()
                    .map(|&a| derivative_from_output(phi, f64::from(a)).powi(2)),
            );
            let predicted = WIDTH as f64 * variance(&weights) * derivative_second;
            (measured, predicted)
        })
        .collect()
}

/// (10.7) Going back, each layer multiplies the variance of the error δ by its gain
/// n · Var(w) · E[φ′(z)²]. Measured on the chapter's 10-layer stacks (f32, 128 Gaussian inputs)
/// for tanh and sigmoid with Xavier weights and for saturated tanh (unit-normal weights): each
/// layer's Var(δˡ) / Var(δˡ⁺¹) is its gain within 20%, and Var(δ¹) / Var(δ¹⁰) is the product
/// of the nine gains within a factor 1.5. Leaving out φ′ would fail both: σ′ ≤ 1/4 puts the sigmoid's
/// gains below 1/16; E[tanh′(z)²] rises from about 0.46 in the first Xavier layer to 0.9 in the
/// last (their product is below 0.1), and is about 0.03 when saturated. Leaving out n would be
/// off by a factor 256.
/// The consequences for the weight gradients: the sigmoid's norm falls by a factor of at least
/// 2 per layer toward the input (it vanishes); saturated tanh layers have a gain above 1, so it
/// grows toward the input (it explodes); tanh with Xavier and ReLU with He keep it within a
/// factor 10.
#[test]
fn eq_10_7_each_layer_multiplies_the_gradient_by_its_gain() {
    for (phi, init) in [
        (Phi::Tanh, Init::Xavier),
        (Phi::Sigmoid, Init::Xavier),
        (Phi::Tanh, Init::Normal { std: 1.0 }),
    ] {
        let gains = measured_and_predicted_gains(phi, init);
        for (l, &(measured, predicted)) in gains.iter().enumerate() {
            assert!(
                (measured / predicted - 1.0).abs() < 0.2,
                "{phi:?} {init:?}, layer {}: Var(δˡ)/Var(δˡ⁺¹) = {measured}, gain {predicted}",
                l + 1
            );
        }
        // Nine layers compound nine sampling errors (and, in the saturated stack, how another
        // CPU's matrix kernel rounds a ≈ ±1): within a factor 1.5, which leaving out φ′ (a
        // factor below 0.1, or 0.03⁹ saturated) or n (256⁹) misses by orders of magnitude.
        let measured: f64 = gains.iter().map(|g| g.0).product();
        let predicted: f64 = gains.iter().map(|g| g.1).product();
        assert!(
            (measured / predicted).ln().abs() < 1.5f64.ln(),
            "{phi:?} {init:?}: Var(δ¹)/Var(δ¹⁰) = {measured}, product of the gains {predicted}"
        );
    }
    let sigmoid = gradient_norms(Phi::Sigmoid, Init::Xavier);
    for l in 0..9 {
        assert!(
            sigmoid[l] < 0.5 * sigmoid[l + 1],
            "sigmoid layer {}: {sigmoid:?}",
            l + 1
        );
    }
    assert!(sigmoid[0] < 1e-4 * sigmoid[9], "{sigmoid:?}");
    let saturated = gradient_norms(Phi::Tanh, Init::Normal { std: 1.0 });
    for l in 0..9 {
        assert!(
            saturated[l] > 1.5 * saturated[l + 1],
            "tanh layer {}: {saturated:?}",
            l + 1
        );
    }
    for (phi, init) in [(Phi::Tanh, Init::Xavier), (Phi::Relu, Init::He)] {
        let norms = gradient_norms(phi, init);
        let ratio = norms[0] / norms[9];
        assert!((0.1..10.0).contains(&ratio), "{phi:?} {init:?}: {norms:?}");
    }
    let exploding = gradient_norms(Phi::Relu, Init::Normal { std: 1.0 });
    let he = gradient_norms(Phi::Relu, Init::He);
    assert!(
        exploding.iter().zip(&he).all(|(e, h)| *e > 1e6 * h),
        "{exploding:?}"
    );
}
