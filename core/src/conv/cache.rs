//! [`ConvCache`]: what a convolution keeps from its forward pass (the output and the unrolled
//! input) and the scratch buffers of its backward pass, one set per block of the batch (see
//! [`crate::parallel`]), with the two small helpers that size and add them.

use crate::Scalar;
use crate::batch::Batch;
use std::sync::{Mutex, PoisonError};

/// What [`Conv2d`](super::Conv2d) keeps from a forward pass, and the scratch space of its backward pass.
#[derive(Debug)]
pub struct ConvCache<T: Scalar, const OUT: usize> {
    /// The output `z`, in the batch layout.
    pub output: Batch<T, OUT>,
    /// The unrolled input `X̃` (see `im2col`), one sample after another: `C_IN·K·K` rows of
    /// `H_OUT·W_OUT` each.
    pub columns: Vec<T>,
    /// Scratch for the backward pass, which borrows the cache immutably (hence the lock; it is
    /// never contended).
    pub(super) scratch: Mutex<Scratch<T>>,
}

/// The scratch buffers of a [`ConvCache`].
#[derive(Clone, Debug, Default)]
pub(super) struct Scratch<T> {
    /// `Wᵀ`, `C_IN·K·K × C_OUT` column-major: `W` with its rows contiguous, so that
    /// matrixmultiply packs it by copying runs rather than gathering single entries.
    pub(super) weight_transposed: Vec<T>,
    /// The buffers of each block of the batch (see [`crate::parallel`]), in block order.
    pub(super) blocks: Vec<BlockScratch<T>>,
}

/// The backward pass's buffers for one block of samples.
#[derive(Clone, Debug, Default)]
pub(super) struct BlockScratch<T> {
    /// The block's part of `∂L/∂W`: its samples' `δ X̃ᵀ` added up.
    pub(super) weight_gradient: Vec<T>,
    /// The block's part of `∂L/∂b`.
    pub(super) bias_gradient: Vec<T>,
    /// One sample's `X̃` with its taps contiguous: `C_IN·K·K × H_OUT·W_OUT`, column-major.
    pub(super) columns_by_tap: Vec<T>,
    /// One sample's `∂L/∂X̃ = Wᵀ δ`, laid out like its `X̃`.
    pub(super) column_gradient: Vec<T>,
}

impl<T: Scalar, const OUT: usize> Default for ConvCache<T, OUT> {
    fn default() -> Self {
        Self {
            output: Batch::zeros(0),
            columns: Vec::new(),
            scratch: Mutex::new(Scratch::default()),
        }
    }
}

impl<T: Scalar, const OUT: usize> Clone for ConvCache<T, OUT> {
    fn clone(&self) -> Self {
        let scratch = self.scratch.lock().unwrap_or_else(PoisonError::into_inner);
        Self {
            output: self.output.clone(),
            columns: self.columns.clone(),
            scratch: Mutex::new(scratch.clone()),
        }
    }
}

/// Resizes `buffer` to `len` (allocating only when it grows past its capacity).
pub(super) fn ensure_len<T: Scalar>(buffer: &mut Vec<T>, len: usize) {
    buffer.resize(len, T::zero());
}

/// Sets `total` to the sum of `parts`, added in order (the first part copied, the others added).
pub(super) fn add_in_order<'a, T: Scalar>(
    total: &mut [T],
    mut parts: impl Iterator<Item = &'a [T]>,
) {
    match parts.next() {
        Some(first) => total.copy_from_slice(first),
        None => total.fill(T::zero()),
    }
    for part in parts {
        total.iter_mut().zip(part).for_each(|(t, &p)| *t += p);
    }
}
