//! [`Conv2d`]: the 2-D convolution layer (stride 1, square kernels, zero padding), forward and
//! backward, as im2col followed by the matrix products of a dense layer.
//!
//! A sample is `C_IN` images of `H × W` (entry `(c, y, x)` at row `c·H·W + y·W + x` of its
//! column); the layer has `C_OUT` kernels of `C_IN × K × K` weights and one bias each, and
//! computes the cross-correlation (no kernel flip, as PyTorch does):
//!
//! ```text
//! z[o, y, x] = b[o] + Σ_c Σ_ky Σ_kx w[o, c, ky, kx] · x[c, y + ky − P, x + kx − P]
//! ```
//!
//! with `x` zero outside the image, for `0 ≤ y < H_OUT = H + 2P − K + 1` and
//! `0 ≤ x < W_OUT = W + 2P − K + 1`. Unrolled by `im2col` into the matrix `X̃` with one row
//! per tap `(c, ky, kx)` and one column per output position `(sample, y, x)`, this is one
//! product `Z = W X̃ + b 1ᵀ` with the `C_OUT × (C_IN·K·K)` kernel matrix `W`: a dense layer
//! applied at every position. Its backward pass is therefore the dense layer's (with `δ = ∂L/∂Z`):
//!
//! ```text
//! ∂L/∂W = δ X̃ᵀ      ∂L/∂b = δ 1 (per channel, over samples and positions)
//! ∂L/∂x = col2im(Wᵀ δ)      (each input pixel sums the gradients of every tap that saw it)
//! ```
//!
//! **Weight layout.** `weight[o, c, ky, kx]` is entry `(o, c + C_IN·(ky + K·kx))` of `W`
//! (column-major storage), so the weight's slice is PyTorch's `[C_OUT, C_IN, K, K]` tensor in
//! column-major order, as [`Parameters::tensor_specs`] requires; the model file transposes it
//! to PyTorch's row-major order. `im2col` orders its rows the same way.
//!
//! **Products.** The product runs sample by sample through [`crate::linalg`], on contiguous
//! slices: one sample's `X̃` (`C_IN·K·K × H_OUT·W_OUT`, stored row by row) times `W` is that
//! sample's `C_OUT × H_OUT·W_OUT` output, row by row, which is exactly its column of the output
//! batch, so nothing is reordered; likewise its `δ` is read where the next layer wrote it. A
//! sample's matrices (tens of KB for MNIST's layers) stay in the core's cache between the
//! unrolling and the product; measured here, that beats one product over the whole batch (even
//! with the batch unrolled side by side into one contiguous `X̃`, so that each equation is a
//! single product: 10.3 ms a batch of 64 against 8.4). matrixmultiply copies ("packs") each
//! operand before multiplying, fast when the entries it takes together are contiguous and one
//! by one otherwise; so the weight gradient `δ X̃ᵀ`, which sums over positions, multiplies a copy
//! of `X̃` with its taps contiguous, and `∂L/∂X̃` multiplies a copy of `Wᵀ`. Every buffer lives
//! in the [`ConvCache`] and is reused as long as the batch size stays the same.
//!
//! **Threads.** Every sample's products are independent of the others', so the batch is cut
//! into blocks of [`parallel::BLOCK`] samples that the threads share ([`crate::parallel`]). The
//! sums over samples, `∂L/∂W` and `∂L/∂b`, are added up per block into the block's own buffers
//! and then over the blocks in block order, so the numbers do not depend on the thread count.

mod cache;
mod im2col;

pub use self::cache::ConvCache;
use self::cache::{BlockScratch, Scratch, add_in_order, ensure_len};
use self::im2col::Geometry;
use crate::batch::{Batch, ensure_columns};
use crate::init::Init;
use crate::layer::{Layer, Pass};
use crate::network::{Parameters, TensorSpec};
use crate::parallel::{self, BLOCK};
use crate::{HeapMatrix, Scalar, linalg};
use nalgebra::{Const, Dyn, OMatrix};
use rand::Rng;
use rayon::prelude::*;
use std::sync::PoisonError;

