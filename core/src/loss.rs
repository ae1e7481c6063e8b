//! Loss functions: one number that says how wrong a batch of outputs is, and its gradient.
//!
//! Losses that follow an output activation take the *logits* `z` (the last layer's weighted
//! input) and apply the activation themselves. Fused this way the gradient is simply
//! `ŷ − y` (divided by the batch size), and the value can be computed without overflow:
//!
//! | loss | output activation | L for one sample | ∂L/∂z |
//! |---|---|---|---|
//! | [`MeanSquaredError`] | identity | (1/K) Σₖ (zₖ − yₖ)² | (2/K)(z − y) |
//! | [`SigmoidBinaryCrossEntropy`] | sigmoid | −(1/K) Σₖ [yₖ ln ŷₖ + (1 − yₖ) ln(1 − ŷₖ)] | (1/K)(ŷ − y) |
//! | [`SoftmaxCrossEntropy`] | softmax | −Σₖ yₖ ln ŷₖ | ŷ − y |
//!
//! Every loss averages over the samples of the batch (and MSE and BCE over the `K` outputs too,
//! as PyTorch's `mean` reduction does).

use crate::Scalar;
use crate::activation::{Activation, sigmoid, softmax_into};
use crate::batch::{Batch, ensure_columns};

/// A loss on a batch of logits with `K` outputs per sample.
pub trait Loss<T: Scalar, const K: usize> {
    /// The output activation this loss applies to the logits (`"softmax"`, `"sigmoid"`, `"identity"`).
    fn activation_name(&self) -> &'static str;

    /// The mean loss over the batch.
    fn value(&self, logits: &Batch<T, K>, targets: &Batch<T, K>) -> T;

    /// The mean loss, with `∂L/∂logits` written into `gradient`.
    fn value_and_gradient(
        &self,
        logits: &Batch<T, K>,
        targets: &Batch<T, K>,
        gradient: &mut Batch<T, K>,
    ) -> T;
}

fn check_shapes<T: Scalar, const K: usize>(logits: &Batch<T, K>, targets: &Batch<T, K>) -> T {
    assert_eq!(
        logits.ncols(),
        targets.ncols(),
        "logits and targets have different batch sizes"
    );
    T::of(logits.ncols() as f64)
}

/// Mean squared error on an identity output: `L = (1/BK) Σ (z − y)²`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct MeanSquaredError;

impl<T: Scalar, const K: usize> Loss<T, K> for MeanSquaredError {
    fn activation_name(&self) -> &'static str {
        "identity"
    }

    fn value(&self, outputs: &Batch<T, K>, targets: &Batch<T, K>) -> T {
        let count = check_shapes(outputs, targets) * T::of(K as f64);
        let sum = outputs
            .iter()
            .zip(targets.iter())
            .fold(T::zero(), |acc, (&z, &y)| acc + (z - y) * (z - y));
        sum / count
    }

    fn value_and_gradient(
        &self,
        outputs: &Batch<T, K>,
        targets: &Batch<T, K>,
        gradient: &mut Batch<T, K>,
    ) -> T {
        let count = check_shapes(outputs, targets) * T::of(K as f64);
        ensure_columns(gradient, outputs.ncols());
        let scale = T::of(2.0) / count;
        for ((g, &z), &y) in gradient.iter_mut().zip(outputs.iter()).zip(targets.iter()) {
            *g = scale * (z - y);
        }
        self.value(outputs, targets)
    }
}

/// Binary cross-entropy on sigmoid outputs, taking logits: `ŷ = σ(z)`, targets in [0, 1].
///
/// `−[y ln σ(z) + (1 − y) ln(1 − σ(z))]` is rewritten as `max(z, 0) − z y + ln(1 + e^{−|z|})`,
/// which never takes the logarithm of 0 and never overflows.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SigmoidBinaryCrossEntropy;

impl<T: Scalar, const K: usize> Loss<T, K> for SigmoidBinaryCrossEntropy {
    fn activation_name(&self) -> &'static str {
        "sigmoid"
    }

    // ANCHOR: sigmoid_bce_value
    fn value(&self, logits: &Batch<T, K>, targets: &Batch<T, K>) -> T {
        let count = check_shapes(logits, targets) * T::of(K as f64);
        let sum = logits
            .iter()
            .zip(targets.iter())
            .fold(T::zero(), |acc, (&z, &y)| {
                acc + z.max(T::zero()) - z * y + (-z.abs()).exp().ln_1p()
            });
        sum / count
    }
    // ANCHOR_END: sigmoid_bce_value

    fn value_and_gradient(
        &self,
        logits: &Batch<T, K>,
        targets: &Batch<T, K>,
        gradient: &mut Batch<T, K>,
    ) -> T {
        let count = check_shapes(logits, targets) * T::of(K as f64);
        ensure_columns(gradient, logits.ncols());
        for ((g, &z), &y) in gradient.iter_mut().zip(logits.iter()).zip(targets.iter()) {
            *g = (sigmoid(z) - y) / count;
        }
        self.value(logits, targets)
    }
}

/// Categorical cross-entropy on softmax outputs, taking logits; targets are distributions
/// (usually one-hot).
///
/// `−Σₖ yₖ ln softmax(z)ₖ = Σₖ yₖ (LSE(z) − zₖ)` with `LSE(z) = m + ln Σⱼ e^{zⱼ − m}`,
/// `m = maxⱼ zⱼ` (the log-sum-exp trick): no exponential overflows and no logarithm of 0.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SoftmaxCrossEntropy;

