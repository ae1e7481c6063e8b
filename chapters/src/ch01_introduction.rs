//! Chapter 1: the introduction's program. A first taste of everything the book builds: a tiny
//! network learns XOR, the function a single neuron cannot represent (chapter 2), by gradient
//! descent (chapter 4) on a cross-entropy loss (chapter 5) with gradients from backpropagation
//! (chapter 6), declared in one line (chapter 7).

use crate::{CHAPTERS, ChapterResult, Session};
use nabla::data::Dataset;
use nabla::optim::Adam;
use nabla::train::{TrainConfig, fit};
use nabla::{Batch, network};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// Runs this chapter's program.
pub fn run(session: &mut Session) -> ChapterResult {
    // ANCHOR: taste
    network! {
        /// Two inputs, four tanh units, one sigmoid output: enough for XOR.
        struct Xor: 2 => tanh 4 => sigmoid 1
    }

    let inputs = Batch::<f32, 2>::from_column_slice(&[0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0]);
    let targets = Batch::<f32, 1>::from_column_slice(&[0.0, 1.0, 1.0, 0.0]);
    let data = Dataset::new(inputs.clone(), targets);

    let mut rng = StdRng::seed_from_u64(1);
    let mut network = Xor::<f32>::new(&mut rng);
    let config = TrainConfig {
        epochs: 500,
        batch_size: 4,
        ..TrainConfig::default()
    };
    let loss = network.loss();
    fit(
        &mut network,
        &loss,
        &mut Adam::new(0.05),
        &data,
        &config,
        &mut rng,
        (),
    )?;

    let outputs = network.forward(&inputs);
    // ANCHOR_END: taste
    writeln!(session.out, "XOR learned by {}:", Xor::<f32>::ARCHITECTURE)?;
    for (column, output) in outputs.iter().enumerate() {
        let (a, b) = (inputs[(0, column)], inputs[(1, column)]);
        writeln!(
            session.out,
            "  {a} xor {b} = {}   network says {output:.3}",
            (a != b) as u8
        )?;
    }
    writeln!(session.out, "\nEvery chapter has a program like this one:")?;
    for chapter in CHAPTERS {
        writeln!(
            session.out,
            "  cargo run --release -- {}   {}",
            chapter.id, chapter.title
        )?;
    }
    Ok(())
}
