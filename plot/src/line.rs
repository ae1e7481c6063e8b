//! Curves on x–y axes, e.g. activation functions or the loss per epoch.

use super::axes::{Curve, Frame, SIZE, clip_runs, draw_curves, draw_legend, legend_corner};
use super::axes::{log_tick_label, tick_label};
use super::{PlotError, check_range, empty, extent, plottable, save};
use plotters::prelude::*;
use std::path::Path;

/// One named curve of a [`LineChart`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Series {
    /// The name shown in the legend.
    pub label: String,
    /// The points, joined in order. A non-finite point breaks the line there.
    pub points: Vec<(f64, f64)>,
}

impl Series {
    /// A series from its points.
    pub fn new(label: impl Into<String>, points: Vec<(f64, f64)>) -> Self {
        Self {
            label: label.into(),
            points,
        }
    }

    /// `f` sampled at `samples` evenly spaced points from `from` to `to` (both included).
    pub fn sampled(
        label: impl Into<String>,
        (from, to): (f64, f64),
        samples: usize,
        f: impl Fn(f64) -> f64,
    ) -> Self {
        let step = (to - from) / samples.saturating_sub(1).max(1) as f64;
        let points = (0..samples)
            .map(|i| from + step * i as f64)
            .map(|x| (x, f(x)))
            .collect();
        Self::new(label, points)
    }
}

/// A chart of one or more curves, e.g. an activation function and its derivative, or the loss
/// per epoch for several learning rates. Several series get a legend.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LineChart {
    /// Shown above the chart (nothing if empty).
    pub title: String,
    /// Describes the horizontal axis.
    pub x_label: String,
    /// Describes the vertical axis.
    pub y_label: String,
    /// The curves, coloured in order.
    pub series: Vec<Series>,
    /// The visible y range; `None` fits the data. Curves are cut at its borders.
    pub y_range: Option<(f64, f64)>,
    /// A logarithmic y axis (useful for losses); points with y ≤ 0 are then skipped.
    pub log_y: bool,
}

