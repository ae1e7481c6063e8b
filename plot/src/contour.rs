//! A function of two variables as contour lines over shaded bands, with paths (an optimizer's
//! iterates, say) drawn across it.

use super::axes::{Frame, draw_legend, legend_corner, tick_label};
use super::line::Series;
use super::{PlotError, check_range, empty, invalid, palette, plottable, px, save, stroke};
use plotters::prelude::*;
use std::path::Path;

/// Pixel size of contour plots.
const SIZE: (u32, u32) = (720, 640);
/// The colour of the contour lines.
const LEVEL_LINE: RGBColor = RGBColor(150, 150, 150);

/// A function `f(x, y)` as contour lines at given levels, the bands between them shaded from
/// dark (low) to light (high), with one or more paths over it (each with a legend entry), e.g.
/// the iterates of several optimizers on a loss surface.
pub struct ContourPlot<'a> {
    /// Shown above the plot (nothing if empty).
    pub title: String,
    /// Describes the horizontal axis.
    pub x_label: String,
    /// Describes the vertical axis.
    pub y_label: String,
    /// The visible x range.
    pub x_range: (f64, f64),
    /// The visible y range.
    pub y_range: (f64, f64),
    /// The function whose contours are drawn; non-finite values leave the background white.
    pub function: &'a dyn Fn(f64, f64) -> f64,
    /// The levels at which contour lines are drawn, increasing (for a loss spanning many orders
    /// of magnitude, space them geometrically).
    pub levels: Vec<f64>,
    /// The paths, coloured in order (the first drawn on top), each a polyline with a dot at every
    /// point and a ring at its start. Non-finite points break a path; the plot cuts it at its borders.
    pub paths: Vec<Series>,
    /// A point to mark with a black cross (the minimum), if any.
    pub marker: Option<(f64, f64)>,
    /// How many background cells along each axis (2 to 1000; 200 looks smooth).
    pub resolution: usize,
}

impl std::fmt::Debug for ContourPlot<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ContourPlot")
            .field("title", &self.title)
            .field("x_range", &self.x_range)
            .field("y_range", &self.y_range)
            .field("levels", &self.levels)
            .field("paths", &self.paths.len())
            .field("resolution", &self.resolution)
            .finish_non_exhaustive()
    }
}

/// Draws `plot` as a PNG at `path` (720 × 640 pixels): shaded bands between the levels, the
/// contour lines, the paths with a legend, and the marker.
///
/// It is an error if a range is not finite and increasing, the levels are empty, not finite or
/// not increasing, the resolution is outside 2..=1000, or no path has a point inside the plot.
pub fn contour_plot(path: impl AsRef<Path>, plot: &ContourPlot) -> Result<(), PlotError> {
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
    let increasing = plot.levels.windows(2).all(|pair| pair[0] < pair[1]);
    if plot.levels.is_empty() || !increasing || !plot.levels.iter().all(|&l| plottable(l)) {
        return Err(invalid(path, "levels must be finite and increasing"));
    }
    let inside = |&(x, y): &(f64, f64)| {
        let within = |(low, high): (f64, f64), v: f64| (low..=high).contains(&v);
        within(plot.x_range, x) && within(plot.y_range, y)
    };
    let visible: Vec<(f64, f64)> = plot
        .paths
        .iter()
        .flat_map(|series| series.points.iter().copied())
        .filter(inside)
        .collect();
    if visible.is_empty() {
        return Err(empty(path, "paths"));
    }
    let grid = Grid::evaluate(plot);
    let corner = legend_corner(visible.iter().copied(), plot.x_range, plot.y_range);
    let frame = Frame {
        title: &plot.title,
        x_label: &plot.x_label,
        y_label: &plot.y_label,
        x: plot.x_range,
    };
    save(path, SIZE, |canvas| {
        let (y0, y1) = plot.y_range;
        let tick = |v: &f64| tick_label(*v, y1 - y0);
        let mut chart = frame.draw(canvas, y0..y1, &tick)?;
        chart.draw_series(grid.cells(&plot.levels))?;
        let line = LEVEL_LINE.stroke_width(stroke(1));
        for &level in &plot.levels {
            let segments = grid.contour(level).into_iter();
            chart.draw_series(segments.map(|segment| PathElement::new(segment, line)))?;
        }
        // The first path is drawn last, on top of the others.
        for (index, series) in plot.paths.iter().enumerate().rev() {
            let colour = palette(index);
            let style = colour.stroke_width(stroke(2));
            let points = near(&series.points, plot.x_range, plot.y_range);
            for run in points.split(|p| p.is_none()) {
                let run: Vec<(f64, f64)> = run.iter().flatten().copied().collect();
                chart.draw_series(LineSeries::new(run, style))?;
            }
            let dots = points.iter().flatten().copied().filter(inside);
            chart.draw_series(dots.map(|p| Circle::new(p, stroke(2), colour.filled())))?;
        }
        for (index, series) in plot.paths.iter().enumerate() {
            if let Some(&start) = series.points.first().filter(|p| inside(p)) {
                chart.draw_series([Circle::new(
                    start,
                    stroke(6),
                    BLACK.stroke_width(stroke(2)),
                )])?;
            }
            // An empty series carries the legend entry, so the legend lists the paths in order.
            let style = palette(index).stroke_width(stroke(2));
            chart
                .draw_series(std::iter::empty::<Circle<(f64, f64), u32>>())?
                .label(series.label.as_str())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + px(24), y)], style));
        }
        if let Some(at) = plot.marker.filter(inside) {
            let size = px(7);
            chart.draw_series([EmptyElement::at(at)
                + PathElement::new(
                    vec![(-size, -size), (size, size)],
                    BLACK.stroke_width(stroke(2)),
                )
                + PathElement::new(
                    vec![(-size, size), (size, -size)],
                    BLACK.stroke_width(stroke(2)),
                )])?;
        }
        draw_legend(&mut chart, Some(corner))
    })
}

