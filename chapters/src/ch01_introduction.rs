//! Chapter 1: the introduction's program. A first taste of everything the book builds: a tiny
//! network learns XOR, the function a single neuron cannot represent (chapter 2), by gradient
//! descent (chapter 4) on a cross-entropy loss (chapter 5) with gradients from backpropagation
//! (chapter 6), declared in one line (chapter 7).

use crate::{CHAPTERS, ChapterResult, Session};
use nabla::data::Dataset;
use nabla::optim::Adam;
use nabla::train::{TrainConfig, fit};
use nabla::{Batch, network};
use plot::{Diagram, Edge, Node, Shape};
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
    if let Some(path) = session.figure("ch01-network.png")? {
        plot::diagram(&path, &xor_diagram())?;
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

/// The XOR network `2 => tanh 4 => sigmoid 1` drawn as units and connections: every input
/// feeds every hidden unit, and every hidden unit feeds the output.
fn xor_diagram() -> Diagram {
    let column = |count: usize, x: f64, label: &dyn Fn(usize) -> String, tint: usize| {
        (0..count)
            .map(|i| {
                let y = (i as f64 + 0.5) / count as f64;
                Node::new(Shape::Circle, (x, y), &[&label(i)]).tinted(tint)
            })
            .collect::<Vec<_>>()
    };
    let subscripts = ['₁', '₂', '₃', '₄'];
    let mut nodes = column(2, 0.08, &|i| format!("x{}", subscripts[i]), 7);
    nodes.extend(column(4, 0.5, &|_| "tanh".to_string(), 0));
    nodes.extend(column(1, 0.9, &|_| "σ".to_string(), 2));
    let mut edges = Vec::new();
    for input in 0..2 {
        edges.extend((2..6).map(|hidden| Edge::new(input, hidden, "")));
    }
    edges.extend((2..6).map(|hidden| Edge::new(hidden, 6, "")));
    Diagram {
        title: "2 => tanh 4 => sigmoid 1: inputs, hidden layer, output".into(),
        size: (560, 320),
        nodes,
        edges,
    }
}
