//! A 2-D classification dataset over its classifier's decision regions.

use super::axes::{Frame, draw_legend, legend_corner, tick_label};
use super::{PlotError, check_range, empty, invalid, palette, px, save, stroke};
use plotters::prelude::*;
use std::collections::BTreeSet;
use std::path::Path;

/// Pixel size of decision plots.
const SIZE: (u32, u32) = (720, 640);
/// The colour of the line where the classifier's output crosses 0.5.
const BOUNDARY: RGBColor = RGBColor(90, 90, 90);

/// Labelled points in the plane over the regions a classifier assigns to class 0 and class 1,
/// e.g. a perceptron on AND, OR or XOR, or a small network on two blobs.
pub struct DecisionPlot<'a> {
    /// Shown above the plot (nothing if empty).
    pub title: String,
    /// Describes the horizontal axis (the first input).
    pub x_label: String,
    /// Describes the vertical axis (the second input).
    pub y_label: String,
    /// The data as `(x, y, class)`; classes are coloured in order. Points outside the ranges
    /// (or not finite) are skipped.
    pub points: Vec<(f64, f64, usize)>,
    /// The visible x range.
    pub x_range: (f64, f64),
    /// The visible y range.
    pub y_range: (f64, f64),
    /// The classifier: the probability of class 1 (or any score in [0, 1]) at `(x, y)`.
    /// The background is tinted from class 0's colour (0) to class 1's (1), and the line where it
    /// crosses 0.5 is drawn; non-finite outputs leave the background white.
    pub classify: &'a dyn Fn(f64, f64) -> f64,
    /// How many background cells along each axis (2 to 1000; 150 looks smooth).
    pub resolution: usize,
}

impl std::fmt::Debug for DecisionPlot<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DecisionPlot")
            .field("title", &self.title)
            .field("points", &self.points.len())
            .field("x_range", &self.x_range)
            .field("y_range", &self.y_range)
            .field("resolution", &self.resolution)
            .finish_non_exhaustive()
    }
}

/// Draws `plot` as a PNG at `path` (720 × 640 pixels): the classifier's output as a light
/// background, its 0.5 boundary, and the points coloured by class with a legend.
///
/// It is an error if no point lies inside the ranges, a range is not finite and increasing, or
/// the resolution is outside 2..=1000.
pub fn scatter_with_regions(path: impl AsRef<Path>, plot: &DecisionPlot) -> Result<(), PlotError> {
    let path = path.as_ref();
    super::check_path(path)?;
    check_range(path, "x_range", plot.x_range)?;
    check_range(path, "y_range", plot.y_range)?;
    if !(2..=1000).contains(&plot.resolution) {
        return Err(invalid(
            path,
            format!("resolution {} is outside 2..=1000", plot.resolution),
        ));
    }
    let points: Vec<_> = plot
        .points
        .iter()
        .copied()
        .filter(|&(x, y, _)| {
            let inside = |(low, high): (f64, f64), v: f64| (low..=high).contains(&v);
            inside(plot.x_range, x) && inside(plot.y_range, y)
        })
        .collect();
    if points.is_empty() {
        return Err(empty(path, "points"));
    }
    let regions = Regions::evaluate(plot);
    let corner = legend_corner(
        points.iter().map(|&(x, y, _)| (x, y)),
        plot.x_range,
        plot.y_range,
    );
    let frame = Frame {
        title: &plot.title,
        x_label: &plot.x_label,
        y_label: &plot.y_label,
        x: plot.x_range,
    };
    save(path, SIZE, |canvas| {
        let (y0, y1) = plot.y_range;
        let tick = |v: &f64| tick_label(*v, y1 - y0);
        // The background covers the grid lines, leaving the axes.
        let mut chart = frame.draw(canvas, y0..y1, &tick)?;
        chart.draw_series(regions.cells())?;
        let line = BOUNDARY.stroke_width(stroke(2));
        let segments = regions.boundary().into_iter();
        chart.draw_series(segments.map(|segment| PathElement::new(segment, line)))?;

        let classes: BTreeSet<usize> = points.iter().map(|p| p.2).collect();
        for class in classes {
            let colour = palette(class);
            let members = points.iter().filter(|p| p.2 == class);
            let dot = move |at| {
                EmptyElement::at(at)
                    + Circle::new((0, 0), stroke(7), colour.filled())
                    + Circle::new((0, 0), stroke(7), BLACK.stroke_width(stroke(1)))
            };
            chart
                .draw_series(members.map(|&(x, y, _)| dot((x, y))))?
                .label(format!("class {class}"))
                .legend(move |(x, y)| {
                    EmptyElement::at((x + px(12), y))
                        + Circle::new((0, 0), stroke(7), colour.filled())
                        + Circle::new((0, 0), stroke(7), BLACK.stroke_width(stroke(1)))
                });
        }
        draw_legend(&mut chart, Some(corner))
    })
}

