//! Figures for the book, written as PNG files: line charts (activation functions, loss curves),
//! decision regions of a 2-D classifier, grids of MNIST digits, confusion matrices, and a
//! regression line through its data. Diagrams of nodes joined by arrows show a network's units or
//! a computational graph with the values and gradients at its nodes.
//! Grids of small grey images of any size show a convolution's kernels and feature maps.
//! Grids of histograms that share an x-axis show how a quantity is spread in each layer.
//! Contour plots show a function of two variables with paths (an optimizer's iterates) drawn
//! over it.
//!
//! Each figure is a plain struct describing *what* to show, and one function that draws it:
//!
//! ```no_run
//! use plot::{LineChart, Series, line_chart};
//!
//! let sigmoid = |x: f64| 1.0 / (1.0 + (-x).exp());
//! let chart = LineChart {
//!     title: "The sigmoid and its derivative".into(),
//!     x_label: "z".into(),
//!     y_label: "value".into(),
//!     series: vec![
//!         Series::sampled("σ(z)", (-6.0, 6.0), 200, sigmoid),
//!         Series::sampled("σ′(z)", (-6.0, 6.0), 200, |z| sigmoid(z) * (1.0 - sigmoid(z))),
//!     ],
//!     ..LineChart::default()
//! };
//! line_chart("figures/sigmoid.png", &chart)?;
//! # Ok::<(), plot::PlotError>(())
//! ```
//!
//! Text is drawn with a bundled font (DejaVu Sans, see `plot/assets/DejaVuSans-LICENSE.txt`), so
//! no system font library is needed. Bad data never panics: non-finite values (and values beyond
//! ±1e100) are skipped, and input with nothing left to draw is a [`PlotError`].
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod axes;
mod confusion;
mod contour;
mod decision;
mod diagram;
mod digits;
mod filters;
mod histogram;
mod line;
mod regression;

pub use confusion::{ConfusionMatrix, confusion_matrix};
pub use contour::{ContourPlot, contour_plot};
pub use decision::{DecisionPlot, scatter_with_regions};
pub use diagram::{Diagram, Edge, Node, Shape, diagram};
pub use digits::{DigitGrid, digit_grid};
pub use filters::{ImageGrid, Shading, image_grid};
pub use histogram::{HistogramGrid, HistogramPanel, bin_fractions, histogram_grid};
pub use line::{LineChart, Series, line_chart};
pub use regression::{FittedLine, RegressionPlot, scatter_with_line};

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Why a figure could not be written.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    /// There is nothing (finite) to draw.
    #[error("cannot plot {}: {what} is empty (or holds no finite values)", path.display())]
    Empty {
        /// The output file.
        path: PathBuf,
        /// Which input was empty, e.g. `"series"`.
        what: &'static str,
    },
    /// The input is unusable, e.g. a digit image that is not 28 × 28 or a range with `min ≥ max`.
    #[error("cannot plot {}: {reason}", path.display())]
    InvalidInput {
        /// The output file.
        path: PathBuf,
        /// What is wrong with the input.
        reason: String,
    },
    /// Drawing or writing the image failed (plotters' or the file system's error, as text).
    #[error("cannot draw {}: {message}", path.display())]
    Draw {
        /// The output file.
        path: PathBuf,
        /// The underlying error.
        message: String,
    },
}

/// DejaVu Sans (Bitstream Vera licence, see `plot/assets/DejaVuSans-LICENSE.txt`).
const FONT: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");
/// The family name all figures use; the bundled font is registered under it.
const FAMILY: &str = "sans-serif";
/// Figures are drawn at this many times their size and then scaled down, which smooths
/// (anti-aliases) lines and edges; plotters itself draws them with hard, integer-rounded edges.
const SCALE: i32 = 2;
/// The size of titles, in final pixels.
const TITLE_SIZE: u32 = 24;
/// The size of axis descriptions ("epoch", "loss").
const AXIS_LABEL_SIZE: u32 = 20;
/// The size of tick labels, legends and captions.
const TICK_SIZE: u32 = 16;
/// The height of the band above a figure that holds its title.
const TITLE_HEIGHT: i32 = 46;

/// Colours of series and classes, in order (Tableau's ten, as matplotlib uses them).
const PALETTE: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

/// A length in final pixels, in the pixels of the enlarged canvas that figures draw on.
fn px(length: i32) -> i32 {
    length * SCALE
}

/// A line width in final pixels, for the enlarged canvas.
fn stroke(width: u32) -> u32 {
    width * SCALE as u32
}

/// The colour of series or class `index` (the palette repeats after ten).
fn palette(index: usize) -> RGBColor {
    PALETTE[index % PALETTE.len()]
}

/// The drawing surface every figure renders onto: an in-memory RGB image.
type Canvas<'a> = DrawingArea<BitMapBackend<'a>, Shift>;
/// What a drawing step returns; plotters' errors are turned into text by [`PlotError::Draw`].
type DrawResult = Result<(), Box<dyn std::error::Error>>;

