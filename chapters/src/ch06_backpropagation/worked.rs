//! Chapter 6's worked example: backpropagation by hand through a 2-2-1 network, one number at
//! a time, before the matrix form. Every value of the forward pass and every gradient of the
//! backward pass is a named field, so that the program can print them, the figure can show
//! them at their nodes, and the tests can check each one against central differences.

use crate::{ChapterResult, Session};
use plot::{Diagram, Edge, Node, Shape};

/// The logistic sigmoid σ(z) = 1/(1 + e⁻ᶻ).
pub fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// The network `2 => sigmoid 2 => sigmoid 1`, one number per parameter.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tiny {
    /// `W¹[j][k]`, the weight from input `k` into hidden unit `j`.
    pub w1: [[f64; 2]; 2],
    /// `b¹[j]`.
    pub b1: [f64; 2],
    /// `W²[0][j]`, the weight from hidden unit `j` into the output.
    pub w2: [f64; 2],
    /// `b²`.
    pub b2: f64,
}

/// The example's parameters, input and target.
pub const EXAMPLE: (Tiny, [f64; 2], f64) = (
    Tiny {
        w1: [[0.5, -1.0], [1.5, 0.5]],
        b1: [0.0, -0.5],
        w2: [2.0, -1.0],
        b2: 0.5,
    },
    [1.0, 0.5],
    0.0,
);

/// A node of the example's graph where a small change can be added during the forward pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Site {
    /// Hidden unit `j`'s weighted input z¹ⱼ.
    HiddenWeighted(usize),
    /// Hidden unit `j`'s activation a¹ⱼ.
    HiddenActivation(usize),
    /// The output's weighted input (the logit) z².
    OutputWeighted,
    /// The output ŷ.
    Output,
}

// ANCHOR: worked_forward
/// Every value the forward pass computes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Forward {
    /// z¹ⱼ = Σₖ W¹ⱼₖ xₖ + b¹ⱼ
    pub z1: [f64; 2],
    /// a¹ⱼ = σ(z¹ⱼ)
    pub a1: [f64; 2],
    /// z² = Σⱼ W²ⱼ a¹ⱼ + b²
    pub z2: f64,
    /// ŷ = σ(z²)
    pub y_hat: f64,
    /// L = −[y ln ŷ + (1 − y) ln(1 − ŷ)]
    pub loss: f64,
}

/// The forward pass, with `change` added to one node's value on the way (`None`: no change).
pub fn forward(net: &Tiny, x: [f64; 2], y: f64, change: Option<(Site, f64)>) -> Forward {
    let added = |node: Site| match change {
        Some((at, amount)) if at == node => amount,
        _ => 0.0,
    };
    let mut z1 = [0.0; 2];
    let mut a1 = [0.0; 2];
    for j in 0..2 {
        z1[j] = net.w1[j][0] * x[0] + net.w1[j][1] * x[1] + net.b1[j];
        z1[j] += added(Site::HiddenWeighted(j));
        a1[j] = sigmoid(z1[j]) + added(Site::HiddenActivation(j));
    }
    let z2 = net.w2[0] * a1[0] + net.w2[1] * a1[1] + net.b2 + added(Site::OutputWeighted);
    let y_hat = sigmoid(z2) + added(Site::Output);
    let loss = -(y * y_hat.ln() + (1.0 - y) * (1.0 - y_hat).ln());
    Forward {
        z1,
        a1,
        z2,
        y_hat,
        loss,
    }
}
// ANCHOR_END: worked_forward

// ANCHOR: worked_backward
/// Every gradient ∂L/∂(·) the backward pass computes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Backward {
    /// ∂L/∂ŷ = −y/ŷ + (1 − y)/(1 − ŷ)
    pub y_hat: f64,
    /// δ² = ∂L/∂z² = ∂L/∂ŷ · σ′(z²), which simplifies to ŷ − y
    pub delta2: f64,
    /// ∂L/∂W²ⱼ = δ² a¹ⱼ
    pub w2: [f64; 2],
    /// ∂L/∂b² = δ²
    pub b2: f64,
    /// ∂L/∂a¹ⱼ = W²ⱼ δ²
    pub a1: [f64; 2],
    /// δ¹ⱼ = ∂L/∂z¹ⱼ = ∂L/∂a¹ⱼ · σ′(z¹ⱼ)
    pub delta1: [f64; 2],
    /// ∂L/∂W¹ⱼₖ = δ¹ⱼ xₖ
    pub w1: [[f64; 2]; 2],
    /// ∂L/∂b¹ⱼ = δ¹ⱼ
    pub b1: [f64; 2],
}

/// The backward pass: the chain rule from the loss back to every parameter.
pub fn backward(net: &Tiny, x: [f64; 2], y: f64, forward: &Forward) -> Backward {
    let y_hat = -y / forward.y_hat + (1.0 - y) / (1.0 - forward.y_hat);
    let delta2 = y_hat * forward.y_hat * (1.0 - forward.y_hat);
    let w2 = [delta2 * forward.a1[0], delta2 * forward.a1[1]];
    let a1 = [net.w2[0] * delta2, net.w2[1] * delta2];
    let mut delta1 = [0.0; 2];
    let mut w1 = [[0.0; 2]; 2];
    for j in 0..2 {
        delta1[j] = a1[j] * forward.a1[j] * (1.0 - forward.a1[j]);
        w1[j] = [delta1[j] * x[0], delta1[j] * x[1]];
    }
    Backward {
        y_hat,
        delta2,
        w2,
        b2: delta2,
        a1,
        delta1,
        w1,
        b1: delta1,
    }
}
// ANCHOR_END: worked_backward