// ANCHOR: log_sum_exp
/// `ln Σⱼ e^{zⱼ}`, computed without overflow.
pub fn log_sum_exp<T: Scalar>(z: &[T]) -> T {
    let max = z.iter().copied().fold(z[0], T::max);
    let sum = z.iter().fold(T::zero(), |acc, &zj| acc + (zj - max).exp());
    max + sum.ln()
}
// ANCHOR_END: log_sum_exp

impl<T: Scalar, const K: usize> Loss<T, K> for SoftmaxCrossEntropy {
    fn activation_name(&self) -> &'static str {
        "softmax"
    }

    fn value(&self, logits: &Batch<T, K>, targets: &Batch<T, K>) -> T {
        let samples = check_shapes(logits, targets);
        let mut sum = T::zero();
        for (z, y) in logits
            .as_slice()
            .chunks_exact(K)
            .zip(targets.as_slice().chunks_exact(K))
        {
            let lse = log_sum_exp(z);
            sum += y
                .iter()
                .zip(z)
                .fold(T::zero(), |acc, (&yk, &zk)| acc + yk * (lse - zk));
        }
        sum / samples
    }

    // ANCHOR: softmax_ce_gradient
    fn value_and_gradient(
        &self,
        logits: &Batch<T, K>,
        targets: &Batch<T, K>,
        gradient: &mut Batch<T, K>,
    ) -> T {
        let samples = check_shapes(logits, targets);
        ensure_columns(gradient, logits.ncols());
        let columns = logits
            .as_slice()
            .chunks_exact(K)
            .zip(targets.as_slice().chunks_exact(K));
        let mut sum = T::zero();
        for ((z, y), g) in columns.zip(gradient.as_mut_slice().chunks_exact_mut(K)) {
            softmax_into(z, g);
            let lse = log_sum_exp(z);
            let total = y.iter().fold(T::zero(), |acc, &yk| acc + yk);
            for ((gk, &yk), &zk) in g.iter_mut().zip(y).zip(z) {
                sum += yk * (lse - zk);
                // ∂/∂zₖ of Σᵢ yᵢ (LSE(z) − zᵢ) is ŷₖ Σᵢ yᵢ − yₖ, which is ŷₖ − yₖ for one-hot y.
                *gk = (*gk * total - yk) / samples;
            }
        }
        sum / samples
    }
    // ANCHOR_END: softmax_ce_gradient
}

/// Any activation followed by a loss on its output, for pairings that have no fused form (for
/// example tanh outputs with mean squared error): `L = loss(φ(z), y)`, and by the chain rule
/// `∂L/∂z = φ'(z) ⊙ ∂loss/∂a`. Allocates two temporary batches per call.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct AfterActivation<A, L> {
    /// φ, applied to the logits.
    pub activation: A,
    /// The loss on φ(z) (one whose own activation is the identity, such as MSE).
    pub loss: L,
}

impl<A, L> AfterActivation<A, L> {
    fn activate<T: Scalar, const K: usize>(&self, logits: &Batch<T, K>) -> Batch<T, K>
    where
        A: Activation<T>,
    {
        let mut outputs = Batch::zeros(logits.ncols());
        self.activation
            .forward(logits.as_slice(), outputs.as_mut_slice(), K);
        outputs
    }
}

impl<T: Scalar, const K: usize, A: Activation<T>, L: Loss<T, K>> Loss<T, K>
    for AfterActivation<A, L>
{
    fn activation_name(&self) -> &'static str {
        self.activation.name()
    }

    fn value(&self, logits: &Batch<T, K>, targets: &Batch<T, K>) -> T {
        self.loss.value(&self.activate(logits), targets)
    }

    fn value_and_gradient(
        &self,
        logits: &Batch<T, K>,
        targets: &Batch<T, K>,
        gradient: &mut Batch<T, K>,
    ) -> T {
        let outputs = self.activate(logits);
        let value = self.loss.value_and_gradient(&outputs, targets, gradient);
        self.activation.backward(
            logits.as_slice(),
            outputs.as_slice(),
            gradient.as_mut_slice(),
            K,
        );
        value
    }
}

/// Binary cross-entropy on probabilities `p` (the textbook form, for comparison):
/// `−(1/n) Σ [y ln p + (1 − y) ln(1 − p)]`. Gives ∞ when a confident prediction is wrong
/// (`p` rounds to exactly 0 or 1); [`SigmoidBinaryCrossEntropy`] does not.
pub fn binary_cross_entropy<T: Scalar>(probabilities: &[T], targets: &[T]) -> T {
    // A term whose weight is 0 contributes 0, even where its logarithm is −∞ (0 · ln 0 = 0).
    let term = |weight: T, probability: T| {
        if weight == T::zero() {
            T::zero()
        } else {
            weight * probability.ln()
        }
    };
    let sum = probabilities
        .iter()
        .zip(targets)
        .fold(T::zero(), |acc, (&p, &y)| {
            acc - term(y, p) - term(T::one() - y, T::one() - p)
        });
    sum / T::of(probabilities.len() as f64)
}

/// Categorical cross-entropy of one sample on probabilities (the textbook form):
/// `−Σₖ yₖ ln pₖ`.
pub fn cross_entropy<T: Scalar>(probabilities: &[T], targets: &[T]) -> T {
    probabilities
        .iter()
        .zip(targets)
        .fold(T::zero(), |acc, (&p, &y)| {
            if y == T::zero() {
                acc
            } else {
                acc - y * p.ln()
            }
        })
}
