//! [`Layer`]: a network's part, with typed input and output sizes, a forward pass in an explicit
//! [`Mode`], and a backward pass.
//!
//! A layer maps a batch of `IN` features (one sample per column) to a batch of `OUT` features.
//! Its forward pass writes into a preallocated [`Layer::Cache`] the output and whatever its
//! backward pass will need; the backward pass, given `∂L/∂output`, writes `∂L/∂θ` for the
//! layer's parameters into a value of the layer's own type (as [`Parameters`] gradients are
//! stored everywhere in nabla) and, when asked, `∂L/∂input` for the layer before it. A network
//! is a sequence of layers whose sizes meet: layer `k`'s `OUT` is layer `k + 1`'s `IN`, checked
//! by the compiler.
//!
//! The layers: [`crate::dense::Dense`] (`z = W x + b`), [`Activate`] (any activation, no
//! parameters), [`crate::batchnorm::BatchNorm`] (its running averages are *buffers*: saved with
//! the model, never trained), [`crate::dropout::Dropout`] (no tensors at all), and the image
//! layers [`crate::conv::Conv2d`] (convolution) and [`crate::pool::MaxPool2d`] (2 × 2 max
//! pooling, no tensors).
//!
//! **Modes.** [`Mode::Train`] and [`Mode::Infer`] differ for batch normalization (the batch's
//! own statistics, or the running averages) and dropout (a random mask, or the identity). Every
//! forward pass says which it is, in a [`Pass`], together with the number of the training step:
//! dropout draws its mask from a stream seeded by its own seed and that number, so a resumed
//! run draws exactly the masks of an uninterrupted one without saving any generator state.
//! Updates that a training pass implies for buffers (batch norm's running averages) happen in
//! [`Layer::update_buffers`], which a network calls from `Network::update_buffers` after the
//! optimizer's step, so that the forward pass itself can borrow the layer immutably.
//!
//! **Images.** A convolution or a pooling layer reads image-shaped samples: `C × H × W` numbers
//! per column, channel by channel, row by row (PyTorch's `NCHW` layout with the batch as
//! columns): entry `(c, y, x)` is at row `c·H·W + y·W + x`. Flattening an image into a dense
//! layer is therefore nothing at all: `Dense<T, {C·H·W}, n>` reads the batch as it is. An image
//! layer's type carries both the flat sizes and the image shape, e.g.
//! `Conv2d<T, IN, OUT, C_IN, H, W, C_OUT, K, P>` implementing `Layer<T, IN, OUT>`, and checks
//! `IN == C_IN·H·W` and `OUT == C_OUT·(H+2P−K+1)·(W+2P−K+1)` in a `const` block, so a shape
//! that does not fit fails to compile (stable Rust cannot compute `IN` from the shape in the
//! type itself, so `network!` writes every number out). Nothing in this trait needed to change
//! for them.

use crate::activation::Activation;
use crate::batch::{Batch, ensure_columns};
use crate::dense::Dense;
use crate::network::Parameters;
use crate::parallel;
use crate::{Scalar, network::TensorSpec};
use rayon::prelude::*;

/// Whether a forward pass trains the network or uses it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Training: batch norm uses the batch's statistics, dropout drops.
    Train,
    /// Inference: batch norm uses its running averages, dropout is the identity.
    Infer,
}

/// What a forward pass needs to know besides its input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pass {
    /// Training or inference.
    pub mode: Mode,
    /// The number of the training step (the batch, counted over the whole run from 0): seeds
    /// the random masks of dropout, so that the same step draws the same mask on every run.
    pub step: u64,
}

impl Pass {
    /// A training pass for step `step`.
    pub fn train(step: u64) -> Self {
        Self {
            mode: Mode::Train,
            step,
        }
    }

    /// An inference pass.
    pub fn infer() -> Self {
        Self {
            mode: Mode::Infer,
            step: 0,
        }
    }
}

/// A part of a network from `IN` features to `OUT` features; see the module documentation.
pub trait Layer<T: Scalar, const IN: usize, const OUT: usize>: Parameters<T> {
    /// What a forward pass keeps: its output, and what the backward pass needs. Allocated once
    /// and reused from batch to batch.
    type Cache: Default;

