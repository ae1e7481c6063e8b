//! Chapter 9's equations, each checked numerically by the test named after it.
//!
//! The update rules are tested through the library's `Optimizer::update`: one or two steps
//! against the numbers the page works out by hand, and the laws the page derives (the velocity
//! as a weighted sum, its gain for slow and alternating gradients, Nesterov's look-ahead, Adam's
//! bias correction, AdamW's decoupled decay, the schedules). `tests/optimizers.rs` checks more
//! of each optimizer (convergence on a bowl, AdamW's choice of tensors in a real network,
//! resuming from saved state); these tests do not repeat it.
//!
//! The tests are split by concept into the submodules declared below, one file each in the
//! directory of the same name; the helpers they share live here.

use chapters::ch04_gradient_descent::{SAMPLES, SEED, eigenvalues, hessian, make_data};
use chapters::ch09_optimizers::schedules::{BASE_RATE, EPOCHS, STEPS_PER_EPOCH, WARMUP, rates};
use chapters::ch09_optimizers::steps::{
    DECAY, ETA, UncorrectedAdam, adam_l2_and_adamw, penalized_minimum, step_sizes, two_steps,
};
use chapters::ch09_optimizers::surfaces::{self, path};
use nabla::optim::{AdaGrad, Adam, AdamW, Momentum, Nesterov, Optimizer, RmsProp, Sgd};
use nabla::schedule::Schedule;
use nabla_tests::{seeded, uniform_vec};

mod adam;
mod adaptive;
mod experiments;
mod library;
mod momentum;
mod schedules;

/// θ after each of the worked example's two steps (a bias-shaped tensor unless told).
fn worked(mut optimizer: impl Optimizer<f64>) -> [[f64; 2]; 2] {
    two_steps(&mut optimizer, &[2])
}

fn assert_steps(name: &str, actual: [[f64; 2]; 2], by_hand: [[f64; 2]; 2], tolerance: f64) {
    for (step, (a, h)) in actual.iter().zip(&by_hand).enumerate() {
        for i in 0..2 {
            assert!(
                (a[i] - h[i]).abs() <= tolerance,
                "{name}, step {}: θ{} = {} but the page works out {}",
                step + 1,
                i + 1,
                a[i],
                h[i]
            );
        }
    }
}