/// The classifier's output on a grid of cells covering the plot.
struct Regions {
    /// Output per cell, row after row from the bottom; clamped to [0, 1], or NaN.
    scores: Vec<f64>,
    resolution: usize,
    x_range: (f64, f64),
    y_range: (f64, f64),
}

impl Regions {
    fn evaluate(plot: &DecisionPlot) -> Self {
        let n = plot.resolution;
        let centre =
            |(low, high): (f64, f64), i: usize| low + (high - low) * (i as f64 + 0.5) / n as f64;
        let scores = (0..n * n)
            .map(|cell| {
                (plot.classify)(
                    centre(plot.x_range, cell % n),
                    centre(plot.y_range, cell / n),
                )
            })
            .map(|p| {
                if p.is_finite() {
                    p.clamp(0.0, 1.0)
                } else {
                    f64::NAN
                }
            })
            .collect();
        Self {
            scores,
            resolution: n,
            x_range: plot.x_range,
            y_range: plot.y_range,
        }
    }

    fn score(&self, column: usize, row: usize) -> f64 {
        self.scores[row * self.resolution + column]
    }

    /// The line where the output crosses 0.5, as short segments: marching squares over the
    /// grid of cell centres, placing each crossing by linear interpolation along the edge.
    fn boundary(&self) -> Vec<[(f64, f64); 2]> {
        let n = self.resolution;
        let centre = |(low, high): (f64, f64), i: f64| low + (high - low) * (i + 0.5) / n as f64;
        let mut segments = Vec::new();
        for row in 0..n - 1 {
            for column in 0..n - 1 {
                // The square's corners, counter-clockwise from the lower left.
                let corners = [(0, 0), (1, 0), (1, 1), (0, 1)].map(|(c, r)| (column + c, row + r));
                let above = corners.map(|(c, r)| self.score(c, r) - 0.5);
                if above.iter().any(|v| v.is_nan()) {
                    continue;
                }
                let mut crossings = Vec::with_capacity(4);
                for edge in 0..4 {
                    let (a, b) = (above[edge], above[(edge + 1) % 4]);
                    if (a >= 0.0) != (b >= 0.0) {
                        let t = a / (a - b);
                        let ((ca, ra), (cb, rb)) = (corners[edge], corners[(edge + 1) % 4]);
                        let c = ca as f64 + t * (cb as f64 - ca as f64);
                        let r = ra as f64 + t * (rb as f64 - ra as f64);
                        crossings.push((centre(self.x_range, c), centre(self.y_range, r)));
                    }
                }
                // Two crossings make one segment; four (a saddle) make two.
                segments.extend(crossings.chunks_exact(2).map(|pair| [pair[0], pair[1]]));
            }
        }
        segments
    }

    /// One filled rectangle per cell.
    fn cells(&self) -> impl Iterator<Item = Rectangle<(f64, f64)>> + '_ {
        let n = self.resolution;
        let edge =
            move |(low, high): (f64, f64), i: usize| low + (high - low) * i as f64 / n as f64;
        (0..n * n).filter_map(move |cell| {
            let (column, row) = (cell % n, cell / n);
            let p = self.score(column, row);
            if p.is_nan() {
                return None;
            }
            let corners = [
                (edge(self.x_range, column), edge(self.y_range, row)),
                (edge(self.x_range, column + 1), edge(self.y_range, row + 1)),
            ];
            Some(Rectangle::new(corners, tint(p).filled()))
        })
    }
}

/// The background colour for output `p`: a light tint of class 0's colour at 0, of class 1's at 1.
fn tint(p: f64) -> RGBColor {
    let light =
        |RGBColor(r, g, b): RGBColor| [r, g, b].map(|c| 255.0 - 0.3 * (255.0 - f64::from(c)));
    let (zero, one) = (light(palette(0)), light(palette(1)));
    let mix = |i: usize| (zero[i] + (one[i] - zero[i]) * p).round() as u8;
    RGBColor(mix(0), mix(1), mix(2))
}