/// The points of a path, with non-finite ones as `None` (breaks) and far-away ones pulled in
/// to ten spans beyond the plot (plotters cuts lines at the border, but cannot place points
/// whose pixel coordinates overflow).
fn near(
    points: &[(f64, f64)],
    x_range: (f64, f64),
    y_range: (f64, f64),
) -> Vec<Option<(f64, f64)>> {
    let pull = |(low, high): (f64, f64), v: f64| {
        let span = high - low;
        v.clamp(low - 10.0 * span, high + 10.0 * span)
    };
    points
        .iter()
        .map(|&(x, y)| {
            (x.is_finite() && y.is_finite()).then(|| (pull(x_range, x), pull(y_range, y)))
        })
        .collect()
}

/// The function's values at the corners of a grid of cells covering the plot.
struct Grid {
    /// Values at the `(resolution + 1)²` grid points, row after row from the bottom.
    values: Vec<f64>,
    resolution: usize,
    x_range: (f64, f64),
    y_range: (f64, f64),
}

impl Grid {
    fn evaluate(plot: &ContourPlot) -> Self {
        let n = plot.resolution;
        let at = |(low, high): (f64, f64), i: usize| low + (high - low) * i as f64 / n as f64;
        let values = (0..(n + 1) * (n + 1))
            .map(|point| {
                let (column, row) = (point % (n + 1), point / (n + 1));
                (plot.function)(at(plot.x_range, column), at(plot.y_range, row))
            })
            .map(|v| if v.is_finite() { v } else { f64::NAN })
            .collect();
        Self {
            values,
            resolution: n,
            x_range: plot.x_range,
            y_range: plot.y_range,
        }
    }

    fn value(&self, column: usize, row: usize) -> f64 {
        self.values[row * (self.resolution + 1) + column]
    }

    /// The coordinate of grid line `i` (fractional between lines) along `range`.
    fn coordinate(&self, (low, high): (f64, f64), i: f64) -> f64 {
        low + (high - low) * i / self.resolution as f64
    }

