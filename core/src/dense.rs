//! [`Dense`]: the fully connected layer `z = W x + b`, forward and backward.
//!
//! With a batch `X` (one sample per column) the forward pass is `Z = W X + b 1ᵀ`. Given the
//! layer's error `δ = ∂L/∂Z`, backpropagation needs three products:
//! `∂L/∂W = δ Xᵀ`, `∂L/∂b = δ 1` (row sums) and `∂L/∂X = Wᵀ δ`.
//!
//! The threads share a large layer's products ([`crate::parallel`]). `∂L/∂W` is cut into
//! ranges of its columns (one per input feature) and `∂L/∂X` into ranges of samples: each entry
//! is computed by the same kernel wherever the cuts fall. `Z = W X` sums over the inputs in four
//! runs, whose products are added in run order ([`linalg::mul_in_runs`]); each thread then reads
//! only its runs' columns of `W`, the columns the optimizer's step gives it to update. Either
//! way the thread count changes the time, not the numbers.

use crate::batch::{Batch, ensure_columns};
use crate::init::Init;
use crate::network::{Parameters, TensorSpec};
use crate::{HeapMatrix, Scalar, linalg, parallel};
use rand::Rng;

/// A fully connected layer from `IN` inputs to `OUT` outputs.
#[derive(Clone, Debug, PartialEq)]
pub struct Dense<T: Scalar, const IN: usize, const OUT: usize> {
    /// `W`, one row per output: `z_j = Σ_k W[j, k] x_k + b_j`.
    pub weights: HeapMatrix<T, OUT, IN>,
    /// `b`, one entry per output.
    pub bias: HeapMatrix<T, OUT, 1>,
}

impl<T: Scalar, const IN: usize, const OUT: usize> Dense<T, IN, OUT> {
    /// A layer with every weight and bias zero.
    pub fn zeros() -> Self {
        Self {
            weights: HeapMatrix::zeros(),
            bias: HeapMatrix::zeros(),
        }
    }

    /// A layer with weights drawn by `init` and zero biases.
    pub fn new(init: Init, rng: &mut impl Rng) -> Self {
        let mut layer = Self::zeros();
        init.fill(layer.weights.as_mut_slice(), IN, OUT, rng);
        layer
    }

    // ANCHOR: forward
    /// `z = W x + b` for every column of `input`, written into `weighted_input`.
    pub fn forward_into(&self, input: &Batch<T, IN>, weighted_input: &mut Batch<T, OUT>) {
        let samples = input.ncols();
        ensure_columns(weighted_input, samples);
        let out = weighted_input.as_mut_slice();
        // Z = W X, the sum over the inputs cut into runs that the threads share.
        let shape = (OUT, IN, samples);
        linalg::mul_in_runs(
            out,
            self.weights.as_slice(),
            input.as_slice(),
            shape,
            Self::run(),
        );
        for column in out.chunks_exact_mut(OUT) {
            for (z, &b) in column.iter_mut().zip(self.bias.as_slice()) {
                *z += b;
            }
        }
    }
    // ANCHOR_END: forward

    /// `z = W x + b` for every column of `input` (allocates the result).
    pub fn forward(&self, input: &Batch<T, IN>) -> Batch<T, OUT> {
        let mut weighted_input = Batch::zeros(input.ncols());
        self.forward_into(input, &mut weighted_input);
        weighted_input
    }