#[cfg(test)]
mod tests {
    use super::super::render;
    use super::super::test_support::*;
    use super::*;

    fn xor_plot(classify: &dyn Fn(f64, f64) -> f64) -> DecisionPlot<'_> {
        DecisionPlot {
            title: "XOR".into(),
            x_label: "x₁".into(),
            y_label: "x₂".into(),
            points: vec![(0.0, 0.0, 0), (0.0, 1.0, 1), (1.0, 0.0, 1), (1.0, 1.0, 0)],
            x_range: (-0.5, 1.5),
            y_range: (-0.5, 1.5),
            classify,
            resolution: 100,
        }
    }

    #[test]
    fn a_decision_plot_is_written_as_png() {
        let path = temp_png("decision");
        scatter_with_regions(
            &path,
            &xor_plot(&|x, y| if (x > 0.5) != (y > 0.5) { 0.9 } else { 0.1 }),
        )
        .unwrap();
        assert_png(&path);
    }

    #[test]
    fn both_class_tints_and_the_boundary_are_drawn() {
        let plot = xor_plot(&|x, _| if x > 0.5 { 1.0 } else { 0.0 });
        let regions = Regions::evaluate(&plot);
        let pixels = render(SIZE, |canvas| {
            let mut chart = ChartBuilder::on(canvas).build_cartesian_2d(-0.5..1.5, -0.5..1.5)?;
            chart.draw_series(regions.cells())?;
            let segments = regions.boundary().into_iter();
            chart.draw_series(segments.map(|s| PathElement::new(s, BOUNDARY.stroke_width(4))))?;
            Ok(())
        })
        .unwrap();
        for RGBColor(r, g, b) in [tint(0.0), tint(1.0)] {
            let tinted = count_pixels(&pixels, |p| p == [r, g, b]);
            assert!(tinted > 100_000, "{tinted} pixels of {:?}", (r, g, b));
        }
        // The boundary x = 0.5 runs top to bottom, 640 pixels, about two wide.
        let dark = count_pixels(&pixels, |p| p.iter().all(|&c| c < 150));
        assert!((640..=4 * 640).contains(&dark), "{dark} boundary pixels");
    }

    #[test]
    fn the_boundary_follows_the_half_probability_line() {
        // p(x, y) = x on [0, 1]²: the boundary is the vertical line x = 0.5.
        let plot = DecisionPlot {
            x_range: (0.0, 1.0),
            y_range: (0.0, 1.0),
            ..xor_plot(&|x, _| x)
        };
        let segments = Regions::evaluate(&plot).boundary();
        assert_eq!(segments.len(), plot.resolution - 1);
        for point in segments.iter().flatten() {
            assert!(
                (point.0 - 0.5).abs() < 1e-9,
                "{point:?} is off the line x = 0.5"
            );
        }
    }

    #[test]
    fn nan_scores_and_points_do_not_panic() {
        let path = temp_png("decision-nan");
        let mut plot = xor_plot(&|x, _| if x > 0.5 { f64::NAN } else { 7.0 });
        plot.points.push((f64::NAN, 0.0, 1));
        // A point outside the plot is skipped; a class beyond the palette reuses its colours.
        plot.points.push((0.5, 0.5, usize::MAX));
        plot.points.push((9.0, 0.5, 0));
        scatter_with_regions(&path, &plot).unwrap();
        assert_png(&path);
    }

    #[test]
    fn bad_input_is_an_error() {
        let path = temp_png("decision-bad");
        let classify = |_: f64, _: f64| 0.5;
        let no_points = DecisionPlot {
            points: vec![],
            ..xor_plot(&classify)
        };
        assert!(matches!(
            scatter_with_regions(&path, &no_points),
            Err(PlotError::Empty { .. })
        ));
        let reversed = DecisionPlot {
            x_range: (1.0, 0.0),
            ..xor_plot(&classify)
        };
        assert!(matches!(
            scatter_with_regions(&path, &reversed),
            Err(PlotError::InvalidInput { .. })
        ));
        let coarse = DecisionPlot {
            resolution: 0,
            ..xor_plot(&classify)
        };
        assert!(matches!(
            scatter_with_regions(&path, &coarse),
            Err(PlotError::InvalidInput { .. })
        ));
    }
}
