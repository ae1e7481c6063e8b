//! A grid of small grey images of any size, each scaled to its own range: a convolution's
//! kernels (where the sign matters, so 0 is mid-grey) or its feature maps (0 is white).

use super::{
    Canvas, DrawResult, PlotError, TICK_SIZE, TITLE_HEIGHT, TITLE_SIZE, draw_title, empty, font,
    invalid, plottable, px, save, text_width,
};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::Path;

/// Blank space around each image.
const PAD: i32 = 10;
const CAPTION_HEIGHT: i32 = 24;
/// The colour of the frame around each image.
const FRAME: RGBColor = RGBColor(200, 200, 200);
/// The largest figure drawn.
const MAX_PIXELS: u64 = 40_000_000;

/// How an image's values become shades of grey.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Shading {
    /// For signed values such as weights: 0 is mid-grey, the image's largest magnitude is black
    /// (positive) or white (negative).
    #[default]
    Signed,
    /// For values that are 0 or more, such as ReLU outputs: 0 is white, the image's largest
    /// value is black.
    Positive,
}

/// Equal-sized images shown side by side, e.g. the 8 kernels of a convolution.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImageGrid {
    /// Shown above the grid (nothing if empty).
    pub title: String,
    /// The images, each `height × width` values row after row.
    pub images: Vec<Vec<f64>>,
    /// The images' height in values.
    pub height: usize,
    /// The images' width in values.
    pub width: usize,
    /// Screen pixels per value (at least 1).
    pub zoom: usize,
    /// One caption per image, drawn below it; leave empty for none.
    pub captions: Vec<String>,
    /// Images per row (at least 1).
    pub columns: usize,
    /// How values become shades.
    pub shading: Shading,
}

