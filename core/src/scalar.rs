//! The scalar types a network can compute in: `f32` for training, `f64` for gradient checks.

use nalgebra::RealField;

/// A floating-point type the library computes with.
///
/// Everything in nabla is generic over `T: Scalar`. Only `f32` and `f64` implement it: the fast
/// matrix kernels exist for exactly those two.
pub trait Scalar:
    RealField + Copy + Default + std::fmt::Debug + std::fmt::Display + 'static
{
    /// Converts from `f64`, rounding if `Self` is narrower.
    fn of(value: f64) -> Self;
    /// Converts to `f64` exactly.
    fn as_f64(self) -> f64;
}

impl Scalar for f32 {
    fn of(value: f64) -> Self {
        value as f32
    }
    fn as_f64(self) -> f64 {
        f64::from(self)
    }
}

impl Scalar for f64 {
    fn of(value: f64) -> Self {
        value
    }
    fn as_f64(self) -> f64 {
        self
    }
}

/// Shorthand for `T::of(value)` in generic code.
pub fn lit<T: Scalar>(value: f64) -> T {
    T::of(value)
}
