//! The workbook's runnable programs: one module per chapter, plus the headline MNIST run and its
//! benchmark. The `nabla` binary (`src/main.rs`) dispatches to them; the book includes their
//! source.

pub mod hand_wired;
pub mod headline;
