//! Gradient clipping: bounding a step before the optimizer takes it.
//!
//! A batch that lands on a steep wall of the loss surface can produce a gradient so large that
//! one step throws the weights far away. Clipping bounds the gradient first, in one of two ways:
//! entry by entry ([`Clip::Value`]), or as a whole ([`Clip::Norm`]: the global L2 norm over
//! every tensor, scaled down if it is too long, which keeps the step's direction).

use crate::network::Parameters;
use crate::{Error, Result, Scalar};

/// How to clip a gradient (see [`Clip::apply`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Clip {
    /// Clamp every entry to `[−c, c]`. Changes the direction of the step when some entries are
    /// clamped and others are not.
    Value(f64),
    /// If the L2 norm over all gradient tensors together exceeds `max_norm`, scale every entry
    /// by `max_norm / norm`: the step keeps its direction and gets length `max_norm`.
    Norm(f64),
}

impl Clip {
    /// Checks that the threshold is a positive, finite number.
    pub fn validate(&self) -> Result<()> {
        let (name, threshold) = match *self {
            Clip::Value(c) => ("clipping value", c),
            Clip::Norm(n) => ("clipping norm", n),
        };
        if threshold.is_finite() && threshold > 0.0 {
            Ok(())
        } else {
            Err(Error::InvalidSetting(format!(
                "the {name} must be a positive number, not {threshold}"
            )))
        }
    }

    /// Clips `gradients` in place (allocates nothing). Returns the global norm the gradient had
    /// before clipping for [`Clip::Norm`], and `None` for [`Clip::Value`] (which does not need
    /// it). A non-finite norm leaves the gradient as it is: scaling it would only spread NaNs.
    pub fn apply<T: Scalar, P: Parameters<T>>(&self, gradients: &mut P) -> Option<f64> {
        match *self {
            Clip::Value(c) => {
                let (high, low) = (T::of(c), T::of(-c));
                gradients.visit_mut(&mut |tensor| {
                    for g in tensor {
                        if *g > high {
                            *g = high;
                        } else if *g < low {
                            *g = low;
                        }
                    }
                });
                None
            }
            Clip::Norm(max_norm) => {
                let norm = global_norm(gradients);
                if norm.is_finite() && norm > max_norm {
                    let scale = T::of(max_norm / norm);
                    gradients.visit_mut(&mut |tensor| {
                        for g in tensor {
                            *g *= scale;
                        }
                    });
                }
                Some(norm)
            }
        }
    }
}

/// The L2 norm of all of `tensors`' entries taken together, `√(Σ g²)`, summed in `f64`.
pub fn global_norm<T: Scalar, P: Parameters<T>>(tensors: &P) -> f64 {
    let mut sum = 0.0;
    tensors.visit(&mut |tensor| {
        for &g in tensor {
            let g = g.as_f64();
            sum += g * g;
        }
    });
    sum.sqrt()
}
