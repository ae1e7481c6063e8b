//! [`BatchNorm`]: batch normalization (Ioffe and Szegedy, 2015) over `N` features.
//!
//! In training, each feature `i` is normalized with the mean and variance of the batch
//! (`m` samples), then scaled and shifted by the learned `γᵢ` and `βᵢ`:
//!
//! ```text
//! μᵢ = (1/m) Σⱼ xᵢⱼ      σᵢ² = (1/m) Σⱼ (xᵢⱼ − μᵢ)²      x̂ᵢⱼ = (xᵢⱼ − μᵢ) / √(σᵢ² + ε)
//! yᵢⱼ = γᵢ x̂ᵢⱼ + βᵢ
//! ```
//!
//! Because `μ` and `σ²` depend on every sample, the gradient with respect to one input runs
//! through them too; with `gᵢⱼ = ∂L/∂yᵢⱼ`:
//!
//! ```text
//! ∂L/∂γᵢ = Σⱼ gᵢⱼ x̂ᵢⱼ      ∂L/∂βᵢ = Σⱼ gᵢⱼ
//! ∂L/∂xᵢⱼ = γᵢ / (m √(σᵢ² + ε)) · (m gᵢⱼ − Σₖ gᵢₖ − x̂ᵢⱼ Σₖ gᵢₖ x̂ᵢₖ)
//! ```
//!
//! Each training pass also moves the running averages a step towards the batch's statistics
//! (`r ← (1 − momentum) r + momentum · statistic`, the variance unbiased, as PyTorch does);
//! inference normalizes with them instead, so that a single sample gets a deterministic output.
//! The tensors are named as PyTorch's `BatchNorm1d` names them: parameters `weight` (γ) and
//! `bias` (β), buffers `running_mean` and `running_var`.

use crate::batch::{Batch, ensure_columns};
use crate::layer::{Layer, Mode, Pass};
use crate::network::{Parameters, TensorSpec};
use crate::{HeapMatrix, Scalar};

/// Batch normalization over `N` features; see the module documentation.
#[derive(Clone, Debug, PartialEq)]
pub struct BatchNorm<T: Scalar, const N: usize> {
    /// The learned scale γ, one per feature (starts at 1).
    pub gamma: HeapMatrix<T, N, 1>,
    /// The learned shift β, one per feature (starts at 0).
    pub beta: HeapMatrix<T, N, 1>,
    /// The running average of the batch means (a buffer; starts at 0).
    pub running_mean: HeapMatrix<T, N, 1>,
    /// The running average of the batch variances (a buffer; starts at 1).
    pub running_var: HeapMatrix<T, N, 1>,
    /// Added to the variance before the square root, for stability (PyTorch's 1e-5).
    pub epsilon: T,
    /// How far each training pass moves the running averages (PyTorch's 0.1).
    pub momentum: T,
}

impl<T: Scalar, const N: usize> Default for BatchNorm<T, N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Scalar, const N: usize> BatchNorm<T, N> {
    /// γ = 1, β = 0, running mean 0 and variance 1, ε = 1e-5, momentum 0.1.
    pub fn new() -> Self {
        let mut layer = Self {
            gamma: HeapMatrix::zeros(),
            beta: HeapMatrix::zeros(),
            running_mean: HeapMatrix::zeros(),
            running_var: HeapMatrix::zeros(),
            epsilon: T::of(1e-5),
            momentum: T::of(0.1),
        };
        layer.gamma.as_mut_slice().fill(T::one());
        layer.running_var.as_mut_slice().fill(T::one());
        layer
    }
}

/// What [`BatchNorm`] keeps from a forward pass.
#[derive(Clone, Debug)]
pub struct BatchNormCache<T: Scalar, const N: usize> {
    /// The output `y`.
    pub output: Batch<T, N>,
    /// The normalized input `x̂`.
    pub normalized: Batch<T, N>,
    /// `1/√(σ² + ε)` per feature: of the batch in training, of the running variance otherwise.
    pub inverse_std: Vec<T>,
    /// The batch mean and (biased) variance per feature, for the running averages.
    pub batch_mean: Vec<T>,
    /// See `batch_mean`.
    pub batch_var: Vec<T>,
    /// The mode of the pass.
    pub mode: Option<Mode>,
    /// The number of samples in the batch.
    pub samples: usize,
}

impl<T: Scalar, const N: usize> Default for BatchNormCache<T, N> {
    fn default() -> Self {
        Self {
            output: Batch::zeros(0),
            normalized: Batch::zeros(0),
            inverse_std: vec![T::zero(); N],
            batch_mean: vec![T::zero(); N],
            batch_var: vec![T::zero(); N],
            mode: None,
            samples: 0,
        }
    }
}

impl<T: Scalar, const N: usize> Parameters<T> for BatchNorm<T, N> {
    fn zeros_like(&self) -> Self {
        Self {
            gamma: HeapMatrix::zeros(),
            beta: HeapMatrix::zeros(),
            running_mean: HeapMatrix::zeros(),
            running_var: HeapMatrix::zeros(),
            ..*self
        }
    }

    fn visit(&self, visit: &mut dyn FnMut(&[T])) {
        visit(self.gamma.as_slice());
        visit(self.beta.as_slice());
    }

    fn visit_mut(&mut self, visit: &mut dyn FnMut(&mut [T])) {
        visit(self.gamma.as_mut_slice());
        visit(self.beta.as_mut_slice());
    }

