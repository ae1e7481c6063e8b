//! A grid of histograms that share one x-axis, each panel with its own title: how a quantity is
//! distributed in each layer of a network, say, or under each of several settings.

use super::axes::tick_label;
use super::{
    Canvas, DrawResult, PlotError, TICK_SIZE, check_path, check_range, empty, extent, font,
    invalid, palette, plottable, px, save, stroke, titled,
};
use plotters::prelude::*;
use std::path::Path;

/// One panel: a title and the values whose distribution it shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HistogramPanel {
    /// Shown above the panel, e.g. `"layer 3"`.
    pub title: String,
    /// The values; non-finite ones are skipped.
    pub values: Vec<f64>,
}

/// Panels laid out in rows of `columns`, all over the same x range and with the same bins.
#[derive(Clone, Debug, PartialEq)]
pub struct HistogramGrid {
    /// Shown above the grid (nothing if empty).
    pub title: String,
    /// Describes the shared horizontal axis (written under the grid).
    pub x_label: String,
    /// The panels, filled row by row.
    pub panels: Vec<HistogramPanel>,
    /// Panels per row (at least 1).
    pub columns: usize,
    /// Bins per panel (at least 1).
    pub bins: usize,
    /// The shared x range; `None` fits every panel's values. Values outside it are counted in
    /// the first or last bin, so every panel's bars add up to all its finite values.
    pub x_range: Option<(f64, f64)>,
}

impl Default for HistogramGrid {
    fn default() -> Self {
        Self {
            title: String::new(),
            x_label: String::new(),
            panels: Vec::new(),
            columns: 4,
            bins: 40,
            x_range: None,
        }
    }
}

/// The size of one panel, in pixels.
const PANEL: (u32, u32) = (250, 170);
/// The height of the band under the grid that holds the x label.
const X_LABEL_HEIGHT: u32 = 34;

/// The fraction of `values` (finite ones) that falls in each of `bins` equal bins over
/// `(low, high)`; values outside the range count in the first or last bin. All zero if no value
/// is finite.
pub fn bin_fractions(values: &[f64], bins: usize, (low, high): (f64, f64)) -> Vec<f64> {
    let mut counts = vec![0usize; bins];
    let mut total = 0;
    for &v in values.iter().filter(|v| v.is_finite()) {
        let position = ((v - low) / (high - low) * bins as f64).floor();
        let bin = position.clamp(0.0, (bins - 1) as f64) as usize;
        counts[bin] += 1;
        total += 1;
    }
    counts
        .iter()
        .map(|&c| {
            if total == 0 {
                0.0
            } else {
                c as f64 / total as f64
            }
        })
        .collect()
}

/// Draws `grid` as a PNG at `path` (250 × 170 pixels per panel, plus the titles).
///
/// The bars of a panel show the fraction of its values in each bin, on the panel's own y scale
/// (a spike in one panel does not flatten the others). It is an error if there are no panels,
/// no finite value in any, `columns` or `bins` is 0, or `x_range` is not finite and increasing.
pub fn histogram_grid(path: impl AsRef<Path>, grid: &HistogramGrid) -> Result<(), PlotError> {
    let path = path.as_ref();
    check_path(path)?;
    if grid.columns == 0 || grid.bins == 0 {
        return Err(invalid(
            path,
            "a histogram grid needs at least 1 column and 1 bin",
        ));
    }
    let all = grid.panels.iter().flat_map(|p| p.values.iter().copied());
    let range = match grid.x_range {
        Some(range) => {
            check_range(path, "x_range", range)?;
            range
        }
        None => extent(all.filter(|&v| plottable(v)), 0.02).ok_or_else(|| empty(path, "panels"))?,
    };
    if !grid
        .panels
        .iter()
        .any(|p| p.values.iter().any(|v| v.is_finite()))
    {
        return Err(empty(path, "panels"));
    }
    let rows = grid.panels.len().div_ceil(grid.columns);
    let title_height = if grid.title.is_empty() {
        10
    } else {
        super::TITLE_HEIGHT as u32
    };
    let size = (
        PANEL.0 * grid.columns as u32,
        PANEL.1 * rows as u32 + title_height + X_LABEL_HEIGHT,
    );
    save(path, size, |canvas| {
        let area = titled(canvas, &grid.title)?;
        let (width, height) = area.dim_in_pixel();
        let (panels_area, label_area) =
            area.split_vertically(height as i32 - px(X_LABEL_HEIGHT as i32));
        draw_x_label(&label_area, &grid.x_label, width)?;
        let cells = panels_area.split_evenly((rows, grid.columns));
        for (cell, panel) in cells.iter().zip(&grid.panels) {
            let fractions = bin_fractions(&panel.values, grid.bins, range);
            draw_panel(cell, panel, &fractions, range)?;
        }
        Ok(())
    })
}

