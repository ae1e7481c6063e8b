//! Chapter 13: reference solutions.

// ANCHOR: output_size
/// `input + 2·padding − kernel + 1` (equation 13.2), if the kernel fits in the padded image.
pub fn output_size(input: usize, kernel: usize, padding: usize) -> Option<usize> {
    (input + 2 * padding + 1)
        .checked_sub(kernel)
        .filter(|&n| n > 0)
}
// ANCHOR_END: output_size

// ANCHOR: conv2d
/// The padded image's pixel `(u, v)`, where `u` and `v` count from the padding's first row and
/// column: 0 in the padding.
fn padded(image: &[f64], h: usize, w: usize, padding: usize, u: usize, v: usize) -> f64 {
    match (u.checked_sub(padding), v.checked_sub(padding)) {
        (Some(y), Some(x)) if y < h && x < w => image[y * w + x],
        _ => 0.0,
    }
}

/// `z[y, x] = Σᵢ Σⱼ K[i, j] · ã[y + i, x + j]` (equation 13.1), over the padded image `ã`.
pub fn conv2d(
    image: &[f64],
    h: usize,
    w: usize,
    kernel: &[f64],
    k: usize,
    padding: usize,
) -> Vec<f64> {
    let (out_h, out_w) = (h + 2 * padding + 1 - k, w + 2 * padding + 1 - k);
    let mut output = vec![0.0; out_h * out_w];
    for y in 0..out_h {
        for x in 0..out_w {
            for i in 0..k {
                for j in 0..k {
                    output[y * out_w + x] +=
                        kernel[i * k + j] * padded(image, h, w, padding, y + i, x + j);
                }
            }
        }
    }
    output
}

/// `∂L/∂K[i, j] = Σ_y Σ_x δ[y, x] · ã[y + i, x + j]` (equation 13.5): the padded image
/// correlated with the error.
pub fn kernel_gradient(
    image: &[f64],
    h: usize,
    w: usize,
    delta: &[f64],
    k: usize,
    padding: usize,
) -> Vec<f64> {
    let (out_h, out_w) = (h + 2 * padding + 1 - k, w + 2 * padding + 1 - k);
    let mut gradient = vec![0.0; k * k];
    for i in 0..k {
        for j in 0..k {
            for y in 0..out_h {
                for x in 0..out_w {
                    gradient[i * k + j] +=
                        delta[y * out_w + x] * padded(image, h, w, padding, y + i, x + j);
                }
            }
        }
    }
    gradient
}
// ANCHOR_END: conv2d

// ANCHOR: max_pool_backward
/// Each output's gradient goes to the input that won its block (equation 13.9); the other
/// three inputs of the block get 0.
pub fn max_pool_backward(input: &[f64], h: usize, w: usize, output_gradient: &[f64]) -> Vec<f64> {
    let mut gradient = vec![0.0; h * w];
    for y in 0..h / 2 {
        for x in 0..w / 2 {
            let block = [(0, 0), (0, 1), (1, 0), (1, 1)].map(|(i, j)| (2 * y + i) * w + 2 * x + j);
            let winner = block
                .into_iter()
                .reduce(|best, p| if input[p] > input[best] { p } else { best })
                .expect("a block has four pixels");
            gradient[winner] += output_gradient[y * (w / 2) + x];
        }
    }
    gradient
}
// ANCHOR_END: max_pool_backward
