//! Backpropagation through whole networks: every parameter's gradient against finite differences
//! of the loss, and the four equations (BP1–BP4) one by one.
//!
//! BP1 `δᴸ = ∂L/∂zᴸ` (for softmax + cross-entropy, `ŷ − y`: see `softmax_ce_gradient_is_p_minus_y`),
//! BP2 `δˡ = (Wˡ⁺¹ᵀ δˡ⁺¹) ⊙ σ'(zˡ)`, BP3 `∂L/∂bˡ = δˡ`, BP4 `∂L/∂Wˡ = δˡ (aˡ⁻¹)ᵀ`
//! (BP3 and BP4 summed over the samples of the batch).

use chapters::hand_wired::Mlp;
use nabla::Batch;
use nabla::activation::{Activation, Sigmoid};
use nabla::gradcheck::check_gradients;
use nabla::loss::{Loss, MeanSquaredError, SoftmaxCrossEntropy};
use nabla::nalgebra::DMatrix;
use nabla::network::{Network, Parameters};
use nabla_tests::{
    TOLERANCE, TwoHiddenLayers, TwoHiddenLayersTrace, assert_gradients_match, assert_restored,
    finite_difference_gradient, options, random_one_hot, seeded, uniform_batch,
};
use rand::Rng;

/// `4 → tanh 6 → sigmoid 6 → softmax 3`.
type Net = TwoHiddenLayers<f64, 4, 6, 6, 3>;
type Trace = TwoHiddenLayersTrace<f64, 6, 6, 3>;

const SAMPLES: usize = 5;

/// Adds uniform noise in `[-0.5, 0.5)` to every parameter (so biases are not all zero).
fn jitter(model: &mut impl Parameters<f64>, rng: &mut impl Rng) {
    model.visit_mut(&mut |tensor| {
        tensor
            .iter_mut()
            .for_each(|value| *value += rng.random_range(-0.5..0.5));
    });
}

/// A randomly initialized network with a batch of inputs and one-hot targets.
fn two_hidden_setup(seed: u64) -> (Net, Batch<f64, 4>, Batch<f64, 3>) {
    let mut rng = seeded(seed);
    let mut net = Net::new(&mut rng);
    jitter(&mut net, &mut rng);
    let input = uniform_batch(&mut rng, SAMPLES, -2.0, 2.0);
    let targets = random_one_hot(&mut rng, SAMPLES);
    (net, input, targets)
}

/// One forward and backward pass: the gradients of every parameter, and the trace.
fn backpropagate<N: Network<f64, IN, OUT>, const IN: usize, const OUT: usize>(
    net: &N,
    loss: &impl Loss<f64, OUT>,
    input: &Batch<f64, IN>,
    targets: &Batch<f64, OUT>,
) -> (N, N::Trace) {
    let mut trace = N::Trace::default();
    let logits = net
        .forward_trace(input, nabla::layer::Pass::train(0), &mut trace)
        .clone();
    let mut logits_gradient = Batch::zeros(0);
    loss.value_and_gradient(&logits, targets, &mut logits_gradient);
    // Start from a non-zero gradient: `backward` must overwrite it.
    let mut gradients = net.zeros_like();
    gradients.visit_mut(&mut |tensor| tensor.fill(7.0));
    net.backward(input, &mut trace, &logits_gradient, &mut gradients);
    (gradients, trace)
}

/// Checks every parameter's gradient with the library's checker.
fn assert_network_gradients<N: Network<f64, IN, OUT> + Clone, const IN: usize, const OUT: usize>(
    what: &str,
    net: &N,
    loss: &impl Loss<f64, OUT>,
    input: &Batch<f64, IN>,
    targets: &Batch<f64, OUT>,
) {
    let (gradients, _) = backpropagate(net, loss, input, targets);
    let mut perturbed = net.clone();
    let report = check_gradients(
        &mut perturbed,
        &gradients,
        |net| loss.value(&net.logits(input), targets),
        options(),
    );
    assert_eq!(
        report.checked,
        net.parameter_count(),
        "{what}: every parameter"
    );
    assert!(report.max_relative_error <= TOLERANCE, "{what}: {report:?}");
    assert_restored(what, &perturbed, net);
}

#[test]
fn two_hidden_layer_network_gradients_match_finite_differences() {
    let (net, input, targets) = two_hidden_setup(20);
    assert_eq!(
        net.parameter_count(),
        (4 * 6 + 6) + (6 * 6 + 6) + (6 * 3 + 3)
    );
    assert_network_gradients(
        "softmax cross-entropy",
        &net,
        &SoftmaxCrossEntropy,
        &input,
        &targets,
    );
    // The backward pass does not depend on which loss produced ∂L/∂logits.
    let mut rng = seeded(21);
    let regression_targets = uniform_batch(&mut rng, SAMPLES, -1.0, 1.0);
    assert_network_gradients(
        "mean squared error",
        &net,
        &MeanSquaredError,
        &input,
        &regression_targets,
    );
}