/// A convolution from `C_IN × H × W` images (`IN = C_IN·H·W` features) to `C_OUT × H_OUT ×
/// W_OUT` images (`OUT` features), kernels `K × K`, zero padding `P`, stride 1; see the module
/// documentation.
#[derive(Clone, Debug, PartialEq)]
pub struct Conv2d<
    T: Scalar,
    const IN: usize,
    const OUT: usize,
    const C_IN: usize,
    const H: usize,
    const W: usize,
    const C_OUT: usize,
    const K: usize,
    const P: usize,
> {
    /// The kernels as a `C_OUT × (C_IN·K·K)` matrix: row `o` is kernel `o`, and
    /// `weight[o, c, ky, kx]` is column `c + C_IN·(ky + K·kx)`. Saved as `weight`,
    /// `[C_OUT, C_IN, K, K]`.
    pub weight: OMatrix<T, Const<C_OUT>, Dyn>,
    /// One bias per output channel, `[C_OUT]`.
    pub bias: HeapMatrix<T, C_OUT, 1>,
}

impl<
    T: Scalar,
    const IN: usize,
    const OUT: usize,
    const C_IN: usize,
    const H: usize,
    const W: usize,
    const C_OUT: usize,
    const K: usize,
    const P: usize,
> Conv2d<T, IN, OUT, C_IN, H, W, C_OUT, K, P>
{
    /// The output height `H + 2P − K + 1`.
    pub const H_OUT: usize = (H + 2 * P + 1).saturating_sub(K);
    /// The output width `W + 2P − K + 1`.
    pub const W_OUT: usize = (W + 2 * P + 1).saturating_sub(K);
    /// The number of weights in one kernel, `C_IN·K·K` (the columns of [`Conv2d::weight`]).
    pub const TAPS: usize = C_IN * K * K;

    /// Fails to compile (when a method is used) unless the flat sizes match the image shapes.
    const SHAPES_FIT: () = {
        assert!(K >= 1, "Conv2d: the kernel must be at least 1 × 1");
        assert!(
            K <= H + 2 * P,
            "Conv2d: the kernel is taller than the padded input"
        );
        assert!(
            K <= W + 2 * P,
            "Conv2d: the kernel is wider than the padded input"
        );
        assert!(IN == C_IN * H * W, "Conv2d: IN must be C_IN·H·W");
        assert!(
            OUT == C_OUT * (H + 2 * P + 1 - K) * (W + 2 * P + 1 - K),
            "Conv2d: OUT must be C_OUT·H_OUT·W_OUT"
        );
    };

    /// A layer with every weight and bias zero.
    pub fn zeros() -> Self {
        const { Self::SHAPES_FIT };
        Self {
            weight: OMatrix::zeros_generic(Const::<C_OUT>, Dyn(Self::TAPS)),
            bias: HeapMatrix::zeros(),
        }
    }

    /// A layer with weights drawn by `init` and zero biases. The fans are PyTorch's: fan-in
    /// `C_IN·K·K` (the inputs one output sees), fan-out `C_OUT·K·K`.
    pub fn new(init: Init, rng: &mut impl Rng) -> Self {
        let mut layer = Self::zeros();
        init.fill(layer.weight.as_mut_slice(), Self::TAPS, C_OUT * K * K, rng);
        layer
    }

    /// The geometry the unrolling walks.
    fn geometry() -> Geometry {
        Geometry {
            channels: C_IN,
            height: H,
            width: W,
            kernel: K,
            padding: P,
            out_height: Self::H_OUT,
            out_width: Self::W_OUT,
        }
    }
}

impl<
    T: Scalar,
    const IN: usize,
    const OUT: usize,
    const C_IN: usize,
    const H: usize,
    const W: usize,
    const C_OUT: usize,
    const K: usize,
    const P: usize,
