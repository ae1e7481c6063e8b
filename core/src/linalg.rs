//! The matrix products backpropagation needs, routed to nalgebra's fast kernel, and a sum the
//! compiler can vectorize.
//!
//! nalgebra multiplies with its cache-blocked `matrixmultiply` kernel only when a dimension is
//! `Dyn`; products of all-`Const` matrices fall back to a loop that is about 8× slower at MNIST
//! sizes. Every function here takes column-major slices with their shapes, builds run-time-sized
//! views (transposes are just views with swapped strides, never copies) and writes into `out`
//! without allocating.

use crate::{Scalar, parallel, scratch, simd};
use nalgebra::{DMatrixView, DMatrixViewMut, Dyn, MatrixView};
use rayon::prelude::*;

/// `out ← a · b`, where `a` is `m × k`, `b` is `k × n` and `out` is `m × n`.
pub fn mul<T: Scalar>(out: &mut [T], a: &[T], b: &[T], m: usize, k: usize, n: usize) {
    let a = DMatrixView::from_slice(a, m, k);
    let b = DMatrixView::from_slice(b, k, n);
    DMatrixViewMut::from_slice(out, m, n).gemm(T::one(), &a, &b, T::zero());
}

/// `out ← a · b` like [`mul`], with the sum over `k` cut into runs of `block` (the last may
/// be shorter) that the threads share: each run's product `a[:, run] · b[run, :]` is computed
/// on its own, and the products are added to the first in run order. The runs depend on
/// `block` alone, so the numbers are the same on any number of threads; they differ from
/// [`mul`]'s in the last bits, as any sum added in another order does.
pub fn mul_in_runs<T: Scalar>(
    out: &mut [T],
    a: &[T],
    b: &[T],
    (m, k, n): (usize, usize, usize),
    block: usize,
) {
    let runs = k.div_ceil(block.max(1));
    if runs <= 1 {
        return mul(out, a, b, m, k, n);
    }
    let size = m * n;
    scratch::with_buffer((runs - 1) * size, |partials: &mut [T]| {
        // The first run's product goes straight into `out`, the others into their partials.
        let targets = rayon::iter::once(&mut *out).chain(partials.par_chunks_exact_mut(size));
        parallel::tasks(targets.enumerate()).for_each(|(run, target)| {
            let inner = run * block..(k.min((run + 1) * block));
            mul_run(target, a, b, (m, k, n), inner);
        });
        for partial in partials.chunks_exact(size) {
            simd::vectorized(|| add_assign(out, partial));
        }
    });
}

/// `out ← a[:, inner] · b[inner, :]`: the part of `a · b` that a run of the inner dimension
/// contributes (`a` is `m × k`, `b` is `k × n`).
fn mul_run<T: Scalar>(
    out: &mut [T],
    a: &[T],
    b: &[T],
    (m, k, n): (usize, usize, usize),
    inner: std::ops::Range<usize>,
) {
    let len = inner.len();
    let a = &a[inner.start * m..inner.end * m];
    let b = &b[inner.start..];
    if uses_fast_kernel(m, len, n) {
        let a = DMatrixView::from_slice(a, m, len);
        let b = MatrixView::from_slice_with_strides_generic(b, Dyn(len), Dyn(n), Dyn(1), Dyn(k));
        DMatrixViewMut::from_slice(out, m, n).gemm(T::one(), &a, &b, T::zero());
    } else {
        small_product(
            out,
            (m, len, n),
            T::zero(),
            |i, l| a[i + l * m],
            |l, j| b[l + j * k],
        );
    }
}

/// `out ← out + x`, entry by entry.
#[inline(always)]
fn add_assign<T: Scalar>(out: &mut [T], x: &[T]) {
    for (o, &x) in out.iter_mut().zip(x) {
        *o += x;
    }
}

/// `out ← a · bᵀ`, where `a` is `m × k`, `b` is `n × k` and `out` is `m × n`.
pub fn mul_transpose_b<T: Scalar>(out: &mut [T], a: &[T], b: &[T], m: usize, k: usize, n: usize) {
    mul_transpose_b_columns(out, a, b, (m, k, n), 0..n);
}

/// Columns `columns` of `a · bᵀ` (where `a` is `m × k` and `b` is `n × k`) into `out`, which is
/// `m × columns.len()`: the products of `a` with rows `columns` of `b`. Each entry is computed
/// as in the whole product, so a product cut into column ranges, each computed on its own,
/// gives the whole product's numbers.
///
/// # Panics
/// If `columns` reaches past `n`.
pub fn mul_transpose_b_columns<T: Scalar>(
    out: &mut [T],
    a: &[T],
    b: &[T],
    (m, k, n): (usize, usize, usize),
    columns: std::ops::Range<usize>,
) {
    assert!(
        columns.end <= n,
        "columns {columns:?} outside the {n} of the product"
    );
    let width = columns.len();
    let b = &b[columns.start..];
    if uses_fast_kernel(m, k, width) {
        let a = DMatrixView::from_slice(a, m, k);
        let b_transposed =
            MatrixView::from_slice_with_strides_generic(b, Dyn(k), Dyn(width), Dyn(n), Dyn(1));
        DMatrixViewMut::from_slice(out, m, width).gemm(T::one(), &a, &b_transposed, T::zero());
    } else {
        small_product(
            out,
            (m, k, width),
            T::zero(),
            |i, l| a[i + l * m],
            |l, j| b[j + l * n],
        );
    }
}

