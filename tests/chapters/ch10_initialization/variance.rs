//! The variance laws: forward (10.2) and backward (10.3) through a layer, and Xavier's variance as
//! their harmonic mean (10.4).

use super::*;

/// (10.2) Var(z) = n_in · Var(w) · E[a²] for z = Σ w a with zero-mean weights independent of
/// the inputs, sampled with a `Dense` layer and `Init::Normal`. The inputs are uniform in
/// [0, 2], so E[a²] = 4/3 is four times their variance 1/3: a law with Var(a) in place of E[a²]
/// would predict 3 instead of 12 and fail.
#[test]
fn eq_10_2_weighted_input_variance_is_fan_in_times_weight_variance_times_second_moment() {
    let mut rng = seeded(102);
    let init = Init::Normal { std: 0.3 };
    let inputs = Batch::<f64, 100>::from_fn(1000, |_, _| rng.random_range(0.0..2.0));
    let second_moment = mean(inputs.iter().map(|a| a * a));
    let mut measured = Vec::new();
    for _ in 0..5 {
        let layer = Dense::<f64, 100, 100>::new(init, &mut rng);
        measured.extend(layer.forward(&inputs).iter().copied());
    }
    let predicted = 100.0 * init.variance(100, 100) * second_moment;
    let ratio = variance(&measured) / predicted;
    assert!((ratio - 1.0).abs() < 0.05, "measured / predicted = {ratio}");
    assert!((predicted - 12.0).abs() < 0.3, "E[a²] ≈ 4/3: {predicted}");
}

/// (10.3) Going back, ∂L/∂a = Wᵀ δ has variance n_out · Var(w) · Var(δ): sampled through
/// `Dense::backward` with standard normal errors δ.
#[test]
fn eq_10_3_backward_variance_is_fan_out_times_weight_variance_times_delta_variance() {
    let mut rng = seeded(103);
    let init = Init::Normal { std: 0.2 };
    let inputs = Batch::<f64, 50>::zeros(500);
    let delta = Batch::<f64, 100>::from_fn(500, |_, _| standard_normal(&mut rng));
    let mut measured = Vec::new();
    for _ in 0..5 {
        let layer = Dense::<f64, 50, 100>::new(init, &mut rng);
        let (mut gradients, mut input_gradient) = (Dense::zeros(), Batch::zeros(0));
        layer.backward(&inputs, &delta, &mut gradients, Some(&mut input_gradient));
        measured.extend(input_gradient.iter().copied());
    }
    let predicted = 100.0 * init.variance(50, 100) * variance(delta.as_slice());
    let ratio = variance(&measured) / predicted;
    assert!((ratio - 1.0).abs() < 0.05, "measured / predicted = {ratio}");
}

/// The variance of the output of `depth` identity layers `n → n` drawn by `init`, relative to
/// the input's, and the same ratio for the error sent back through them.
fn linear_gains(init: Init, depth: usize) -> (f64, f64) {
    let mut rng = seeded(104);
    let x = Batch::<f64, 128>::from_fn(400, |_, _| standard_normal(&mut rng));
    let layers: Vec<Dense<f64, 128, 128>> =
        (0..depth).map(|_| Dense::new(init, &mut rng)).collect();
    let mut signal = x.clone();
    for layer in &layers {
        signal = layer.forward(&signal);
    }
    let mut error = x.clone();
    for layer in layers.iter().rev() {
        let (mut g, mut below) = (Dense::zeros(), Batch::zeros(0));
        layer.backward(&x, &error, &mut g, Some(&mut below));
        error = below;
    }
    let base = variance(x.as_slice());
    (
        variance(signal.as_slice()) / base,
        variance(error.as_slice()) / base,
    )
}