/// Draws `grid` as a PNG at `path`. Each image is scaled by its own largest magnitude, so that
/// the pattern of every image shows whatever its size; non-finite values are drawn as 0.
///
/// It is an error if there are no images, an image does not have `height × width` values, the
/// number of captions is neither zero nor the number of images, or `columns`, `zoom`,
/// `height` or `width` is 0.
pub fn image_grid(path: impl AsRef<Path>, grid: &ImageGrid) -> Result<(), PlotError> {
    let path = path.as_ref();
    super::check_path(path)?;
    if grid.images.is_empty() {
        return Err(empty(path, "images"));
    }
    if grid.columns == 0 || grid.zoom == 0 || grid.height == 0 || grid.width == 0 {
        return Err(invalid(
            path,
            "columns, zoom, height and width must be at least 1",
        ));
    }
    let values = grid.height * grid.width;
    if let Some(index) = grid.images.iter().position(|image| image.len() != values) {
        let reason = format!(
            "image {index} has {} values, not {} × {} = {values}",
            grid.images[index].len(),
            grid.height,
            grid.width
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
    let layout = Layout::new(grid);
    let (width, height) = layout.size();
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(invalid(
            path,
            format!("a {width} × {height} image is too large"),
        ));
    }
    save(path, (width, height), |canvas| draw(canvas, grid, &layout))
}

/// The grey level (0 black, 255 white) of `value` in an image whose largest magnitude is `scale`.
fn shade(value: f64, scale: f64, shading: Shading) -> u8 {
    let value = if plottable(value) { value } else { 0.0 };
    let t = if scale > 0.0 { value / scale } else { 0.0 };
    let darkness = match shading {
        Shading::Signed => 0.5 + 0.5 * t,
        Shading::Positive => t.max(0.0),
    };
    (255.0 * (1.0 - darkness.clamp(0.0, 1.0))).round() as u8
}

fn draw(canvas: &Canvas, grid: &ImageGrid, layout: &Layout) -> DrawResult {
    let at = |x: i32, y: i32| (px(x), px(y));
    if !grid.title.is_empty() {
        draw_title(canvas, &grid.title)?;
    }
    let zoom = layout.zoom;
    let (image_width, image_height) = layout.image_size();
    for (index, image) in grid.images.iter().enumerate() {
        let (left, top) = layout.corner(index);
        let frame = [
            at(left - 1, top - 1),
            at(left + image_width + 1, top + image_height + 1),
        ];
        canvas.draw(&Rectangle::new(frame, FRAME.filled()))?;
        let scale = image
            .iter()
            .filter(|v| plottable(**v))
            .fold(0.0f64, |m, v| m.max(v.abs()));
        for (i, &value) in image.iter().enumerate() {
            let x = left + (i % grid.width) as i32 * zoom;
            let y = top + (i / grid.width) as i32 * zoom;
            let grey = shade(value, scale, grid.shading);
            let square = [at(x, y), at(x + zoom, y + zoom)];
            canvas.draw(&Rectangle::new(square, RGBColor(grey, grey, grey).filled()))?;
        }
        if let Some(caption) = grid.captions.get(index) {
            let below = at(
                left + image_width / 2,
                top + image_height + 4 + CAPTION_HEIGHT / 2,
            );
            let style = font(TICK_SIZE).pos(Pos::new(HPos::Center, VPos::Center));
            canvas.draw(&Text::new(caption.as_str(), below, style))?;
        }
    }
    Ok(())
}

/// Where each image goes.
struct Layout {
    zoom: i32,
    height: i32,
    width: i32,
    columns: i32,
    rows: i32,
    title_height: i32,
    caption_height: i32,
    min_width: i32,
}

impl Layout {
    fn new(grid: &ImageGrid) -> Self {
        let count = grid.images.len();
        let columns = grid.columns.min(count);
        let has_title = !grid.title.is_empty();
        Self {
            zoom: grid.zoom.min(1000) as i32,
            height: grid.height.min(10_000) as i32,
            width: grid.width.min(10_000) as i32,
            columns: columns.min(10_000) as i32,
            rows: count.div_ceil(columns).min(100_000) as i32,
            title_height: if has_title { TITLE_HEIGHT } else { 0 },
            caption_height: if grid.captions.is_empty() {
                0
            } else {
                CAPTION_HEIGHT + 4
            },
            min_width: if has_title {
                text_width(&grid.title, TITLE_SIZE) + 40
            } else {
                0
            },
        }
    }

    /// One image's size in pixels.
    fn image_size(&self) -> (i32, i32) {
        (self.width * self.zoom, self.height * self.zoom)
    }

    fn cell(&self) -> (i32, i32) {
        let (width, height) = self.image_size();
        (width + 2 * PAD, height + self.caption_height + 2 * PAD)
    }

    fn size(&self) -> (u32, u32) {
        let (width, height) = self.cell();
        let total = (
            (width * self.columns).max(self.min_width),
            self.title_height + height * self.rows,
        );
        (total.0.max(1) as u32, total.1.max(1) as u32)
    }

    /// The top-left corner of image `index`, centring the grid horizontally.
    fn corner(&self, index: usize) -> (i32, i32) {
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

    #[test]
    fn signed_images_are_grey_at_zero_and_each_is_scaled_to_its_own_range() {
        assert_eq!(shade(0.0, 2.0, Shading::Signed), 128);
        assert_eq!(shade(2.0, 2.0, Shading::Signed), 0);
        assert_eq!(shade(-2.0, 2.0, Shading::Signed), 255);
        assert_eq!(shade(0.0, 2.0, Shading::Positive), 255);
        assert_eq!(shade(f64::NAN, 2.0, Shading::Positive), 255);
    }

    #[test]
    fn an_image_grid_is_written_as_png_and_bad_sizes_are_errors() {
        let grid = ImageGrid {
            title: "Kernels".into(),
            images: (0..8)
                .map(|k| (0..25).map(|i| ((i * k) % 7) as f64 - 3.0).collect())
                .collect(),
            height: 5,
            width: 5,
            zoom: 12,
            captions: (0..8).map(|k| format!("kernel {k}")).collect(),
            columns: 4,
            shading: Shading::Signed,
        };
        let path = temp_png("kernels");
        image_grid(&path, &grid).unwrap();
        assert_png(&path);
        let short = ImageGrid {
            height: 6,
            ..grid.clone()
        };
        assert!(matches!(
            image_grid(temp_png("short"), &short),
            Err(PlotError::InvalidInput { .. })
        ));
        let none = ImageGrid {
            images: Vec::new(),
            captions: Vec::new(),
            ..grid
        };
        assert!(matches!(
            image_grid(temp_png("none"), &none),
            Err(PlotError::Empty { .. })
        ));
    }
}
