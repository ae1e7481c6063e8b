//! [`HeapMatrix`]: a matrix whose size is in its type but whose numbers live on the heap.
//!
//! nalgebra's `SMatrix` stores its entries inline, so a 128 × 784 weight matrix would sit on the
//! stack (and overflow it in debug builds). `HeapMatrix` keeps the compile-time shape, hands out
//! typed nalgebra views (`SMatrixView`) for readable code, and its entries as a slice for the fast
//! matrix products of [`crate::linalg`].

use crate::Scalar;
use nalgebra::{Const, SMatrixView, SMatrixViewMut};

/// An `R × C` matrix stored column by column in one heap allocation.
#[derive(Clone, PartialEq)]
pub struct HeapMatrix<T: Scalar, const R: usize, const C: usize> {
    entries: Box<[T]>,
}

impl<T: Scalar, const R: usize, const C: usize> HeapMatrix<T, R, C> {
    /// A matrix of zeros.
    pub fn zeros() -> Self {
        Self {
            entries: vec![T::zero(); R * C].into_boxed_slice(),
        }
    }

    /// A matrix whose entry at `(row, column)` is `entry(row, column)`.
    pub fn from_fn(mut entry: impl FnMut(usize, usize) -> T) -> Self {
        let mut matrix = Self::zeros();
        for column in 0..C {
            for row in 0..R {
                matrix.entries[row + column * R] = entry(row, column);
            }
        }
        matrix
    }

    /// Builds a matrix from entries listed column by column; `None` if there are not `R * C`.
    pub fn from_column_slice(entries: &[T]) -> Option<Self> {
        (entries.len() == R * C).then(|| Self {
            entries: entries.into(),
        })
    }

    /// The entries, column by column.
    pub fn as_slice(&self) -> &[T] {
        &self.entries
    }

    /// The entries, column by column, for writing.
    pub fn as_mut_slice(&mut self) -> &mut [T] {
        &mut self.entries
    }

    /// A typed view, for readable arithmetic with nalgebra.
    pub fn view(&self) -> SMatrixView<'_, T, R, C> {
        SMatrixView::from_slice_generic(&self.entries, Const::<R>, Const::<C>)
    }

    /// A typed mutable view.
    pub fn view_mut(&mut self) -> SMatrixViewMut<'_, T, R, C> {
        SMatrixViewMut::from_slice_generic(&mut self.entries, Const::<R>, Const::<C>)
    }

    /// Sets every entry to `value`.
    pub fn fill(&mut self, value: T) {
        self.entries.fill(value);
    }
}

impl<T: Scalar, const R: usize, const C: usize> std::ops::Index<(usize, usize)>
    for HeapMatrix<T, R, C>
{
    type Output = T;
    fn index(&self, (row, column): (usize, usize)) -> &T {
        assert!(
            row < R && column < C,
            "index ({row}, {column}) outside {R}×{C}"
        );
        &self.entries[row + column * R]
    }
}

impl<T: Scalar, const R: usize, const C: usize> std::ops::IndexMut<(usize, usize)>
    for HeapMatrix<T, R, C>
{
    fn index_mut(&mut self, (row, column): (usize, usize)) -> &mut T {
        assert!(
            row < R && column < C,
            "index ({row}, {column}) outside {R}×{C}"
        );
        &mut self.entries[row + column * R]
    }
}

impl<T: Scalar, const R: usize, const C: usize> std::fmt::Debug for HeapMatrix<T, R, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HeapMatrix<{R}×{C}>{}", self.view())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_column_major_and_views_agree() {
        let m = HeapMatrix::<f64, 2, 3>::from_fn(|r, c| (10 * r + c) as f64);
        assert_eq!(m.as_slice(), &[0.0, 10.0, 1.0, 11.0, 2.0, 12.0]);
        assert_eq!(m.view()[(1, 2)], 12.0);
        assert_eq!(m[(0, 1)], 1.0);
        assert!(HeapMatrix::<f64, 2, 3>::from_column_slice(&[1.0; 5]).is_none());
    }
}
