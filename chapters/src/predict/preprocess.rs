//! Turning any PNG of a handwritten digit into a 28 × 28 input like the MNIST digits.
//!
//! LeCun, Cortes and Burges made MNIST by scaling each digit to fit a 20 × 20 box (keeping its
//! aspect ratio, with anti-aliasing, hence the gray levels) and then placing it in a 28 × 28 image
//! so that its centre of mass lies at the centre. A network trained on MNIST only knows digits
//! prepared that way, so [`mnist_digit_from_png`] repeats those steps:
//!
//! 1. **Decode** the PNG, whatever its colour type (gray, gray + alpha, RGB, RGBA, indexed) and
//!    bit depth; the png crate expands it to 8 bits per channel. Its size is read from its header
//!    first, and an image of more than [`MAX_PIXELS`] is refused before any of it is decoded.
//! 2. **Grayscale**: the luminance of each pixel, composited onto white where it is transparent.
//! 3. **Polarity**: in MNIST the background is 0 and ink is 255. If the image's border is mostly
//!    light (black ink on white paper), invert it.
//! 4. **Contrast**: subtract the background level (the border's mean) and stretch so that the
//!    darkest ink is 1. An image with (almost) no contrast holds no digit: [`ImageError::NoInk`].
//! 5. **Bounding box** of the pixels whose ink exceeds [`INK_THRESHOLD`].
//! 6. **Scale** the box to fit [`BOX`] × [`BOX`] pixels, keeping its aspect ratio: each output
//!    pixel averages the source over its footprint (area averaging when shrinking, which is
//!    bilinear interpolation when enlarging).
//! 7. **Centre** the result in a [`SIDE`] × [`SIDE`] canvas so that its centre of mass falls on
//!    pixel (14, 14), shifted by whole pixels as MNIST was (and less if the digit would otherwise
//!    leave the canvas).

use std::io::BufReader;
use std::path::{Path, PathBuf};

/// The side of an MNIST image.
pub const SIDE: usize = 28;
/// The side of the box that the digit is scaled to fit.
pub const BOX: usize = 20;
/// Where the centre of mass goes, in pixel indices: where it lies in MNIST's own images (the
/// mean over the 10,000 test images is (14.01, 13.99)).
pub const CENTRE: f32 = 14.0;
/// Pixels with more ink than this (on a 0–1 scale, after step 4) count as part of the digit.
pub const INK_THRESHOLD: f32 = 0.1;
/// The least difference between background and darkest ink for an image to hold a digit.
const MIN_CONTRAST: f32 = 0.2;
/// The most pixels an image may have: 200 megapixels, enough for the full-resolution photo of
/// any phone camera (the largest, of 200-megapixel sensors, are 16320 × 12240 = 199.8 megapixels;
/// a "50-megapixel" photo is 8160 × 6144 = 50.1). Decoding takes up to 8 bytes per pixel (the
/// decoded image and its brightness values), 1.6 GB at this limit; a larger image is refused
/// once its header is read, before anything is allocated for it.
pub const MAX_PIXELS: u64 = 200_000_000;
/// The most memory the PNG decoder may allocate for itself besides the decoded image: its
/// buffer for one row, and the metadata chunks (text, colour profile) it keeps. 64 MiB, the png
/// crate's default, made explicit: a row of an image within [`MAX_PIXELS`] as wide as any
/// camera's needs well under 1 MiB.
pub const DECODER_MEMORY: usize = 64 << 20;

