//! The convolution's equations computed from their definitions, loop by loop, on plain slices:
//! what the quick part compares the library's `Conv2d` with, and what the tests reuse.
//!
//! A sample is `C_IN` images of `H × W`, entry `(c, y, x)` at `c·H·W + y·W + x`, as in the
//! library; a kernel tensor is indexed `[o][c][i][j]`, PyTorch's layout.

/// The sizes of one convolution (stride 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Geometry {
    /// Input channels `C_in`.
    pub channels: usize,
    /// Input height `H`.
    pub height: usize,
    /// Input width `W`.
    pub width: usize,
    /// Output channels `C_out` (kernels).
    pub kernels: usize,
    /// Kernel size `K`.
    pub kernel: usize,
    /// Zero padding `P`.
    pub padding: usize,
}

impl Geometry {
    // ANCHOR: output_size
    /// The output height and width, (13.2): `H + 2P − K + 1`, `W + 2P − K + 1`.
    pub fn output_size(&self) -> (usize, usize) {
        let Geometry {
            height,
            width,
            kernel,
            padding,
            ..
        } = *self;
        (
            height + 2 * padding + 1 - kernel,
            width + 2 * padding + 1 - kernel,
        )
    }
    // ANCHOR_END: output_size

    /// Entries of one output sample, `C_out · H_out · W_out`.
    pub fn output_len(&self) -> usize {
        let (h, w) = self.output_size();
        self.kernels * h * w
    }

    /// Entries of one kernel tensor, `C_out · C_in · K · K`.
    pub fn kernel_len(&self) -> usize {
        self.kernels * self.channels * self.kernel * self.kernel
    }

    /// The index of kernel entry `[o][c][i][j]`.
    pub fn tap(&self, o: usize, c: usize, i: usize, j: usize) -> usize {
        ((o * self.channels + c) * self.kernel + i) * self.kernel + j
    }

    /// The padded input `ã[c, u, v]`: the pixel `(u − P, v − P)` where it exists, else 0.
    pub fn padded(&self, image: &[f64], c: usize, u: usize, v: usize) -> f64 {
        match (u.checked_sub(self.padding), v.checked_sub(self.padding)) {
            (Some(y), Some(x)) if y < self.height && x < self.width => {
                image[(c * self.height + y) * self.width + x]
            }
            _ => 0.0,
        }
    }

    // ANCHOR: correlate
    /// (13.1): `z[o, y, x] = b_o + Σ_c Σ_i Σ_j W[o, c, i, j] · ã[c, y + i, x + j]`.
    pub fn forward(&self, image: &[f64], weight: &[f64], bias: &[f64]) -> Vec<f64> {
        let (out_h, out_w) = self.output_size();
        let mut z = Vec::with_capacity(self.output_len());
        for o in 0..self.kernels {
            for y in 0..out_h {
                for x in 0..out_w {
                    let mut sum = bias[o];
                    for c in 0..self.channels {
                        for i in 0..self.kernel {
                            for j in 0..self.kernel {
                                sum += weight[self.tap(o, c, i, j)]
                                    * self.padded(image, c, y + i, x + j);
                            }
                        }
                    }
                    z.push(sum);
                }
            }
        }
        z
    }
    // ANCHOR_END: correlate

    // ANCHOR: kernel_gradient
    /// (13.5): `∂L/∂W[o, c, i, j] = Σ_y Σ_x δ[o, y, x] · ã[c, y + i, x + j]`, the padded
    /// input correlated with the error map.
    pub fn kernel_gradient(&self, image: &[f64], delta: &[f64]) -> Vec<f64> {
        let (out_h, out_w) = self.output_size();
        let mut gradient = vec![0.0; self.kernel_len()];
        for o in 0..self.kernels {
            for c in 0..self.channels {
                for i in 0..self.kernel {
                    for j in 0..self.kernel {
                        let mut sum = 0.0;
                        for y in 0..out_h {
                            for x in 0..out_w {
                                let d = delta[(o * out_h + y) * out_w + x];
                                sum += d * self.padded(image, c, y + i, x + j);
                            }
                        }
                        gradient[self.tap(o, c, i, j)] = sum;
                    }
                }
            }
        }
        gradient
    }
    // ANCHOR_END: kernel_gradient

    /// (13.6): `∂L/∂b_o = Σ_y Σ_x δ[o, y, x]`.
    pub fn bias_gradient(&self, delta: &[f64]) -> Vec<f64> {
        let (out_h, out_w) = self.output_size();
        delta
            .chunks_exact(out_h * out_w)
            .map(|plane| plane.iter().sum())
            .collect()
    }

    // ANCHOR: input_gradient
    /// (13.7) as a full convolution: the error padded with `K − 1` zeros on every side,
    /// cross-correlated with the kernel flipped in both directions, gives `∂L/∂ã`; its inner
    /// `H × W` (without the padding `P`) is `∂L/∂a`.
    pub fn input_gradient(&self, weight: &[f64], delta: &[f64]) -> Vec<f64> {
        let (out_h, out_w) = self.output_size();
        let k = self.kernel;
        // δ[o, u', v'] of the error padded by K − 1: 0 outside the H_out × W_out map.
        let padded_delta =
            |o: usize, u: usize, v: usize| match (u.checked_sub(k - 1), v.checked_sub(k - 1)) {
                (Some(y), Some(x)) if y < out_h && x < out_w => delta[(o * out_h + y) * out_w + x],
                _ => 0.0,
            };
        let mut gradient = Vec::with_capacity(self.channels * self.height * self.width);
        for c in 0..self.channels {
            for y in 0..self.height {
                for x in 0..self.width {
                    // The padded image's pixel (u, v) is the input's (y, x).
                    let (u, v) = (y + self.padding, x + self.padding);
                    let mut sum = 0.0;
                    for o in 0..self.kernels {
                        for i in 0..k {
                            for j in 0..k {
                                let flipped = weight[self.tap(o, c, k - 1 - i, k - 1 - j)];
                                sum += flipped * padded_delta(o, u + i, v + j);
                            }
                        }
                    }
                    gradient.push(sum);
                }
            }
        }
        gradient
    }
    // ANCHOR_END: input_gradient
}

/// (13.8) on one `h × w` channel (`h`, `w` even): the largest entry of each 2 × 2 block.
pub fn max_pool(input: &[f64], h: usize, w: usize) -> Vec<f64> {
    let mut output = Vec::with_capacity(h * w / 4);
    for y in 0..h / 2 {
        for x in 0..w / 2 {
            let at = |i: usize, j: usize| input[(2 * y + i) * w + 2 * x + j];
            output.push(at(0, 0).max(at(0, 1)).max(at(1, 0)).max(at(1, 1)));
        }
    }
    output
}
