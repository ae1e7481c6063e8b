//! What line charts, regression plots and decision plots share: axes with a title and tidy tick
//! labels, curves cut to the visible range, and a legend placed where it hides the least.

use super::{
    AXIS_LABEL_SIZE, Canvas, DrawResult, TICK_SIZE, font, palette, plottable, px, stroke, titled,
};
use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

/// Pixel size of line charts and regression plots.
pub(super) const SIZE: (u32, u32) = (800, 500);

/// A named line, cut into the runs that are drawn.
pub(super) struct Curve<'a> {
    pub label: &'a str,
    pub runs: Vec<Vec<(f64, f64)>>,
}

/// Titles and the x range of a chart.
pub(super) struct Frame<'a> {
    pub title: &'a str,
    pub x_label: &'a str,
    pub y_label: &'a str,
    pub x: (f64, f64),
}

/// A chart with f64 coordinates on the enlarged canvas.
pub(super) type Axes<'b, Y> = ChartContext<'b, BitMapBackend<'b>, Cartesian2d<RangedCoordf64, Y>>;

impl Frame<'_> {
    /// Draws the title, axes, tick labels and a light grid; returns the chart to draw into.
    pub fn draw<'b, Y>(
        &self,
        canvas: &Canvas<'b>,
        y: Y,
        y_tick: &dyn Fn(&f64) -> String,
    ) -> Result<Axes<'b, Y::CoordDescType>, Box<dyn std::error::Error>>
    where
        Y: AsRangedCoord<Value = f64>,
        Y::CoordDescType: ValueFormatter<f64>,
    {
        let area = titled(canvas, self.title)?;
        let (x0, x1) = self.x;
        let mut chart = ChartBuilder::on(&area)
            .margin_left(px(8))
            .margin_right(px(30))
            .x_label_area_size(px(if self.x_label.is_empty() { 30 } else { 60 }))
            .y_label_area_size(px(if self.y_label.is_empty() { 60 } else { 85 }))
            .build_cartesian_2d(x0..x1, y)?;
        chart
            .configure_mesh()
            .x_desc(self.x_label)
            .y_desc(self.y_label)
            .x_label_formatter(&|v| tick_label(*v, x1 - x0))
            .y_label_formatter(y_tick)
            .label_style(font(TICK_SIZE))
            .axis_desc_style(font(AXIS_LABEL_SIZE))
            .max_light_lines(4)
            .light_line_style(RGBColor(238, 238, 238).stroke_width(stroke(1)))
            .bold_line_style(RGBColor(215, 215, 215).stroke_width(stroke(1)))
            .axis_style(BLACK.stroke_width(stroke(1)))
            .set_all_tick_mark_size(px(5))
            .draw()?;
        Ok(chart)
    }
}

/// Draws each curve in the palette colour `first_colour + its index`, labelled for the legend.
pub(super) fn draw_curves<Y: Ranged<ValueType = f64>>(
    axes: &mut Axes<Y>,
    curves: &[Curve],
    first_colour: usize,
) -> DrawResult {
    for (index, curve) in curves.iter().enumerate() {
        let style = palette(first_colour + index).stroke_width(stroke(3));
        for (run_index, run) in curve.runs.iter().enumerate() {
            let drawn = if let [point] = run[..] {
                axes.draw_series([Circle::new(point, stroke(4), style.filled())])?
            } else {
                axes.draw_series(LineSeries::new(run.iter().copied(), style))?
            };
            if run_index == 0 {
                let sample = move |(x, y)| PathElement::new(vec![(x, y), (x + px(24), y)], style);
                drawn.label(curve.label).legend(sample);
            }
        }
    }
    Ok(())
}

/// Draws the legend in `corner`, if any.
pub(super) fn draw_legend<Y: Ranged>(
    axes: &mut Axes<Y>,
    corner: Option<SeriesLabelPosition>,
) -> DrawResult {
    if let Some(corner) = corner {
        axes.configure_series_labels()
            .position(corner)
            .margin(px(12))
            .legend_area_size(px(32))
            .label_font(font(TICK_SIZE))
            .background_style(WHITE.mix(0.9))
            .border_style(RGBColor(160, 160, 160).stroke_width(stroke(1)))
            .draw()?;
    }
    Ok(())
}