/// Why an image could not be turned into a digit.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    /// The file cannot be opened or read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The image file.
        path: PathBuf,
        /// The file system's error.
        source: std::io::Error,
    },
    /// The file is not a PNG, or a damaged one.
    #[error("{} is not a readable PNG image: {reason}", path.display())]
    NotPng {
        /// The image file.
        path: PathBuf,
        /// The decoder's explanation.
        reason: String,
    },
    /// The image has no pixels.
    #[error("{} is empty ({width} × {height} pixels)", path.display())]
    Empty {
        /// The image file.
        path: PathBuf,
        /// Its width in pixels.
        width: u32,
        /// Its height in pixels.
        height: u32,
    },
    /// The image has more than [`MAX_PIXELS`] pixels (found from its header, before decoding).
    #[error(
        "{} is {width} × {height} pixels ({}); predict reads images of at most {}: scale it \
         down first",
        path.display(),
        megapixels(u64::from(*width) * u64::from(*height)),
        megapixels(MAX_PIXELS)
    )]
    TooLarge {
        /// The image file.
        path: PathBuf,
        /// Its width in pixels.
        width: u32,
        /// Its height in pixels.
        height: u32,
    },
    /// Decoding the image would take the PNG decoder past [`DECODER_MEMORY`] (with an
    /// exceptionally wide row, or very large metadata chunks).
    #[error(
        "{} needs more than {} MiB of memory to decode besides the image itself (for one row \
         of pixels or its metadata); predict does not read such images",
        path.display(),
        DECODER_MEMORY >> 20
    )]
    DecoderMemory {
        /// The image file.
        path: PathBuf,
    },
    /// The image is blank: one uniform shade, no digit to see.
    #[error("no digit found in {}: the image is blank (no ink stands out from the background)", path.display())]
    NoInk {
        /// The image file.
        path: PathBuf,
    },
}

/// A grayscale image: `values[y * width + x]` is the brightness (0 black, 1 white) before step
/// 3, and the ink (0 background, 1 darkest ink) after step 4.
#[derive(Clone, Debug, PartialEq)]
pub struct Gray {
    /// Pixels per row.
    pub width: usize,
    /// Rows.
    pub height: usize,
    /// The values, row after row.
    pub values: Vec<f32>,
}

/// Reads the PNG at `path` and prepares it like an MNIST digit: 784 bytes, row after row,
/// 0 = background and 255 = ink.
pub fn mnist_digit_from_png(path: &Path) -> Result<Vec<u8>, ImageError> {
    let brightness = read_png(path)?;
    mnist_digit(brightness).ok_or_else(|| ImageError::NoInk { path: path.into() })
}

/// `pixels` in megapixels, for messages: `625 megapixels`, `199.8 megapixels`, never rounded to
/// or past [`MAX_PIXELS`] from the other side (200,000,001 pixels are `200.000001 megapixels`).
fn megapixels(pixels: u64) -> String {
    let exact = pixels as f64 / 1e6;
    let side = |value: f64| value.total_cmp(&(MAX_PIXELS as f64 / 1e6));
    let text = (1..=6)
        .map(|decimals| format!("{exact:.decimals$}"))
        .find(|text| {
            text.parse()
                .is_ok_and(|shown: f64| side(shown) == side(exact))
        })
        .unwrap_or_else(|| format!("{exact:.6}"));
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        &text
    };
    let unit = if text == "1" {
        "megapixel"
    } else {
        "megapixels"
    };
    format!("{text} {unit}")
}

/// Refuses an image of `width` × `height` pixels if it is empty or larger than [`MAX_PIXELS`].
pub fn check_size(path: &Path, width: u32, height: u32) -> Result<(), ImageError> {
    let path = path.into();
    if width == 0 || height == 0 {
        Err(ImageError::Empty {
            path,
            width,
            height,
        })
    } else if u64::from(width) * u64::from(height) > MAX_PIXELS {
        Err(ImageError::TooLarge {
            path,
            width,
            height,
        })
    } else {
        Ok(())
    }
}

