//! A confusion matrix as a heatmap with the count in each cell.

use super::{
    AXIS_LABEL_SIZE, Canvas, DrawResult, PlotError, TICK_SIZE, TITLE_HEIGHT, TITLE_SIZE,
    draw_title, empty, font, invalid, px, save, stroke, text_width,
};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::Path;

/// The largest cell, in pixels; more classes make the cells smaller.
const MAX_CELL: i32 = 90;
/// The grid's size in pixels, at most.
const GRID: i32 = 600;
/// The gap between the grid and its labels, and between the labels and the axis description.
const GAP: i32 = 10;

/// How often each true class (row) was predicted as each class (column).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ConfusionMatrix {
    /// Shown above the matrix (nothing if empty).
    pub title: String,
    /// `counts[true_class][predicted_class]`; a square matrix.
    pub counts: Vec<Vec<usize>>,
    /// The class names, in order; leave empty for 0, 1, 2, …
    pub labels: Vec<String>,
}

impl ConfusionMatrix {
    fn label(&self, class: usize) -> String {
        self.labels
            .get(class)
            .cloned()
            .unwrap_or_else(|| class.to_string())
    }
}

/// Draws `matrix` as a PNG at `path`: one cell per (true, predicted) pair showing its count,
/// shaded by the fraction of the true class it holds, so that rare mistakes stay visible beside
/// a large diagonal. The image is as large as the matrix and its labels need.
///
/// It is an error if `counts` is empty or not square, if `labels` is neither empty nor one per
/// class, or if there are more than 100 classes.
pub fn confusion_matrix(path: impl AsRef<Path>, matrix: &ConfusionMatrix) -> Result<(), PlotError> {
    let path = path.as_ref();
    super::check_path(path)?;
    let classes = matrix.counts.len();
    if classes == 0 {
        return Err(empty(path, "counts"));
    }
    if let Some(row) = matrix.counts.iter().position(|row| row.len() != classes) {
        let entries = matrix.counts[row].len();
        let reason =
            format!("counts must be square: row {row} has {entries} entries, not {classes}");
        return Err(invalid(path, reason));
    }
    if !matrix.labels.is_empty() && matrix.labels.len() != classes {
        let reason = format!("{} labels for {classes} classes", matrix.labels.len());
        return Err(invalid(path, reason));
    }
    if classes > 100 {
        return Err(invalid(
            path,
            format!("{classes} classes are too many to show (at most 100)"),
        ));
    }
    let layout = Layout::new(matrix);
    save(path, layout.size, |canvas| draw(canvas, matrix, &layout))
}

/// Where things go, in final pixels.
struct Layout {
    /// The side of a cell.
    cell: i32,
    /// The grid's top-left corner.
    left: i32,
    top: i32,
    /// The tick label size.
    tick: u32,
    /// Whether the column labels are too wide to stand upright, and run upwards instead.
    turn_columns: bool,
    /// The room the column labels take below the grid.
    column_labels: i32,
    size: (u32, u32),
}

impl Layout {
    fn new(matrix: &ConfusionMatrix) -> Self {
        let classes = matrix.counts.len() as i32;
        let cell = (GRID / classes).min(MAX_CELL);
        let tick = TICK_SIZE.min(cell as u32 * 2 / 3).max(8);
        let widest = (0..classes as usize)
            .map(|c| text_width(&matrix.label(c), tick))
            .max()
            .unwrap_or(0);
        let turn_columns = widest > cell - 4;
        let column_labels = if turn_columns { widest } else { tick as i32 };
        let axis = AXIS_LABEL_SIZE as i32;
        let left = GAP + axis + GAP + widest + GAP;
        let top = if matrix.title.is_empty() {
            2 * GAP
        } else {
            TITLE_HEIGHT + GAP
        };
        let side = cell * classes;
        let width = (left + side + 3 * GAP).max(text_width(&matrix.title, TITLE_SIZE) + 4 * GAP);
        let height = top + side + GAP + column_labels + GAP + axis + 2 * GAP;
        Self {
            cell,
            left,
            top,
            tick,
            turn_columns,
            column_labels,
            size: (width as u32, height as u32),
        }
    }
}

