//! Elementwise loops compiled for the widest vector instructions of the CPU they run on.
//!
//! Compiled for plain x86-64, a loop may use only the SSE2 instructions every such CPU has:
//! four `f32` at a time. [`vectorized`] runs a loop in a second copy of it compiled for AVX2
//! and FMA (eight at a time) when the CPU has them, which it asks once the program runs, and
//! in the plain copy otherwise (the `pulp` crate makes the choice, without `unsafe` code of
//! ours). Both copies do the same operations on each entry: the compiler only widens them and
//! never fuses a multiplication with an addition on its own, so the numbers are the same bits
//! on every CPU, only the time differs.

/// Runs `work` compiled for the best vector instructions this CPU has. For a loop to be
/// compiled that way it must be inside `work`, or in a function marked `#[inline(always)]`
/// that `work` calls.
#[inline]
pub fn vectorized<R>(work: impl FnOnce() -> R) -> R {
    pulp::Arch::new().dispatch(work)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[inline(always)]
    fn update(theta: &mut [f32], m: &mut [f32], g: &[f32]) {
        for ((theta, m), &g) in theta.iter_mut().zip(m.iter_mut()).zip(g) {
            *m = 0.9 * *m + 0.1 * g;
            *theta -= 0.01 * *m / (m.abs().sqrt() + 1e-8);
        }
    }

    #[test]
    fn the_vectorized_copy_computes_the_same_bits() {
        let g: Vec<f32> = (0..1003)
            .map(|i| ((i * 37) % 101) as f32 / 7.0 - 6.0)
            .collect();
        let (mut plain, mut plain_m) = (vec![0.5_f32; g.len()], vec![0.1_f32; g.len()]);
        let (mut wide, mut wide_m) = (plain.clone(), plain_m.clone());
        for _ in 0..3 {
            update(&mut plain, &mut plain_m, &g);
            vectorized(|| update(&mut wide, &mut wide_m, &g));
        }
        assert_eq!(wide, plain);
        assert_eq!(wide_m, plain_m);
        assert_ne!(plain, vec![0.5_f32; g.len()]);
    }
}