/// Steps 1 and 2: decodes the PNG at `path` into brightness values. Its header is read first:
/// an image larger than [`MAX_PIXELS`] is refused before it is decoded, and the decoder itself
/// may allocate no more than [`DECODER_MEMORY`].
pub fn read_png(path: &Path) -> Result<Gray, ImageError> {
    let file = std::fs::File::open(path).map_err(|source| ImageError::Read {
        path: path.into(),
        source,
    })?;
    let not_png = |error: png::DecodingError| match error {
        png::DecodingError::IoError(source)
            if source.kind() != std::io::ErrorKind::UnexpectedEof =>
        {
            ImageError::Read {
                path: path.into(),
                source,
            }
        }
        png::DecodingError::LimitsExceeded => ImageError::DecoderMemory { path: path.into() },
        other => ImageError::NotPng {
            path: path.into(),
            reason: other.to_string(),
        },
    };
    let limits = png::Limits {
        bytes: DECODER_MEMORY,
    };
    let mut decoder = png::Decoder::new_with_limits(BufReader::new(file), limits);
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    // The signature and the IHDR chunk only: the size, before any other chunk is read.
    let header = decoder.read_header_info().map_err(not_png)?;
    check_size(path, header.width, header.height)?;
    let mut reader = decoder.read_info().map_err(not_png)?;
    let (width, height) = (reader.info().width as usize, reader.info().height as usize);
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| ImageError::NotPng {
            path: path.into(),
            reason: "the image is too large".into(),
        })?;
    let mut buffer = vec![0; size];
    let frame = reader.next_frame(&mut buffer).map_err(not_png)?;
    let channels = frame.color_type.samples();
    let values = buffer[..frame.buffer_size()]
        .chunks_exact(channels)
        .map(|pixel| {
            let level = |channel: u8| f32::from(channel) / 255.0;
            let (gray, alpha) = match *pixel {
                [gray] => (level(gray), 1.0),
                [gray, alpha] => (level(gray), level(alpha)),
                [r, g, b] => (luminance(level(r), level(g), level(b)), 1.0),
                [r, g, b, alpha, ..] => (luminance(level(r), level(g), level(b)), level(alpha)),
                [] => (1.0, 1.0),
            };
            alpha * gray + (1.0 - alpha)
        })
        .collect();
    Ok(Gray {
        width,
        height,
        values,
    })
}

/// The brightness of a colour (ITU-R BT.601 weights, as most image tools convert to gray).
fn luminance(red: f32, green: f32, blue: f32) -> f32 {
    0.299 * red + 0.587 * green + 0.114 * blue
}

/// Steps 3 to 7: brightness values to an MNIST-style digit, or `None` if there is no ink.
pub fn mnist_digit(brightness: Gray) -> Option<Vec<u8>> {
    let ink = ink(brightness)?;
    let (left, top, right, bottom) = bounding_box(&ink)?;
    let (box_width, box_height) = (right - left, bottom - top);
    let scale = BOX as f32 / box_width.max(box_height) as f32;
    let out_width = ((box_width as f32 * scale).round() as usize).clamp(1, BOX);
    let out_height = ((box_height as f32 * scale).round() as usize).clamp(1, BOX);
    let columns = footprints(left, box_width, out_width, ink.width);
    let rows = footprints(top, box_height, out_height, ink.height);
    let mut scaled = vec![0.0; out_width * out_height];
    for (y, row_weights) in rows.iter().enumerate() {
        for (x, column_weights) in columns.iter().enumerate() {
            scaled[y * out_width + x] = row_weights
                .iter()
                .flat_map(|&(sy, wy)| {
                    let ink = &ink;
                    column_weights
                        .iter()
                        .map(move |&(sx, wx)| wy * wx * ink.values[sy * ink.width + sx])
                })
                .sum();
        }
    }
    Some(centre(&scaled, out_width, out_height))
}

/// Steps 3 and 4: ink from 0 (background) to 1 (darkest ink), or `None` if nothing stands out.
fn ink(mut image: Gray) -> Option<Gray> {
    let (width, height) = (image.width, image.height);
    let border: Vec<f32> = (0..height)
        .flat_map(|y| (0..width).map(move |x| (x, y)))
        .filter(|&(x, y)| x == 0 || y == 0 || x + 1 == width || y + 1 == height)
        .map(|(x, y)| image.values[y * width + x])
        .collect();
    let border_brightness = border.iter().sum::<f32>() / border.len() as f32;
    if border_brightness > 0.5 {
        image.values.iter_mut().for_each(|v| *v = 1.0 - *v);
    }
    let background = border_brightness.min(1.0 - border_brightness);
    let darkest = image.values.iter().copied().fold(0.0, f32::max);
    if darkest - background < MIN_CONTRAST {
        return None;
    }
    for value in &mut image.values {
        *value = ((*value - background) / (darkest - background)).clamp(0.0, 1.0);
    }
    Some(image)
}

