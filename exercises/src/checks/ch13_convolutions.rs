//! Chapter 13's checks: the output size of a convolution (13.2), its forward pass (13.1), the
//! kernel's gradient (13.5), and max-pooling's backward pass (13.9). The forward pass is
//! compared with the definition computed here; both gradients with central differences, of the
//! learner's own forward pass where there is one.

use crate::catalog::Exercise;
use crate::grade::{Failure, Outcome, central_differences, compare, guarded, mistake_of_scale};
use crate::{ch13_convolutions as learner, solutions::ch13_convolutions as solution};

/// The value of `guarded(|| …)`, or return its verdict.
macro_rules! run {
    ($body:expr) => {
        match guarded(|| $body) {
            Ok(value) => value,
            Err(outcome) => return outcome,
        }
    };
}

/// Chapter 13's exercises.
pub const EXERCISES: &[Exercise] = &[
    Exercise {
        id: "ch13.output_size",
        title: "the output size of a convolution",
        file: "exercises/src/ch13_convolutions.rs",
        hints: &[
            "Count the positions of the kernel's first row: from row 0 of the padded image to the \
             last row at which the whole kernel still fits. Padding is added on both sides.",
            "Equation (13.2): H_out = H + 2P − K + 1, and None when that is not at least 1.",
        ],
        check: || output_size(learner::output_size),
        solution: || output_size(solution::output_size),
    },
    Exercise {
        id: "ch13.conv2d",
        title: "a convolution's forward pass, one channel",
        file: "exercises/src/ch13_convolutions.rs",
        hints: &[
            "Four loops: over the output's rows and columns, and over the kernel's. Read the \
             padded image through a helper that returns 0 outside the real image.",
            "Equation (13.1): z[y, x] = Σᵢ Σⱼ K[i, j] · ã[y + i, x + j], where ã[u, v] is \
             image[(u − P)·w + (v − P)] inside the image and 0 in the padding; no kernel flip.",
        ],
        check: || conv2d(learner::conv2d),
        solution: || conv2d(solution::conv2d),
    },
    Exercise {
        id: "ch13.kernel_gradient",
        title: "the gradient of the kernel",
        file: "exercises/src/ch13_convolutions.rs",
        hints: &[
            "Kernel entry K[i, j] multiplies one pixel in every output position: the pixel at \
             offset (i, j) from it. Sum what each position contributes.",
            "Equation (13.5): ∂L/∂K[i, j] = Σ_y Σ_x δ[y, x] · ã[y + i, x + j], the padded image \
             correlated with δ.",
        ],
        check: || kernel_gradient(learner::kernel_gradient, learner::conv2d),
        solution: || kernel_gradient(solution::kernel_gradient, solution::conv2d),
    },
    Exercise {
        id: "ch13.max_pool_backward",
        title: "max-pooling's backward pass",
        file: "exercises/src/ch13_convolutions.rs",
        hints: &[
            "An output of the pool moves with exactly one input of its block, the largest; the \
             other three can change a little without changing it.",
            "Equation (13.9): ∂L/∂a[u, v] = ∂L/∂p[u/2, v/2] if a[u, v] is the largest of its \
             2 × 2 block, and 0 otherwise.",
        ],
        check: || max_pool_backward(learner::max_pool_backward),
        solution: || max_pool_backward(solution::max_pool_backward),
    },
];

/// `(input, kernel, padding)` cases for (13.2), some where the kernel does not fit.
const SIZE_CASES: &[(usize, usize, usize)] = &[
    (28, 5, 0),
    (28, 5, 2),
    (12, 5, 0),
    (7, 3, 1),
    (5, 5, 0),
    (4, 5, 0),
    (3, 7, 2),
    (3, 9, 2),
    (1, 1, 0),
];

/// `H + 2P − K + 1` if at least 1, by the check's own arithmetic.
fn size(input: usize, kernel: usize, padding: usize) -> Option<usize> {
    let n = input as i64 + 2 * padding as i64 - kernel as i64 + 1;
    (n >= 1).then_some(n as usize)
}

