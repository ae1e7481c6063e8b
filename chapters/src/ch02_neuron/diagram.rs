//! Chapter 2's picture of one neuron: its inputs, its weights on the arrows, the weighted sum
//! with the bias, and the activation.

use super::Neuron;
use plot::{Diagram, Edge, Node, Shape};

/// The neuron `neuron` on the input `input`, with the values of the chapter's first example.
pub fn neuron_diagram<const N: usize>(neuron: &Neuron<N>, input: &[f64; N]) -> Diagram {
    const SUBSCRIPTS: [char; 10] = ['₀', '₁', '₂', '₃', '₄', '₅', '₆', '₇', '₈', '₉'];
    let subscript = |i: usize| SUBSCRIPTS[(i + 1) % 10];
    let mut nodes: Vec<Node> = (0..N)
        .map(|i| {
            let y = (i as f64 + 0.5) / N as f64;
            let label = format!("x{} = {}", subscript(i), input[i]);
            Node::new(Shape::Circle, (0.08, y), &[&label]).tinted(7)
        })
        .collect();
    let z = neuron.weighted_input(input);
    let sum = [
        "z = Σ wᵢ xᵢ + b".to_string(),
        format!("b = {}", neuron.bias),
        format!("z = {z:.1}"),
    ];
    let sum: Vec<&str> = sum.iter().map(String::as_str).collect();
    nodes.push(Node::new(Shape::Box, (0.55, 0.5), &sum).tinted(0));
    nodes.push(Node::new(Shape::Box, (0.9, 0.5), &["a = φ(z)"]).tinted(2));
    let mut edges: Vec<Edge> = (0..N)
        .map(|i| Edge::new(i, N, &format!("w{} = {}", subscript(i), neuron.weights[i])))
        .collect();
    edges.push(Edge::new(N, N + 1, "φ"));
    Diagram {
        title: "One neuron: weighted sum, bias, activation".into(),
        size: (620, 260),
        nodes,
        edges,
    }
}