/// The sample variance of the weights `Init::Xavier` draws for `count` layers `IN → OUT`, and
/// the gains those layers measure: Var(z) / E[x²] forward, for standard normal inputs x, and
/// Var(Wᵀδ) / Var(δ) backward, for standard normal errors δ.
fn xavier_layer_gains<const IN: usize, const OUT: usize>(count: usize) -> (f64, f64, f64) {
    let mut rng = seeded(104);
    let x = Batch::<f64, IN>::from_fn(400, |_, _| standard_normal(&mut rng));
    let delta = Batch::<f64, OUT>::from_fn(400, |_, _| standard_normal(&mut rng));
    let (mut weights, mut forward, mut backward) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..count {
        let layer = Dense::<f64, IN, OUT>::new(Init::Xavier, &mut rng);
        weights.extend_from_slice(layer.weights.as_slice());
        forward.extend(layer.forward(&x).iter().copied());
        let (mut g, mut below) = (Dense::zeros(), Batch::zeros(0));
        layer.backward(&x, &delta, &mut g, Some(&mut below));
        backward.extend(below.iter().copied());
    }
    (
        variance(&weights),
        variance(&forward) / mean(x.iter().map(|v| v * v)),
        variance(&backward) / variance(delta.as_slice()),
    )
}

/// (10.4) Xavier's Var(w) = 2 / (n_in + n_out) is the harmonic mean of the forward condition
/// 1/n_in and the backward one 1/n_out. For a 300 → 100 layer the conditions ask for 1/300 and
/// 1/100, and their harmonic mean is 1/200: the weights `Init::Xavier` samples have variance
/// 1/200 within 3%, which either condition's variance (33% and 100% away) would fail. The layer then meets neither condition but
/// splits the difference: it multiplies the signal's second moment by n_in · Var(w) = 1.5
/// (10.2) and the error's variance by n_out · Var(w) = 0.5 (10.3), gains whose mean is 1; the
/// geometric mean 1/√(n_in n_out) of the two conditions would give √3 and 1/√3, 15% away.
/// For equal widths Xavier meets both, so ten linear 128 → 128 layers keep the variance both
/// ways, while weights 20% larger multiply it by 1.2²⁰ ≈ 38.
#[test]
fn eq_10_4_xavier_variance_is_the_harmonic_mean_of_the_two_conditions() {
    let (n_in, n_out) = (300.0, 100.0);
    let (forward_condition, backward_condition) = (1.0 / n_in, 1.0 / n_out);
    let harmonic = 2.0 / (1.0 / forward_condition + 1.0 / backward_condition);
    assert!((Init::Xavier.variance(300, 100) - harmonic).abs() < 1e-15);
    let outcome = exercises::checks::ch10_initialization::xavier_std(library::xavier_std);
    assert!(outcome.passed(), "{outcome:?}");
    let (weights, forward, backward) = xavier_layer_gains::<300, 100>(5);
    assert!(
        (weights / harmonic - 1.0).abs() < 0.03,
        "Var(w) = {weights}: not {harmonic} (1/n_in = {forward_condition}, 1/n_out = {backward_condition})"
    );
    let (forward_gain, backward_gain) = (n_in * harmonic, n_out * harmonic);
    assert!(
        (forward / forward_gain - 1.0).abs() < 0.05,
        "forward gain {forward}, not {forward_gain}"
    );
    assert!(
        (backward / backward_gain - 1.0).abs() < 0.05,
        "backward gain {backward}, not {backward_gain}"
    );
    let average = (forward + backward) / 2.0;
    assert!((average - 1.0).abs() < 0.05, "mean of the gains {average}");
    let (forward, backward) = linear_gains(Init::Xavier, 10);
    assert!((0.6..1.6).contains(&forward), "forward gain {forward}");
    assert!((0.6..1.6).contains(&backward), "backward gain {backward}");
    let too_large = Init::Normal {
        std: 1.2 * Init::Xavier.variance(128, 128).sqrt(),
    };
    let (forward, backward) = linear_gains(too_large, 10);
    assert!(forward > 15.0 && backward > 15.0, "{forward}, {backward}");
}