> Parameters<T> for Conv2d<T, IN, OUT, C_IN, H, W, C_OUT, K, P>
{
    fn zeros_like(&self) -> Self {
        Self::zeros()
    }

    /// `weight` of shape `[C_OUT, C_IN, K, K]` and `bias` of shape `[C_OUT]`, as in PyTorch's
    /// `nn.Conv2d`.
    fn tensor_specs(&self) -> Vec<TensorSpec> {
        vec![
            TensorSpec::new("weight", [C_OUT, C_IN, K, K]),
            TensorSpec::new("bias", [C_OUT]),
        ]
    }

    fn visit(&self, visit: &mut dyn FnMut(&[T])) {
        visit(self.weight.as_slice());
        visit(self.bias.as_slice());
    }

    fn visit_mut(&mut self, visit: &mut dyn FnMut(&mut [T])) {
        visit(self.weight.as_mut_slice());
        visit(self.bias.as_mut_slice());
    }

    fn visit_with(&mut self, other: &Self, visit: &mut dyn FnMut(&mut [T], &[T])) {
        visit(self.weight.as_mut_slice(), other.weight.as_slice());
        visit(self.bias.as_mut_slice(), other.bias.as_slice());
    }
}

impl<
    T: Scalar,
    const IN: usize,
    const OUT: usize,
    const C_IN: usize,
    const H: usize,
    const W: usize,
    const C_OUT: usize,
    const K: usize,
    const P: usize,