/// Step 5: the smallest box `(left, top, right, bottom)` (right and bottom exclusive) holding
/// every pixel with more ink than [`INK_THRESHOLD`].
fn bounding_box(ink: &Gray) -> Option<(usize, usize, usize, usize)> {
    let inked = (0..ink.height)
        .flat_map(|y| (0..ink.width).map(move |x| (x, y)))
        .filter(|&(x, y)| ink.values[y * ink.width + x] > INK_THRESHOLD);
    inked.fold(None, |bounds, (x, y)| {
        let (left, top, right, bottom) = bounds.unwrap_or((x, y, x + 1, y + 1));
        Some((left.min(x), top.min(y), right.max(x + 1), bottom.max(y + 1)))
    })
}

/// Step 6 along one axis: for each of `out_len` output pixels spanning source pixels
/// `start .. start + len`, the source pixels it averages and their weights (summing to 1).
///
/// Output pixel `i` is centred at source position `start + (i + ½)·len/out_len` and averages a
/// window of `max(1, len/out_len)` source pixels around it: the whole area it covers when
/// shrinking, and a one-pixel window (linear interpolation) when enlarging. The window may reach
/// past the box into the rest of the image, but not past the image's edges (`limit`).
fn footprints(start: usize, len: usize, out_len: usize, limit: usize) -> Vec<Vec<(usize, f32)>> {
    let step = len as f32 / out_len as f32;
    let half_window = step.max(1.0) / 2.0;
    (0..out_len)
        .map(|i| {
            let centre = start as f32 + (i as f32 + 0.5) * step;
            let (from, to) = (
                (centre - half_window).max(0.0),
                (centre + half_window).min(limit as f32),
            );
            let pixels = (from.floor() as usize)..(to.ceil() as usize).min(limit);
            let weights: Vec<(usize, f32)> = pixels
                .map(|p| (p, (to.min(p as f32 + 1.0) - from.max(p as f32)).max(0.0)))
                .collect();
            let total: f32 = weights.iter().map(|&(_, w)| w).sum();
            weights.into_iter().map(|(p, w)| (p, w / total)).collect()
        })
        .collect()
}

/// Step 7: places the `width` × `height` digit in a 28 × 28 canvas, shifted by whole pixels so
/// that its centre of mass lands as close to [`CENTRE`] as the canvas allows.
fn centre(digit: &[f32], width: usize, height: usize) -> Vec<u8> {
    let mass: f32 = digit.iter().sum();
    let moment = |coordinate: &dyn Fn(usize) -> usize| -> f32 {
        let weighted: f32 = digit
            .iter()
            .enumerate()
            .map(|(i, &v)| coordinate(i) as f32 * v)
            .sum();
        weighted / mass
    };
    let (centre_x, centre_y) = (moment(&|i| i % width), moment(&|i| i / width));
    let offset = |centre_of_mass: f32, size: usize| {
        ((CENTRE - centre_of_mass).round() as isize).clamp(0, (SIDE - size) as isize) as usize
    };
    let (dx, dy) = (offset(centre_x, width), offset(centre_y, height));
    let mut canvas = vec![0; SIDE * SIDE];
    for (i, &value) in digit.iter().enumerate() {
        let (x, y) = (i % width + dx, i / width + dy);
        canvas[y * SIDE + x] = (value * 255.0).round().clamp(0.0, 255.0) as u8;
    }
    canvas
}

#[cfg(test)]
mod tests {
    use super::*;
    use nabla::data::mnist;