/// Writes the shared x label centred in `area`.
fn draw_x_label(area: &Canvas, label: &str, width: u32) -> DrawResult {
    use plotters::style::text_anchor::{HPos, Pos, VPos};
    let style = font(super::AXIS_LABEL_SIZE).pos(Pos::new(HPos::Center, VPos::Center));
    area.draw(&Text::new(label, (width as i32 / 2, px(14)), style))?;
    Ok(())
}

/// One panel: its title, the bars, and light axes with tick labels.
fn draw_panel(
    cell: &Canvas,
    panel: &HistogramPanel,
    fractions: &[f64],
    range: (f64, f64),
) -> DrawResult {
    let (low, high) = range;
    let top = fractions.iter().copied().fold(0.0, f64::max).max(1e-3) * 1.1;
    let mut chart = ChartBuilder::on(cell)
        .caption(&panel.title, font(TICK_SIZE))
        .margin_left(px(6))
        .margin_right(px(14))
        .margin_top(px(4))
        .x_label_area_size(px(22))
        .y_label_area_size(px(40))
        .build_cartesian_2d(low..high, 0.0..top)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .disable_y_mesh()
        .x_labels(5)
        .y_labels(3)
        .x_label_formatter(&|v| tick_label(*v, high - low))
        .y_label_formatter(&|v| tick_label(*v, top))
        .label_style(font(TICK_SIZE - 4))
        .axis_style(BLACK.stroke_width(stroke(1)))
        .set_all_tick_mark_size(px(3))
        .draw()?;
    let width = (high - low) / fractions.len() as f64;
    let fill = palette(0).filled();
    chart.draw_series(
        fractions
            .iter()
            .enumerate()
            .filter(|(_, f)| **f > 0.0)
            .map(|(i, &f)| {
                let left = low + width * i as f64;
                Rectangle::new([(left, 0.0), (left + width, f)], fill)
            }),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    fn grid() -> HistogramGrid {
        let panels = (1..=6)
            .map(|layer| HistogramPanel {
                title: format!("layer {layer}"),
                values: (0..500)
                    .map(|i| (i as f64 / 250.0 - 1.0) / layer as f64)
                    .collect(),
            })
            .collect();
        HistogramGrid {
            title: "Activations".into(),
            x_label: "a".into(),
            panels,
            columns: 3,
            bins: 20,
            x_range: Some((-1.0, 1.0)),
        }
    }

    #[test]
    fn a_histogram_grid_is_written_as_png() {
        let path = temp_png("histograms");
        histogram_grid(&path, &grid()).unwrap();
        assert_png(&path);
    }

    #[test]
    fn fractions_add_up_to_one_with_outliers_in_the_edge_bins() {
        let fractions = bin_fractions(&[-5.0, 0.1, 0.2, 0.9, 7.0, f64::NAN], 4, (0.0, 1.0));
        assert_eq!(fractions, vec![0.6, 0.0, 0.0, 0.4]);
        assert!((fractions.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn empty_panels_and_zero_columns_are_errors() {
        let path = temp_png("empty-histograms");
        let empty_grid = HistogramGrid::default();
        assert!(matches!(
            histogram_grid(&path, &empty_grid),
            Err(PlotError::Empty { .. })
        ));
        let no_columns = HistogramGrid {
            columns: 0,
            ..grid()
        };
        assert!(matches!(
            histogram_grid(&path, &no_columns),
            Err(PlotError::InvalidInput { .. })
        ));
        let nan = HistogramGrid {
            panels: vec![HistogramPanel {
                title: "nan".into(),
                values: vec![f64::NAN],
            }],
            x_range: None,
            ..grid()
        };
        assert!(histogram_grid(&path, &nan).is_err());
    }
}
