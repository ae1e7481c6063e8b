//! Data sets and mini-batches.
//!
//! A [`Dataset`] keeps all inputs in one [`Batch`] (one sample per column) and the targets in
//! another. Training visits it in a fresh random order each epoch, a mini-batch at a time;
//! [`Dataset::gather_into`] copies the chosen columns into reusable buffers.

pub mod idx;
pub mod mnist;

pub use idx::DataError;

use crate::batch::{Batch, argmax_columns, ensure_columns};
use crate::{Scalar, parallel};
use rand::Rng;
use rand::seq::SliceRandom;

/// Samples with `IN` features and `OUT` target values each.
#[derive(Clone, Debug, PartialEq)]
pub struct Dataset<T: Scalar, const IN: usize, const OUT: usize> {
    /// The inputs, one sample per column.
    pub inputs: Batch<T, IN>,
    /// The targets (one-hot for classification), one sample per column.
    pub targets: Batch<T, OUT>,
}

impl<T: Scalar, const IN: usize, const OUT: usize> Dataset<T, IN, OUT> {
    /// Pairs inputs with targets.
    ///
    /// # Panics
    /// If they hold different numbers of samples.
    pub fn new(inputs: Batch<T, IN>, targets: Batch<T, OUT>) -> Self {
        assert_eq!(
            inputs.ncols(),
            targets.ncols(),
            "inputs and targets differ in sample count"
        );
        Self { inputs, targets }
    }

    /// The number of samples.
    pub fn len(&self) -> usize {
        self.inputs.ncols()
    }

    /// Whether there are no samples.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The class of each sample: the row of its largest target.
    pub fn labels(&self) -> Vec<usize> {
        argmax_columns(&self.targets)
    }

    /// Copies the samples at `indices` into `inputs` and `targets`, resizing them if needed.
    pub fn gather_into(
        &self,
        indices: &[usize],
        inputs: &mut Batch<T, IN>,
        targets: &mut Batch<T, OUT>,
    ) {
        ensure_columns(inputs, indices.len());
        ensure_columns(targets, indices.len());
        let (all_inputs, all_targets) = (self.inputs.as_slice(), self.targets.as_slice());
        // The threads share the inputs (the bulk of the copying: 784 numbers per image).
        parallel::column_runs(inputs.as_mut_slice(), IN, parallel::BLOCK, |run, inputs| {
            for (input, &index) in inputs.chunks_exact_mut(IN).zip(&indices[run]) {
                input.copy_from_slice(&all_inputs[index * IN..][..IN]);
            }
        });
        let columns = targets.as_mut_slice().chunks_exact_mut(OUT);
        for (target, &index) in columns.zip(indices) {
            target.copy_from_slice(&all_targets[index * OUT..][..OUT]);
        }
    }

    /// A new data set holding the samples at `indices`, in that order.
    pub fn subset(&self, indices: &[usize]) -> Self {
        let mut inputs = Batch::zeros(0);
        let mut targets = Batch::zeros(0);
        self.gather_into(indices, &mut inputs, &mut targets);
        Self { inputs, targets }
    }

    /// The first `count` samples (all of them if there are fewer).
    pub fn take(&self, count: usize) -> Self {
        let indices: Vec<usize> = (0..count.min(self.len())).collect();
        self.subset(&indices)
    }

    /// Shuffles the samples with `rng`, then splits off the last `validation_len` of them:
    /// returns `(training, validation)`.
    ///
    /// # Panics
    /// If `validation_len` exceeds the number of samples.
    pub fn split_validation(&self, validation_len: usize, rng: &mut impl Rng) -> (Self, Self) {
        assert!(
            validation_len <= self.len(),
            "validation set larger than the data set"
        );
        let order = shuffled_indices(self.len(), rng);
        let (train, validation) = order.split_at(self.len() - validation_len);
        (self.subset(train), self.subset(validation))
    }
}

/// `0..len` in an order drawn from `rng`.
pub fn shuffled_indices(len: usize, rng: &mut impl Rng) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.shuffle(rng);
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::one_hot;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    fn numbered(len: usize) -> Dataset<f64, 1, 3> {
        let labels: Vec<u8> = (0..len).map(|i| (i % 3) as u8).collect();
        Dataset::new(Batch::from_fn(len, |_, c| c as f64), one_hot(&labels))
    }

    #[test]
    fn shuffled_gathers_cover_every_sample_once_and_keep_pairs_together() {
        // How training visits a data set: one shuffled order, gathered a mini-batch at a time
        // into the same two buffers.
        let data = numbered(10);
        let (mut inputs, mut targets) = (Batch::zeros(0), Batch::zeros(0));
        let mut seen = Vec::new();
        for chunk in shuffled_indices(data.len(), &mut StdRng::seed_from_u64(3)).chunks(4) {
            data.gather_into(chunk, &mut inputs, &mut targets);
            assert_eq!(inputs.ncols(), chunk.len());
            let labels = argmax_columns(&targets);
            for (c, &index) in chunk.iter().enumerate() {
                let sample = inputs[(0, c)] as usize;
                assert_eq!(sample, index);
                assert_eq!(labels[c], sample % 3);
                seen.push(sample);
            }
        }
        seen.sort();
        assert_eq!(seen, (0..10).collect::<Vec<_>>());
    }

    #[test]
    fn order_depends_only_on_the_seed() {
        let order = |seed| shuffled_indices(100, &mut StdRng::seed_from_u64(seed));
        assert_eq!(order(5), order(5));
        assert_ne!(order(5), order(6));
    }

    #[test]
    fn validation_split_partitions_the_samples() {
        let (train, validation) = numbered(10).split_validation(3, &mut StdRng::seed_from_u64(1));
        assert_eq!((train.len(), validation.len()), (7, 3));
        for part in [&train, &validation] {
            let samples = part.inputs.iter().map(|&x| x as usize);
            assert!(samples.zip(part.labels()).all(|(x, label)| label == x % 3));
        }
        let mut all: Vec<usize> = train
            .inputs
            .iter()
            .chain(validation.inputs.iter())
            .map(|&x| x as usize)
            .collect();
        all.sort();
        assert_eq!(all, (0..10).collect::<Vec<_>>());
    }
}