    /// A fresh temporary directory for one test.
    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("nabla-predict-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// Writes `samples` as a PNG of the given colour type and depth.
    fn write_png(
        path: &Path,
        (width, height): (usize, usize),
        color: png::ColorType,
        depth: png::BitDepth,
        samples: &[u8],
    ) {
        let file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
        let mut encoder = png::Encoder::new(file, width as u32, height as u32);
        encoder.set_color(color);
        encoder.set_depth(depth);
        if color == png::ColorType::Indexed {
            // Colour 0 is white, colour 1 black.
            encoder.set_palette(vec![255, 255, 255, 0, 0, 0]);
        }
        let mut writer = encoder.write_header().unwrap();
        writer.write_image_data(samples).unwrap();
        writer.finish().unwrap();
    }

    /// Whether pixel (x, y) of a 200 × 300 image lies on a thick stroke shaped like a "7".
    fn on_stroke(x: usize, y: usize) -> bool {
        let bar = (40..75).contains(&y) && (30..170).contains(&x);
        // The diagonal from (170, 40) down to (80, 270), 30 pixels wide.
        let along = (y as f32 - 40.0) / 230.0;
        let diagonal = (40..270).contains(&y) && (x as f32 - (170.0 - 90.0 * along)).abs() < 15.0;
        bar || diagonal
    }

    /// The centre of mass of a 28 × 28 image and the size of its non-zero pixels' bounding box.
    fn centre_and_size(digit: &[u8]) -> ((f32, f32), (usize, usize)) {
        let mass: f32 = digit.iter().map(|&v| f32::from(v)).sum();
        let moment = |axis: fn(usize) -> usize| {
            digit
                .iter()
                .enumerate()
                .map(|(i, &v)| axis(i) as f32 * f32::from(v))
                .sum::<f32>()
                / mass
        };
        let inked: Vec<(usize, usize)> = (0..SIDE * SIDE)
            .filter(|&i| digit[i] > 0)
            .map(|i| (i % SIDE, i / SIDE))
            .collect();
        let span = |axis: fn(&(usize, usize)) -> usize| {
            inked.iter().map(axis).max().unwrap() - inked.iter().map(axis).min().unwrap() + 1
        };
        (
            (moment(|i| i % SIDE), moment(|i| i / SIDE)),
            (span(|p| p.0), span(|p| p.1)),
        )
    }

    #[test]
    fn a_thick_stroke_on_white_becomes_a_centred_digit_in_a_20_pixel_box() {
        let dir = temp_dir("stroke");
        let rgb: Vec<u8> = (0..300 * 200)
            .flat_map(|i| {
                if on_stroke(i % 200, i / 200) {
                    [20, 10, 30]
                } else {
                    [250, 255, 245]
                }
            })
            .collect();
        let path = dir.join("seven.png");
        write_png(
            &path,
            (200, 300),
            png::ColorType::Rgb,
            png::BitDepth::Eight,
            &rgb,
        );
        let digit = mnist_digit_from_png(&path).unwrap();
        assert_eq!(digit.len(), SIDE * SIDE);
        let ((x, y), (width, height)) = centre_and_size(&digit);
        assert!(
            (x - CENTRE).abs() <= 0.5 && (y - CENTRE).abs() <= 0.5,
            "centre of mass ({x}, {y})"
        );
        assert!(
            width <= BOX && height == BOX,
            "the ink spans {width} × {height} pixels"
        );
        assert_eq!(digit.iter().max(), Some(&255));
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn light_ink_on_dark_transparent_16_bit_and_indexed_images_give_the_same_digit() {
        let dir = temp_dir("polarity");
        let stroke = |i: usize| on_stroke(i % 200, i / 200);
        let black_on_white: Vec<u8> = (0..60_000)
            .map(|i| if stroke(i) { 0 } else { 255 })
            .collect();
        let white_on_black: Vec<u8> = black_on_white.iter().map(|&v| 255 - v).collect();
        // Black everywhere, but transparent around the stroke: composited onto white paper.
        let transparent: Vec<u8> = (0..60_000)
            .flat_map(|i| [0, if stroke(i) { 255 } else { 0 }])
            .collect();
        let sixteen_bit: Vec<u8> = black_on_white.iter().flat_map(|&v| [v, v]).collect();
        let indexed: Vec<u8> = (0..60_000).map(|i| u8::from(stroke(i))).collect();
        let digits: Vec<Vec<u8>> = [
            (
                &black_on_white,
                png::ColorType::Grayscale,
                png::BitDepth::Eight,
            ),
            (
                &white_on_black,
                png::ColorType::Grayscale,
                png::BitDepth::Eight,
            ),
            (
                &transparent,
                png::ColorType::GrayscaleAlpha,
                png::BitDepth::Eight,
            ),
            (
                &sixteen_bit,
                png::ColorType::Grayscale,
                png::BitDepth::Sixteen,
            ),
            (&indexed, png::ColorType::Indexed, png::BitDepth::Eight),
        ]
        .into_iter()
        .enumerate()
        .map(|(n, (samples, color, depth))| {
            let path = dir.join(format!("{n}.png"));
            write_png(&path, (200, 300), color, depth, samples);
            mnist_digit_from_png(&path).unwrap()
        })
        .collect();
        for digit in &digits[1..] {
            assert_eq!(digit, &digits[0]);
        }
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn a_blank_image_a_non_png_and_a_missing_file_are_errors() {
        let dir = temp_dir("errors");
        let blank = dir.join("blank.png");
        write_png(
            &blank,
            (50, 40),
            png::ColorType::Grayscale,
            png::BitDepth::Eight,
            &[200; 2000],
        );
        let err = mnist_digit_from_png(&blank).unwrap_err();
        assert!(matches!(err, ImageError::NoInk { .. }), "{err:?}");
        let text = dir.join("digit.png");
        std::fs::write(&text, "not an image").unwrap();
        let err = mnist_digit_from_png(&text).unwrap_err();
        assert!(matches!(err, ImageError::NotPng { .. }), "{err:?}");
        assert!(err.to_string().contains("digit.png"), "{err}");
        let truncated = dir.join("truncated.png");
        std::fs::write(&truncated, &std::fs::read(&blank).unwrap()[..40]).unwrap();
        let err = mnist_digit_from_png(&truncated).unwrap_err();
        assert!(matches!(err, ImageError::NotPng { .. }), "{err:?}");
        let err = mnist_digit_from_png(&dir.join("missing.png")).unwrap_err();
        assert!(matches!(err, ImageError::Read { .. }), "{err:?}");
        std::fs::remove_dir_all(dir).ok();
    }

    /// Writes only the PNG signature and the IHDR chunk of a `width` × `height` RGBA image,
    /// then the given chunks and IEND (which the encoder writes when dropped): a file of a
    /// hundred bytes that announces an image of any size.
    fn write_png_header(
        path: &Path,
        (width, height): (u32, u32),
        chunks: &[png::chunk::ChunkType],
    ) {
        let file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
        let mut encoder = png::Encoder::new(file, width, height);
        encoder.set_color(png::ColorType::Rgba);
        let mut writer = encoder.write_header().unwrap();
        for &chunk in chunks {
            writer.write_chunk(chunk, &[]).unwrap();
        }
    }

    #[test]
    fn an_image_above_the_pixel_limit_is_refused_from_its_header_alone() {
        let dir = temp_dir("too-large");
        // The image: 25000 × 25000 pixels, which took 21 s and 4.9 GB to decode. This
        // file holds its header but no pixel data, so only a check made right after the header
        // can answer `TooLarge`: reading on would fail for the missing data instead.
        let huge = dir.join("huge.png");
        write_png_header(&huge, (25_000, 25_000), &[]);
        let start = std::time::Instant::now();
        let err = mnist_digit_from_png(&huge).unwrap_err();
        let elapsed = start.elapsed();
        assert!(
            matches!(
                err,
                ImageError::TooLarge {
                    width: 25_000,
                    height: 25_000,
                    ..
                }
            ),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            format!(
                "{} is 25000 × 25000 pixels (625 megapixels); predict reads images of at most \
                 200 megapixels: scale it down first",
                huge.display()
            )
        );
        assert!(elapsed.as_secs_f64() < 1.0, "took {elapsed:?}");
        // Just over the limit, and at it: this one passes the check and fails only for its
        // missing pixel data.
        let over = dir.join("over.png");
        write_png_header(&over, (20_000, 10_001), &[]);
        let err = mnist_digit_from_png(&over).unwrap_err();
        assert!(
            err.to_string().ends_with(
                "is 20000 × 10001 pixels (200.02 megapixels); predict reads images of at most \
                 200 megapixels: scale it down first"
            ),
            "{err}"
        );
        let at = dir.join("at.png");
        write_png_header(&at, (20_000, 10_000), &[]);
        let err = mnist_digit_from_png(&at).unwrap_err();
        assert!(matches!(err, ImageError::NotPng { .. }), "{err:?}");
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn an_image_too_wide_for_the_decoders_memory_is_refused() {
        let dir = temp_dir("too-wide");
        // 20 megapixels in one row: within the pixel limit, but one decoded row takes 80 MB,
        // more than the decoder may allocate. The empty IDAT chunk is where it allocates it.
        let wide = dir.join("wide.png");
        write_png_header(&wide, (20_000_000, 1), &[png::chunk::IDAT]);
        let err = mnist_digit_from_png(&wide).unwrap_err();
        assert!(matches!(err, ImageError::DecoderMemory { .. }), "{err:?}");
        assert_eq!(
            err.to_string(),
            format!(
                "{} needs more than 64 MiB of memory to decode besides the image itself (for \
                 one row of pixels or its metadata); predict does not read such images",
                wide.display()
            )
        );
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn pixel_counts_are_shown_in_megapixels_on_the_right_side_of_the_limit() {
        assert_eq!(megapixels(625_000_000), "625 megapixels");
        assert_eq!(megapixels(MAX_PIXELS), "200 megapixels");
        assert_eq!(megapixels(200_020_000), "200.02 megapixels");
        assert_eq!(megapixels(200_000_001), "200.000001 megapixels");
        assert_eq!(megapixels(199_756_800), "199.8 megapixels");
        assert_eq!(megapixels(1_000_000), "1 megapixel");
        let path = Path::new("photo.png");
        // The largest phone photos pass; one pixel more than the limit does not.
        assert!(check_size(path, 16_320, 12_240).is_ok());
        assert!(check_size(path, 20_000, 10_000).is_ok());
        assert!(matches!(
            check_size(path, 200_000_001, 1),
            Err(ImageError::TooLarge { .. })
        ));
        assert!(matches!(
            check_size(path, 0, 5),
            Err(ImageError::Empty {
                width: 0,
                height: 5,
                ..
            })
        ));
    }

    #[test]
    fn mnist_test_digits_written_as_png_come_back_nearly_unchanged() {
        let test = mnist::load(&mnist::default_dir()).unwrap().test;
        let dir = temp_dir("round-trip");
        let path = dir.join("digit.png");
        let mut total_difference = 0.0;
        let count = 200;
        for index in 0..count {
            let original = &test.pixels[index * SIDE * SIDE..(index + 1) * SIDE * SIDE];
            write_png(
                &path,
                (SIDE, SIDE),
                png::ColorType::Grayscale,
                png::BitDepth::Eight,
                original,
            );
            let digit = mnist_digit_from_png(&path).unwrap();
            let difference: f32 = original
                .iter()
                .zip(&digit)
                .map(|(&a, &b)| (f32::from(a) - f32::from(b)).abs())
                .sum::<f32>()
                / (SIDE * SIDE) as f32;
            total_difference += difference;
        }
        let mean = total_difference / count as f32;
        assert!(mean < 1.0, "mean absolute difference {mean} of 255");
        std::fs::remove_dir_all(dir).ok();
    }
}
