//! One test per equation of the book, each comparing the analytic result against central finite
//! differences in `f64` (relative error ≤ 1e-6), plus property tests for the laws that hold for
//! every input. A failing test's name says which equation broke.

mod activations;
mod cnn;
mod cnn_network;
mod conv;
mod dense;
mod layers;
mod losses;
mod macro_gradients;
mod macro_layers;
mod network;
mod pool;
mod properties;
mod threads;
