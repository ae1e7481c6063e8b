//! Weight initializers: where training starts from.
//!
//! The scale matters. If each layer multiplies the variance of its signal by more than one, the
//! activations explode with depth; by less than one, they vanish. For a layer with `n_in` inputs
//! and `n_out` outputs:
//! - Xavier/Glorot keeps the variance through a linear (or tanh/sigmoid) layer: `Var(w) = 2 / (n_in + n_out)`.
//! - He compensates for ReLU zeroing half its inputs: `Var(w) = 2 / n_in`.

use crate::Scalar;
use rand::Rng;
use rand_distr::{Distribution, StandardNormal, Uniform};

/// How to draw a layer's initial weights.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Init {
    /// Every weight zero (every unit then learns the same thing: only for tests and exercises).
    Zeros,
    /// Normal with mean 0 and the given standard deviation.
    Normal {
        /// The standard deviation.
        std: f64,
    },
    /// Xavier/Glorot normal: standard deviation `√(2 / (n_in + n_out))`. Suits sigmoid and tanh.
    Xavier,
    /// Xavier/Glorot uniform: `U(−a, a)` with `a = √(6 / (n_in + n_out))`, the same variance as [`Init::Xavier`].
    XavierUniform,
    /// He/Kaiming normal: standard deviation `√(2 / n_in)`. Suits the ReLU family.
    He,
}

impl Init {
    /// The variance of one weight for a layer with `fan_in` inputs and `fan_out` outputs.
    pub fn variance(self, fan_in: usize, fan_out: usize) -> f64 {
        match self {
            Init::Zeros => 0.0,
            Init::Normal { std } => std * std,
            Init::Xavier | Init::XavierUniform => 2.0 / (fan_in + fan_out) as f64,
            Init::He => 2.0 / fan_in as f64,
        }
    }

    /// Fills `weights` with draws for a layer with `fan_in` inputs and `fan_out` outputs.
    pub fn fill<T: Scalar>(
        self,
        weights: &mut [T],
        fan_in: usize,
        fan_out: usize,
        rng: &mut impl Rng,
    ) {
        let std = self.variance(fan_in, fan_out).sqrt();
        match self {
            Init::Zeros => weights.fill(T::zero()),
            Init::XavierUniform => {
                let bound = std * 3f64.sqrt();
                let uniform = Uniform::new_inclusive(-bound, bound).expect("finite bounds");
                weights
                    .iter_mut()
                    .for_each(|w| *w = T::of(uniform.sample(rng)));
            }
            Init::Normal { .. } | Init::Xavier | Init::He => {
                for w in weights.iter_mut() {
                    let z: f64 = StandardNormal.sample(rng);
                    *w = T::of(std * z);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    fn sample_variance(init: Init, fan_in: usize, fan_out: usize) -> f64 {
        let mut weights = vec![0.0f64; 200_000];
        init.fill(&mut weights, fan_in, fan_out, &mut StdRng::seed_from_u64(7));
        let mean = weights.iter().sum::<f64>() / weights.len() as f64;
        weights.iter().map(|w| (w - mean).powi(2)).sum::<f64>() / weights.len() as f64
    }

    #[test]
    fn draws_have_the_stated_variance() {
        for init in [
            Init::Xavier,
            Init::XavierUniform,
            Init::He,
            Init::Normal { std: 0.1 },
        ] {
            let expected = init.variance(300, 100);
            let measured = sample_variance(init, 300, 100);
            assert!(
                (measured / expected - 1.0).abs() < 0.02,
                "{init:?}: {measured} vs {expected}"
            );
        }
    }

    #[test]
    fn same_seed_same_weights() {
        let draw = |seed| {
            let mut w = vec![0.0f32; 10];
            Init::He.fill(&mut w, 10, 1, &mut StdRng::seed_from_u64(seed));
            w
        };
        assert_eq!(draw(1), draw(1));
        assert_ne!(draw(1), draw(2));
    }
}
