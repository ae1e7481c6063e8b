//! [`Dropout`]: in training, each feature of each sample is kept with probability `1 − p` and
//! set to 0 otherwise; kept values are divided by `1 − p` ("inverted" dropout), so that the
//! expected value of each output equals its input and inference needs no rescaling: at
//! inference the layer is the identity.
//!
//! The mask of training step `s` is drawn from a generator seeded by the layer's own seed and
//! `s` alone, so a run that resumes at step `s` draws the same masks as one that never stopped,
//! and the gradient of a step sees exactly the mask of its forward pass.

use crate::Scalar;
use crate::batch::{Batch, ensure_columns};
use crate::layer::{Layer, Mode, Pass};
use crate::network::{Parameters, TensorSpec};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Inverted dropout with drop probability `p`; see the module documentation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dropout {
    /// The probability that a value is dropped, in `[0, 1)`.
    pub p: f64,
    /// Seeds this layer's stream of masks (with the step number).
    pub seed: u64,
}

impl Dropout {
    /// Dropout with drop probability `p`, its masks seeded by `seed`. Panics unless
    /// `0 ≤ p < 1` (`network!` checks the probability at compile time).
    pub fn new(p: f64, seed: u64) -> Self {
        assert!(
            (0.0..1.0).contains(&p),
            "a dropout probability is in [0, 1), not {p}"
        );
        Self { p, seed }
    }

    /// The generator of the masks of step `step`.
    fn masks(&self, step: u64) -> StdRng {
        // Mixes the step into the seed (a 64-bit odd constant keeps distinct steps apart).
        StdRng::seed_from_u64(self.seed ^ step.wrapping_mul(0x9E37_79B9_7F4A_7C15))
    }
}

/// What [`Dropout`] keeps: the output and the mask (0 or `1/(1 − p)` per entry).
#[derive(Clone, Debug)]
pub struct DropoutCache<T: Scalar, const N: usize> {
    /// The output of the last pass.
    pub output: Batch<T, N>,
    /// The factor each input was multiplied by: 0, `1/(1 − p)`, or 1 at inference.
    pub mask: Batch<T, N>,
}

impl<T: Scalar, const N: usize> Default for DropoutCache<T, N> {
    fn default() -> Self {
        Self {
            output: Batch::zeros(0),
            mask: Batch::zeros(0),
        }
    }
}

impl<T: Scalar> Parameters<T> for Dropout {
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

impl<T: Scalar, const N: usize> Layer<T, N, N> for Dropout {
    type Cache = DropoutCache<T, N>;

    fn forward<'c>(
        &self,
        input: &Batch<T, N>,
        pass: Pass,
        cache: &'c mut Self::Cache,
    ) -> &'c Batch<T, N> {
        let samples = input.ncols();
        ensure_columns(&mut cache.mask, samples);
        ensure_columns(&mut cache.output, samples);
        match pass.mode {
            Mode::Train => {
                let kept = T::of(1.0 / (1.0 - self.p));
                let mut masks = self.masks(pass.step);
                for factor in cache.mask.iter_mut() {
                    *factor = if masks.random::<f64>() < self.p {
                        T::zero()
                    } else {
                        kept
                    };
                }
            }
            Mode::Infer => cache.mask.fill(T::one()),
        }
        cache.output.copy_from(input);
        cache.output.component_mul_assign(&cache.mask);
        &cache.output
    }

    fn backward(
        &self,
        input: &Batch<T, N>,
        cache: &Self::Cache,
        output_gradient: &Batch<T, N>,
        _gradients: &mut Self,
        input_gradient: Option<&mut Batch<T, N>>,
    ) {
        if let Some(input_gradient) = input_gradient {
            ensure_columns(input_gradient, input.ncols());
            input_gradient.copy_from(output_gradient);
            input_gradient.component_mul_assign(&cache.mask);
        }
    }
}