/// Registers the bundled font once; plotters looks fonts up by family name.
fn register_font() -> Result<(), String> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED
        .get_or_init(|| plotters::style::register_font(FAMILY, FontStyle::Normal, FONT).is_ok());
    ok.then_some(())
        .ok_or_else(|| "the bundled font could not be loaded".to_string())
}

/// Draws a figure into an in-memory RGB image of `size` pixels on a white background.
///
/// `draw` gets a canvas [`SCALE`] times larger, so it measures lengths with [`px`], [`stroke`]
/// and [`font`]; each block of `SCALE × SCALE` pixels is then averaged into one.
fn render(size: (u32, u32), draw: impl FnOnce(&Canvas) -> DrawResult) -> Result<Vec<u8>, String> {
    register_font()?;
    let scale = SCALE as usize;
    let (width, height) = (size.0 as usize, size.1 as usize);
    let mut large = vec![255; width * height * scale * scale * 3];
    {
        let large_size = (size.0 * SCALE as u32, size.1 * SCALE as u32);
        let canvas = BitMapBackend::with_buffer(&mut large, large_size).into_drawing_area();
        canvas.fill(&WHITE).map_err(|e| e.to_string())?;
        draw(&canvas).map_err(|e| e.to_string())?;
        canvas.present().map_err(|e| e.to_string())?;
    }
    let mut pixels = vec![0; width * height * 3];
    for (index, out) in pixels.iter_mut().enumerate() {
        let (pixel, channel) = (index / 3, index % 3);
        let (x, y) = (pixel % width * scale, pixel / width * scale);
        let sum: usize = (0..scale * scale)
            .map(|i| {
                usize::from(large[((y + i / scale) * width * scale + x + i % scale) * 3 + channel])
            })
            .sum();
        *out = ((sum + scale * scale / 2) / (scale * scale)) as u8;
    }
    Ok(pixels)
}

/// Checks that `path` names a `.png` file.
fn check_path(path: &Path) -> Result<(), PlotError> {
    let is_png = path
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("png"));
    if is_png {
        Ok(())
    } else {
        Err(invalid(path, "the file name must end in .png"))
    }
}

/// Renders a figure and writes it to `path` as PNG, creating the directory if needed.
/// Nothing is written if drawing fails.
fn save(
    path: &Path,
    size: (u32, u32),
    draw: impl FnOnce(&Canvas) -> DrawResult,
) -> Result<(), PlotError> {
    let failed = |message: String| PlotError::Draw {
        path: path.to_path_buf(),
        message,
    };
    let pixels = render(size, draw).map_err(failed)?;
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| failed(format!("cannot create directory {}: {e}", dir.display())))?;
    }
    let file = std::fs::File::create(path).map_err(|e| failed(e.to_string()))?;
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), size.0, size.1);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|e| failed(e.to_string()))?;
    writer
        .write_image_data(&pixels)
        .map_err(|e| failed(e.to_string()))?;
    writer.finish().map_err(|e| failed(e.to_string()))
}

/// A [`PlotError::InvalidInput`] for `path`.
fn invalid(path: &Path, reason: impl Into<String>) -> PlotError {
    PlotError::InvalidInput {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}

/// A [`PlotError::Empty`] for `path`.
fn empty(path: &Path, what: &'static str) -> PlotError {
    PlotError::Empty {
        path: path.to_path_buf(),
        what,
    }
}

/// Values beyond this size are treated like infinities: skipped, or refused as a range.
/// (plotters cannot lay out axes whose length overflows, nor draw lines to far-away points.)
const LARGEST: f64 = 1e100;

/// Whether `value` can be drawn: finite and at most [`LARGEST`] in size.
fn plottable(value: f64) -> bool {
    value.is_finite() && value.abs() <= LARGEST
}

/// Checks that a user-given axis range is plottable, increasing, and not too narrow to resolve.
fn check_range(path: &Path, name: &str, (low, high): (f64, f64)) -> Result<(), PlotError> {
    let wide_enough = high - low > 1e-9 * low.abs().max(high.abs());
    if plottable(low) && plottable(high) && low < high && wide_enough {
        Ok(())
    } else {
        let reason = format!("{name} ({low}, {high}) must be finite and increasing, within ±1e100");
        Err(invalid(path, reason))
    }
}

/// The smallest range holding all [`plottable`] `values`, widened by `pad` of its length on each
/// side (a single value gets a small range around it). `None` if no value is plottable.
fn extent(values: impl IntoIterator<Item = f64>, pad: f64) -> Option<(f64, f64)> {
    let (low, high) = values
        .into_iter()
        .filter(|&v| plottable(v))
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if low > high {
        return None;
    }
    let largest = low.abs().max(high.abs());
    if high - low < 1e-9 * largest.max(1.0) {
        let half = (1e-3 * largest).max(0.5);
        Some((low - half, high + half))
    } else {
        let margin = (high - low) * pad;
        Some((low - margin, high + margin))
    }
}

/// Black text of `size` final pixels, for the enlarged canvas.
fn font(size: u32) -> TextStyle<'static> {
    (FAMILY, size * SCALE as u32).into_font().color(&BLACK)
}

