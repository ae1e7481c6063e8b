//! A grid of MNIST digits, each with a caption.

use super::{
    Canvas, DrawResult, PlotError, TICK_SIZE, TITLE_HEIGHT, TITLE_SIZE, draw_title, empty, font,
    invalid, px, save, text_width,
};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::Path;

/// The side of an MNIST image in pixels.
const SIDE: usize = 28;
/// Screen pixels per image pixel.
const ZOOM: i32 = 3;
/// Blank space around each digit.
const PAD: i32 = 12;
const CAPTION_HEIGHT: i32 = 26;
/// The colour of the frame around each digit.
const FRAME: RGBColor = RGBColor(200, 200, 200);
/// The largest figure drawn (about 1,600 digits).
const MAX_PIXELS: u64 = 40_000_000;

/// Digits shown side by side, e.g. misclassified test images captioned "7 → 2"
/// (true label → prediction).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DigitGrid<'a> {
    /// Shown above the grid (nothing if empty).
    pub title: String,
    /// 28 × 28 grayscale images, row after row: 0 is background (drawn white), 255 is ink
    /// (drawn black), as in MNIST.
    pub images: Vec<&'a [u8]>,
    /// One caption per image, drawn below it; leave empty for none.
    pub captions: Vec<String>,
    /// Images per row (at least 1).
    pub columns: usize,
}

/// Draws `grid` as a PNG at `path`; the image is as large as the grid needs (each digit is
/// 84 × 84 pixels).
///
/// It is an error if there are no images, an image does not have 784 pixels, the number of
/// captions is neither zero nor the number of images, or `columns` is 0.
pub fn digit_grid(path: impl AsRef<Path>, grid: &DigitGrid) -> Result<(), PlotError> {
    let path = path.as_ref();
    super::check_path(path)?;
    if grid.images.is_empty() {
        return Err(empty(path, "images"));
    }
    if let Some((index, image)) = grid
        .images
        .iter()
        .enumerate()
        .find(|(_, image)| image.len() != SIDE * SIDE)
    {
        let reason = format!(
            "image {index} has {} pixels, not 28 × 28 = 784",
            image.len()
        );
        return Err(invalid(path, reason));
    }
    if !grid.captions.is_empty() && grid.captions.len() != grid.images.len() {
        let reason = format!(
            "{} captions for {} images",
            grid.captions.len(),
            grid.images.len()
        );
        return Err(invalid(path, reason));
    }
    if grid.columns == 0 {
        return Err(invalid(path, "columns must be at least 1"));
    }
    let layout = Layout::new(grid);
    let (width, height) = layout.size();
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        let reason = format!(
            "{} images make a {width} × {height} image; show fewer",
            grid.images.len()
        );
        return Err(invalid(path, reason));
    }
    save(path, layout.size(), |canvas| draw(canvas, grid, &layout))
}

/// Draws the grid; `layout` is in final pixels, scaled up here with [`px`].
fn draw(canvas: &Canvas, grid: &DigitGrid, layout: &Layout) -> DrawResult {
    let at = |x: i32, y: i32| (px(x), px(y));
    let centred = Pos::new(HPos::Center, VPos::Center);
    if !grid.title.is_empty() {
        draw_title(canvas, &grid.title)?;
    }
    let side = SIDE as i32 * ZOOM;
    for (index, image) in grid.images.iter().enumerate() {
        let (left, top) = layout.digit_corner(index);
        // A one-pixel gray frame: a gray square with a white one inside.
        let frame = [at(left - 1, top - 1), at(left + side + 1, top + side + 1)];
        canvas.draw(&Rectangle::new(frame, FRAME.filled()))?;
        let inside = [at(left, top), at(left + side, top + side)];
        canvas.draw(&Rectangle::new(inside, WHITE.filled()))?;
        for (pixel, &value) in image.iter().enumerate().filter(|(_, v)| **v > 0) {
            let x = left + (pixel % SIDE) as i32 * ZOOM;
            let y = top + (pixel / SIDE) as i32 * ZOOM;
            let shade = 255 - value;
            let square = [at(x, y), at(x + ZOOM, y + ZOOM)];
            canvas.draw(&Rectangle::new(
                square,
                RGBColor(shade, shade, shade).filled(),
            ))?;
        }
        if let Some(caption) = grid.captions.get(index) {
            let below = at(left + side / 2, top + side + 6 + CAPTION_HEIGHT / 2);
            let style = font(TICK_SIZE + 2).pos(centred);
            canvas.draw(&Text::new(caption.as_str(), below, style))?;
        }
    }
    Ok(())
}

