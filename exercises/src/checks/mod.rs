//! The checks, one module per chapter. Each check takes the implementation as an argument, so
//! the same function grades the learner's stub, the reference solution and a wrong answer.

pub mod ch02_neuron;
pub mod ch05_losses;