    /// The forward pass over `input` in `pass.mode`: writes the output into `cache` (resizing
    /// it to the batch) and returns it.
    fn forward<'c>(
        &self,
        input: &Batch<T, IN>,
        pass: Pass,
        cache: &'c mut Self::Cache,
    ) -> &'c Batch<T, OUT>;

    /// The backward pass for the batch `input` that the last forward pass into `cache` saw:
    /// given `∂L/∂output`, writes `∂L/∂θ` for every parameter θ into `gradients` (overwriting
    /// it) and, if `input_gradient` is given, `∂L/∂input` into it.
    fn backward(
        &self,
        input: &Batch<T, IN>,
        cache: &Self::Cache,
        output_gradient: &Batch<T, OUT>,
        gradients: &mut Self,
        input_gradient: Option<&mut Batch<T, IN>>,
    );

    /// After a training pass: updates the buffers from what the pass saw (batch norm's running
    /// averages). Most layers have none.
    fn update_buffers(&mut self, _cache: &Self::Cache) {}
}

/// What [`Dense`] keeps: its output `z`.
#[derive(Clone, Debug)]
pub struct DenseCache<T: Scalar, const OUT: usize> {
    /// The weighted input `z = W x + b` of the last batch.
    pub output: Batch<T, OUT>,
}

impl<T: Scalar, const OUT: usize> Default for DenseCache<T, OUT> {
    fn default() -> Self {
        Self {
            output: Batch::zeros(0),
        }
    }
}

impl<T: Scalar, const IN: usize, const OUT: usize> Layer<T, IN, OUT> for Dense<T, IN, OUT> {
    type Cache = DenseCache<T, OUT>;

    fn forward<'c>(
        &self,
        input: &Batch<T, IN>,
        _pass: Pass,
        cache: &'c mut Self::Cache,
    ) -> &'c Batch<T, OUT> {
        self.forward_into(input, &mut cache.output);
        &cache.output
    }

    fn backward(
        &self,
        input: &Batch<T, IN>,
        _cache: &Self::Cache,
        output_gradient: &Batch<T, OUT>,
        gradients: &mut Self,
        input_gradient: Option<&mut Batch<T, IN>>,
    ) {
        Dense::backward(self, input, output_gradient, gradients, input_gradient);
    }
}

/// An activation as a layer of its own: `a = φ(z)`, no parameters. (`network!` fuses a dense
/// layer with its activation; this is for an activation placed elsewhere, such as after batch
/// normalization.)
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Activate<A>(pub A);

/// What [`Activate`] keeps: its output `a`.
#[derive(Clone, Debug)]
pub struct ActivateCache<T: Scalar, const N: usize> {
    /// `a = φ(z)` of the last batch.
    pub output: Batch<T, N>,
}

impl<T: Scalar, const N: usize> Default for ActivateCache<T, N> {
    fn default() -> Self {
        Self {
            output: Batch::zeros(0),
        }
    }
}

impl<T: Scalar, A: Clone> Parameters<T> for Activate<A> {
    fn zeros_like(&self) -> Self {
        self.clone()
    }
    fn visit(&self, _visit: &mut dyn FnMut(&[T])) {}
    fn visit_mut(&mut self, _visit: &mut dyn FnMut(&mut [T])) {}
    fn visit_with(&mut self, _other: &Self, _visit: &mut dyn FnMut(&mut [T], &[T])) {}
    fn tensor_specs(&self) -> Vec<TensorSpec> {
        Vec::new()
    }
}

impl<T: Scalar, A: Activation<T> + Clone + Sync, const N: usize> Layer<T, N, N> for Activate<A> {
    type Cache = ActivateCache<T, N>;

    fn forward<'c>(
        &self,
        input: &Batch<T, N>,
        _pass: Pass,
        cache: &'c mut Self::Cache,
    ) -> &'c Batch<T, N> {
        ensure_columns(&mut cache.output, input.ncols());
        // Each sample on its own: large batches are split across the threads.
        let piece = N * parallel::piece_samples(N);
        let inputs = input.as_slice().par_chunks(piece);
        let outputs = cache.output.as_mut_slice().par_chunks_mut(piece);
        parallel::tasks(inputs.zip(outputs)).for_each(|(input, output)| {
            self.0.forward(input, output, N);
        });
        &cache.output
    }

    fn backward(
        &self,
        input: &Batch<T, N>,
        cache: &Self::Cache,
        output_gradient: &Batch<T, N>,
        _gradients: &mut Self,
        input_gradient: Option<&mut Batch<T, N>>,
    ) {
        if let Some(input_gradient) = input_gradient {
            ensure_columns(input_gradient, input.ncols());
            let piece = N * parallel::piece_samples(N);
            let pieces = input
                .as_slice()
                .par_chunks(piece)
                .zip(cache.output.as_slice().par_chunks(piece))
                .zip(output_gradient.as_slice().par_chunks(piece))
                .zip(input_gradient.as_mut_slice().par_chunks_mut(piece));
            parallel::tasks(pieces).for_each(|(((input, output), upstream), gradient)| {
                gradient.copy_from_slice(upstream);
                self.0.backward(input, output, gradient, N);
            });
        }
    }
}
