//! im2col and col2im: an image unrolled into the matrix whose product with the kernel matrix is
//! the convolution, and the adjoint that folds that matrix's gradient back into the image.
//!
//! For one sample the matrix `X̃` has one row per kernel tap `(c, ky, kx)`, row
//! `r = c + C_IN·(ky + K·kx)` (the order of the weight matrix's columns, see [`super`]), and one
//! column per output position `(y, x)`, column `p = y·W_OUT + x`; entry `(r, p)` is the input
//! pixel that tap `r` sees at position `p`:
//!
//! ```text
//! X̃[r, p] = x[c, y + ky − P, x + kx − P]      (0 outside the image: the padding)
//! ```
//!
//! It is stored row by row (`X̃[r·H_OUT·W_OUT + p]`), which is the column-major
//! `H_OUT·W_OUT × C_IN·K·K` matrix `X̃ᵀ`: for one tap and one output row the entries are a
//! contiguous run of one input row, so unrolling is a sequence of copies, and folding back a
//! sequence of additions. A batch's matrices are stored one sample after another.

use crate::Scalar;

/// The geometry of one convolution: what both directions need to walk the same runs.
#[derive(Clone, Copy, Debug)]
pub(super) struct Geometry {
    /// Input channels, height and width.
    pub channels: usize,
    /// See `channels`.
    pub height: usize,
    /// See `channels`.
    pub width: usize,
    /// Kernel size and zero padding.
    pub kernel: usize,
    /// See `kernel`.
    pub padding: usize,
    /// Output height and width.
    pub out_height: usize,
    /// See `out_height`.
    pub out_width: usize,
}

impl Geometry {
    /// Calls `run(column_start, source, x_lo, x_hi)` for every (tap, output row) of one sample:
    /// `column_start` is where the run of `W_OUT` entries starts in the unrolled matrix, and
    /// `source` is `Some(i)` when the output row sees input data, in which case entries
    /// `x_lo..x_hi` of the run are input entries `i..i + (x_hi − x_lo)` and the others are
    /// padding; `None` when the whole run is padding (then `x_lo + kx ≥ P` need not hold, so no
    /// source index is computed).
    fn for_each_run(&self, mut run: impl FnMut(usize, Option<usize>, usize, usize)) {
        let Geometry {
            channels,
            height,
            width,
            kernel,
            padding,
            out_height,
            out_width,
        } = *self;
        for kx in 0..kernel {
            // x + kx − P must lie in 0..W: x ≥ P − kx and x < W + P − kx.
            let x_lo = padding.saturating_sub(kx).min(out_width);
            let x_hi = (width + padding).saturating_sub(kx).clamp(x_lo, out_width);
            for ky in 0..kernel {
                for c in 0..channels {
                    let tap = c + channels * (ky + kernel * kx);
                    for y in 0..out_height {
                        let start = (tap * out_height + y) * out_width;
                        // The input row y + ky − P, if it is inside the image.
                        let source = (y + ky)
                            .checked_sub(padding)
                            .filter(|&iy| iy < height && x_lo < x_hi)
                            .map(|iy| (c * height + iy) * width + x_lo + kx - padding);
                        run(start, source, x_lo, x_hi);
                    }
                }
            }
        }
    }

    // ANCHOR: im2col
    /// Unrolls one sample's image `input` (`C × H × W`) into `columns` (`C_IN·K·K` rows of
    /// `H_OUT·W_OUT`, see the module documentation), padding with zeros.
    pub fn im2col<T: Scalar>(&self, input: &[T], columns: &mut [T]) {
        let out_width = self.out_width;
        self.for_each_run(|start, source, x_lo, x_hi| {
            let run = &mut columns[start..start + out_width];
            match source {
                Some(i) => {
                    run[..x_lo].fill(T::zero());
                    run[x_lo..x_hi].copy_from_slice(&input[i..i + (x_hi - x_lo)]);
                    run[x_hi..].fill(T::zero());
                }
                None => run.fill(T::zero()),
            }
        });
    }

    // ANCHOR_END: im2col

    // ANCHOR: col2im
    /// The adjoint of [`Geometry::im2col`] for one sample: overwrites `input_gradient` with the
    /// sum, for each input entry, of the entries of `column_gradient` that copied it (padding
    /// receives nothing and gives nothing).
    pub fn col2im<T: Scalar>(&self, column_gradient: &[T], input_gradient: &mut [T]) {
        input_gradient.fill(T::zero());
        self.for_each_run(|start, source, x_lo, x_hi| {
            if let Some(i) = source {
                let run = &column_gradient[start + x_lo..start + x_hi];
                for (g, &d) in input_gradient[i..i + run.len()].iter_mut().zip(run) {
                    *g += d;
                }
            }
        });
    }
    // ANCHOR_END: col2im
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One channel 2 × 3, kernel 2, padding 1: output 3 × 4.
    const GEOMETRY: Geometry = Geometry {
        channels: 1,
        height: 2,
        width: 3,
        kernel: 2,
        padding: 1,
        out_height: 3,
        out_width: 4,
    };

    #[test]
    fn im2col_copies_each_tap_with_zeros_in_the_padding() {
        let input = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let mut columns = vec![f64::NAN; 4 * 12];
        GEOMETRY.im2col(&input, &mut columns);
        // Tap (ky, kx) = (0, 0) sees x[y − 1, x − 1].
        #[rustfmt::skip]
        let tap00 = [0.0, 0.0, 0.0, 0.0,  0.0, 1.0, 2.0, 3.0,  0.0, 4.0, 5.0, 6.0];
        assert_eq!(&columns[..12], &tap00);
        // Tap r = 3 is (ky, kx) = (1, 1): it sees x[y, x].
        #[rustfmt::skip]
        let tap11 = [1.0, 2.0, 3.0, 0.0,  4.0, 5.0, 6.0, 0.0,  0.0, 0.0, 0.0, 0.0];
        assert_eq!(&columns[36..], &tap11);
    }

    #[test]
    fn col2im_is_the_adjoint_of_im2col() {
        // ⟨im2col(x), g⟩ = ⟨x, col2im(g)⟩ for every x and g.
        let geometry = Geometry {
            channels: 2,
            ..GEOMETRY
        };
        let x: Vec<f64> = (0..12).map(|i| (i as f64 * 0.7).sin()).collect();
        let g: Vec<f64> = (0..8 * 12).map(|i| (i as f64 * 1.3).cos()).collect();
        let mut columns = vec![0.0; g.len()];
        geometry.im2col(&x, &mut columns);
        let mut folded = vec![0.0; x.len()];
        geometry.col2im(&g, &mut folded);
        let left: f64 = columns.iter().zip(&g).map(|(a, b)| a * b).sum();
        let right: f64 = x.iter().zip(&folded).map(|(a, b)| a * b).sum();
        assert!((left - right).abs() < 1e-12, "{left} vs {right}");
    }
}