    fn visit_with(&mut self, other: &Self, visit: &mut dyn FnMut(&mut [T], &[T])) {
        visit(self.gamma.as_mut_slice(), other.gamma.as_slice());
        visit(self.beta.as_mut_slice(), other.beta.as_slice());
    }

    fn tensor_specs(&self) -> Vec<TensorSpec> {
        vec![TensorSpec::new("weight", [N]), TensorSpec::new("bias", [N])]
    }

    fn buffer_specs(&self) -> Vec<TensorSpec> {
        vec![
            TensorSpec::new("running_mean", [N]),
            TensorSpec::new("running_var", [N]),
        ]
    }

    fn visit_buffers(&self, visit: &mut dyn FnMut(&[T])) {
        visit(self.running_mean.as_slice());
        visit(self.running_var.as_slice());
    }

    fn visit_buffers_mut(&mut self, visit: &mut dyn FnMut(&mut [T])) {
        visit(self.running_mean.as_mut_slice());
        visit(self.running_var.as_mut_slice());
    }
}

impl<T: Scalar, const N: usize> Layer<T, N, N> for BatchNorm<T, N> {
    type Cache = BatchNormCache<T, N>;

    // ANCHOR: forward
    fn forward<'c>(
        &self,
        input: &Batch<T, N>,
        pass: Pass,
        cache: &'c mut Self::Cache,
    ) -> &'c Batch<T, N> {
        let samples = input.ncols();
        ensure_columns(&mut cache.output, samples);
        ensure_columns(&mut cache.normalized, samples);
        cache.mode = Some(pass.mode);
        cache.samples = samples;
        let count = T::of(samples.max(1) as f64);
        for i in 0..N {
            let (mean, var) = match pass.mode {
                Mode::Train => {
                    let mean = input.row(i).iter().fold(T::zero(), |s, &x| s + x) / count;
                    let var = input
                        .row(i)
                        .iter()
                        .fold(T::zero(), |s, &x| s + (x - mean) * (x - mean))
                        / count;
                    (mean, var)
                }
                Mode::Infer => (self.running_mean[(i, 0)], self.running_var[(i, 0)]),
            };
            cache.batch_mean[i] = mean;
            cache.batch_var[i] = var;
            let inverse_std = T::one() / (var + self.epsilon).sqrt();
            cache.inverse_std[i] = inverse_std;
            let (gamma, beta) = (self.gamma[(i, 0)], self.beta[(i, 0)]);
            for j in 0..samples {
                let normalized = (input[(i, j)] - mean) * inverse_std;
                cache.normalized[(i, j)] = normalized;
                cache.output[(i, j)] = gamma * normalized + beta;
            }
        }
        &cache.output
    }
    // ANCHOR_END: forward

    // ANCHOR: backward
    fn backward(
        &self,
        input: &Batch<T, N>,
        cache: &Self::Cache,
        output_gradient: &Batch<T, N>,
        gradients: &mut Self,
        input_gradient: Option<&mut Batch<T, N>>,
    ) {
        let samples = input.ncols();
        assert_eq!(
            cache.samples, samples,
            "backward needs the forward pass's batch"
        );
        let mut input_gradient = input_gradient;
        if let Some(input_gradient) = input_gradient.as_deref_mut() {
            ensure_columns(input_gradient, samples);
        }
        let count = T::of(samples.max(1) as f64);
        for i in 0..N {
            let (mut sum_g, mut sum_g_normalized) = (T::zero(), T::zero());
            for j in 0..samples {
                let g = output_gradient[(i, j)];
                sum_g += g;
                sum_g_normalized += g * cache.normalized[(i, j)];
            }
            gradients.gamma[(i, 0)] = sum_g_normalized;
            gradients.beta[(i, 0)] = sum_g;
            let Some(input_gradient) = input_gradient.as_deref_mut() else {
                continue;
            };
            let scale = self.gamma[(i, 0)] * cache.inverse_std[i];
            for j in 0..samples {
                let g = output_gradient[(i, j)];
                input_gradient[(i, j)] = match cache.mode {
                    // The statistics came from the batch, so every sample's gradient runs
                    // through them: the two sums remove the parts along 1 and along x̂.
                    Some(Mode::Train) => {
                        scale / count
                            * (count * g - sum_g - cache.normalized[(i, j)] * sum_g_normalized)
                    }
                    // The running averages are constants: an affine map per feature.
                    _ => scale * g,
                };
            }
        }
    }
    // ANCHOR_END: backward

    // ANCHOR: update_buffers
    fn update_buffers(&mut self, cache: &Self::Cache) {
        if cache.mode != Some(Mode::Train) {
            return;
        }
        let m = cache.samples;
        // The running variance estimates the population's: unbiased, m/(m − 1) times the
        // batch's (PyTorch's convention); a batch of one sample says nothing about it.
        let unbiased = if m > 1 {
            T::of(m as f64 / (m - 1) as f64)
        } else {
            T::zero()
        };
        let keep = T::one() - self.momentum;
        for i in 0..N {
            self.running_mean[(i, 0)] =
                keep * self.running_mean[(i, 0)] + self.momentum * cache.batch_mean[i];
            if m > 1 {
                self.running_var[(i, 0)] =
                    keep * self.running_var[(i, 0)] + self.momentum * unbiased * cache.batch_var[i];
            }
        }
    }
    // ANCHOR_END: update_buffers
}