/// The width of `text` at `size` in final pixels (estimated if the font cannot measure it).
fn text_width(text: &str, size: u32) -> i32 {
    let measured = register_font()
        .ok()
        .and_then(|()| font(size).font.box_size(text).ok());
    match measured {
        Some((width, _)) => width as i32 / SCALE,
        None => (text.chars().count() as f64 * f64::from(size) * 0.6) as i32,
    }
}

/// Draws `title` centred in the top [`TITLE_HEIGHT`] pixels of `canvas`.
fn draw_title(canvas: &Canvas, title: &str) -> DrawResult {
    let (width, _) = canvas.dim_in_pixel();
    // ab_glyph draws glyphs about a quarter of an em above the requested centre; hence the +4.
    let centre = (width as i32 / 2, px(TITLE_HEIGHT / 2 + 4));
    let style = font(TITLE_SIZE).pos(Pos::new(HPos::Center, VPos::Center));
    canvas.draw(&Text::new(title, centre, style))?;
    Ok(())
}

/// The area below the title, which is drawn if not empty.
fn titled<'a>(canvas: &Canvas<'a>, title: &str) -> Result<Canvas<'a>, Box<dyn std::error::Error>> {
    if title.is_empty() {
        return Ok(canvas.margin(px(10), 0, 0, 0));
    }
    draw_title(canvas, title)?;
    Ok(canvas.margin(px(TITLE_HEIGHT), 0, 0, 0))
}

#[cfg(test)]
mod test_support {
    use super::*;

    /// A fresh path in the system's temp directory.
    pub fn temp_png(name: &str) -> PathBuf {
        static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        std::env::temp_dir()
            .join(format!("nabla-plot-{}-{n}", std::process::id()))
            .join(format!("{name}.png"))
    }

    /// The file exists, is a PNG, and is over twice as large as a blank PNG of the same size
    /// (PNG compresses a blank image to almost nothing).
    pub fn assert_png(path: &Path) {
        let bytes = std::fs::read(path).expect("the figure was written");
        let name = path.display();
        assert!(
            bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
            "{name} is not a PNG"
        );
        // The IHDR chunk follows the signature: length, "IHDR", width and height (big-endian).
        let dimension = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
        let size = (dimension(16), dimension(20));
        let blank_path = path.with_file_name("blank.png");
        save(&blank_path, size, |_| Ok(())).unwrap();
        let blank = std::fs::metadata(&blank_path).unwrap().len() as usize;
        let len = bytes.len();
        assert!(
            len > 2 * blank,
            "{name} ({len} bytes) is hardly larger than a blank image ({blank})"
        );
        std::fs::remove_file(path).ok();
        std::fs::remove_file(blank_path).ok();
        path.parent().map(std::fs::remove_dir);
    }

    /// How many pixels of an RGB buffer satisfy `matches`.
    pub fn count_pixels(pixels: &[u8], matches: impl Fn([u8; 3]) -> bool) -> usize {
        pixels
            .chunks_exact(3)
            .filter(|p| matches([p[0], p[1], p[2]]))
            .count()
    }

    /// How many pixels are not white.
    pub fn ink(pixels: &[u8]) -> usize {
        count_pixels(pixels, |p| p != [255, 255, 255])
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::*;
    use super::*;

    #[test]
    fn the_bundled_font_draws_text() {
        let pixels = render((200, 60), |canvas| {
            canvas.draw(&Text::new("Loss → 0", (px(10), px(20)), font(20)))?;
            Ok(())
        })
        .unwrap();
        assert!(
            ink(&pixels) > 100,
            "text left only {} dark pixels",
            ink(&pixels)
        );
    }

    #[test]
    fn an_unwritable_path_is_an_error_that_names_it() {
        let file = temp_png("not-a-directory");
        save(&file, (10, 10), |_| Ok(())).unwrap();
        let inside_a_file = file.join("figure.png");
        let err = save(&inside_a_file, (10, 10), |_| Ok(())).unwrap_err();
        assert!(matches!(err, PlotError::Draw { .. }), "{err:?}");
        assert!(err.to_string().contains("figure.png"), "{err}");
        std::fs::remove_file(&file).ok();
        file.parent().map(std::fs::remove_dir);
    }

    #[test]
    fn only_png_files_are_written() {
        let err = check_path(Path::new("figure.svg")).unwrap_err();
        assert!(err.to_string().contains("figure.svg"), "{err}");
    }

    #[test]
    fn extent_skips_non_finite_values_and_widens_a_single_value() {
        assert_eq!(
            extent([1.0, f64::NAN, 3.0, f64::INFINITY], 0.0),
            Some((1.0, 3.0))
        );
        assert_eq!(extent([2.0, 2.0], 0.1), Some((1.5, 2.5)));
        assert_eq!(extent([f64::NAN, 1e300], 0.1), None);
    }
}