    /// The line where the function crosses `level`, as short segments: marching squares over
    /// the grid, placing each crossing by linear interpolation along the cell's edge.
    fn contour(&self, level: f64) -> Vec<[(f64, f64); 2]> {
        let n = self.resolution;
        let mut segments = Vec::new();
        for row in 0..n {
            for column in 0..n {
                // The cell's corners, counter-clockwise from the lower left.
                let corners = [(0, 0), (1, 0), (1, 1), (0, 1)].map(|(c, r)| (column + c, row + r));
                let above = corners.map(|(c, r)| self.value(c, r) - level);
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
                        crossings.push((
                            self.coordinate(self.x_range, c),
                            self.coordinate(self.y_range, r),
                        ));
                    }
                }
                // Two crossings make one segment; four (a saddle) make two.
                segments.extend(crossings.chunks_exact(2).map(|pair| [pair[0], pair[1]]));
            }
        }
        segments
    }

    /// One filled rectangle per cell, shaded by how many levels lie below the cell's mean.
    fn cells<'a>(&'a self, levels: &'a [f64]) -> impl Iterator<Item = Rectangle<(f64, f64)>> + 'a {
        let n = self.resolution;
        (0..n * n).filter_map(move |cell| {
            let (column, row) = (cell % n, cell / n);
            let corners = [(0, 0), (1, 0), (1, 1), (0, 1)];
            let mean = corners
                .iter()
                .map(|&(c, r)| self.value(column + c, row + r))
                .sum::<f64>()
                / 4.0;
            if mean.is_nan() {
                return None;
            }
            let band = levels.iter().filter(|&&level| level < mean).count();
            let shade = band as f64 / levels.len() as f64;
            let edges = [
                (
                    self.coordinate(self.x_range, column as f64),
                    self.coordinate(self.y_range, row as f64),
                ),
                (
                    self.coordinate(self.x_range, (column + 1) as f64),
                    self.coordinate(self.y_range, (row + 1) as f64),
                ),
            ];
            Some(Rectangle::new(edges, band_colour(shade).filled()))
        })
    }
}

/// The background of a band `shade` of the way up the levels: light blue at the bottom (0),
/// almost white at the top (1).
fn band_colour(shade: f64) -> RGBColor {
    let (low, high) = ([150.0, 186.0, 222.0], [253.0, 252.0, 244.0]);
    let mix = |i: usize| (low[i] + (high[i] - low[i]) * shade.clamp(0.0, 1.0)).round() as u8;
    RGBColor(mix(0), mix(1), mix(2))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    fn bowl(f: &dyn Fn(f64, f64) -> f64) -> ContourPlot<'_> {
        ContourPlot {
            title: "A bowl".into(),
            x_label: "x".into(),
            y_label: "y".into(),
            x_range: (-2.0, 2.0),
            y_range: (-2.0, 2.0),
            function: f,
            levels: vec![0.25, 0.5, 1.0, 2.0],
            paths: vec![
                Series::new(
                    "halving",
                    (0..8)
                        .map(|i| (1.5 * 0.5f64.powi(i), 1.5 * 0.5f64.powi(i)))
                        .collect(),
                ),
                Series::new(
                    "escaping",
                    vec![(0.0, 1.0), (f64::NAN, 0.0), (0.5, 1.0), (1e300, 3.0)],
                ),
            ],
            marker: Some((0.0, 0.0)),
            resolution: 60,
        }
    }

    #[test]
    fn a_contour_plot_is_written_as_png() {
        let path = temp_png("contour");
        contour_plot(&path, &bowl(&|x, y| x * x + y * y)).unwrap();
        assert_png(&path);
    }

    #[test]
    fn contours_of_a_circle_lie_on_the_circle() {
        let f = |x: f64, y: f64| x * x + y * y;
        let plot = bowl(&f);
        let grid = Grid::evaluate(&plot);
        let segments = grid.contour(1.0);
        assert!(segments.len() > 20, "{} segments", segments.len());
        for (x, y) in segments.iter().flatten() {
            // Linear interpolation across a cell 4/60 wide errs by far less than a cell.
            assert!(
                (x.hypot(*y) - 1.0).abs() < 0.01,
                "({x}, {y}) is off the unit circle"
            );
        }
        // No level crosses a constant function.
        let flat = |_: f64, _: f64| 3.0;
        assert!(Grid::evaluate(&bowl(&flat)).contour(1.0).is_empty());
    }

    #[test]
    fn lower_bands_are_darker() {
        let [low, high] = [band_colour(0.0), band_colour(1.0)];
        assert!(low.0 < high.0 && low.1 < high.1 && low.2 < high.2);
    }

    #[test]
    fn bad_input_is_an_error() {
        let path = temp_png("contour-bad");
        let f = |x: f64, y: f64| x + y;
        let unordered = ContourPlot {
            levels: vec![1.0, 0.5],
            ..bowl(&f)
        };
        assert!(matches!(
            contour_plot(&path, &unordered),
            Err(PlotError::InvalidInput { .. })
        ));
        let outside = ContourPlot {
            paths: vec![Series::new("far", vec![(5.0, 5.0)])],
            ..bowl(&f)
        };
        assert!(matches!(
            contour_plot(&path, &outside),
            Err(PlotError::Empty { .. })
        ));
        let reversed = ContourPlot {
            y_range: (1.0, -1.0),
            ..bowl(&f)
        };
        assert!(matches!(
            contour_plot(&path, &reversed),
            Err(PlotError::InvalidInput { .. })
        ));
    }
}