/// Draws the matrix; `layout` is in final pixels, scaled up here with [`px`].
fn draw(canvas: &Canvas, matrix: &ConfusionMatrix, layout: &Layout) -> DrawResult {
    let at = |x: i32, y: i32| (px(x), px(y));
    let Layout {
        cell, left, top, ..
    } = *layout;
    let classes = matrix.counts.len();
    let side = cell * classes as i32;
    let centred = Pos::new(HPos::Center, VPos::Center);
    if !matrix.title.is_empty() {
        draw_title(canvas, &matrix.title)?;
    }
    // Smaller text in smaller cells; DejaVu digits are about 0.64 em wide.
    let widest = matrix
        .counts
        .iter()
        .flatten()
        .max()
        .map_or(1, |m| m.to_string().len());
    let count_size = (f64::from(cell) * 0.8 / (0.64 * widest as f64)).clamp(8.0, 18.0) as u32;
    for (row, counts) in matrix.counts.iter().enumerate() {
        let total: usize = counts.iter().sum();
        for (column, &count) in counts.iter().enumerate() {
            let (x, y) = (left + column as i32 * cell, top + row as i32 * cell);
            let share = if total == 0 {
                0.0
            } else {
                count as f64 / total as f64
            };
            // The square root lifts small shares: 1% of a class is still a visible tint.
            let level = share.sqrt();
            canvas.draw(&Rectangle::new(
                [at(x, y), at(x + cell, y + cell)],
                heat(level).filled(),
            ))?;
            let ink = if level > 0.55 { WHITE } else { BLACK };
            let text = font(count_size).color(&ink).pos(centred);
            canvas.draw(&Text::new(
                count.to_string(),
                at(x + cell / 2, y + cell / 2),
                text,
            ))?;
        }
    }
    let grid_line = RGBColor(200, 200, 200).stroke_width(stroke(1));
    for i in 0..=classes as i32 {
        let offset = i * cell;
        let vertical = vec![at(left + offset, top), at(left + offset, top + side)];
        canvas.draw(&PathElement::new(vertical, grid_line))?;
        let horizontal = vec![at(left, top + offset), at(left + side, top + offset)];
        canvas.draw(&PathElement::new(horizontal, grid_line))?;
    }
    let tick = font(layout.tick);
    let right_aligned = Pos::new(HPos::Right, VPos::Center);
    let under_grid = top + side + GAP;
    for class in 0..classes {
        let middle = class as i32 * cell + cell / 2;
        let row_label = Text::new(
            matrix.label(class),
            at(left - GAP, top + middle),
            tick.pos(right_aligned),
        );
        canvas.draw(&row_label)?;
        let column_label = if layout.turn_columns {
            // Rotated to read upwards, ending just below the grid.
            let upwards = tick.transform(FontTransform::Rotate270).pos(right_aligned);
            Text::new(matrix.label(class), at(left + middle, under_grid), upwards)
        } else {
            let below = at(left + middle, under_grid + layout.tick as i32 / 2);
            Text::new(matrix.label(class), below, tick.pos(centred))
        };
        canvas.draw(&column_label)?;
    }
    let axis = font(AXIS_LABEL_SIZE);
    let axis_middle = AXIS_LABEL_SIZE as i32 / 2;
    let below = at(
        left + side / 2,
        under_grid + layout.column_labels + GAP + axis_middle,
    );
    canvas.draw(&Text::new("predicted class", below, axis.pos(centred)))?;
    let rotated = axis.transform(FontTransform::Rotate270).pos(centred);
    canvas.draw(&Text::new(
        "true class",
        at(GAP + axis_middle, top + side / 2),
        rotated,
    ))?;
    Ok(())
}

/// White at 0 to dark blue at 1.
fn heat(level: f64) -> RGBColor {
    let (light, dark) = ([247.0, 251.0, 255.0], [8.0, 48.0, 107.0]);
    let mix = |i: usize| (light[i] + (dark[i] - light[i]) * level.clamp(0.0, 1.0)).round() as u8;
    RGBColor(mix(0), mix(1), mix(2))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::super::text_width;
    use super::*;

    fn mostly_right() -> ConfusionMatrix {
        let counts = (0..10)
            .map(|t| {
                (0..10)
                    .map(|p| if t == p { 980 } else { (t + p) % 4 })
                    .collect()
            })
            .collect();
        ConfusionMatrix {
            title: "MNIST test set".into(),
            counts,
            labels: vec![],
        }
    }

    #[test]
    fn a_confusion_matrix_is_written_as_png() {
        let path = temp_png("confusion");
        confusion_matrix(&path, &mostly_right()).unwrap();
        assert_png(&path);
    }

    #[test]
    fn the_diagonal_is_dark_with_white_counts() {
        let matrix = mostly_right();
        let layout = Layout::new(&matrix);
        let pixels =
            super::super::render(layout.size, |canvas| draw(canvas, &matrix, &layout)).unwrap();
        let RGBColor(r, g, b) = heat((980.0_f64 / 980.0 + 0.0).sqrt());
        let darker = |p: [u8; 3]| {
            p[0] <= r.saturating_add(10)
                && p[2] <= b.saturating_add(10)
                && p[1] <= g.saturating_add(10)
        };
        assert!(
            count_pixels(&pixels, darker) > 8 * 60 * 60,
            "the diagonal is not dark"
        );
        assert!(count_pixels(&pixels, |p| p == [255, 255, 255]) > 1000);
    }

    #[test]
    fn long_labels_turn_and_widen_the_margin() {
        let digits = Layout::new(&mostly_right());
        assert!(!digits.turn_columns);
        let names = ["Iris setosa", "Iris versicolor", "Iris virginica"]
            .map(String::from)
            .to_vec();
        let iris = ConfusionMatrix {
            counts: vec![vec![1; 3]; 3],
            labels: names,
            ..ConfusionMatrix::default()
        };
        let layout = Layout::new(&iris);
        assert!(layout.turn_columns);
        let versicolor = text_width("Iris versicolor", layout.tick);
        assert!(layout.left > versicolor && layout.column_labels >= versicolor);
        let path = temp_png("iris");
        confusion_matrix(&path, &iris).unwrap();
        assert_png(&path);
    }

    #[test]
    fn bad_input_is_an_error() {
        let path = temp_png("confusion-bad");
        let empty = ConfusionMatrix::default();
        assert!(matches!(
            confusion_matrix(&path, &empty),
            Err(PlotError::Empty { .. })
        ));
        let ragged = ConfusionMatrix {
            counts: vec![vec![1, 2], vec![3]],
            ..ConfusionMatrix::default()
        };
        assert!(matches!(
            confusion_matrix(&path, &ragged),
            Err(PlotError::InvalidInput { .. })
        ));
        let labels = ConfusionMatrix {
            labels: vec!["a".into()],
            ..mostly_right()
        };
        assert!(matches!(
            confusion_matrix(&path, &labels),
            Err(PlotError::InvalidInput { .. })
        ));
    }
}
