//! Diagrams of boxes joined by arrows: a network's units and weights, or a computational graph
//! whose nodes show their forward values and backward gradients.

use super::{
    Canvas, DrawResult, PlotError, TICK_SIZE, draw_title, empty, font, invalid, palette, px, save,
    stroke, text_width,
};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::Path;

/// The blank border around the drawing, in pixels.
const MARGIN: i32 = 24;
/// The room above the drawing that holds the title.
const TITLE_ROOM: i32 = 46;
/// The padding between a node's text and its border.
const PADDING: i32 = 8;
/// How far along its arrow a label sits: a third of the way, so that the labels of two
/// arrows that cross in the middle do not cover each other.
const LABEL_AT: f64 = 0.35;
/// The length of an arrowhead.
const HEAD: f64 = 10.0;

/// What a node looks like.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Shape {
    /// A circle around the text (a unit of a network).
    #[default]
    Circle,
    /// A rectangle around the text (a value or an operation of a computational graph).
    Box,
}

/// One node: a few lines of text at a position.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Node {
    /// The lines of text, centred; the first is the node's name.
    pub lines: Vec<String>,
    /// The node's centre, as fractions of the drawing's width (0 left, 1 right) and height
    /// (0 top, 1 bottom).
    pub at: (f64, f64),
    /// Circle or box.
    pub shape: Shape,
    /// The fill colour: `None` for white, `Some(i)` for a light tint of palette colour `i`.
    pub tint: Option<usize>,
}

impl Node {
    /// A node with these lines at `at`.
    pub fn new(shape: Shape, at: (f64, f64), lines: &[&str]) -> Self {
        Self {
            lines: lines.iter().map(|line| line.to_string()).collect(),
            at,
            shape,
            tint: None,
        }
    }

    /// The same node filled with a light tint of palette colour `index`.
    pub fn tinted(self, index: usize) -> Self {
        Self {
            tint: Some(index),
            ..self
        }
    }
}

/// An arrow from one node to another, with an optional label a third of the way along.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Edge {
    /// The index of the node the arrow leaves.
    pub from: usize,
    /// The index of the node the arrow enters.
    pub to: usize,
    /// Written at the middle of the arrow (nothing if empty).
    pub label: String,
}

impl Edge {
    /// An arrow `from → to` with `label`.
    pub fn new(from: usize, to: usize, label: &str) -> Self {
        Self {
            from,
            to,
            label: label.to_string(),
        }
    }
}

/// A diagram: nodes placed by hand, joined by arrows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Diagram {
    /// Shown above the diagram (nothing if empty).
    pub title: String,
    /// The size of the drawing area in pixels, without margins and title.
    pub size: (u32, u32),
    /// The nodes.
    pub nodes: Vec<Node>,
    /// The arrows between them.
    pub edges: Vec<Edge>,
}

/// Draws `diagram` as a PNG at `path`: each node's text centred in its circle or box, each
/// arrow from the border of one node to the border of the other, its label on a white patch
/// a third of the way along.
///
/// It is an error if there are no nodes, if a node has no text or lies outside the unit
/// square, if an edge names a node that does not exist, or if the size is below 100 × 100.
pub fn diagram(path: impl AsRef<Path>, diagram: &Diagram) -> Result<(), PlotError> {
    let path = path.as_ref();
    super::check_path(path)?;
    if diagram.nodes.is_empty() {
        return Err(empty(path, "nodes"));
    }
    if let Some(i) = diagram.nodes.iter().position(|node| node.lines.is_empty()) {
        return Err(invalid(path, format!("node {i} has no text")));
    }
    let inside = |v: f64| (0.0..=1.0).contains(&v);
    let outside = diagram
        .nodes
        .iter()
        .position(|n| !inside(n.at.0) || !inside(n.at.1));
    if let Some(i) = outside {
        return Err(invalid(
            path,
            format!("node {i} lies outside the unit square"),
        ));
    }
    let count = diagram.nodes.len();
    if let Some(edge) = diagram
        .edges
        .iter()
        .find(|e| e.from >= count || e.to >= count)
    {
        let reason = format!("edge {} → {} but only {count} nodes", edge.from, edge.to);
        return Err(invalid(path, reason));
    }
    if diagram.size.0 < 100 || diagram.size.1 < 100 {
        return Err(invalid(path, "the size must be at least 100 × 100"));
    }
    let top = if diagram.title.is_empty() {
        MARGIN
    } else {
        TITLE_ROOM + MARGIN / 2
    };
    let size = (
        diagram.size.0 + 2 * MARGIN as u32,
        diagram.size.1 + (top + MARGIN) as u32,
    );
    save(path, size, |canvas| draw(canvas, diagram, top))
}

