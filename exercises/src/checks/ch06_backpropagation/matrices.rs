//! The checks' own arithmetic on the learner's `Matrix` (products, maps, the forward pass of
//! (6.1)), the reproducible layers and batches they are run on, and the comparisons that name
//! a wrong shape or a typical mistake.

use crate::ch06_backpropagation::{Layer, Matrix};
use crate::grade::{Failure, compare};

/// Reproducible numbers in (−1.5, 1.5), different for every `seed` and index.
pub(super) fn filled(rows: usize, cols: usize, seed: f64) -> Matrix {
    let entries = (0..rows * cols)
        .map(|n| 1.5 * (1.7 * n as f64 + 2.3 * seed + 0.4).sin())
        .collect();
    Matrix {
        rows,
        cols,
        entries,
    }
}

pub(super) fn layer(outputs: usize, inputs: usize, seed: f64) -> Layer {
    Layer {
        weights: filled(outputs, inputs, seed),
        bias: filled(1, outputs, seed + 0.5).entries,
    }
}

/// (n_out, n_in, m): a wide layer, a square one (where a transposed W still has W's shape), a
/// narrow one.
pub(super) const SHAPES: &[(usize, usize, usize)] = &[(3, 2, 4), (3, 3, 2), (2, 4, 3)];

/// `a bᵀ`, `aᵀ b`, `a b` and the entrywise map, the check's own arithmetic.
pub(super) fn product(a: &Matrix, b: &Matrix, transpose_a: bool, transpose_b: bool) -> Matrix {
    let at = |r: usize, c: usize| if transpose_a { a[(c, r)] } else { a[(r, c)] };
    let bt = |r: usize, c: usize| if transpose_b { b[(c, r)] } else { b[(r, c)] };
    let (rows, inner) = if transpose_a {
        (a.cols, a.rows)
    } else {
        (a.rows, a.cols)
    };
    let cols = if transpose_b { b.rows } else { b.cols };
    let mut out = Matrix::zeros(rows, cols);
    for r in 0..rows {
        for c in 0..cols {
            out[(r, c)] = (0..inner).map(|k| at(r, k) * bt(k, c)).sum();
        }
    }
    out
}

/// A matrix of `m`'s shape holding `entries`.
pub(super) fn shaped(m: &Matrix, entries: Vec<f64>) -> Matrix {
    Matrix {
        entries,
        ..m.clone()
    }
}

pub(super) fn map(m: &Matrix, f: impl Fn(f64) -> f64) -> Matrix {
    shaped(m, m.entries.iter().map(|&x| f(x)).collect())
}

pub(super) fn hadamard(a: &Matrix, b: &Matrix) -> Matrix {
    let entries = a.entries.iter().zip(&b.entries).map(|(x, y)| x * y);
    shaped(a, entries.collect())
}

pub(super) fn row_sums(m: &Matrix) -> Vec<f64> {
    m.entries
        .chunks(m.cols)
        .map(|row| row.iter().sum())
        .collect()
}

pub(super) fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// The check's own forward pass (6.1).
pub(super) fn own_forward(layer: &Layer, input: &Matrix) -> Matrix {
    let mut z = product(&layer.weights, input, false, false);
    for (row, b) in z.entries.chunks_mut(input.cols).zip(&layer.bias) {
        row.iter_mut().for_each(|z| *z += b);
    }
    z
}

/// `⟨δ, z⟩` summed over every entry: a loss whose gradient with respect to `z` is `δ`.
pub(super) fn paired(delta: &Matrix, z: &Matrix) -> f64 {
    delta
        .entries
        .iter()
        .zip(&z.entries)
        .map(|(d, z)| d * z)
        .sum()
}

/// `Err` with a diagnosis if `got` is not `rows × cols`.
pub(super) fn shape(
    what: &str,
    got: &Matrix,
    rows: usize,
    cols: usize,
    transposed: &str,
) -> Result<(), Failure> {
    if (got.rows, got.cols) == (rows, cols) && got.entries.len() == rows * cols {
        return Ok(());
    }
    Err(Failure {
        explanation: format!(
            "{what} is {} × {}; it should be {rows} × {cols}",
            got.rows, got.cols
        ),
        likely_mistake: ((got.rows, got.cols) == (cols, rows)).then(|| transposed.to_string()),
    })
}

/// `failure` diagnosed as `mistake` if `got` matches `variant`, the answer that mistake gives
/// (a diagnosis more specific than the scale [`compare`] names, so it replaces that one).
pub(super) fn looks_like(
    mut failure: Failure,
    got: &[f64],
    variant: &[f64],
    mistake: &str,
) -> Failure {
    if compare("", variant, got, 1e-6).is_ok() {
        failure.likely_mistake = Some(mistake.to_string());
    }
    failure
}

pub(super) const TRANSPOSED_W: &str = "∂L/∂W is transposed: it is δ aᵀ (n_out × n_in, the shape of W), \
                            not a δᵀ, which belongs to the samples-as-rows convention";

/// A vector as a one-column matrix.
pub(super) fn column(entries: &[f64]) -> Matrix {
    Matrix {
        rows: entries.len(),
        cols: 1,
        entries: entries.to_vec(),
    }
}

/// Compares the gradient `got` with `expected`, shape first; `mistake` is named if `got` is
/// `variant`, or has the transposed shape.
pub(super) fn gradient(
    what: &str,
    expected: &Matrix,
    got: &Matrix,
    variant: Option<&Matrix>,
    mistake: &str,
) -> Result<(), Failure> {
    shape(what, got, expected.rows, expected.cols, mistake)?;
    compare(what, &expected.entries, &got.entries, 1e-6).map_err(|failure| match variant {
        Some(variant) => looks_like(failure, &got.entries, &variant.entries, mistake),
        None => failure,
    })
}

pub(super) fn transpose(m: &Matrix) -> Matrix {
    let mut out = Matrix::zeros(m.cols, m.rows);
    for r in 0..m.rows {
        for c in 0..m.cols {
            out[(c, r)] = m[(r, c)];
        }
    }
    out
}
