//! Activation functions `a = φ(z)` and their derivatives.
//!
//! Every activation works on a whole batch stored column by column (`rows` entries per sample).
//! The elementwise ones only need `φ(z)` and `φ'(z)` ([`Elementwise`]); softmax mixes the entries
//! of a column, so it implements [`Activation`] directly.
//!
//! | name | φ(z) | φ'(z) |
//! |---|---|---|
//! | identity | z | 1 |
//! | sigmoid | 1 / (1 + e⁻ᶻ) | σ(z)(1 − σ(z)) |
//! | tanh | (eᶻ − e⁻ᶻ) / (eᶻ + e⁻ᶻ) | 1 − tanh²(z) |
//! | ReLU | max(0, z) | 1 if z > 0, else 0 |
//! | leaky ReLU | z if z > 0, else αz | 1 if z > 0, else α |
//! | ReLU6 | min(max(0, z), 6) | 1 if 0 < z < 6, else 0 |
//!
//! At the kinks (z = 0 for ReLU, z = 0 and z = 6 for ReLU6) the derivative does not exist; we use
//! the one-sided value 0 (α for leaky ReLU), as PyTorch does.

use crate::Scalar;
use crate::batch::{Batch, ensure_columns};
use crate::scalar::lit;

/// An activation applied to a batch stored column by column.
pub trait Activation<T: Scalar> {
    /// A short lowercase name (`"relu"`), as the `network!` macro spells it.
    fn name(&self) -> &'static str;

    /// `a = φ(z)` for a batch whose columns have `rows` entries.
    fn forward(&self, weighted_input: &[T], activation: &mut [T], rows: usize);

    /// Backpropagates through φ: on entry `gradient` holds `∂L/∂a`, on return `∂L/∂z`.
    /// `weighted_input` and `activation` are the `z` and `a` of the forward pass.
    fn backward(&self, weighted_input: &[T], activation: &[T], gradient: &mut [T], rows: usize);
}

// ANCHOR: apply
/// `a = φ(z)` for a whole batch: resizes `activation` to match and fills it.
pub fn apply<T: Scalar, A: Activation<T>, const N: usize>(
    sigma: &A,
    weighted_input: &Batch<T, N>,
    activation: &mut Batch<T, N>,
) {
    ensure_columns(activation, weighted_input.ncols());
    sigma.forward(weighted_input.as_slice(), activation.as_mut_slice(), N);
}
// ANCHOR_END: apply

// ANCHOR: apply_derivative
/// Backpropagates through φ for a whole batch: `gradient` holds `∂L/∂a` on entry and
/// `∂L/∂z` on return (for elementwise φ, `∂L/∂z = ∂L/∂a ⊙ φ'(z)`).
pub fn apply_derivative<T: Scalar, A: Activation<T>, const N: usize>(
    sigma: &A,
    weighted_input: &Batch<T, N>,
    activation: &Batch<T, N>,
    gradient: &mut Batch<T, N>,
) {
    sigma.backward(
        weighted_input.as_slice(),
        activation.as_slice(),
        gradient.as_mut_slice(),
        N,
    );
}
// ANCHOR_END: apply_derivative

// ANCHOR: elementwise
/// An activation that acts on each entry alone: `a_i = φ(z_i)`.
pub trait Elementwise<T: Scalar> {
    /// The lowercase name.
    const NAME: &'static str;
    /// φ(z).
    fn value(&self, z: T) -> T;
    /// φ'(z).
    fn derivative(&self, z: T) -> T;
}
// ANCHOR_END: elementwise

/// Implements [`Activation`] for elementwise activations from their [`Elementwise`] impl.
macro_rules! elementwise_activation {
    ($($name:ty),*) => {$(
        impl<T: Scalar> Activation<T> for $name {
            fn name(&self) -> &'static str {
                <Self as Elementwise<T>>::NAME
            }

            fn forward(&self, weighted_input: &[T], activation: &mut [T], _rows: usize) {
                for (a, &z) in activation.iter_mut().zip(weighted_input) {
                    *a = self.value(z);
                }
            }

            fn backward(&self, weighted_input: &[T], _activation: &[T], gradient: &mut [T], _rows: usize) {
                for (g, &z) in gradient.iter_mut().zip(weighted_input) {
                    *g *= self.derivative(z);
                }
            }
        }
    )*};
}

elementwise_activation!(Identity, Sigmoid, Tanh, Relu, LeakyRelu, Relu6);

/// `φ(z) = z`: no activation (regression outputs).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Identity;

impl<T: Scalar> Elementwise<T> for Identity {
    const NAME: &'static str = "identity";
    fn value(&self, z: T) -> T {
        z
    }
    fn derivative(&self, _z: T) -> T {
        T::one()
    }
}

/// The logistic sigmoid `σ(z) = 1 / (1 + e⁻ᶻ)`, squashing to (0, 1).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Sigmoid;

// ANCHOR: sigmoid
/// The logistic function, computed without overflow for large |z|.
pub fn sigmoid<T: Scalar>(z: T) -> T {
    if z >= T::zero() {
        T::one() / (T::one() + (-z).exp())
    } else {
        let e = z.exp();
        e / (T::one() + e)
    }
}

