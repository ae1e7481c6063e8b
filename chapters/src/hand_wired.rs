//! A one-hidden-layer perceptron wired by hand from `Dense` layers: what the `network!` macro
//! writes for you, spelled out. `IN → ReLU HIDDEN → softmax OUT`.

use nabla::activation::{Activation, Relu, Softmax};
use nabla::batch::ensure_columns;
use nabla::dense::Dense;
use nabla::init::Init;
use nabla::network::Network;
use nabla::{Batch, Scalar};
use rand::Rng;

// ANCHOR: network
/// `IN → ReLU HIDDEN → softmax OUT`, trained with softmax cross-entropy. Its tensors are its
/// fields' (`hidden.weight`, `hidden.bias`, `output.weight`, `output.bias`), listed by the derive.
#[derive(Clone, Debug, PartialEq, nabla::Parameters)]
pub struct Mlp<T: Scalar, const IN: usize, const HIDDEN: usize, const OUT: usize> {
    /// The hidden layer (followed by ReLU).
    pub hidden: Dense<T, IN, HIDDEN>,
    /// The output layer (its weighted input is the logits).
    pub output: Dense<T, HIDDEN, OUT>,
}

/// The intermediate values of one forward pass.
#[derive(Debug)]
pub struct MlpTrace<T: Scalar, const HIDDEN: usize, const OUT: usize> {
    hidden_input: Batch<T, HIDDEN>,
    hidden_activation: Batch<T, HIDDEN>,
    hidden_delta: Batch<T, HIDDEN>,
    logits: Batch<T, OUT>,
}

impl<T: Scalar, const HIDDEN: usize, const OUT: usize> Default for MlpTrace<T, HIDDEN, OUT> {
    fn default() -> Self {
        Self {
            hidden_input: Batch::zeros(0),
            hidden_activation: Batch::zeros(0),
            hidden_delta: Batch::zeros(0),
            logits: Batch::zeros(0),
        }
    }
}

impl<T: Scalar, const IN: usize, const HIDDEN: usize, const OUT: usize> Mlp<T, IN, HIDDEN, OUT> {
    /// He-initialized hidden layer (suits ReLU), Xavier-initialized output layer.
    pub fn new(rng: &mut impl Rng) -> Self {
        Self {
            hidden: Dense::new(Init::He, rng),
            output: Dense::new(Init::Xavier, rng),
        }
    }
}

impl<T: Scalar, const IN: usize, const HIDDEN: usize, const OUT: usize> Network<T, IN, OUT>
    for Mlp<T, IN, HIDDEN, OUT>
{
    type Trace = MlpTrace<T, HIDDEN, OUT>;

    fn forward_trace<'t>(
        &self,
        input: &Batch<T, IN>,
        _pass: nabla::layer::Pass,
        trace: &'t mut Self::Trace,
    ) -> &'t Batch<T, OUT> {
        self.hidden.forward_into(input, &mut trace.hidden_input);
        ensure_columns(&mut trace.hidden_activation, input.ncols());
        Relu.forward(
            trace.hidden_input.as_slice(),
            trace.hidden_activation.as_mut_slice(),
            HIDDEN,
        );
        self.output
            .forward_into(&trace.hidden_activation, &mut trace.logits);
        &trace.logits
    }

    fn backward(
        &self,
        input: &Batch<T, IN>,
        trace: &mut Self::Trace,
        logits_gradient: &Batch<T, OUT>,
        gradients: &mut Self,
    ) {
        // Output layer: δ² = ∂L/∂z² is the loss gradient;
        // it gives ∂L/∂W², ∂L/∂b² and ∂L/∂a¹.
        self.output.backward(
            &trace.hidden_activation,
            logits_gradient,
            &mut gradients.output,
            Some(&mut trace.hidden_delta),
        );
        // Through ReLU: δ¹ = (W²ᵀ δ²) ⊙ ReLU'(z¹).
        Relu.backward(
            trace.hidden_input.as_slice(),
            trace.hidden_activation.as_slice(),
            trace.hidden_delta.as_mut_slice(),
            HIDDEN,
        );
        // Hidden layer: ∂L/∂W¹ and ∂L/∂b¹; the input needs no gradient.
        self.hidden
            .backward(input, &trace.hidden_delta, &mut gradients.hidden, None);
    }

    fn output_activation(&self, logits: &mut Batch<T, OUT>) {
        let scores = logits.clone();
        Softmax.forward(scores.as_slice(), logits.as_mut_slice(), OUT);
    }
}
// ANCHOR_END: network
