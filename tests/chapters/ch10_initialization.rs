//! Chapter 10: initialization and gradient flow. Each equation is checked on the library's own
//! layers and initializers: the symmetry on a real `network!` network, the variance laws by
//! sampling, He's factor 2 on a 10-layer ReLU stack, the per-layer gains on the stacks the
//! chapter measures, and both kinds of clipping on a real gradient. The long experiments
//! (MNIST gradients, the clipping run) are repeated on small seeded subsets.

use chapters::ch10_initialization::deep::{DEPTH, DeepStack, Phi, WIDTH, frobenius};
use chapters::ch10_initialization::symmetry::{
    self, Small, equal_weights, largest_unit_difference, xavier,
};
use chapters::ch10_initialization::{SEED, gaussian_batch, standard_normal};
use nabla::Batch;
use nabla::activation::{Relu, apply};
use nabla::clip::{Clip, global_norm};
use nabla::dense::Dense;
use nabla::init::Init;
use nabla::network::{Parameters, loss_and_gradients};
use nabla_tests::seeded;
use rand::Rng;

/// The mean of `values`.
fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, count) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    sum / count as f64
}

/// The variance of `values` about their mean.
fn variance(values: &[f64]) -> f64 {
    let m = mean(values.iter().copied());
    mean(values.iter().map(|v| (v - m).powi(2)))
}

/// Every parameter of `model`, in visiting order.
fn flat<P: Parameters<f64>>(model: &P) -> Vec<f64> {
    let mut all = Vec::new();
    model.visit(&mut |tensor| all.extend_from_slice(tensor));
    all
}

/// The gradient of the symmetry experiment's network at Xavier weights, on its data.
fn small_gradient() -> Small<f64> {
    let data = symmetry::data(SEED);
    let network = xavier(3);
    loss_and_gradients(&network, &network.loss(), &data.inputs, &data.targets).1
}

/// (10.1) When the hidden units start alike (every weight into them equal, and each output's
/// weights from them equal), every hidden unit gets the same gradient: the rows of ∂L/∂W¹
/// agree, and so do the entries of ∂L/∂b¹. A step therefore keeps them alike, and after 200
/// epochs of SGD from all weights 0.5 the 8 units are still one. Xavier weights break the tie.
#[test]
fn eq_10_1_equal_weights_give_every_hidden_unit_the_same_gradient() {
    let data = symmetry::data(SEED);
    let mut network = equal_weights(0.5);
    // Output k weighs every hidden unit by the same 0.1·(k + 1): the units are still alike,
    // and the outputs differ, so the error reaching the hidden layer is not zero.
    for k in 0..3 {
        for j in 0..8 {
            network.layer2.weights[(k, j)] = 0.1 * (k + 1) as f64;
        }
    }
    let (_, gradient) = loss_and_gradients(&network, &network.loss(), &data.inputs, &data.targets);
    let g = &gradient.layer1.weights;
    let scale = frobenius(g.as_slice());
    assert!(
        scale > 1e-3,
        "the hidden layer's gradient is not zero: {scale}"
    );
    let b = gradient.layer1.bias.as_slice();
    for j in 1..8 {
        for k in 0..4 {
            assert!(
                (g[(j, k)] - g[(0, k)]).abs() <= 1e-12 * scale,
                "unit {j} input {k}: {} vs {}",
                g[(j, k)],
                g[(0, k)]
            );
        }
        assert!(
            (b[j] - b[0]).abs() <= 1e-12 * scale,
            "bias {j}: {} vs {}",
            b[j],
            b[0]
        );
    }
    let start = equal_weights(0.5);
    let mut trained = start.clone();
    symmetry::train(&mut trained, &data, 200);
    let moved =
        frobenius(trained.layer1.weights.as_slice()) - frobenius(start.layer1.weights.as_slice());
    assert!(moved.abs() > 1e-3, "training moved the hidden weights");
    assert!(
        largest_unit_difference(&trained) <= 1e-9,
        "the units stayed equal"
    );
    let mut random = xavier(SEED);
    symmetry::train(&mut random, &data, 200);
    assert!(largest_unit_difference(&random) > 0.1);
}

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

mod library {
    //! Adapters from the library's clipping and initializers to the signatures of chapter 10's
    //! exercise checks. The checks hand over plain lists of numbers; the library clips a model's
    //! tensors, so the clipping adapters copy the lists into a [`Tensors`] model and back.

    use nabla::clip::Clip;
    use nabla::init::Init;
    use nabla_tests::Tensors;

    /// The library's `Clip::Norm(c)` (10.8) on `tensors`, in exercise 10.1's signature: returns the
    /// norm before clipping.
    pub fn clip_by_norm(tensors: &mut [Vec<f64>], c: f64) -> f64 {
        let mut model = Tensors(tensors.to_vec());
        let norm = Clip::Norm(c)
            .apply(&mut model)
            .expect("clipping by norm returns the norm");
        tensors.clone_from_slice(&model.0);
        norm
    }