/// Where each digit goes.
struct Layout {
    columns: i32,
    rows: i32,
    title_height: i32,
    caption_height: i32,
    min_width: i32,
}

impl Layout {
    fn new(grid: &DigitGrid) -> Self {
        let count = grid.images.len();
        let columns = grid.columns.min(count);
        let has_title = !grid.title.is_empty();
        Self {
            columns: columns.min(10_000) as i32,
            rows: count.div_ceil(columns).min(100_000) as i32,
            title_height: if has_title { TITLE_HEIGHT } else { 0 },
            caption_height: if grid.captions.is_empty() {
                0
            } else {
                CAPTION_HEIGHT + 6
            },
            min_width: if has_title {
                text_width(&grid.title, TITLE_SIZE) + 40
            } else {
                0
            },
        }
    }

    fn cell(&self) -> (i32, i32) {
        let side = SIDE as i32 * ZOOM;
        (side + 2 * PAD, side + self.caption_height + 2 * PAD)
    }

    fn size(&self) -> (u32, u32) {
        let (width, height) = self.cell();
        let grid_width = width * self.columns;
        let total = (
            grid_width.max(self.min_width),
            self.title_height + height * self.rows,
        );
        (total.0 as u32, total.1 as u32)
    }

    /// The top-left corner of digit `index`, centring the grid horizontally.
    fn digit_corner(&self, index: usize) -> (i32, i32) {
        let (width, height) = self.cell();
        let offset = (self.size().0 as i32 - width * self.columns) / 2;
        let (column, row) = (index as i32 % self.columns, index as i32 / self.columns);
        (
            offset + column * width + PAD,
            self.title_height + row * height + PAD,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    /// A vertical bar, roughly a "1".
    fn one() -> Vec<u8> {
        (0..SIDE * SIDE)
            .map(|i| {
                if (12..16).contains(&(i % SIDE)) && (4..24).contains(&(i / SIDE)) {
                    255
                } else {
                    0
                }
            })
            .collect()
    }

    #[test]
    fn a_digit_grid_is_written_as_png() {
        let image = one();
        let grid = DigitGrid {
            title: "Ones".into(),
            images: vec![&image; 5],
            captions: (0..5).map(|i| format!("1 → {i}")).collect(),
            columns: 3,
        };
        let path = temp_png("digits");
        digit_grid(&path, &grid).unwrap();
        assert_png(&path);
    }

    #[test]
    fn ink_is_black_and_background_white() {
        let image = one();
        let grid = DigitGrid {
            images: vec![&image],
            columns: 1,
            ..DigitGrid::default()
        };
        let layout = Layout::new(&grid);
        let pixels =
            super::super::render(layout.size(), |canvas| draw(canvas, &grid, &layout)).unwrap();
        // 4 × 20 image pixels of ink, each ZOOM × ZOOM on screen; the frame is light gray.
        let black = count_pixels(&pixels, |p| p == [0, 0, 0]);
        assert_eq!(black, 4 * 20 * (ZOOM * ZOOM) as usize);
        assert_eq!(
            ink(&pixels),
            black + count_pixels(&pixels, |p| p == [200, 200, 200]),
            "only ink and the frame are drawn"
        );
    }

    #[test]
    fn bad_input_is_an_error() {
        let path = temp_png("digits-bad");
        let short = [0u8; 100];
        let image = one();
        let cases = [
            DigitGrid {
                columns: 1,
                ..DigitGrid::default()
            },
            DigitGrid {
                images: vec![&short],
                columns: 1,
                ..DigitGrid::default()
            },
            DigitGrid {
                images: vec![&image],
                captions: vec!["a".into(), "b".into()],
                columns: 1,
                ..DigitGrid::default()
            },
            DigitGrid {
                images: vec![&image],
                columns: 0,
                ..DigitGrid::default()
            },
        ];
        for grid in &cases {
            let err = digit_grid(&path, grid).unwrap_err();
            assert!(err.to_string().contains("digits-bad.png"), "{err}");
        }
    }
}