impl<T: Scalar> Elementwise<T> for Sigmoid {
    const NAME: &'static str = "sigmoid";
    fn value(&self, z: T) -> T {
        sigmoid(z)
    }
    fn derivative(&self, z: T) -> T {
        let s = sigmoid(z);
        s * (T::one() - s)
    }
}
// ANCHOR_END: sigmoid

/// The hyperbolic tangent, squashing to (−1, 1); `tanh(z) = 2σ(2z) − 1`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Tanh;

// ANCHOR: tanh
impl<T: Scalar> Elementwise<T> for Tanh {
    const NAME: &'static str = "tanh";
    fn value(&self, z: T) -> T {
        z.tanh()
    }
    fn derivative(&self, z: T) -> T {
        let t = z.tanh();
        T::one() - t * t
    }
}
// ANCHOR_END: tanh

/// The rectified linear unit `max(0, z)`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Relu;

// ANCHOR: relu
impl<T: Scalar> Elementwise<T> for Relu {
    const NAME: &'static str = "relu";
    fn value(&self, z: T) -> T {
        if z > T::zero() { z } else { T::zero() }
    }
    fn derivative(&self, z: T) -> T {
        if z > T::zero() { T::one() } else { T::zero() }
    }
}
// ANCHOR_END: relu

/// Leaky ReLU: `z` for positive `z`, `slope · z` otherwise, so negative units still learn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LeakyRelu {
    /// The slope α for negative inputs (commonly 0.01).
    pub slope: f64,
}

impl Default for LeakyRelu {
    fn default() -> Self {
        Self { slope: 0.01 }
    }
}

// ANCHOR: leaky_relu
impl<T: Scalar> Elementwise<T> for LeakyRelu {
    const NAME: &'static str = "leaky_relu";
    fn value(&self, z: T) -> T {
        if z > T::zero() {
            z
        } else {
            lit::<T>(self.slope) * z
        }
    }
    fn derivative(&self, z: T) -> T {
        if z > T::zero() {
            T::one()
        } else {
            lit(self.slope)
        }
    }
}
// ANCHOR_END: leaky_relu

/// ReLU capped at 6: `min(max(0, z), 6)`, popular in mobile networks for its bounded range.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Relu6;

// ANCHOR: relu6
impl<T: Scalar> Elementwise<T> for Relu6 {
    const NAME: &'static str = "relu6";
    fn value(&self, z: T) -> T {
        let six = lit::<T>(6.0);
        if z <= T::zero() {
            T::zero()
        } else if z >= six {
            six
        } else {
            z
        }
    }
    fn derivative(&self, z: T) -> T {
        if z > T::zero() && z < lit(6.0) {
            T::one()
        } else {
            T::zero()
        }
    }
}
// ANCHOR_END: relu6

/// Softmax over each column: `a_i = e^{z_i} / Σ_j e^{z_j}`, a probability distribution.
///
/// Its Jacobian is `∂a_i/∂z_j = a_i (1[i = j] − a_j)`, so backpropagating `g = ∂L/∂a` gives
/// `∂L/∂z = a ⊙ (g − (aᵀg) 1)`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Softmax;

// ANCHOR: softmax
/// Softmax of one column, written into `out`. Subtracting the largest entry first changes
/// nothing mathematically (softmax is shift-invariant) but keeps `exp` from overflowing.
pub fn softmax_into<T: Scalar>(z: &[T], out: &mut [T]) {
    let max = z.iter().copied().fold(z[0], T::max);
    let mut sum = T::zero();
    for (a, &zi) in out.iter_mut().zip(z) {
        *a = (zi - max).exp();
        sum += *a;
    }
    for a in out.iter_mut() {
        *a /= sum;
    }
}
// ANCHOR_END: softmax

impl<T: Scalar> Activation<T> for Softmax {
    fn name(&self) -> &'static str {
        "softmax"
    }

    fn forward(&self, weighted_input: &[T], activation: &mut [T], rows: usize) {
        for (z, a) in weighted_input
            .chunks_exact(rows)
            .zip(activation.chunks_exact_mut(rows))
        {
            softmax_into(z, a);
        }
    }

    // ANCHOR: softmax_backward
    fn backward(&self, _weighted_input: &[T], activation: &[T], gradient: &mut [T], rows: usize) {
        for (a, g) in activation
            .chunks_exact(rows)
            .zip(gradient.chunks_exact_mut(rows))
        {
            let dot = a
                .iter()
                .zip(g.iter())
                .fold(T::zero(), |acc, (&ai, &gi)| acc + ai * gi);
            for (gi, &ai) in g.iter_mut().zip(a) {
                *gi = ai * (*gi - dot);
            }
        }
    }
    // ANCHOR_END: softmax_backward
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_at_known_points() {
        assert_eq!(Elementwise::<f64>::value(&Sigmoid, 0.0), 0.5);
        assert_eq!(Elementwise::<f64>::value(&Relu6, 7.5), 6.0);
        assert_eq!(
            Elementwise::<f64>::value(&LeakyRelu { slope: 0.1 }, -2.0),
            -0.2
        );
        assert_eq!(sigmoid(-1000.0f64), 0.0);
        assert_eq!(sigmoid(1000.0f64), 1.0);
        let mut p = [0.0; 3];
        softmax_into(&[1000.0f64, 1000.0, 1000.0], &mut p);
        assert!(p.iter().all(|&x| (x - 1.0 / 3.0).abs() < 1e-15));
    }
}
