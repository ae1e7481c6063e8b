//! [`MaxPool2d`]: 2 × 2 max pooling with stride 2, forward and backward.
//!
//! Each channel of a `C × H × W` sample (`H` and `W` even) is cut into 2 × 2 windows, and each
//! window gives its largest entry:
//!
//! ```text
//! z[c, y, x] = max(x[c, 2y, 2x], x[c, 2y, 2x + 1], x[c, 2y + 1, 2x], x[c, 2y + 1, 2x + 1])
//! ```
//!
//! The maximum is locally the identity on the entry that won and constant in the others, so
//! the backward pass routes each output's gradient to its window's winner and gives every other
//! input 0 (each input lies in exactly one window). A tie goes to the first of the tied entries
//! in the window's row-major order; the derivative is not defined there, and this is one of its
//! subgradients. The layer has no parameters.

use crate::Scalar;
use crate::batch::{Batch, ensure_columns};
use crate::layer::{Layer, Pass};
use crate::network::{Parameters, TensorSpec};
use crate::parallel;
use rayon::prelude::*;

/// 2 × 2 max pooling, stride 2, over `C` channels of `H × W` (`IN = C·H·W` features) into
/// `C × H/2 × W/2` (`OUT` features); see the module documentation. Constructed as `MaxPool2d`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MaxPool2d<
    const IN: usize,
    const OUT: usize,
    const C: usize,
    const H: usize,
    const W: usize,
>;

impl<const IN: usize, const OUT: usize, const C: usize, const H: usize, const W: usize>
    MaxPool2d<IN, OUT, C, H, W>
{
    /// Fails to compile (when a method is used) unless the sizes match the image shapes.
    const SHAPES_FIT: () = {
        assert!(H % 2 == 0 && W % 2 == 0, "MaxPool2d: H and W must be even");
        assert!(IN == C * H * W, "MaxPool2d: IN must be C·H·W");
        assert!(
            OUT == C * (H / 2) * (W / 2),
            "MaxPool2d: OUT must be C·(H/2)·(W/2)"
        );
    };
}

/// What [`MaxPool2d`] keeps from a forward pass: its output and, for each output, which input
/// won.
#[derive(Clone, Debug)]
pub struct PoolCache<T: Scalar, const OUT: usize> {
    /// The output `z`, in the batch layout.
    pub output: Batch<T, OUT>,
    /// For output `i` of sample `s` (entry `s·OUT + i`), the row of the input entry of that
    /// sample that won its window.
    pub winners: Vec<usize>,
}

impl<T: Scalar, const OUT: usize> Default for PoolCache<T, OUT> {
    fn default() -> Self {
        Self {
            output: Batch::zeros(0),
            winners: Vec::new(),
        }
    }
}

impl<T: Scalar, const IN: usize, const OUT: usize, const C: usize, const H: usize, const W: usize>
    Parameters<T> for MaxPool2d<IN, OUT, C, H, W>
{
    fn zeros_like(&self) -> Self {
        *self
    }
    fn visit(&self, _visit: &mut dyn FnMut(&[T])) {}
    fn visit_mut(&mut self, _visit: &mut dyn FnMut(&mut [T])) {}
    fn visit_with(&mut self, _other: &Self, _visit: &mut dyn FnMut(&mut [T], &[T])) {}
    fn tensor_specs(&self) -> Vec<TensorSpec> {
        Vec::new()
    }
}