#[test]
fn hand_wired_relu_mlp_gradients_match_finite_differences() {
    // `6 → ReLU 7 → softmax 3`, from the chapters; 6 inputs, 7 hidden units and a batch of 8 put
    // the first layer's products on nalgebra's fast kernel.
    let mut rng = seeded(22);
    let mut mlp = Mlp::<f64, 6, 7, 3>::new(&mut rng);
    jitter(&mut mlp, &mut rng);
    let input = uniform_batch(&mut rng, 8, -2.0, 2.0);
    let targets = random_one_hot(&mut rng, 8);
    // Finite differences are wrong across a ReLU kink: make sure no hidden unit sits near one.
    let hidden = mlp.hidden.forward(&input);
    let nearest_kink = hidden.iter().map(|z| z.abs()).fold(f64::INFINITY, f64::min);
    assert!(
        nearest_kink > 1e-3,
        "a hidden unit is {nearest_kink} from the kink; change the seed"
    );
    assert_network_gradients(
        "hand-wired MLP",
        &mlp,
        &SoftmaxCrossEntropy,
        &input,
        &targets,
    );
}

/// `C(z¹)`: the loss as a function of the first hidden layer's weighted input.
fn loss_from_first_weighted_input(net: &Net, z1: &[f64], targets: &Batch<f64, 3>) -> f64 {
    let mut trace = Trace {
        first_weighted_input: Batch::from_column_slice(z1),
        ..Trace::default()
    };
    net.forward_from_first_weighted_input(&mut trace);
    SoftmaxCrossEntropy.value(&trace.logits, targets)
}

/// `C(z²)`: the loss as a function of the second hidden layer's weighted input.
fn loss_from_second_weighted_input(net: &Net, z2: &[f64], targets: &Batch<f64, 3>) -> f64 {
    let mut a2 = Batch::<f64, 6>::zeros(z2.len() / 6);
    Sigmoid.forward(z2, a2.as_mut_slice(), 6);
    SoftmaxCrossEntropy.value(&net.output.forward(&a2), targets)
}

#[test]
fn bp2_delta_recursion() {
    // δ² = (W³ᵀ δ³) ⊙ σ'(z²) and δ¹ = (W²ᵀ δ²) ⊙ tanh'(z¹) are the gradients of C with respect
    // to z² and z¹, sample by sample.
    let (net, input, targets) = two_hidden_setup(23);
    let (_, trace) = backpropagate(&net, &SoftmaxCrossEntropy, &input, &targets);
    let numeric = finite_difference_gradient(
        |z2| loss_from_second_weighted_input(&net, z2, &targets),
        trace.second_weighted_input.as_slice(),
    );
    assert_gradients_match("δ² = ∂L/∂z²", trace.second_delta.as_slice(), &numeric);
    let numeric = finite_difference_gradient(
        |z1| loss_from_first_weighted_input(&net, z1, &targets),
        trace.first_weighted_input.as_slice(),
    );
    assert_gradients_match("δ¹ = ∂L/∂z¹", trace.first_delta.as_slice(), &numeric);
}

fn dmatrix<const N: usize>(batch: &Batch<f64, N>) -> DMatrix<f64> {
    DMatrix::from_column_slice(N, batch.ncols(), batch.as_slice())
}

#[test]
fn bp3_bias_gradient_is_delta_in_every_layer() {
    let (net, input, targets) = two_hidden_setup(24);
    let (gradients, trace) = backpropagate(&net, &SoftmaxCrossEntropy, &input, &targets);
    let row_sums = |delta: DMatrix<f64>| delta.column_sum();
    let first = row_sums(dmatrix(&trace.first_delta));
    let second = row_sums(dmatrix(&trace.second_delta));
    for (layer, (actual, expected)) in [
        (gradients.first.bias.as_slice(), first.as_slice()),
        (gradients.second.bias.as_slice(), second.as_slice()),
    ]
    .into_iter()
    .enumerate()
    {
        for (a, e) in actual.iter().zip(expected) {
            assert!((a - e).abs() < 1e-14, "layer {}: {a} vs {e}", layer + 1);
        }
    }
}

#[test]
fn bp4_weight_gradient_is_delta_times_previous_activation_transpose() {
    let (net, input, targets) = two_hidden_setup(25);
    let (gradients, trace) = backpropagate(&net, &SoftmaxCrossEntropy, &input, &targets);
    let first = dmatrix(&trace.first_delta) * dmatrix(&input).transpose();
    let second = dmatrix(&trace.second_delta) * dmatrix(&trace.first_activation).transpose();
    for (layer, actual, expected) in [
        (1, gradients.first.weights.as_slice(), first),
        (2, gradients.second.weights.as_slice(), second),
    ] {
        let actual = DMatrix::from_column_slice(expected.nrows(), expected.ncols(), actual);
        assert!((actual - &expected).amax() < 1e-14, "layer {layer}");
    }
}

#[test]
fn gradient_check_detects_a_wrong_gradient() {
    // The checks above can fail: a single gradient off by 1% is caught and located.
    let (net, input, targets) = two_hidden_setup(26);
    let (mut gradients, _) = backpropagate(&net, &SoftmaxCrossEntropy, &input, &targets);
    let index = gradients
        .second
        .weights
        .as_slice()
        .iter()
        .position(|g| g.abs() > 1e-3)
        .expect("some gradient of a useful size");
    gradients.second.weights.as_mut_slice()[index] *= 1.01;
    let report = check_gradients(
        &mut net.clone(),
        &gradients,
        |net| SoftmaxCrossEntropy.value(&net.logits(&input), &targets),
        options(),
    );
    assert!(report.max_relative_error > 5e-3, "{report:?}");
    // Tensors in order: W¹, b¹, W², b², W³, b³.
    assert_eq!((report.worst.0, report.worst.1), (2, index));
}