/// Checks `f` as the output size (13.2) of a stride-1 convolution.
pub fn output_size(f: impl Fn(usize, usize, usize) -> Option<usize>) -> Outcome {
    output_size_once(&f)
}

/// [`output_size`]'s body, compiled once: the implementation is behind a reference, not a
/// type parameter, so each caller's closure does not compile the whole check again.
fn output_size_once(f: &dyn Fn(usize, usize, usize) -> Option<usize>) -> Outcome {
    for &(input, kernel, padding) in SIZE_CASES {
        let got = run!(f(input, kernel, padding));
        let expected = size(input, kernel, padding);
        if got == expected {
            continue;
        }
        let case = format!("a {kernel}×{kernel} kernel over {input} pixels with padding {padding}");
        let explanation = match expected {
            Some(n) => format!("{case}: the output has {n} rows, you returned {got:?}"),
            None => format!(
                "{case}: the kernel does not fit in the {} padded rows, so return None; you \
                 returned {got:?}",
                input + 2 * padding
            ),
        };
        let signed = |n: i64| usize::try_from(n).ok();
        let (h, k, p) = (input as i64, kernel as i64, padding as i64);
        let mistake = if got.is_some() && got == signed(h + 2 * p - k) {
            Some(
                "the +1 is missing: a kernel exactly as large as the padded image still has one position",
            )
        } else if padding > 0 && got.is_some() && got == signed(h + p - k + 1) {
            Some("the padding is counted once: it is added above and below, 2P rows in all")
        } else if padding > 0 && got.is_some() && got == signed(h - k + 1) {
            Some("the padding is left out: it adds 2P rows to the image the kernel slides over")
        } else {
            None
        };
        return Failure {
            explanation,
            likely_mistake: mistake.map(str::to_string),
        }
        .into();
    }
    Outcome::Passed(format!(
        "right on {} cases, including kernels that do not fit",
        SIZE_CASES.len()
    ))
}

/// An image or kernel of `n` numbers with no two alike, so that a flip or a transpose shows.
fn values(n: usize, seed: usize) -> Vec<f64> {
    (0..n)
        .map(|i| ((i * 37 + seed * 11) % 23) as f64 / 8.0 - 1.4 + 0.001 * i as f64)
        .collect()
}

/// `(h, w, k, padding)`: non-square images, with and without padding.
const CONV_CASES: &[(usize, usize, usize, usize)] =
    &[(4, 5, 3, 0), (5, 4, 3, 1), (6, 6, 2, 0), (3, 3, 3, 2)];

/// The padded image's pixel `(u, v)`, 0 in the padding.
fn padded(image: &[f64], h: usize, w: usize, padding: usize, u: usize, v: usize) -> f64 {
    match (u.checked_sub(padding), v.checked_sub(padding)) {
        (Some(y), Some(x)) if y < h && x < w => image[y * w + x],
        _ => 0.0,
    }
}

/// (13.1) by its definition, with the kernel read through `at(i, j)`.
fn correlate(
    image: &[f64],
    (h, w, k, padding): (usize, usize, usize, usize),
    at: impl Fn(usize, usize) -> f64,
) -> Vec<f64> {
    let (out_h, out_w) = (h + 2 * padding + 1 - k, w + 2 * padding + 1 - k);
    let mut output = Vec::with_capacity(out_h * out_w);
    for y in 0..out_h {
        for x in 0..out_w {
            let mut z = 0.0;
            for i in 0..k {
                for j in 0..k {
                    z += at(i, j) * padded(image, h, w, padding, y + i, x + j);
                }
            }
            output.push(z);
        }
    }
    output
}

