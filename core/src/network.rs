//! What the training loop, the optimizers and the gradient checker need from a model.
//!
//! [`Parameters`] lists a model's numbers as a fixed sequence of slices. A model's gradients have
//! the same shape as the model, so they are stored in a value of the model's own type: an
//! optimizer walks the two side by side. [`Network`] adds the forward and backward passes.

use crate::layer::Pass;
use crate::{Batch, Scalar};

/// Something made of trainable numbers, visited as slices in a fixed order.
pub trait Parameters<T: Scalar>: Sized {
    /// A value of the same shape with every number zero (used to hold gradients).
    fn zeros_like(&self) -> Self;

    /// Calls `visit` on each parameter tensor, in order.
    fn visit(&self, visit: &mut dyn FnMut(&[T]));

    /// Calls `visit` on each parameter tensor, in order, for writing.
    fn visit_mut(&mut self, visit: &mut dyn FnMut(&mut [T]));

    /// Calls `visit` on each parameter tensor of `self` with the matching tensor of `other`.
    fn visit_with(&mut self, other: &Self, visit: &mut dyn FnMut(&mut [T], &[T]));

    /// The name and shape of each parameter tensor, in the order [`Parameters::visit`] visits
    /// them. Shapes follow PyTorch's `nn.Linear`: a weight matrix is `[out, in]`, a bias `[out]`.
    /// The visited slice holds the tensor in column-major order (the first index varies fastest,
    /// as nalgebra stores it), so a `[out, in]` weight is nalgebra's `OUT × IN` matrix.
    fn tensor_specs(&self) -> Vec<TensorSpec>;

    /// The name and shape of each *buffer*: a tensor that is saved with the model but not
    /// trained, such as batch normalization's running averages. [`Parameters::visit`] and its
    /// kin, and so the optimizers and the gradient checker, never see buffers. Most models have
    /// none.
    fn buffer_specs(&self) -> Vec<TensorSpec> {
        Vec::new()
    }

    /// Calls `visit` on each buffer, in the order of [`Parameters::buffer_specs`].
    fn visit_buffers(&self, _visit: &mut dyn FnMut(&[T])) {}

    /// Calls `visit` on each buffer, in order, for writing.
    fn visit_buffers_mut(&mut self, _visit: &mut dyn FnMut(&mut [T])) {}

    /// A short description of the model's architecture, saved with it by
    /// [`crate::model_file::save`]. Networks declared with `network!` give their declaration
    /// (`784 => relu 128 => softmax 10`); the default is the type's name.
    fn architecture(&self) -> String {
        std::any::type_name::<Self>().to_string()
    }

    /// How many numbers there are in all.
    fn parameter_count(&self) -> usize {
        let mut count = 0;
        self.visit(&mut |tensor| count += tensor.len());
        count
    }
}

/// The name and shape of one parameter tensor, e.g. `layer1.weight` of shape `[128, 784]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TensorSpec {
    /// The tensor's name; a part of a larger model is prefixed with its field, `hidden.bias`.
    pub name: String,
    /// The size of each dimension, outermost first (PyTorch's order).
    pub shape: Vec<usize>,
}

impl TensorSpec {
    /// A spec named `name` of shape `shape`.
    pub fn new(name: impl Into<String>, shape: impl Into<Vec<usize>>) -> Self {
        Self {
            name: name.into(),
            shape: shape.into(),
        }
    }

    /// How many numbers the tensor holds (the product of its shape).
    pub fn len(&self) -> usize {
        self.shape.iter().product()
    }