impl<T: Scalar, const IN: usize, const OUT: usize, const C: usize, const H: usize, const W: usize>
    Layer<T, IN, OUT> for MaxPool2d<IN, OUT, C, H, W>
{
    type Cache = PoolCache<T, OUT>;

    // ANCHOR: pool_forward
    fn forward<'c>(
        &self,
        input: &Batch<T, IN>,
        _pass: Pass,
        cache: &'c mut Self::Cache,
    ) -> &'c Batch<T, OUT> {
        const { Self::SHAPES_FIT };
        let samples = input.ncols();
        ensure_columns(&mut cache.output, samples);
        cache.winners.resize(OUT * samples, 0);
        // Each sample is pooled on its own: pieces of the batch run in parallel.
        let piece = parallel::piece_samples(IN);
        let outputs = cache.output.as_mut_slice().par_chunks_mut(piece * OUT);
        let winners = cache.winners.par_chunks_mut(piece * OUT);
        let inputs = input.as_slice().par_chunks(piece * IN);
        parallel::tasks(outputs.zip(winners).zip(inputs)).for_each(
            |((outputs, winners), inputs)| {
                let samples = outputs
                    .chunks_exact_mut(OUT)
                    .zip(winners.chunks_exact_mut(OUT));
                for ((output, winners), input) in samples.zip(inputs.chunks_exact(IN)) {
                    pool_sample::<T, W>(input, output, winners);
                }
            },
        );
        &cache.output
    }
    // ANCHOR_END: pool_forward

    // ANCHOR: pool_backward
    fn backward(
        &self,
        input: &Batch<T, IN>,
        cache: &Self::Cache,
        output_gradient: &Batch<T, OUT>,
        _gradients: &mut Self,
        input_gradient: Option<&mut Batch<T, IN>>,
    ) {
        const { Self::SHAPES_FIT };
        let samples = input.ncols();
        assert_eq!(
            cache.winners.len(),
            OUT * samples,
            "backward needs the forward pass's batch"
        );
        let Some(input_gradient) = input_gradient else {
            return;
        };
        ensure_columns(input_gradient, samples);
        // In the forward pass z[i] = x[winner(i)]: the gradient goes there and nowhere else.
        let piece = parallel::piece_samples(IN);
        let gradients = input_gradient.as_mut_slice().par_chunks_mut(piece * IN);
        let upstream = output_gradient.as_slice().par_chunks(piece * OUT);
        let winners = cache.winners.par_chunks(piece * OUT);
        parallel::tasks(gradients.zip(upstream).zip(winners)).for_each(
            |((gradients, upstream), winners)| {
                gradients.fill(T::zero());
                let samples = gradients
                    .chunks_exact_mut(IN)
                    .zip(upstream.chunks_exact(OUT));
                for ((gradient, upstream), winners) in samples.zip(winners.chunks_exact(OUT)) {
                    for (&g, &winner) in upstream.iter().zip(winners) {
                        gradient[winner] = g;
                    }
                }
            },
        );
    }
    // ANCHOR_END: pool_backward
}

// ANCHOR: pool_sample
/// Pools one sample (`input` of `C` channels of `H × W`, `W` given) into `output`, and records
/// in `winners` the row of `input` that won each window.
fn pool_sample<T: Scalar, const W: usize>(input: &[T], output: &mut [T], winners: &mut [usize]) {
    // Output row r (of every channel, r = c·H/2 + y) reads input rows 2r and 2r + 1.
    let rows = output
        .chunks_exact_mut(W / 2)
        .zip(winners.chunks_exact_mut(W / 2));
    for (r, (output, winners)) in rows.enumerate() {
        let top = 2 * r * W;
        let (upper, lower) = input[top..top + 2 * W].split_at(W);
        for (x, (z, winner)) in output.iter_mut().zip(winners).enumerate() {
            // The window's top-left entry, then the others in row-major order.
            let window = [
                upper[2 * x],
                upper[2 * x + 1],
                lower[2 * x],
                lower[2 * x + 1],
            ];
            let mut best = 0;
            for candidate in 1..4 {
                if window[candidate] > window[best] {
                    best = candidate;
                }
            }
            *z = window[best];
            *winner = top + 2 * x + (best & 1) + (best >> 1) * W;
        }
    }
}
// ANCHOR_END: pool_sample

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_window_gives_its_maximum_and_ties_go_to_the_first() {
        // One channel 2 × 4: windows [1 5; 2 0] and [3 3; 3 3].
        let input = Batch::<f64, 8>::from_column_slice(&[1.0, 5.0, 3.0, 3.0, 2.0, 0.0, 3.0, 3.0]);
        let mut cache = PoolCache::default();
        let pool = MaxPool2d::<8, 2, 1, 2, 4>;
        let output = pool.forward(&input, Pass::infer(), &mut cache);
        assert_eq!(output.as_slice(), &[5.0, 3.0]);
        assert_eq!(cache.winners, [1, 2]);
    }
}
