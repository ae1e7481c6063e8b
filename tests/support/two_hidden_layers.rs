//! [`TwoHiddenLayers`]: a network with two hidden layers wired by hand from [`Dense`] layers, its
//! backward pass written out equation by equation, to check the library's against.

use nabla::activation::{Activation, Sigmoid, Softmax, Tanh};
use nabla::batch::ensure_columns;
use nabla::dense::Dense;
use nabla::init::Init;
use nabla::network::Network;
use nabla::{Batch, Scalar};
use rand::Rng;

/// `IN → tanh H1 → sigmoid H2 → softmax OUT`, wired by hand from [`Dense`] layers, with the
/// softmax left to the loss (the network ends at the logits).
///
/// Backpropagation, with `δℓ = ∂L/∂zℓ` and `δ³` handed in by the loss:
/// - BP2: `δ² = (W³ᵀ δ³) ⊙ σ'(z²)` and `δ¹ = (W²ᵀ δ²) ⊙ tanh'(z¹)`,
/// - BP3: `∂L/∂bℓ = δℓ 1` (summed over the batch),
/// - BP4: `∂L/∂Wℓ = δℓ (aℓ−1)ᵀ`.
#[derive(Clone, Debug, PartialEq, nabla::Parameters)]
pub struct TwoHiddenLayers<
    T: Scalar,
    const IN: usize,
    const H1: usize,
    const H2: usize,
    const OUT: usize,
> {
    /// The first hidden layer (followed by tanh).
    pub first: Dense<T, IN, H1>,
    /// The second hidden layer (followed by the sigmoid).
    pub second: Dense<T, H1, H2>,
    /// The output layer; its weighted input is the logits.
    pub output: Dense<T, H2, OUT>,
}

/// Everything one forward and backward pass of [`TwoHiddenLayers`] computes, kept public so tests
/// can look at the deltas.
#[derive(Clone, Debug)]
pub struct TwoHiddenLayersTrace<T: Scalar, const H1: usize, const H2: usize, const OUT: usize> {
    /// `z¹ = W¹ x + b¹`.
    pub first_weighted_input: Batch<T, H1>,
    /// `a¹ = tanh(z¹)`.
    pub first_activation: Batch<T, H1>,
    /// `z² = W² a¹ + b²`.
    pub second_weighted_input: Batch<T, H2>,
    /// `a² = σ(z²)`.
    pub second_activation: Batch<T, H2>,
    /// `z³ = W³ a² + b³`, the logits.
    pub logits: Batch<T, OUT>,
    /// `δ¹ = ∂L/∂z¹`, written by the backward pass.
    pub first_delta: Batch<T, H1>,
    /// `δ² = ∂L/∂z²`, written by the backward pass.
    pub second_delta: Batch<T, H2>,
}

impl<T: Scalar, const H1: usize, const H2: usize, const OUT: usize> Default
    for TwoHiddenLayersTrace<T, H1, H2, OUT>
{
    fn default() -> Self {
        Self {
            first_weighted_input: Batch::zeros(0),
            first_activation: Batch::zeros(0),
            second_weighted_input: Batch::zeros(0),
            second_activation: Batch::zeros(0),
            logits: Batch::zeros(0),
            first_delta: Batch::zeros(0),
            second_delta: Batch::zeros(0),
        }
    }
}

impl<T: Scalar, const IN: usize, const H1: usize, const H2: usize, const OUT: usize>
    TwoHiddenLayers<T, IN, H1, H2, OUT>
{
    /// Xavier-initialized layers (suits tanh and the sigmoid) with zero biases.
    pub fn new(rng: &mut impl Rng) -> Self {
        Self {
            first: Dense::new(Init::Xavier, rng),
            second: Dense::new(Init::Xavier, rng),
            output: Dense::new(Init::Xavier, rng),
        }
    }

    /// The rest of the forward pass from `z¹`: fills the trace from `first_weighted_input` on.
    pub fn forward_from_first_weighted_input(
        &self,
        trace: &mut TwoHiddenLayersTrace<T, H1, H2, OUT>,
    ) {
        let samples = trace.first_weighted_input.ncols();
        ensure_columns(&mut trace.first_activation, samples);
        Tanh.forward(
            trace.first_weighted_input.as_slice(),
            trace.first_activation.as_mut_slice(),
            H1,
        );
        self.second
            .forward_into(&trace.first_activation, &mut trace.second_weighted_input);
        ensure_columns(&mut trace.second_activation, samples);
        Sigmoid.forward(
            trace.second_weighted_input.as_slice(),
            trace.second_activation.as_mut_slice(),
            H2,
        );
        self.output
            .forward_into(&trace.second_activation, &mut trace.logits);
    }
}

impl<T: Scalar, const IN: usize, const H1: usize, const H2: usize, const OUT: usize>
    Network<T, IN, OUT> for TwoHiddenLayers<T, IN, H1, H2, OUT>
{
    type Trace = TwoHiddenLayersTrace<T, H1, H2, OUT>;

    fn forward_trace<'t>(
        &self,
        input: &Batch<T, IN>,
        _pass: nabla::layer::Pass,
        trace: &'t mut Self::Trace,
    ) -> &'t Batch<T, OUT> {
        self.first
            .forward_into(input, &mut trace.first_weighted_input);
        self.forward_from_first_weighted_input(trace);
        &trace.logits
    }

    fn backward(
        &self,
        input: &Batch<T, IN>,
        trace: &mut Self::Trace,
        logits_gradient: &Batch<T, OUT>,
        gradients: &mut Self,
    ) {
        // Output layer: δ³ is the loss gradient; W³ᵀ δ³ lands in `second_delta` …
        self.output.backward(
            &trace.second_activation,
            logits_gradient,
            &mut gradients.output,
            Some(&mut trace.second_delta),
        );
        // … and becomes δ² = (W³ᵀ δ³) ⊙ σ'(z²).
        Sigmoid.backward(
            trace.second_weighted_input.as_slice(),
            trace.second_activation.as_slice(),
            trace.second_delta.as_mut_slice(),
            H2,
        );
        self.second.backward(
            &trace.first_activation,
            &trace.second_delta,
            &mut gradients.second,
            Some(&mut trace.first_delta),
        );
        // δ¹ = (W²ᵀ δ²) ⊙ tanh'(z¹).
        Tanh.backward(
            trace.first_weighted_input.as_slice(),
            trace.first_activation.as_slice(),
            trace.first_delta.as_mut_slice(),
            H1,
        );
        self.first
            .backward(input, &trace.first_delta, &mut gradients.first, None);
    }

    fn output_activation(&self, logits: &mut Batch<T, OUT>) {
        let scores = logits.clone();
        Softmax.forward(scores.as_slice(), logits.as_mut_slice(), OUT);
    }
}