/// `out ← aᵀ · b`, where `a` is `k × m`, `b` is `k × n` and `out` is `m × n`.
pub fn mul_transpose_a<T: Scalar>(out: &mut [T], a: &[T], b: &[T], m: usize, k: usize, n: usize) {
    transpose_a_product(out, a, b, (m, k, n), T::zero());
}

/// `out ← out + aᵀ · b`, where `a` is `k × m`, `b` is `k × n` and `out` is `m × n`: a sum of
/// products accumulated in place (such as a weight gradient summed over samples).
pub fn add_mul_transpose_a<T: Scalar>(
    out: &mut [T],
    a: &[T],
    b: &[T],
    m: usize,
    k: usize,
    n: usize,
) {
    transpose_a_product(out, a, b, (m, k, n), T::one());
}

/// `out ← beta · out + aᵀ · b` (with `beta` 0, `out` is not read).
fn transpose_a_product<T: Scalar>(
    out: &mut [T],
    a: &[T],
    b: &[T],
    (m, k, n): (usize, usize, usize),
    beta: T,
) {
    if uses_fast_kernel(m, k, n) {
        let a_transposed =
            MatrixView::from_slice_with_strides_generic(a, Dyn(m), Dyn(k), Dyn(k), Dyn(1));
        let b = DMatrixView::from_slice(b, k, n);
        DMatrixViewMut::from_slice(out, m, n).gemm(T::one(), &a_transposed, &b, beta);
    } else {
        small_product(
            out,
            (m, k, n),
            beta,
            |i, l| a[l + i * k],
            |l, j| b[l + j * k],
        );
    }
}

/// `out ← out + aᵀ · bᵀ`, where `a` is `k × m`, `b` is `n × k` and `out` is `m × n`.
pub fn add_mul_transpose_both<T: Scalar>(
    out: &mut [T],
    a: &[T],
    b: &[T],
    m: usize,
    k: usize,
    n: usize,
) {
    if uses_fast_kernel(m, k, n) {
        let a_transposed =
            MatrixView::from_slice_with_strides_generic(a, Dyn(m), Dyn(k), Dyn(k), Dyn(1));
        let b_transposed =
            MatrixView::from_slice_with_strides_generic(b, Dyn(k), Dyn(n), Dyn(n), Dyn(1));
        DMatrixViewMut::from_slice(out, m, n).gemm(
            T::one(),
            &a_transposed,
            &b_transposed,
            T::one(),
        );
    } else {
        small_product(
            out,
            (m, k, n),
            T::one(),
            |i, l| a[l + i * k],
            |l, j| b[j + l * n],
        );
    }
}

/// `out ← aᵀ`, where `a` is `rows × columns` and `out` is `columns × rows`.
pub fn transpose<T: Scalar>(out: &mut [T], a: &[T], rows: usize, columns: usize) {
    assert_eq!(out.len(), rows * columns, "output has the wrong size");
    // Column i of `out` is row i of `a`.
    for (i, column) in out.chunks_exact_mut(columns).enumerate() {
        for (j, entry) in column.iter_mut().enumerate() {
            *entry = a[i + j * rows];
        }
    }
}

/// The sum of `values`, added in eight interleaved partial sums that the compiler keeps in
/// one vector register (so the last bits may differ from a sum from left to right).
pub fn sum<T: Scalar>(values: &[T]) -> T {
    let mut lanes = [T::zero(); 8];
    let chunks = values.chunks_exact(8);
    let rest = chunks.remainder().iter().fold(T::zero(), |sum, &v| sum + v);
    for chunk in chunks {
        for (lane, &v) in lanes.iter_mut().zip(chunk) {
            *lane += v;
        }
    }
    lanes.iter().fold(rest, |sum, &lane| sum + lane)
}

/// The smallest dimension nalgebra sends to `matrixmultiply` (with all three this large): a
/// product cut into pieces computes each piece with the same kernel as the whole when no piece
/// is narrower.
pub const FAST_KERNEL_MIN: usize = 6;

/// Whether nalgebra sends an `m × k` by `k × n` product to `matrixmultiply`: it does when every
/// dimension exceeds 5. Below that it uses a column-by-column loop which (in nalgebra 0.35)
/// mishandles views whose rows are not contiguous, such as our transposes, so those small
/// products are computed by [`small_product`] instead.
fn uses_fast_kernel(m: usize, k: usize, n: usize) -> bool {
    m >= FAST_KERNEL_MIN && k >= FAST_KERNEL_MIN && n >= FAST_KERNEL_MIN
}