/// The usual ways of misreading a `k × k` kernel: flipped (a convolution in the mathematical
/// sense) and transposed, each with what it means.
fn misread_kernels(kernel: &[f64], k: usize) -> [(Vec<f64>, &'static str); 2] {
    let flipped = (0..k * k).map(|n| kernel[k * k - 1 - n]).collect();
    let transposed = (0..k * k).map(|n| kernel[(n % k) * k + n / k]).collect();
    [
        (
            flipped,
            "you flipped the kernel, as a convolution in the mathematical sense does; (13.1) is a \
             cross-correlation: K[i, j] multiplies ã[y + i, x + j]",
        ),
        (
            transposed,
            "the kernel is transposed: K[i, j] is kernel[i·k + j], row i, column j",
        ),
    ]
}

/// Checks `f` as the forward pass (13.1) of a one-channel convolution.
pub fn conv2d(f: impl Fn(&[f64], usize, usize, &[f64], usize, usize) -> Vec<f64>) -> Outcome {
    conv2d_once(&f)
}

/// [`conv2d`]'s body, compiled once: the implementation is behind a reference, not a
/// type parameter, so each caller's closure does not compile the whole check again.
fn conv2d_once(f: &dyn Fn(&[f64], usize, usize, &[f64], usize, usize) -> Vec<f64>) -> Outcome {
    for (n, &case) in CONV_CASES.iter().enumerate() {
        let (h, w, k, padding) = case;
        let (image, kernel) = (values(h * w, n), values(k * k, n + 7));
        let got = run!(f(&image, h, w, &kernel, k, padding));
        let expected = correlate(&image, case, |i, j| kernel[i * k + j]);
        let what = format!("the {h}×{w} image with a {k}×{k} kernel and padding {padding}");
        let (out_h, out_w) = (h + 2 * padding + 1 - k, w + 2 * padding + 1 - k);
        if got.len() != expected.len() {
            return Failure::new(format!(
                "{what}: the output is {out_h}×{out_w} = {} numbers by (13.2), you returned {}",
                expected.len(),
                got.len()
            ))
            .into();
        }
        if let Err(failure) = compare(&what, &expected, &got, 1e-9) {
            let mistake = misread_kernels(&kernel, k)
                .into_iter()
                .find(|(misread, _)| {
                    let wrong = correlate(&image, case, |i, j| misread[i * k + j]);
                    compare("", &wrong, &got, 1e-9).is_ok()
                })
                .map(|(_, meaning)| meaning.to_string());
            return failure.or_mistake(mistake).into();
        }
    }
    Outcome::Passed(format!(
        "matches (13.1) on {} images, with and without padding",
        CONV_CASES.len()
    ))
}

/// Checks `gradient` as ∂L/∂kernel (13.5) for `L = Σ δ · output`, against central differences
/// of the learner's own `forward` when it passes its check (of the definition if not).
pub fn kernel_gradient(
    gradient: impl Fn(&[f64], usize, usize, &[f64], usize, usize) -> Vec<f64>,
    forward: impl Fn(&[f64], usize, usize, &[f64], usize, usize) -> Vec<f64> + Copy,
) -> Outcome {
    kernel_gradient_once(&gradient, &forward)
}

/// [`kernel_gradient`]'s body, compiled once: the implementation is behind a reference, not a
/// type parameter, so each caller's closure does not compile the whole check again.
fn kernel_gradient_once(
    gradient: &dyn Fn(&[f64], usize, usize, &[f64], usize, usize) -> Vec<f64>,
    forward: &dyn Fn(&[f64], usize, usize, &[f64], usize, usize) -> Vec<f64>,
) -> Outcome {
    let own_forward = conv2d(forward).passed();
    for (n, &case) in CONV_CASES.iter().enumerate() {
        let (h, w, k, padding) = case;
        let image = values(h * w, n);
        let outputs = (h + 2 * padding + 1 - k) * (w + 2 * padding + 1 - k);
        let delta = values(outputs, n + 3);
        let got = run!(gradient(&image, h, w, &delta, k, padding));
        let loss = |kernel: &[f64]| -> f64 {
            let output = if own_forward {
                forward(&image, h, w, kernel, k, padding)
            } else {
                correlate(&image, case, |i, j| kernel[i * k + j])
            };
            output.iter().zip(&delta).map(|(z, d)| z * d).sum()
        };
        let expected = central_differences(loss, &vec![0.0; k * k], 1e-4);
        let what = format!("∂L/∂kernel for the {h}×{w} image, {k}×{k} kernel, padding {padding}");
        if let Err(failure) = compare(&what, &expected, &got, 1e-7) {
            let [(flipped, _), (transposed, _)] = misread_kernels(&expected, k);
            let mistake = if compare("", &flipped, &got, 1e-7).is_ok() {
                Some(
                    "your gradient is the right one flipped: in (13.5) the indices add, \
                     ã[y + i, x + j]; the flip belongs to ∂L/∂input"
                        .to_string(),
                )
            } else if compare("", &transposed, &got, 1e-7).is_ok() {
                Some("your gradient is transposed: entry i·k + j is row i, column j".to_string())
            } else {
                mistake_of_scale(&expected, &got)
            };
            return failure.or_mistake(mistake).into();
        }
    }
    let source = if own_forward {
        "your conv2d"
    } else {
        "the convolution (your conv2d does not pass yet)"
    };
    Outcome::Passed(format!(
        "matches central differences of {source} on {} cases",
        CONV_CASES.len()
    ))
}

/// 2 × 2 max-pooling of an `h × w` image, by the check's own loops.
fn max_pool(input: &[f64], h: usize, w: usize) -> Vec<f64> {
    let mut output = Vec::with_capacity(h * w / 4);
    for y in 0..h / 2 {
        for x in 0..w / 2 {
            let at = |i, j| input[(2 * y + i) * w + 2 * x + j];
            output.push(at(0, 0).max(at(0, 1)).max(at(1, 0)).max(at(1, 1)));
        }
    }
    output
}

/// Checks `f` as max-pooling's backward pass (13.9), against central differences of the
/// pooling (no block has a tie, so every difference is exact).
pub fn max_pool_backward(f: impl Fn(&[f64], usize, usize, &[f64]) -> Vec<f64>) -> Outcome {
    max_pool_backward_once(&f)
}

/// [`max_pool_backward`]'s body, compiled once: the implementation is behind a reference, not a
/// type parameter, so each caller's closure does not compile the whole check again.
fn max_pool_backward_once(f: &dyn Fn(&[f64], usize, usize, &[f64]) -> Vec<f64>) -> Outcome {
    for (n, &(h, w)) in [(4, 4), (2, 6), (6, 4)].iter().enumerate() {
        let input = values(h * w, n + 1);
        let output_gradient = values(h * w / 4, n + 5);
        let got = run!(f(&input, h, w, &output_gradient));
        let loss = |x: &[f64]| -> f64 {
            let pooled = max_pool(x, h, w);
            pooled
                .iter()
                .zip(&output_gradient)
                .map(|(p, g)| p * g)
                .sum()
        };
        let expected = central_differences(loss, &input, 1e-6);
        let what = format!("∂L/∂input of the {h}×{w} image");
        let Err(failure) = compare(&what, &expected, &got, 1e-6) else {
            continue;
        };
        // Each pixel's output gradient, for the wrong routings.
        let upstream = |p: usize| output_gradient[(p / w / 2) * (w / 2) + (p % w) / 2];
        let spread: Vec<f64> = (0..h * w).map(|p| upstream(p) / 4.0).collect();
        let copied: Vec<f64> = (0..h * w).map(upstream).collect();
        let mistake = if got.len() != h * w {
            None
        } else if compare("", &spread, &got, 1e-6).is_ok() {
            Some(
                "each gradient is spread evenly over its block, as average pooling would do; \
                 max-pooling passes it all to the largest input",
            )
        } else if compare("", &copied, &got, 1e-6).is_ok() {
            Some("every input of a block got the gradient: only the largest one moves the output")
        } else {
            None
        };
        return failure.or_mistake(mistake.map(str::to_string)).into();
    }
    Outcome::Passed("matches central differences of max-pooling on 3 images".to_string())
}
