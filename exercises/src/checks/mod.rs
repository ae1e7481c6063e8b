//! The checks, one module per chapter. Each check takes the implementation as an argument, so
//! the same function grades the learner's stub, the reference solution and a wrong answer.
// A check spells out the type of the function it grades in full, as the learner writes it.
#![allow(clippy::type_complexity)]

pub mod ch01_introduction;
pub mod ch02_neuron;
pub mod ch03_activations;
pub mod ch04_gradient_descent;
pub mod ch05_losses;
pub mod ch06_backpropagation;
pub mod ch07_network_macro;
pub mod ch08_mnist;
pub mod ch09_optimizers;
pub mod ch10_initialization;
pub mod ch11_batch_norm;
pub mod ch12_regularization;
pub mod ch13_convolutions;