/// `out[i, j] ← beta · out[i, j] + Σ_l a(i, l) b(l, j)` by definition, for small products
/// (with `beta` 0, `out` is not read).
fn small_product<T: Scalar>(
    out: &mut [T],
    (m, k, n): (usize, usize, usize),
    beta: T,
    a: impl Fn(usize, usize) -> T,
    b: impl Fn(usize, usize) -> T,
) {
    assert_eq!(out.len(), m * n, "output has the wrong size");
    for j in 0..n {
        for i in 0..m {
            let product = (0..k).fold(T::zero(), |sum, l| sum + a(i, l) * b(l, j));
            let kept = &mut out[i + j * m];
            *kept = if beta == T::zero() {
                product
            } else {
                beta * *kept + product
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::DMatrix;

    fn sample(rows: usize, columns: usize, seed: f64) -> DMatrix<f64> {
        DMatrix::from_fn(rows, columns, |r, c| ((r * 7 + c * 3) as f64 * seed).sin())
    }

    #[test]
    fn products_match_nalgebra_operators() {
        // Above nalgebra's small-matrix threshold (the fast kernel) and below it (our loop).
        for (m, k, n) in [(9, 11, 7), (3, 11, 7), (9, 2, 7), (9, 11, 1), (1, 1, 1)] {
            check_products(m, k, n);
        }
    }

    fn check_products(m: usize, k: usize, n: usize) {
        let a = sample(m, k, 0.3);
        let b = sample(k, n, 0.7);
        let bt = b.transpose();
        let at = a.transpose();
        let expected = &a * &b;
        let mut out = vec![0.0; m * n];
        mul(&mut out, a.as_slice(), b.as_slice(), m, k, n);
        assert!((DMatrix::from_column_slice(m, n, &out) - &expected).amax() < 1e-12);
        mul_transpose_b(&mut out, a.as_slice(), bt.as_slice(), m, k, n);
        assert!((DMatrix::from_column_slice(m, n, &out) - &expected).amax() < 1e-12);
        mul_transpose_a(&mut out, at.as_slice(), b.as_slice(), m, k, n);
        assert!((DMatrix::from_column_slice(m, n, &out) - &expected).amax() < 1e-12);
        // Accumulating adds a second copy of the product, and a third.
        add_mul_transpose_a(&mut out, at.as_slice(), b.as_slice(), m, k, n);
        assert!((DMatrix::from_column_slice(m, n, &out) - 2.0 * &expected).amax() < 1e-12);
        add_mul_transpose_both(&mut out, at.as_slice(), bt.as_slice(), m, k, n);
        assert!((DMatrix::from_column_slice(m, n, &out) - 3.0 * &expected).amax() < 1e-12);
        let mut transposed = vec![0.0; m * k];
        transpose(&mut transposed, a.as_slice(), m, k);
        assert_eq!(DMatrix::from_column_slice(k, m, &transposed), at);
    }

    #[test]
    fn a_product_summed_in_runs_is_the_product_and_the_same_bits_on_any_thread_count() {
        for (m, k, n, block) in [
            (9, 40, 7, 10),
            (12, 33, 8, 8),
            (3, 20, 2, 6),
            (9, 11, 7, 20),
        ] {
            let a = sample(m, k, 0.3);
            let b = sample(k, n, 0.7);
            let expected = &a * &b;
            let on = |threads: usize| {
                crate::parallel::Threads::new(threads).unwrap().run(|| {
                    let mut out = vec![f64::NAN; m * n];
                    mul_in_runs(&mut out, a.as_slice(), b.as_slice(), (m, k, n), block);
                    out
                })
            };
            let one = on(1);
            assert!((DMatrix::from_column_slice(m, n, &one) - &expected).amax() < 1e-12);
            for threads in [2, 3] {
                assert_eq!(
                    on(threads),
                    one,
                    "{threads} threads, {m} × {k} × {n} in runs of {block}"
                );
            }
        }
    }

    #[test]
    fn a_product_cut_into_column_ranges_is_the_same_numbers() {
        // Pieces of at least 6 columns, as the parallel passes cut them: the same kernel.
        for (m, k, n, cut) in [(9, 11, 14, 6), (128, 64, 784, 392), (10, 7, 13, 7)] {
            let a = sample(m, k, 0.3);
            let b = sample(n, k, 0.7);
            let mut whole = vec![0.0; m * n];
            mul_transpose_b(&mut whole, a.as_slice(), b.as_slice(), m, k, n);
            let mut pieces = vec![0.0; m * n];
            let (left, right) = pieces.split_at_mut(m * cut);
            mul_transpose_b_columns(left, a.as_slice(), b.as_slice(), (m, k, n), 0..cut);
            mul_transpose_b_columns(right, a.as_slice(), b.as_slice(), (m, k, n), cut..n);
            assert_eq!(pieces, whole, "{m} × {k} × {n} cut after column {cut}");
        }
    }

    #[test]
    fn sum_adds_every_value_whatever_the_length() {
        for len in [0_usize, 1, 7, 8, 9, 23, 64] {
            let values: Vec<f64> = (0..len).map(|i| i as f64 * 0.5).collect();
            let expected = 0.25 * (len * len.saturating_sub(1)) as f64;
            assert_eq!(sum(&values), expected, "length {len}");
        }
    }
}