/// A tick on an axis `span` long (plotters puts ticks at most span / 10 apart, at 1, 2 or 5 ×
/// a power of ten): "0.5", "1", "1.5"; never "-0".
pub(super) fn tick_label(value: f64, span: f64) -> String {
    let decimals = (-(span / 10.0).log10().floor()).clamp(0.0, 8.0) as usize;
    let value = if value.abs() < 0.5 * 10f64.powi(-(decimals as i32)) {
        0.0
    } else {
        value
    };
    let text = format!("{value:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// A tick on a log axis (1, 2, 5 × a power of ten): "0.02", "1", "500".
pub(super) fn log_tick_label(value: &f64) -> String {
    let magnitude = value.abs().log10().floor();
    let rounded = (value / 10f64.powf(magnitude - 2.0)).round() * 10f64.powf(magnitude - 2.0);
    let decimals = (-(rounded.abs().log10() + 1e-9).floor()).clamp(0.0, 12.0) as usize;
    format!("{rounded:.decimals$}")
}

/// The corner of the plot that the curves cross least, for the legend.
pub(super) fn legend_corner(
    points: impl IntoIterator<Item = (f64, f64)>,
    (x0, x1): (f64, f64),
    (y0, y1): (f64, f64),
) -> SeriesLabelPosition {
    use SeriesLabelPosition::{LowerLeft, LowerRight, UpperLeft, UpperRight};
    let mut crowding = [0usize; 4];
    for (x, y) in points {
        let (u, v) = ((x - x0) / (x1 - x0), (y - y0) / (y1 - y0));
        let column = if u > 0.55 {
            Some(0)
        } else if u < 0.45 {
            Some(1)
        } else {
            None
        };
        let row = if v > 0.6 {
            Some(0)
        } else if v < 0.4 {
            Some(2)
        } else {
            None
        };
        if let (Some(column), Some(row)) = (column, row) {
            crowding[row + column] += 1;
        }
    }
    let least = (0..4).min_by_key(|&i| crowding[i]).unwrap_or(0);
    [UpperRight, UpperLeft, LowerRight, LowerLeft][least].clone()
}

/// Splits a polyline into runs that stay within `low ≤ y ≤ high`: a non-finite point breaks the
/// line, and a segment that leaves the range is cut where it crosses the border.
pub(super) fn clip_runs(points: &[(f64, f64)], (low, high): (f64, f64)) -> Vec<Vec<(f64, f64)>> {
    let mut runs = Vec::new();
    let mut run: Vec<(f64, f64)> = Vec::new();
    let mut flush = |run: &mut Vec<(f64, f64)>| {
        if run.len() > 1 {
            runs.push(std::mem::take(run));
        }
        run.clear();
    };
    for pair in points.windows(2) {
        let [(xa, ya), (xb, yb)] = [pair[0], pair[1]];
        if ![xa, ya, xb, yb].iter().all(|&v| plottable(v)) {
            flush(&mut run);
            continue;
        }
        // The part t ∈ [enter, leave] of the segment a + t (b − a) lies inside the range.
        let (mut enter, mut leave) = (0.0_f64, 1.0_f64);
        if ya == yb {
            if ya < low || ya > high {
                flush(&mut run);
                continue;
            }
        } else {
            let (t_low, t_high) = ((low - ya) / (yb - ya), (high - ya) / (yb - ya));
            enter = enter.max(t_low.min(t_high));
            leave = leave.min(t_low.max(t_high));
            if enter > leave {
                flush(&mut run);
                continue;
            }
        }
        let at = |t: f64| (xa + t * (xb - xa), ya + t * (yb - ya));
        if enter > 0.0 || run.is_empty() {
            flush(&mut run);
            run.push(at(enter));
        }
        run.push(at(leave));
        if leave < 1.0 {
            flush(&mut run);
        }
    }
    flush(&mut run);
    // A point without a drawable neighbour (say, the loss after a single epoch) is a run of its
    // own, drawn as a dot.
    let drawable = |i: usize| {
        points
            .get(i)
            .is_some_and(|&(x, y)| plottable(x) && plottable(y))
    };
    for (i, &(x, y)) in points.iter().enumerate() {
        let has_neighbour = (i > 0 && drawable(i - 1)) || drawable(i + 1);
        if drawable(i) && !has_neighbour && (low..=high).contains(&y) {
            runs.push(vec![(x, y)]);
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clipping_cuts_segments_at_the_border_and_breaks_at_nan() {
        let line = [
            (0.0, 0.0),
            (1.0, 2.0),
            (2.0, 0.0),
            (3.0, f64::NAN),
            (4.0, 0.0),
            (5.0, 0.5),
        ];
        let runs = clip_runs(&line, (0.0, 1.0));
        let expected = vec![
            vec![(0.0, 0.0), (0.5, 1.0)],
            vec![(1.5, 1.0), (2.0, 0.0)],
            vec![(4.0, 0.0), (5.0, 0.5)],
        ];
        assert_eq!(runs, expected);
        // A lonely point becomes a dot.
        let line = [(0.0, 0.5), (1.0, f64::NAN), (2.0, 0.5), (3.0, 1.5)];
        let runs = clip_runs(&line, (0.0, 1.0));
        assert_eq!(runs, vec![vec![(2.0, 0.5), (2.5, 1.0)], vec![(0.0, 0.5)]]);
    }

    #[test]
    fn the_legend_avoids_the_curves() {
        // A rising line leaves the upper left and lower right corners free.
        let rising = (0..100).map(|i| (f64::from(i), f64::from(i)));
        let corner = legend_corner(rising, (0.0, 99.0), (0.0, 99.0));
        assert!(matches!(corner, SeriesLabelPosition::UpperLeft));
    }

    #[test]
    fn tick_labels_are_tidy() {
        assert_eq!(tick_label(-1e-17, 2.0), "0");
        assert_eq!(tick_label(35.0, 35.0), "35");
        assert_eq!(tick_label(1.5, 3.0), "1.5");
        assert_eq!(tick_label(2.0, 3.0), "2");
        assert_eq!(tick_label(0.005, 0.02), "0.005");
        assert_eq!(log_tick_label(&0.099999999), "0.1");
        assert_eq!(log_tick_label(&0.02), "0.02");
        assert_eq!(log_tick_label(&500.0), "500");
    }
}