    /// Whether the tensor holds no numbers.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The specs of `part`'s tensors with their names prefixed by `prefix.`: how a model made of
/// parts names them (`prefixed("hidden", &self.hidden)` gives `hidden.weight`, `hidden.bias`).
pub fn prefixed<T: Scalar>(prefix: &str, part: &impl Parameters<T>) -> Vec<TensorSpec> {
    with_prefix(prefix, part.tensor_specs())
}

/// [`prefixed`] for the buffers of `part` (its [`Parameters::buffer_specs`]).
pub fn prefixed_buffers<T: Scalar>(prefix: &str, part: &impl Parameters<T>) -> Vec<TensorSpec> {
    with_prefix(prefix, part.buffer_specs())
}

fn with_prefix(prefix: &str, specs: Vec<TensorSpec>) -> Vec<TensorSpec> {
    specs
        .into_iter()
        .map(|spec| TensorSpec {
            name: format!("{prefix}.{}", spec.name),
            shape: spec.shape,
        })
        .collect()
}

/// A feed-forward network from `IN` features to `OUT` scores.
///
/// The network ends at the last layer's *weighted input* (its logits): the output activation
/// belongs to the loss (softmax with cross-entropy, sigmoid with binary cross-entropy), which is
/// both cheaper and numerically safer. [`Network::predict`] applies it for you.
pub trait Network<T: Scalar, const IN: usize, const OUT: usize>: Parameters<T> {
    /// Buffers holding every layer's intermediate values for one batch, reused between batches.
    type Trace: Default;

    /// Forward pass over a batch in `pass`'s mode (training or inference, see
    /// [`crate::layer`]), keeping in `trace` what [`Network::backward`] needs. Returns the
    /// logits.
    fn forward_trace<'t>(
        &self,
        input: &Batch<T, IN>,
        pass: Pass,
        trace: &'t mut Self::Trace,
    ) -> &'t Batch<T, OUT>;

    /// After a training pass and its optimizer step: updates the buffers from what the pass
    /// saw (batch normalization's running averages). Networks without buffers do nothing.
    fn update_buffers(&mut self, _trace: &Self::Trace) {}

    /// Backward pass: given `∂L/∂logits` for the batch last passed to `forward_trace`, writes
    /// `∂L/∂θ` for every parameter θ into `gradients` (overwriting it).
    fn backward(
        &self,
        input: &Batch<T, IN>,
        trace: &mut Self::Trace,
        logits_gradient: &Batch<T, OUT>,
        gradients: &mut Self,
    );

    /// Turns logits into the network's output (probabilities for a softmax output).
    fn output_activation(&self, logits: &mut Batch<T, OUT>);

    /// The logits for a batch, in inference mode (allocates; for use outside training loops).
    fn logits(&self, input: &Batch<T, IN>) -> Batch<T, OUT> {
        let mut trace = Self::Trace::default();
        self.forward_trace(input, Pass::infer(), &mut trace).clone()
    }

    /// The network's output for a batch: logits passed through the output activation.
    fn predict(&self, input: &Batch<T, IN>) -> Batch<T, OUT> {
        let mut output = self.logits(input);
        self.output_activation(&mut output);
        output
    }
}

// ANCHOR: loss_and_gradients
/// One forward and one backward pass over a batch, in training mode: returns the mean loss and
/// `∂L/∂θ` for every parameter, in a value shaped like `network`. Allocates its buffers; the
/// training loop in [`crate::train`] reuses them instead.
pub fn loss_and_gradients<T, N, L, const IN: usize, const OUT: usize>(
    network: &N,
    loss: &L,
    input: &Batch<T, IN>,
    targets: &Batch<T, OUT>,
) -> (T, N)
where
    T: Scalar,
    N: Network<T, IN, OUT>,
    L: crate::loss::Loss<T, OUT>,
{
    // Forward pass (6.1)–(6.2); the trace keeps every z^ℓ and a^ℓ for the way back.
    let mut trace = N::Trace::default();
    let logits = network.forward_trace(input, Pass::train(0), &mut trace);
    // BP1 (6.5): the loss hands back the output error δᴰ = ∂L/∂zᴰ.
    let mut output_error = Batch::zeros(0);
    let value = loss.value_and_gradient(logits, targets, &mut output_error);
    // BP2–BP4, from the last layer to the first: each δ^ℓ, ∂L/∂b^ℓ and ∂L/∂W^ℓ.
    let mut gradients = network.zeros_like();
    network.backward(input, &mut trace, &output_error, &mut gradients);
    (value, gradients)
}
// ANCHOR_END: loss_and_gradients