> Layer<T, IN, OUT> for Conv2d<T, IN, OUT, C_IN, H, W, C_OUT, K, P>
{
    type Cache = ConvCache<T, OUT>;

    // ANCHOR: conv_forward
    fn forward<'c>(
        &self,
        input: &Batch<T, IN>,
        _pass: Pass,
        cache: &'c mut Self::Cache,
    ) -> &'c Batch<T, OUT> {
        const { Self::SHAPES_FIT };
        let samples = input.ncols();
        let area = Self::H_OUT * Self::W_OUT; // output positions per channel
        let unrolled = Self::TAPS * area; // one sample's X̃
        ensure_columns(&mut cache.output, samples);
        ensure_len(&mut cache.columns, unrolled * samples);
        let geometry = Self::geometry();
        let weight = self.weight.as_slice();
        let bias = self.bias.as_slice();
        // Each sample's output depends on that sample alone: the blocks run in parallel.
        let images = input.as_slice().par_chunks(BLOCK * IN);
        let columns = cache.columns.par_chunks_mut(BLOCK * unrolled);
        let outputs = cache.output.as_mut_slice().par_chunks_mut(BLOCK * OUT);
        parallel::tasks(images.zip(columns).zip(outputs)).for_each(
            |((images, columns), outputs)| {
                let images = images.chunks_exact(IN);
                let columns = columns.chunks_exact_mut(unrolled);
                for ((image, columns), output) in
                    images.zip(columns).zip(outputs.chunks_exact_mut(OUT))
                {
                    // X̃ (C_IN·K·K, H_OUT·W_OUT): the image unrolled, one row per tap.
                    geometry.im2col(image, columns);
                    // z = W X̃ (C_OUT, H_OUT·W_OUT) row by row, computed as its transpose X̃ᵀ Wᵀ
                    // (column-major): channel after channel, the sample's column of the output batch.
                    linalg::mul_transpose_b(output, columns, weight, area, Self::TAPS, C_OUT);
                    // z += b: one bias per channel, at every position.
                    for (plane, &bias) in output.chunks_exact_mut(area).zip(bias) {
                        plane.iter_mut().for_each(|z| *z += bias);
                    }
                }
            },
        );
        &cache.output
    }
    // ANCHOR_END: conv_forward

    // ANCHOR: conv_backward
    fn backward(
        &self,
        input: &Batch<T, IN>,
        cache: &Self::Cache,
        output_gradient: &Batch<T, OUT>,
        gradients: &mut Self,
        input_gradient: Option<&mut Batch<T, IN>>,
    ) {
        const { Self::SHAPES_FIT };
        let samples = input.ncols();
        let area = Self::H_OUT * Self::W_OUT;
        let unrolled = Self::TAPS * area;
        assert_eq!(
            output_gradient.ncols(),
            samples,
            "output gradient and input batch sizes differ"
        );
        assert_eq!(
            cache.columns.len(),
            unrolled * samples,
            "backward needs the forward pass's batch"
        );
        let mut scratch = cache.scratch.lock().unwrap_or_else(PoisonError::into_inner);
        let Scratch {
            weight_transposed,
            blocks,
        } = &mut *scratch;
        blocks.resize_with(parallel::blocks(samples), BlockScratch::default);
        let deltas = output_gradient.as_slice();

        // Each block adds up its samples' parameter gradients in a partial sum of its own.
        let block_deltas = deltas.par_chunks(BLOCK * OUT);
        let block_columns = cache.columns.par_chunks(BLOCK * unrolled);
        let block_sums = block_deltas.zip(block_columns).zip(blocks.par_iter_mut());
        parallel::tasks(block_sums).for_each(|((deltas, columns), block)| {
            // In the forward pass z = … + b[o] at every position of channel o, so ∂L/∂b[o]
            // sums channel o's δ over samples and positions.
            ensure_len(&mut block.bias_gradient, C_OUT);
            block.bias_gradient.fill(T::zero());
            // z = W X̃, so ∂L/∂W = Σ_samples δ X̃ᵀ (C_OUT, C_IN·K·K), where δ (C_OUT,
            // H_OUT·W_OUT) is the sample's column of the output gradient, row by row,
            // added up in place sample after sample. matrixmultiply copies X̃ᵀ with its
            // taps contiguous before multiplying; it gathers them one by one from X̃'s
            // rows, so the copy is made here first, faster.
            ensure_len(&mut block.weight_gradient, C_OUT * Self::TAPS);
            block.weight_gradient.fill(T::zero());
            ensure_len(&mut block.columns_by_tap, unrolled);
            for (delta, columns) in deltas.chunks_exact(OUT).zip(columns.chunks_exact(unrolled)) {
                for (g, plane) in block.bias_gradient.iter_mut().zip(delta.chunks_exact(area)) {
                    *g += linalg::sum(plane);
                }
                // X̃ with its taps contiguous (C_IN·K·K, H_OUT·W_OUT) column-major.
                linalg::transpose(&mut block.columns_by_tap, columns, area, Self::TAPS);
                // ∂L/∂W += (δᵀ)ᵀ X̃ᵀ.
                linalg::add_mul_transpose_both(
                    &mut block.weight_gradient,
                    delta,
                    &block.columns_by_tap,
                    C_OUT,
                    area,
                    Self::TAPS,
                );
            }
        });
        // The blocks' partial sums, added in block order: the same numbers on any thread count.
        add_in_order(
            gradients.bias.as_mut_slice(),
            blocks.iter().map(|block| &block.bias_gradient[..]),
        );
        add_in_order(
            gradients.weight.as_mut_slice(),
            blocks.iter().map(|block| &block.weight_gradient[..]),
        );

        if let Some(input_gradient) = input_gradient {
            ensure_columns(input_gradient, samples);
            // Wᵀ (C_IN·K·K, C_OUT): entry (r, o) is W[o, r].
            ensure_len(weight_transposed, C_OUT * Self::TAPS);
            let weight = self.weight.as_slice();
            for (o, row) in weight_transposed.chunks_exact_mut(Self::TAPS).enumerate() {
                for (r, w) in row.iter_mut().enumerate() {
                    *w = weight[o + r * C_OUT];
                }
            }
            let weight_transposed = &weight_transposed[..];
            let geometry = Self::geometry();
            let block_deltas = deltas.par_chunks(BLOCK * OUT);
            let block_images = input_gradient.as_mut_slice().par_chunks_mut(BLOCK * IN);
            let block_work = block_deltas.zip(block_images).zip(blocks.par_iter_mut());
            parallel::tasks(block_work).for_each(|((deltas, images), block)| {
                ensure_len(&mut block.column_gradient, unrolled);
                for (delta, image) in deltas.chunks_exact(OUT).zip(images.chunks_exact_mut(IN)) {
                    // ∂L/∂X̃ = Wᵀ δ, computed as its transpose δᵀ W = δᵀ (Wᵀ)ᵀ: laid out
                    // like X̃.
                    linalg::mul_transpose_b(
                        &mut block.column_gradient,
                        delta,
                        weight_transposed,
                        area,
                        C_OUT,
                        Self::TAPS,
                    );
                    // X̃ copied each input pixel once per tap that saw it: the gradients add
                    // up.
                    geometry.col2im(&block.column_gradient, image);
                }
            });
        }
    }
    // ANCHOR_END: conv_backward
}

#[cfg(test)]
mod bench;