/// Draws `chart` as a PNG at `path` (800 × 500 pixels).
///
/// Non-finite points (and, with [`LineChart::log_y`], points with y ≤ 0) are skipped; it is an
/// error if no point is left, or if `y_range` is not finite and increasing (and positive for a
/// log axis).
pub fn line_chart(path: impl AsRef<Path>, chart: &LineChart) -> Result<(), PlotError> {
    let path = path.as_ref();
    super::check_path(path)?;
    // Everything is measured in axis space: log10(y) on a log axis.
    let to_axis = |y: f64| match chart.log_y {
        true if y > 0.0 => y.log10(),
        true => f64::NAN,
        false => y,
    };
    let from_axis = |y: f64| if chart.log_y { 10f64.powf(y) } else { y };
    let in_axis_space: Vec<Vec<(f64, f64)>> = chart
        .series
        .iter()
        .map(|series| {
            series
                .points
                .iter()
                .map(|&(x, y)| (x, to_axis(y)))
                .collect()
        })
        .collect();
    let finite = || {
        in_axis_space
            .iter()
            .flatten()
            .filter(|&&(x, y)| plottable(x) && plottable(y))
    };
    let x = extent(finite().map(|p| p.0), 0.0).ok_or_else(|| empty(path, "series"))?;
    let y = match chart.y_range {
        Some(range) => {
            check_range(path, "y_range", range)?;
            let axis = (to_axis(range.0), to_axis(range.1));
            check_range(path, "y_range on a log axis", axis)?;
            axis
        }
        None => extent(finite().map(|p| p.1), 0.05).ok_or_else(|| empty(path, "series"))?,
    };
    let runs: Vec<Vec<Vec<(f64, f64)>>> = in_axis_space
        .iter()
        .map(|points| clip_runs(points, y))
        .collect();
    let legend = (chart.series.len() > 1)
        .then(|| legend_corner(runs.iter().flatten().flatten().copied(), x, y));
    let curves: Vec<Curve> = chart
        .series
        .iter()
        .zip(runs)
        .map(|(series, runs)| Curve {
            label: &series.label,
            runs: runs
                .into_iter()
                .map(|run| run.into_iter().map(|(x, y)| (x, from_axis(y))).collect())
                .collect(),
        })
        .collect();
    let frame = Frame {
        title: &chart.title,
        x_label: &chart.x_label,
        y_label: &chart.y_label,
        x,
    };
    save(path, SIZE, |canvas| {
        let (low, high) = (from_axis(y.0), from_axis(y.1));
        if chart.log_y {
            let mut axes = frame.draw(canvas, (low..high).log_scale(), &log_tick_label)?;
            draw_curves(&mut axes, &curves, 0)?;
            draw_legend(&mut axes, legend)
        } else {
            let tick = |v: &f64| tick_label(*v, high - low);
            let mut axes = frame.draw(canvas, low..high, &tick)?;
            draw_curves(&mut axes, &curves, 0)?;
            draw_legend(&mut axes, legend)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::super::{palette, render};
    use super::*;

    fn activations() -> LineChart {
        LineChart {
            title: "ReLU and its derivative".into(),
            x_label: "z".into(),
            y_label: "value".into(),
            series: vec![
                Series::sampled("relu(z)", (-3.0, 3.0), 61, |z| z.max(0.0)),
                Series::sampled("relu′(z)", (-3.0, 3.0), 61, |z| {
                    if z > 0.0 { 1.0 } else { 0.0 }
                }),
            ],
            y_range: Some((-0.5, 2.0)),
            log_y: false,
        }
    }

    #[test]
    fn a_line_chart_is_written_as_png() {
        let path = temp_png("line");
        line_chart(&path, &activations()).unwrap();
        assert_png(&path);
    }

    #[test]
    fn a_log_scaled_loss_curve_skips_non_positive_and_nan_losses() {
        let losses = [
            (1.0, 2.3),
            (2.0, 0.9),
            (3.0, f64::NAN),
            (4.0, 0.0),
            (5.0, 0.1),
            (6.0, f64::INFINITY),
        ];
        let chart = LineChart {
            series: vec![Series::new("loss", losses.to_vec())],
            log_y: true,
            ..LineChart::default()
        };
        let path = temp_png("loss");
        line_chart(&path, &chart).unwrap();
        assert_png(&path);
    }

    #[test]
    fn empty_or_all_nan_series_are_errors() {
        let path = temp_png("empty");
        let no_series = LineChart::default();
        assert!(matches!(
            line_chart(&path, &no_series),
            Err(PlotError::Empty { .. })
        ));
        let nan = Series::new("nan", vec![(f64::NAN, 1.0), (2.0, f64::INFINITY)]);
        let all_nan = LineChart {
            series: vec![nan],
            ..LineChart::default()
        };
        let err = line_chart(&path, &all_nan).unwrap_err();
        assert!(
            err.to_string().contains("empty.png"),
            "the error names the file: {err}"
        );
        assert!(!path.exists(), "nothing is written on error");
    }

    #[test]
    fn a_bad_y_range_is_an_error() {
        let path = temp_png("range");
        let chart = LineChart {
            y_range: Some((1.0, f64::NAN)),
            ..activations()
        };
        assert!(matches!(
            line_chart(&path, &chart),
            Err(PlotError::InvalidInput { .. })
        ));
        let chart = LineChart {
            y_range: Some((0.0, 1.0)),
            log_y: true,
            ..activations()
        };
        assert!(matches!(
            line_chart(&path, &chart),
            Err(PlotError::InvalidInput { .. })
        ));
    }

    #[test]
    fn curves_are_drawn_in_their_colours() {
        let chart = activations();
        let curves: Vec<Curve> = chart
            .series
            .iter()
            .map(|s| Curve {
                label: &s.label,
                runs: clip_runs(&s.points, (-0.5, 2.0)),
            })
            .collect();
        let pixels = render(SIZE, |canvas| {
            let frame = Frame {
                title: "",
                x_label: "",
                y_label: "",
                x: (-3.0, 3.0),
            };
            let mut axes = frame.draw(canvas, -0.5..2.0, &|v| v.to_string())?;
            draw_curves(&mut axes, &curves, 0)
        })
        .unwrap();
        for RGBColor(r, g, b) in [palette(0), palette(1)] {
            assert!(
                count_pixels(&pixels, |p| p == [r, g, b]) > 200,
                "no curve in {:?}",
                (r, g, b)
            );
        }
    }

    /// plotters loops forever on an axis whose length overflows; such values are skipped.
    #[test]
    fn huge_or_nearly_equal_values_do_not_hang() {
        let cases = [
            vec![(0.0, -1e308), (1.0, 1e308), (2.0, 1.0), (3.0, 2.0)],
            vec![(0.0, 1e90), (1.0, 1e90 * (1.0 + 1e-15))],
            vec![(0.0, 0.0), (1e-320, 1e-320)],
            vec![(-1e308, 0.0), (1e308, 1.0), (0.0, 0.5), (0.5, 0.7)],
        ];
        for points in cases {
            let chart = LineChart {
                series: vec![Series::new("x", points)],
                ..LineChart::default()
            };
            let path = temp_png("extreme");
            line_chart(&path, &chart).unwrap();
            assert_png(&path);
        }
        let chart = LineChart {
            y_range: Some((-1e308, 1e308)),
            ..activations()
        };
        let result = line_chart(temp_png("extreme-range"), &chart);
        assert!(matches!(result, Err(PlotError::InvalidInput { .. })));
    }
}
