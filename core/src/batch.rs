//! [`Batch`]: many samples at once, one sample per column.
//!
//! nalgebra stores matrices column by column, so with samples as columns each 784-pixel image is
//! one contiguous run of memory. The number of features is a type parameter; the number of
//! samples is decided at run time.

use crate::Scalar;
use nalgebra::{Const, Dyn, OMatrix};

/// `N` features for each of a run-time number of samples (the columns).
pub type Batch<T, const N: usize> = OMatrix<T, Const<N>, Dyn>;

/// Makes sure `batch` has `columns` columns, reallocating only when the count changes.
pub fn ensure_columns<T: Scalar, const N: usize>(batch: &mut Batch<T, N>, columns: usize) {
    if batch.ncols() != columns {
        *batch = Batch::zeros(columns);
    }
}

/// One-hot columns: column `i` is all zeros except a one in row `labels[i]`.
///
/// # Panics
/// If a label is not below `K` (a programming error: data loaders validate labels).
pub fn one_hot<T: Scalar, const K: usize>(labels: &[u8]) -> Batch<T, K> {
    let mut batch = Batch::zeros(labels.len());
    for (column, &label) in labels.iter().enumerate() {
        assert!(usize::from(label) < K, "label {label} is not below {K}");
        batch[(usize::from(label), column)] = T::one();
    }
    batch
}

/// The row of the largest entry in each column (the predicted class).
pub fn argmax_columns<T: Scalar, const N: usize>(batch: &Batch<T, N>) -> Vec<usize> {
    batch
        .column_iter()
        .map(|column| {
            let mut best = 0;
            for row in 1..N {
                if column[row] > column[best] {
                    best = row;
                }
            }
            best
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_hot_and_argmax_are_inverse() {
        let labels = [3u8, 0, 9, 3];
        let hot = one_hot::<f32, 10>(&labels);
        assert_eq!(hot.column(2).sum(), 1.0);
        let back: Vec<u8> = argmax_columns(&hot).iter().map(|&c| c as u8).collect();
        assert_eq!(back, labels);
    }
}