/// The small change of z¹₁ the program tries; it predicts ΔL ≈ δ¹₁ Δz.
pub const NUDGE: f64 = 0.01;

/// Prints the worked example and draws its computational graph.
pub fn run(session: &mut Session) -> ChapterResult {
    let (net, x, y) = EXAMPLE;
    let f = forward(&net, x, y, None);
    let g = backward(&net, x, y, &f);
    let out = &mut session.out;
    writeln!(
        out,
        "Worked example: 2 => sigmoid 2 => sigmoid 1, x = ({}, {}), y = {y}",
        x[0], x[1]
    )?;
    writeln!(out, "  forward   z¹ = ({:.4}, {:.4})", f.z1[0], f.z1[1])?;
    writeln!(out, "            a¹ = ({:.4}, {:.4})", f.a1[0], f.a1[1])?;
    writeln!(
        out,
        "            z² = {:.4}   ŷ = {:.4}   L = {:.4}",
        f.z2, f.y_hat, f.loss
    )?;
    writeln!(
        out,
        "  backward  ∂L/∂ŷ = {:.4}   δ² = ∂L/∂z² = {:.4}",
        g.y_hat, g.delta2
    )?;
    writeln!(
        out,
        "            ∂L/∂W² = ({:.4}, {:.4})   ∂L/∂b² = {:.4}",
        g.w2[0], g.w2[1], g.b2
    )?;
    writeln!(out, "            ∂L/∂a¹ = ({:.4}, {:.4})", g.a1[0], g.a1[1])?;
    writeln!(
        out,
        "            δ¹ = ∂L/∂z¹ = ({:.4}, {:.4})",
        g.delta1[0], g.delta1[1]
    )?;
    let [[w00, w01], [w10, w11]] = g.w1;
    writeln!(
        out,
        "            ∂L/∂W¹ = [{w00:.4} {w01:.4}; {w10:.4} {w11:.4}]"
    )?;
    writeln!(out, "            ∂L/∂b¹ = ({:.4}, {:.4})", g.b1[0], g.b1[1])?;
    let moved = forward(&net, x, y, Some((Site::HiddenWeighted(0), NUDGE)));
    writeln!(
        out,
        "  z¹₁ moved by Δz = {NUDGE}: ΔL = {:.6}, δ¹₁·Δz = {:.6}",
        moved.loss - f.loss,
        g.delta1[0] * NUDGE
    )?;
    if let Some(path) = session.figure("ch06-graph.png")? {
        plot::diagram(&path, &graph(&net, x, &f, &g))?;
    }
    Ok(())
}

/// The computational graph of the example: each node with its value and its gradient.
fn graph(net: &Tiny, x: [f64; 2], f: &Forward, g: &Backward) -> Diagram {
    let value = |name: &str, v: f64, grad: Option<f64>| {
        let mut lines = vec![format!("{name} = {v:.3}")];
        if let Some(grad) = grad {
            lines.push(format!("∂L/∂{name} = {grad:.3}"));
        }
        lines
    };
    let node = |lines: Vec<String>, at: (f64, f64), tint: usize| Node {
        lines,
        at,
        shape: Shape::Box,
        tint: Some(tint),
    };
    let nodes = vec![
        node(value("x₁", x[0], None), (0.04, 0.25), 7),
        node(value("x₂", x[1], None), (0.04, 0.75), 7),
        node(value("z¹₁", f.z1[0], Some(g.delta1[0])), (0.24, 0.25), 0),
        node(value("z¹₂", f.z1[1], Some(g.delta1[1])), (0.24, 0.75), 0),
        node(value("a¹₁", f.a1[0], Some(g.a1[0])), (0.44, 0.25), 2),
        node(value("a¹₂", f.a1[1], Some(g.a1[1])), (0.44, 0.75), 2),
        node(value("z²", f.z2, Some(g.delta2)), (0.63, 0.5), 0),
        node(value("ŷ", f.y_hat, Some(g.y_hat)), (0.80, 0.5), 2),
        node(vec![format!("L = {:.3}", f.loss)], (0.95, 0.5), 3),
    ];
    let weight = |w: f64| format!("{w}");
    let edges = vec![
        Edge::new(0, 2, &weight(net.w1[0][0])),
        Edge::new(1, 2, &weight(net.w1[0][1])),
        Edge::new(0, 3, &weight(net.w1[1][0])),
        Edge::new(1, 3, &weight(net.w1[1][1])),
        Edge::new(2, 4, "σ"),
        Edge::new(3, 5, "σ"),
        Edge::new(4, 6, &weight(net.w2[0])),
        Edge::new(5, 6, &weight(net.w2[1])),
        Edge::new(6, 7, "σ"),
        Edge::new(7, 8, ""),
    ];
    Diagram {
        title: "Forward values and backward gradients, x = (1, 0.5), y = 0".into(),
        size: (950, 260),
        nodes,
        edges,
    }
}