    // ANCHOR: backward
    /// Backward pass for a batch.
    ///
    /// `delta` is the layer's error `δ = ∂L/∂z` (one column per sample). Writes
    /// `∂L/∂W = δ xᵀ` and `∂L/∂b = Σ_samples δ` into `gradients`, and,
    /// when asked for, `∂L/∂x = Wᵀ δ` into `input_gradient`
    /// (the first layer of a network does not need it).
    pub fn backward(
        &self,
        input: &Batch<T, IN>,
        delta: &Batch<T, OUT>,
        gradients: &mut Self,
        input_gradient: Option<&mut Batch<T, IN>>,
    ) {
        let samples = input.ncols();
        assert_eq!(delta.ncols(), samples, "delta and input batch sizes differ");
        // ∂L/∂W = δ Xᵀ: the threads share its columns, one per input feature.
        let min_features = parallel::min_columns(OUT * samples).max(linalg::FAST_KERNEL_MIN);
        let weights_gradient = gradients.weights.as_mut_slice();
        parallel::column_runs(weights_gradient, OUT, min_features, |features, out| {
            let (delta, input) = (delta.as_slice(), input.as_slice());
            linalg::mul_transpose_b_columns(out, delta, input, (OUT, samples, IN), features);
        });
        let bias_gradient = gradients.bias.as_mut_slice();
        bias_gradient.fill(T::zero());
        for column in delta.as_slice().chunks_exact(OUT) {
            for (g, &d) in bias_gradient.iter_mut().zip(column) {
                *g += d;
            }
        }
        if let Some(input_gradient) = input_gradient {
            ensure_columns(input_gradient, samples);
            // ∂L/∂X = Wᵀ δ: the threads share the samples.
            let out = input_gradient.as_mut_slice();
            parallel::column_runs(out, IN, Self::min_samples(), |samples, out| {
                let delta = &delta.as_slice()[samples.start * OUT..samples.end * OUT];
                let weights = self.weights.as_slice();
                linalg::mul_transpose_a(out, weights, delta, IN, OUT, samples.len());
            });
        }
    }
    // ANCHOR_END: backward
}

impl<T: Scalar, const IN: usize, const OUT: usize> Dense<T, IN, OUT> {
    /// How many inputs one run of the forward product sums over: a quarter of them in a large
    /// layer (at least 2¹⁵ weights), so that each of up to four threads reads only its quarter
    /// of `W` (the quarter it also updates in the optimizer's step, when the threads split
    /// the weights the same way); all of them in a small one.
    fn run() -> usize {
        const LARGE: usize = 1 << 15;
        if IN * OUT >= LARGE {
            IN.div_ceil(4).max(linalg::FAST_KERNEL_MIN)
        } else {
            IN
        }
    }

    /// The fewest samples worth a thread of their own in this layer's products.
    fn min_samples() -> usize {
        parallel::min_columns(IN * OUT).max(linalg::FAST_KERNEL_MIN)
    }
}

impl<T: Scalar, const IN: usize, const OUT: usize> Parameters<T> for Dense<T, IN, OUT> {
    fn zeros_like(&self) -> Self {
        Self::zeros()
    }

    /// `weight` of shape `[OUT, IN]` and `bias` of shape `[OUT]`, as in PyTorch's `nn.Linear`.
    fn tensor_specs(&self) -> Vec<TensorSpec> {
        vec![
            TensorSpec::new("weight", [OUT, IN]),
            TensorSpec::new("bias", [OUT]),
        ]
    }

    fn visit(&self, visit: &mut dyn FnMut(&[T])) {
        visit(self.weights.as_slice());
        visit(self.bias.as_slice());
    }

    fn visit_mut(&mut self, visit: &mut dyn FnMut(&mut [T])) {
        visit(self.weights.as_mut_slice());
        visit(self.bias.as_mut_slice());
    }

    fn visit_with(&mut self, other: &Self, visit: &mut dyn FnMut(&mut [T], &[T])) {
        visit(self.weights.as_mut_slice(), other.weights.as_slice());
        visit(self.bias.as_mut_slice(), other.bias.as_slice());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forward_is_weights_times_input_plus_bias() {
        let mut layer = Dense::<f64, 3, 2>::zeros();
        layer.weights = HeapMatrix::from_fn(|r, c| (r + 2 * c) as f64);
        layer.bias = HeapMatrix::from_fn(|r, _| r as f64 * 10.0);
        let input = Batch::<f64, 3>::from_column_slice(&[1.0, 2.0, 3.0, 0.0, 0.0, 1.0]);
        let z = layer.forward(&input);
        let expected = layer.weights.view() * &input;
        assert_eq!(z.column(0)[0], expected.column(0)[0]);
        assert_eq!(z.column(0)[1], expected.column(0)[1] + 10.0);
        assert_eq!(z.column(1)[1], expected.column(1)[1] + 10.0);
    }
}