/// The half-width and half-height of a node's outline, in final pixels, as its text alone
/// needs them.
fn text_extent(node: &Node) -> (f64, f64) {
    let line_height = TICK_SIZE as i32 + 4;
    let widest = node
        .lines
        .iter()
        .map(|line| text_width(line, TICK_SIZE))
        .max()
        .unwrap_or(0);
    let width = f64::from(widest + 2 * PADDING) / 2.0;
    let height = f64::from(line_height * node.lines.len() as i32 + 2 * PADDING) / 2.0;
    match node.shape {
        Shape::Circle => {
            let radius = width.hypot(height).max(18.0);
            (radius, radius)
        }
        Shape::Box => (width, height),
    }
}

/// The half-width and half-height of a node's outline in `diagram`: a box fits its text, and
/// every circle is as large as the largest, so that units of a network look alike.
fn half_extent(diagram: &Diagram, node: &Node) -> (f64, f64) {
    match node.shape {
        Shape::Box => text_extent(node),
        Shape::Circle => {
            let largest = diagram
                .nodes
                .iter()
                .filter(|other| other.shape == Shape::Circle)
                .map(|other| text_extent(other).0)
                .fold(0.0, f64::max);
            (largest, largest)
        }
    }
}

/// Where the segment from the centre of a node towards `direction` (a unit vector) leaves its
/// outline, as a distance from the centre.
fn exit_distance(diagram: &Diagram, node: &Node, direction: (f64, f64)) -> f64 {
    let (w, h) = half_extent(diagram, node);
    match node.shape {
        Shape::Circle => w,
        Shape::Box => {
            let along_x = if direction.0.abs() > 1e-9 {
                w / direction.0.abs()
            } else {
                f64::MAX
            };
            let along_y = if direction.1.abs() > 1e-9 {
                h / direction.1.abs()
            } else {
                f64::MAX
            };
            along_x.min(along_y)
        }
    }
}

/// A light version of palette colour `index`, for filling a node.
fn light(index: usize) -> RGBColor {
    let RGBColor(r, g, b) = palette(index);
    let lift = |c: u8| (u16::from(c) + 3 * 255) / 4;
    RGBColor(lift(r) as u8, lift(g) as u8, lift(b) as u8)
}

