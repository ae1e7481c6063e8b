//! Chapter 7: declaring networks with `network!`. Declares two networks, prints what their
//! types say about them, and checks the generated backward pass against finite differences.

use crate::{ChapterResult, Session};
use nabla::batch::one_hot;
use nabla::gradcheck::{GradCheckOptions, check_gradients};
use nabla::loss::Loss;
use nabla::network::{Network, Parameters, loss_and_gradients};
use nabla::{Batch, network};
use rand::SeedableRng;
use rand::rngs::StdRng;

// ANCHOR: declare
network! {
    /// The headline network: 784 pixels, 128 ReLU units, 10 class probabilities.
    pub struct Mnist: 784 => relu 128 => softmax 10
}

network! {
    /// A small network with a different activation in every layer, to check gradients.
    pub struct Small: 4 => tanh 5 => sigmoid 3 => softmax 2
}
// ANCHOR_END: declare

/// The name of `value`'s type without module paths: `Dense<f32, 784, 128>`.
fn short_type_name<T>(_value: &T) -> String {
    let full = std::any::type_name::<T>();
    let mut short = String::new();
    for piece in full.split_inclusive(['<', '>', ',', ' ']) {
        short += piece.rsplit("::").next().unwrap_or(piece);
    }
    short
}

/// Runs this chapter's program.
pub fn run(session: &mut Session) -> ChapterResult {
    let out = &mut session.out;
    // ANCHOR: inspect
    let mnist = Mnist::<f32>::new(&mut StdRng::seed_from_u64(0));
    writeln!(out, "Mnist: {}", Mnist::<f32>::ARCHITECTURE)?;
    writeln!(out, "  layer1: {}", short_type_name(&mnist.layer1))?;
    writeln!(out, "  layer2: {}", short_type_name(&mnist.layer2))?;
    writeln!(out, "  parameters: {}", mnist.parameter_count())?;
    writeln!(out, "  implied loss: {}", short_type_name(&mnist.loss()))?;
    // ANCHOR_END: inspect

    // ANCHOR: gradient_check
    let mut small = Small::<f64>::new(&mut StdRng::seed_from_u64(7));
    let input = Batch::<f64, 4>::from_fn(5, |row, column| ((row * 3 + column) as f64).sin());
    let targets = one_hot::<f64, 2>(&[0, 1, 1, 0, 1]);
    let loss = small.loss();

    let (_, gradients) = loss_and_gradients(&small, &loss, &input, &targets);

    let report = check_gradients(
        &mut small,
        &gradients,
        |network| loss.value(&network.logits(&input), &targets),
        GradCheckOptions::default(),
    );
    // ANCHOR_END: gradient_check
    writeln!(out, "Small: {}", Small::<f64>::ARCHITECTURE)?;
    writeln!(
        out,
        "  gradient check over all {} parameters: largest relative error {:.1e}",
        report.checked, report.max_relative_error
    )?;
    Ok(())
}
