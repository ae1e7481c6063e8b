//! Loss gradients ∂L/∂z against finite differences of the loss value, and the fused forms against
//! the textbook formulas they replace.

use nabla::Batch;
use nabla::loss::{
    Loss, MeanSquaredError, SigmoidBinaryCrossEntropy, SoftmaxCrossEntropy, binary_cross_entropy,
    cross_entropy,
};
use nabla_tests::{
    assert_gradients_match, finite_difference_gradient, random_one_hot, seeded, uniform_batch,
};

const OUTPUTS: usize = 4;
const SAMPLES: usize = 5;

/// Checks `value_and_gradient` against finite differences of `value` at `logits`, and that both
/// report the same value.
fn check_loss_gradient(
    what: &str,
    loss: &impl Loss<f64, OUTPUTS>,
    logits: &Batch<f64, OUTPUTS>,
    targets: &Batch<f64, OUTPUTS>,
) {
    let mut gradient = Batch::zeros(0);
    let value = loss.value_and_gradient(logits, targets, &mut gradient);
    assert_eq!(gradient.ncols(), logits.ncols(), "{what}: gradient shape");
    assert!(
        (value - loss.value(logits, targets)).abs() <= 1e-14 * value.abs().max(1.0),
        "{what}: value_and_gradient and value disagree"
    );
    let numeric = finite_difference_gradient(
        |z| loss.value(&Batch::from_column_slice(z), targets),
        logits.as_slice(),
    );
    assert_gradients_match(what, gradient.as_slice(), &numeric);
}

/// Softmax of one column, written out naively (fine for moderate logits).
fn naive_softmax(z: &[f64]) -> Vec<f64> {
    let total: f64 = z.iter().map(|zk| zk.exp()).sum();
    z.iter().map(|zk| zk.exp() / total).collect()
}

fn naive_sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

#[test]
fn mean_squared_error_gradient_matches_finite_differences() {
    let mut rng = seeded(10);
    let outputs = uniform_batch(&mut rng, SAMPLES, -3.0, 3.0);
    let targets = uniform_batch(&mut rng, SAMPLES, -3.0, 3.0);
    check_loss_gradient("MSE", &MeanSquaredError, &outputs, &targets);
}

#[test]
fn mean_squared_error_is_the_mean_over_samples_and_outputs() {
    // C = (1/BK) Σ (z − y)²  and  ∂L/∂z = (2/BK)(z − y).
    let mut rng = seeded(11);
    let outputs = uniform_batch::<OUTPUTS>(&mut rng, SAMPLES, -3.0, 3.0);
    let targets = uniform_batch::<OUTPUTS>(&mut rng, SAMPLES, -3.0, 3.0);
    let count = (OUTPUTS * SAMPLES) as f64;
    let expected = (&outputs - &targets).norm_squared() / count;
    let mut gradient = Batch::zeros(0);
    let value = MeanSquaredError.value_and_gradient(&outputs, &targets, &mut gradient);
    assert!((value - expected).abs() < 1e-14);
    let expected_gradient = (&outputs - &targets) * (2.0 / count);
    assert!((gradient - expected_gradient).amax() < 1e-15);
}

#[test]
fn sigmoid_binary_cross_entropy_gradient_matches_finite_differences() {
    let mut rng = seeded(12);
    let logits = uniform_batch(&mut rng, SAMPLES, -5.0, 5.0);
    // Soft targets anywhere in [0, 1], and hard ones.
    let soft = uniform_batch(&mut rng, SAMPLES, 0.0, 1.0);
    check_loss_gradient(
        "sigmoid BCE, soft targets",
        &SigmoidBinaryCrossEntropy,
        &logits,
        &soft,
    );
    let hard = soft.map(f64::round);
    check_loss_gradient(
        "sigmoid BCE, 0/1 targets",
        &SigmoidBinaryCrossEntropy,
        &logits,
        &hard,
    );
}

#[test]
fn sigmoid_binary_cross_entropy_gradient_is_sigmoid_minus_y() {
    // ∂L/∂z = (σ(z) − y) / BK: the sigmoid's derivative cancels against the logarithm's.
    let mut rng = seeded(13);
    let logits = uniform_batch::<OUTPUTS>(&mut rng, SAMPLES, -5.0, 5.0);
    let targets = uniform_batch::<OUTPUTS>(&mut rng, SAMPLES, 0.0, 1.0);
    let mut gradient = Batch::zeros(0);
    SigmoidBinaryCrossEntropy.value_and_gradient(&logits, &targets, &mut gradient);
    let count = (OUTPUTS * SAMPLES) as f64;
    for ((g, &z), &y) in gradient.iter().zip(logits.iter()).zip(targets.iter()) {
        assert!((g * count - (naive_sigmoid(z) - y)).abs() < 1e-14);
    }
}