/// Draws the title, the arrows, and then the nodes over them.
fn draw(canvas: &Canvas, diagram: &Diagram, top: i32) -> DrawResult {
    if !diagram.title.is_empty() {
        draw_title(canvas, &diagram.title)?;
    }
    let centre = |node: &Node| {
        (
            f64::from(MARGIN) + node.at.0 * f64::from(diagram.size.0),
            f64::from(top) + node.at.1 * f64::from(diagram.size.1),
        )
    };
    let scaled = |(x, y): (f64, f64)| (px(x.round() as i32), px(y.round() as i32));
    let ink = RGBColor(60, 60, 60);
    let centred = Pos::new(HPos::Center, VPos::Center);
    let mut labels = Vec::new();
    for edge in &diagram.edges {
        let (from, to) = (&diagram.nodes[edge.from], &diagram.nodes[edge.to]);
        let (start, end) = (centre(from), centre(to));
        let length = (end.0 - start.0).hypot(end.1 - start.1);
        if length < 1e-9 {
            continue;
        }
        let unit = ((end.0 - start.0) / length, (end.1 - start.1) / length);
        let leave = exit_distance(diagram, from, unit);
        let enter = exit_distance(diagram, to, (-unit.0, -unit.1));
        let a = (start.0 + unit.0 * leave, start.1 + unit.1 * leave);
        let b = (end.0 - unit.0 * enter, end.1 - unit.1 * enter);
        canvas.draw(&PathElement::new(
            vec![scaled(a), scaled(b)],
            ink.stroke_width(stroke(2)),
        ))?;
        let back = (b.0 - unit.0 * HEAD, b.1 - unit.1 * HEAD);
        let side = (-unit.1 * HEAD * 0.45, unit.0 * HEAD * 0.45);
        let head = vec![
            scaled(b),
            scaled((back.0 + side.0, back.1 + side.1)),
            scaled((back.0 - side.0, back.1 - side.1)),
        ];
        canvas.draw(&Polygon::new(head, ink.filled()))?;
        if !edge.label.is_empty() {
            let along = |s: f64, e: f64| s + LABEL_AT * (e - s);
            labels.push(((along(a.0, b.0), along(a.1, b.1)), &edge.label));
        }
    }
    for (middle, label) in labels {
        let half = (
            f64::from(text_width(label, TICK_SIZE) + 6) / 2.0,
            f64::from(TICK_SIZE + 4) / 2.0,
        );
        let corner = |sx: f64, sy: f64| scaled((middle.0 + sx * half.0, middle.1 + sy * half.1));
        canvas.draw(&Rectangle::new(
            [corner(-1.0, -1.0), corner(1.0, 1.0)],
            WHITE.filled(),
        ))?;
        let style = font(TICK_SIZE).color(&RGBColor(120, 40, 20)).pos(centred);
        canvas.draw(&Text::new(label.as_str(), scaled(middle), style))?;
    }
    for node in &diagram.nodes {
        let (x, y) = centre(node);
        let (w, h) = half_extent(diagram, node);
        let fill = node.tint.map_or(WHITE, light);
        let outline = ink.stroke_width(stroke(2));
        match node.shape {
            Shape::Circle => {
                let radius = px(w.round() as i32);
                canvas.draw(&Circle::new(scaled((x, y)), radius, fill.filled()))?;
                canvas.draw(&Circle::new(scaled((x, y)), radius, outline))?;
            }
            Shape::Box => {
                let corners = [scaled((x - w, y - h)), scaled((x + w, y + h))];
                canvas.draw(&Rectangle::new(corners, fill.filled()))?;
                canvas.draw(&Rectangle::new(corners, outline))?;
            }
        }
        let line_height = f64::from(TICK_SIZE + 4);
        let first = y - line_height * (node.lines.len() as f64 - 1.0) / 2.0;
        for (i, line) in node.lines.iter().enumerate() {
            let at = scaled((x, first + line_height * i as f64));
            canvas.draw(&Text::new(line.as_str(), at, font(TICK_SIZE).pos(centred)))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    fn two_nodes() -> Diagram {
        Diagram {
            title: "Two nodes".into(),
            size: (300, 150),
            nodes: vec![
                Node::new(Shape::Circle, (0.2, 0.5), &["x"]),
                Node::new(Shape::Box, (0.8, 0.5), &["z = 1.5", "δ = 0.25"]).tinted(1),
            ],
            edges: vec![Edge::new(0, 1, "w = 3")],
        }
    }

    #[test]
    fn a_diagram_with_boxes_circles_and_labels_is_drawn() {
        let path = temp_png("diagram");
        diagram(&path, &two_nodes()).unwrap();
        assert_png(&path);
    }

    #[test]
    fn an_edge_to_a_missing_node_is_an_error() {
        let mut broken = two_nodes();
        broken.edges.push(Edge::new(0, 5, ""));
        let err = diagram(temp_png("broken"), &broken).unwrap_err();
        assert!(err.to_string().contains("only 2 nodes"), "{err}");
    }

    #[test]
    fn a_node_outside_the_unit_square_is_an_error() {
        let mut broken = two_nodes();
        broken.nodes[0].at = (1.5, 0.5);
        let err = diagram(temp_png("outside"), &broken).unwrap_err();
        assert!(err.to_string().contains("node 0"), "{err}");
    }

    #[test]
    fn a_box_is_left_where_the_ray_meets_its_border() {
        let diagram = two_nodes();
        let node = &diagram.nodes[1];
        let (w, h) = half_extent(&diagram, node);
        assert!((exit_distance(&diagram, node, (1.0, 0.0)) - w).abs() < 1e-9);
        assert!((exit_distance(&diagram, node, (0.0, -1.0)) - h).abs() < 1e-9);
    }

    #[test]
    fn every_circle_is_as_large_as_the_largest() {
        let mut diagram = two_nodes();
        diagram.nodes[1].shape = Shape::Circle;
        let small = half_extent(&diagram, &diagram.nodes[0]);
        let large = half_extent(&diagram, &diagram.nodes[1]);
        assert_eq!(small, large);
        assert!(small.0 > text_extent(&diagram.nodes[0]).0);
    }
}