    /// The library's `Clip::Value(c)` (10.9) on `entries`, in exercise 10.2's signature.
    pub fn clip_by_value(entries: &mut [f64], c: f64) {
        let mut model = Tensors(vec![entries.to_vec()]);
        Clip::Value(c).apply(&mut model);
        entries.copy_from_slice(&model.0[0]);
    }

    /// The standard deviation of the library's `Init::Xavier` (10.4), in exercise 10.3's signature.
    pub fn xavier_std(n_in: usize, n_out: usize) -> f64 {
        Init::Xavier.variance(n_in, n_out).sqrt()
    }

    /// The standard deviation of the library's `Init::He` (10.6), in exercise 10.4's signature.
    pub fn he_std(n_in: usize, n_out: usize) -> f64 {
        Init::He.variance(n_in, n_out).sqrt()
    }
}

mod mnist_runs {
    //! Chapter 10's runs on real MNIST digits, which are not tied to one equation and so are
    //! kept apart from the equation tests: clipping by norm rescuing a run that diverges, and
    //! the gradients of deep sigmoid and ReLU stacks on digits.

    use chapters::ch10_initialization::SEED;
    use chapters::ch10_initialization::clipping::{Outcome, SmallRelu, train};
    use chapters::ch10_initialization::deep::{DeepStack, Phi};
    use nabla::clip::Clip;
    use nabla::data::mnist;
    use nabla::init::Init;
    use nabla_tests::seeded;

    /// The first `count` MNIST training images, and the next 500 as a test set.
    fn mnist_subset(
        count: usize,
    ) -> (
        nabla::data::Dataset<f32, 784, 10>,
        nabla::data::Dataset<f32, 784, 10>,
    ) {
        let digits = mnist::load(&mnist::default_dir()).expect("MNIST is in data/mnist");
        let all = digits.train.to_dataset::<f32>();
        let train = all.take(count);
        let indices: Vec<usize> = (count..count + 500).collect();
        (train, all.subset(&indices))
    }

    /// The long part's clipping run, small: on 512 MNIST digits, SGD at rate 2 diverges on a six-layer ReLU
    /// network of width 64 without clipping; clipped by norm (every step then at most 2 · 0.25 = 0.5
    /// long), the same run from the same weights trains to a loss far below ln 10 ≈ 2.30 (the loss
    /// of guessing).
    #[test]
    fn clipping_by_norm_trains_a_run_that_diverges_without_it() {
        let (train_set, test_set) = mnist_subset(512);
        let (rate, epochs) = (2.0, 10);
        let start = SmallRelu::<f32>::new(&mut seeded(SEED));
        let mut network = start.clone();
        let unclipped = train(
            &mut network,
            (&train_set, &test_set),
            rate,
            None,
            epochs,
            SEED,
        )
        .unwrap();
        assert!(
            matches!(unclipped, Outcome::Diverged { .. }),
            "{unclipped:?}"
        );
        let mut network = start.clone();
        let clip = Some(Clip::Norm(0.25));
        let clipped = train(
            &mut network,
            (&train_set, &test_set),
            rate,
            clip,
            epochs,
            SEED,
        );
        match clipped.unwrap() {
            Outcome::Trained {
                losses,
                test_accuracy,
                ..
            } => {
                assert!(losses[epochs - 1] < 0.8, "losses {losses:?}");
                assert!(losses[epochs - 1] < 0.5 * losses[0], "losses {losses:?}");
                assert!(test_accuracy > 0.6, "test accuracy {test_accuracy}");
            }
            diverged => panic!("clipped run diverged: {diverged:?}"),
        }
    }

    /// The long part's MNIST gradients, small: on 100 real digits, too, the deep sigmoid stack's
    /// gradients vanish toward the input and the He-initialized ReLU stack's do not.
    #[test]
    fn on_mnist_digits_sigmoid_gradients_vanish_and_relu_he_gradients_do_not() {
        let (digits, _) = mnist_subset(100);
        let labels: Vec<u8> = digits.labels().iter().map(|&l| l as u8).collect();
        let norms = |phi, init| {
            let stack = DeepStack::<f32, 784>::new(phi, init, &mut seeded(SEED));
            stack.flow(&digits.inputs, &labels).weight_gradient_norms
        };
        let sigmoid = norms(Phi::Sigmoid, Init::Xavier);
        assert!(sigmoid[0] < 1e-4 * sigmoid[9], "{sigmoid:?}");
        let relu = norms(Phi::Relu, Init::He);
        assert!((0.1..10.0).contains(&(relu[0] / relu[9])), "{relu:?}");
    }
}
