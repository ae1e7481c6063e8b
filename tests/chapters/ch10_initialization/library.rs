//! Adapters from the library's clipping and initializers to the signatures of chapter 10's
//! exercise checks. The checks hand over plain lists of numbers; the library clips a model's
//! tensors, so the clipping adapters copy the lists into a [`Tensors`] model and back.

use nabla::clip::Clip;
use nabla::init::Init;
use nabla_tests::Tensors;

/// The library's `Clip::Norm(c)` (10.8) on `tensors`, in exercise 10.1's signature: returns the
/// norm before clipping.
pub fn clip_by_norm(tensors: &mut [Vec<f64>], c: f64) -> f64 {
    let mut model = Tensors(tensors.to_vec());
    let norm = Clip::Norm(c)
        .apply(&mut model)
        .expect("clipping by norm returns the norm");
    tensors.clone_from_slice(&model.0);
    norm
}

/// The library's `Clip::Value(c)` (10.9) on `entries`, in exercise 10.2's signature.
pub fn clip_by_value(entries: &mut [f64], c: f64) {
    let mut model = Tensors(vec![entries.to_vec()]);
    Clip::Value(c).apply(&mut model);
    entries.copy_from_slice(&model.0[0]);
}

/// The standard deviation of the library's `Init::Xavier` (10.4), in exercise 10.3's signature.
pub fn xavier_std(n_in: usize, n_out: usize) -> f64 {
    Init::Xavier.variance(n_in, n_out).sqrt()
}

/// The standard deviation of the library's `Init::He` (10.6), in exercise 10.4's signature.
pub fn he_std(n_in: usize, n_out: usize) -> f64 {
    Init::He.variance(n_in, n_out).sqrt()
}
