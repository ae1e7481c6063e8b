//! The workbook's runnable programs: one module per chapter, plus the headline MNIST run and its
//! benchmark. The `nabla` command (`cli/src/main.rs`) dispatches to them; the book includes their
//! source and their captured output.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod bench;
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
pub mod cnn;
pub mod hand_wired;
pub mod headline;
pub mod parts;
pub mod predict;
pub mod preflight;
pub mod progress;
pub mod session;

pub use session::{Chapter, ChapterResult, Session};

/// Every chapter's program, in book order.
pub const CHAPTERS: &[Chapter] = &[
    Chapter {
        id: "ch01",
        title: "Introduction",
        run: ch01_introduction::run,
        long: None,
    },
    Chapter {
        id: "ch02",
        title: "The artificial neuron",
        run: ch02_neuron::run,
        long: None,
    },
    Chapter {
        id: "ch03",
        title: "Activation functions",
        run: ch03_activations::run,
        long: None,
    },
    Chapter {
        id: "ch04",
        title: "Gradient descent and linear regression",
        run: ch04_gradient_descent::run,
        long: None,
    },
    Chapter {
        id: "ch05",
        title: "Loss functions",
        run: ch05_losses::run,
        long: None,
    },
    Chapter {
        id: "ch06",
        title: "Backpropagation",
        run: ch06_backpropagation::run,
        long: None,
    },
    Chapter {
        id: "ch07",
        title: "Declaring networks with network!",
        run: ch07_network_macro::run,
        long: None,
    },
    Chapter {
        id: "ch08",
        title: "MNIST",
        run: ch08_mnist::run,
        long: None,
    },
    Chapter {
        id: "ch09",
        title: "Optimizers",
        run: ch09_optimizers::run,
        long: Some(ch09_optimizers::run_long),
    },
    Chapter {
        id: "ch10",
        title: "Initialization and gradient flow",
        run: ch10_initialization::run,
        long: Some(ch10_initialization::run_long),
    },
    Chapter {
        id: "ch11",
        title: "Batch normalization",
        run: ch11_batch_norm::run,
        long: Some(ch11_batch_norm::run_long),
    },
    Chapter {
        id: "ch12",
        title: "Overfitting and regularization",
        run: ch12_regularization::run,
        long: Some(ch12_regularization::run_long),
    },
    Chapter {
        id: "ch13",
        title: "Convolutional networks",
        run: ch13_convolutions::run,
        long: Some(ch13_convolutions::run_long),
    },
];

/// The chapter with the command-line name `id` (`ch05`, or just `5`).
pub fn find_chapter(id: &str) -> Option<&'static Chapter> {
    let id = id.trim_start_matches("ch");
    let number: usize = id.parse().ok()?;
    CHAPTERS
        .iter()
        .find(|chapter| chapter.id == format!("ch{number:02}"))
}
