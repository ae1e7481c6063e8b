//! # nabla
//!
//! A small neural-network library written to be read. Layer sizes are part of the types
//! (`Dense<f32, 784, 128>`), so wiring a 128-wide output into a 100-wide input does not compile;
//! the arithmetic runs through nalgebra's matrix kernels on preallocated buffers, so it is also fast.
//!
//! Data flows one way: [`data`] → [`Batch`] → a network's forward pass → [`loss`] → backward pass →
//! [`optim`] step. [`train`] runs that loop and [`gradcheck`] verifies backward passes against
//! finite differences.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod activation;
pub mod batch;
pub mod data;
pub mod dense;
pub mod error;
pub mod gradcheck;
pub mod init;
pub mod linalg;
pub mod loss;
pub mod matrix;
pub mod network;
pub mod optim;
pub mod scalar;
pub mod train;

pub use batch::Batch;
pub use error::{Error, Result};
pub use matrix::HeapMatrix;
pub use scalar::Scalar;

/// Re-exported so that users (and generated code) name one version of nalgebra.
pub use nalgebra;