#[test]
fn binary_cross_entropy_of_sigmoid_equals_sigmoid_binary_cross_entropy() {
    // The textbook −[y ln σ(z) + (1 − y) ln(1 − σ(z))] and the fused
    // max(z, 0) − z y + ln(1 + e^{−|z|}) are the same function wherever the textbook one is finite.
    let mut rng = seeded(14);
    let logits = uniform_batch::<OUTPUTS>(&mut rng, SAMPLES, -8.0, 8.0);
    let targets = uniform_batch::<OUTPUTS>(&mut rng, SAMPLES, 0.0, 1.0);
    let probabilities: Vec<f64> = logits.iter().map(|&z| naive_sigmoid(z)).collect();
    let textbook = binary_cross_entropy(&probabilities, targets.as_slice());
    let fused = SigmoidBinaryCrossEntropy.value(&logits, &targets);
    assert!(
        (textbook - fused).abs() <= 1e-12 * fused.abs(),
        "textbook {textbook} vs fused {fused}"
    );
}

#[test]
fn softmax_cross_entropy_gradient_matches_finite_differences() {
    let mut rng = seeded(15);
    let logits = uniform_batch(&mut rng, SAMPLES, -4.0, 4.0);
    let one_hot = random_one_hot(&mut rng, SAMPLES);
    check_loss_gradient(
        "softmax CE, one-hot",
        &SoftmaxCrossEntropy,
        &logits,
        &one_hot,
    );
    // Label smoothing: every column a distribution, no entry zero.
    let smoothed = one_hot.map(|y| 0.9 * y + 0.1 / OUTPUTS as f64);
    check_loss_gradient(
        "softmax CE, smoothed",
        &SoftmaxCrossEntropy,
        &logits,
        &smoothed,
    );
    // Targets that do not sum to one: the gradient is then p Σy − y, not p − y.
    let unnormalized = uniform_batch(&mut rng, SAMPLES, 0.0, 2.0);
    check_loss_gradient(
        "softmax CE, unnormalized",
        &SoftmaxCrossEntropy,
        &logits,
        &unnormalized,
    );
}

#[test]
fn softmax_ce_gradient_is_p_minus_y() {
    // For one-hot y: ∂L/∂z = (softmax(z) − y) / B, the famous ŷ − y.
    let mut rng = seeded(16);
    let logits = uniform_batch::<OUTPUTS>(&mut rng, SAMPLES, -4.0, 4.0);
    let targets = random_one_hot::<OUTPUTS>(&mut rng, SAMPLES);
    let mut gradient = Batch::zeros(0);
    SoftmaxCrossEntropy.value_and_gradient(&logits, &targets, &mut gradient);
    for column in 0..SAMPLES {
        let p = naive_softmax(logits.column(column).as_slice());
        for k in 0..OUTPUTS {
            let expected = p[k] - targets[(k, column)];
            let actual = gradient[(k, column)] * SAMPLES as f64;
            assert!(
                (actual - expected).abs() < 1e-14,
                "sample {column}, class {k}: {actual} vs p − y = {expected}"
            );
        }
    }
}

#[test]
fn softmax_cross_entropy_equals_cross_entropy_of_softmax() {
    // The fused LSE(z) − z_y is −ln softmax(z)_y, averaged over the batch.
    let mut rng = seeded(17);
    let logits = uniform_batch::<OUTPUTS>(&mut rng, SAMPLES, -4.0, 4.0);
    let targets = random_one_hot::<OUTPUTS>(&mut rng, SAMPLES);
    let textbook = (0..SAMPLES)
        .map(|c| {
            cross_entropy(
                &naive_softmax(logits.column(c).as_slice()),
                targets.column(c).as_slice(),
            )
        })
        .sum::<f64>()
        / SAMPLES as f64;
    let fused = SoftmaxCrossEntropy.value(&logits, &targets);
    assert!(
        (textbook - fused).abs() <= 1e-13 * fused,
        "{textbook} vs {fused}"
    );
}

#[test]
fn losses_name_their_output_activation() {
    assert_eq!(
        Loss::<f64, 3>::activation_name(&MeanSquaredError),
        "identity"
    );
    assert_eq!(
        Loss::<f64, 3>::activation_name(&SigmoidBinaryCrossEntropy),
        "sigmoid"
    );
    assert_eq!(
        Loss::<f64, 3>::activation_name(&SoftmaxCrossEntropy),
        "softmax"
    );
}

#[test]
fn binary_cross_entropy_of_a_confident_correct_prediction_is_zero() {
    // With the convention 0 · ln 0 = 0 (which `cross_entropy` follows by skipping yₖ = 0), a
    // prediction of exactly 1 for target 1 and exactly 0 for target 0 costs nothing.
    assert_eq!(binary_cross_entropy(&[1.0, 0.0], &[1.0, 0.0]), 0.0);
}
