//! Data points with fitted lines `y = w x + b`, for linear regression.

use super::axes::{
    Curve, Frame, SIZE, clip_runs, draw_curves, draw_legend, legend_corner, tick_label,
};
use super::{PlotError, empty, extent, palette, plottable, px, save, stroke};
use plotters::prelude::*;
use std::path::Path;

/// A scatter plot of data with fitted lines `y = slope · x + intercept`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RegressionPlot {
    /// Shown above the chart (nothing if empty).
    pub title: String,
    /// Describes the horizontal axis.
    pub x_label: String,
    /// Describes the vertical axis.
    pub y_label: String,
    /// The data `(x, y)`; non-finite points are skipped.
    pub points: Vec<(f64, f64)>,
    /// Lines drawn across the data, e.g. the fit after several epochs.
    pub lines: Vec<FittedLine>,
}

/// The line `y = slope · x + intercept`, as a [`RegressionPlot`] shows it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FittedLine {
    /// The name shown in the legend.
    pub label: String,
    /// `w` in `y = w x + b`.
    pub slope: f64,
    /// `b` in `y = w x + b`.
    pub intercept: f64,
}

/// Draws `plot` as a PNG at `path` (800 × 500 pixels): the points, and each line across their
/// x range, with a legend if there are lines. The axes fit the data; lines are cut where they
/// leave it, and non-finite lines are skipped. It is an error if no point is finite.
pub fn scatter_with_line(path: impl AsRef<Path>, plot: &RegressionPlot) -> Result<(), PlotError> {
    let path = path.as_ref();
    super::check_path(path)?;
    let points: Vec<(f64, f64)> = plot
        .points
        .iter()
        .copied()
        .filter(|&(x, y)| plottable(x) && plottable(y))
        .collect();
    let x = extent(points.iter().map(|p| p.0), 0.05).ok_or_else(|| empty(path, "points"))?;
    let y = extent(points.iter().map(|p| p.1), 0.1).ok_or_else(|| empty(path, "points"))?;
    let lines: Vec<Curve> = plot
        .lines
        .iter()
        .map(|line| {
            let at = |t: f64| {
                let x = x.0 + (x.1 - x.0) * t;
                (x, line.slope * x + line.intercept)
            };
            // Sampled, not just two ends, so that the legend can tell where the line runs.
            let samples: Vec<_> = (0..=20).map(|i| at(f64::from(i) / 20.0)).collect();
            Curve {
                label: &line.label,
                runs: clip_runs(&samples, y),
            }
        })
        .collect();
    let legend = (!lines.is_empty()).then(|| {
        let line_points = lines.iter().flat_map(|line| line.runs.iter().flatten());
        legend_corner(points.iter().chain(line_points).copied(), x, y)
    });
    let frame = Frame {
        title: &plot.title,
        x_label: &plot.x_label,
        y_label: &plot.y_label,
        x,
    };
    save(path, SIZE, |canvas| {
        let tick = |v: &f64| tick_label(*v, y.1 - y.0);
        let mut axes = frame.draw(canvas, y.0..y.1, &tick)?;
        let dot = palette(0).mix(0.75).filled();
        axes.draw_series(points.iter().map(|&p| Circle::new(p, stroke(5), dot)))?
            .label("data")
            .legend(move |(x, y)| Circle::new((x + px(12), y), stroke(5), dot));
        draw_curves(&mut axes, &lines, 1)?;
        draw_legend(&mut axes, legend)
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    #[test]
    fn a_regression_plot_is_written_as_png() {
        let line = |label: &str, slope, intercept| FittedLine {
            label: label.into(),
            slope,
            intercept,
        };
        let plot = RegressionPlot {
            title: "y = 2x + 1".into(),
            points: (0..20)
                .map(|i| (f64::from(i), 2.0 * f64::from(i) + 1.0))
                .collect(),
            lines: vec![
                line("fit", 2.0, 1.0),
                line("steep", 100.0, 0.0),
                line("broken", f64::NAN, 0.0),
            ],
            ..RegressionPlot::default()
        };
        let path = temp_png("regression");
        scatter_with_line(&path, &plot).unwrap();
        assert_png(&path);
    }

    #[test]
    fn without_finite_points_it_is_an_error() {
        let path = temp_png("regression-empty");
        let none = RegressionPlot {
            points: vec![(f64::NAN, 0.0), (1.0, f64::INFINITY)],
            ..RegressionPlot::default()
        };
        assert!(matches!(
            scatter_with_line(&path, &none),
            Err(PlotError::Empty { .. })
        ));
        assert!(!path.exists());
    }
}
