//! One test per numbered equation of the book, grouped by chapter. Each test is named after its
//! equation (`eq_6_2_error_recursion` checks equation 6.2), so `cargo test eq_6_2` runs exactly
//! the check for the equation in front of you.

mod ch02_neuron;
mod ch03_activations;
mod ch04_gradient_descent;
mod ch05_losses;
mod ch06_backpropagation;
mod ch08_mnist;
mod ch09_optimizers;
mod ch10_initialization;
mod ch11_batch_norm;
mod ch12_regularization;
mod ch13_convolutions;
