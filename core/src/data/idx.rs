//! The IDX file format (used by MNIST), read and validated.
//!
//! An IDX file is a big-endian header followed by raw data:
//! ```text
//! bytes 0–1   zero
//! byte  2     element type (0x08 = unsigned byte, the only one MNIST uses)
//! byte  3     number of dimensions d
//! then d × u32  the size of each dimension
//! then          the elements, last dimension varying fastest
//! ```
//! Labels are 1-dimensional (`0x00000801`), images 3-dimensional (`0x00000803`: count, rows,
//! columns). Files may be gzip-compressed (`.gz`).

use flate2::read::GzDecoder;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Everything that can be wrong with a data file.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// The file could not be opened or read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// A file named `*.gz` does not start with the gzip signature, so it is not gzip-compressed
    /// at all (as opposed to [`DataError::Gzip`], a gzip stream that is damaged or cut short).
    #[error(
        "{path} is not gzip-compressed (it does not start with the gzip signature 1f 8b){}",
        uncompressed_idx_hint(*.idx_magic)
    )]
    NotGzip {
        /// The file.
        path: PathBuf,
        /// The magic number the file starts with, if it is [`LABELS_MAGIC`] or [`IMAGES_MAGIC`]:
        /// then the file seems to be an IDX file that was never compressed.
        idx_magic: Option<u32>,
    },
    /// The file starts like gzip data but is not a valid gzip stream.
    #[error("{path} is not valid gzip data ({source}); is the download complete?")]
    Gzip {
        /// The file.
        path: PathBuf,
        /// What the decoder said.
        source: std::io::Error,
    },
    /// The header is shorter than the format requires.
    #[error("{path}: the file is {len} bytes, too short for an IDX header of {needed} bytes")]
    TruncatedHeader {
        /// The file.
        path: PathBuf,
        /// Its (decompressed) length.
        len: usize,
        /// The bytes the header needs.
        needed: usize,
    },
    /// The magic number is not the one expected for this kind of file.
    #[error("{path}: magic number is 0x{found:08x}, expected 0x{expected:08x} ({what})")]
    BadMagic {
        /// The file.
        path: PathBuf,
        /// The number found.
        found: u32,
        /// The number expected.
        expected: u32,
        /// What kind of file was expected.
        what: &'static str,
    },
    /// The data after the header does not have the length the header announces.
    #[error(
        "{path}: the header announces {expected} bytes of data but the file holds {found}; the file is truncated or corrupt"
    )]
    LengthMismatch {
        /// The file.
        path: PathBuf,
        /// Bytes the dimensions imply.
        expected: usize,
        /// Bytes present.
        found: usize,
    },
    /// A dimension is not what the data set requires.
    #[error("{path}: {message}")]
    BadDimensions {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A label is outside the classes.
    #[error("{path}: label {label} at index {index} is not a class below {classes}")]
    BadLabel {
        /// The file.
        path: PathBuf,
        /// The label found.
        label: u8,
        /// Where.
        index: usize,
        /// The number of classes.
        classes: usize,
    },
    /// Image and label files disagree on how many samples there are.
    #[error("{images} holds {image_count} images but {labels} holds {label_count} labels")]
    CountMismatch {
        /// The image file.
        images: PathBuf,
        /// Its count.
        image_count: usize,
        /// The label file.
        labels: PathBuf,
        /// Its count.
        label_count: usize,
    },
}

/// The hint added to [`DataError::NotGzip`] when the file starts with an IDX magic number.
fn uncompressed_idx_hint(idx_magic: Option<u32>) -> String {
    let Some(magic) = idx_magic else {
        return String::new();
    };
    let what = if magic == LABELS_MAGIC {
        "label"
    } else {
        "image"
    };
    let bytes = magic
        .to_be_bytes()
        .map(|byte| format!("{byte:02x}"))
        .join(" ");
    format!(
        "; it starts with {bytes}, the magic number of an IDX {what} file, so it seems to be an \
         uncompressed IDX file: gzip it and keep its name (a data directory must hold the four \
         `.gz` files), or, where a single file is read, rename it without `.gz` (such files are \
         read uncompressed)"
    )
}

/// The first two bytes of every gzip file (RFC 1952, section 2.3.1).
const GZIP_SIGNATURE: [u8; 2] = [0x1f, 0x8b];

/// Magic number of an IDX file of unsigned bytes with one dimension (labels).
pub const LABELS_MAGIC: u32 = 0x0000_0801;
/// Magic number of an IDX file of unsigned bytes with three dimensions (images).
pub const IMAGES_MAGIC: u32 = 0x0000_0803;

/// A parsed IDX file of unsigned bytes.
#[derive(Clone, Debug, PartialEq)]
pub struct Idx {
    /// The size of each dimension.
    pub dimensions: Vec<usize>,
    /// The elements, last dimension fastest.
    pub data: Vec<u8>,
}

/// Reads a file's bytes, decompressing it if its name ends in `.gz`; any other file is read as
/// it is.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, DataError> {
    let raw = std::fs::read(path).map_err(|source| DataError::Io {
        path: path.into(),
        source,
    })?;
    if path.extension().is_some_and(|ext| ext == "gz") {
        // A file shorter than the signature is left to the decoder: it is a cut-off download
        // if what it has matches the signature so far, and an empty stream if it is empty.
        if !raw.starts_with(&GZIP_SIGNATURE[..raw.len().min(GZIP_SIGNATURE.len())]) {
            let magic = raw
                .first_chunk::<4>()
                .map(|&word| u32::from_be_bytes(word))
                .filter(|&magic| magic == LABELS_MAGIC || magic == IMAGES_MAGIC);
            return Err(DataError::NotGzip {
                path: path.into(),
                idx_magic: magic,
            });
        }
        let mut bytes = Vec::with_capacity(raw.len() * 8);
        GzDecoder::new(raw.as_slice())
            .read_to_end(&mut bytes)
            .map_err(|source| DataError::Gzip {
                path: path.into(),
                source,
            })?;
        Ok(bytes)
    } else {
        Ok(raw)
    }
}

// ANCHOR: parse
/// Parses IDX `bytes` (already decompressed), requiring the given magic number.
pub fn parse(bytes: &[u8], expected_magic: u32, path: &Path) -> Result<Idx, DataError> {
    let what = if expected_magic == LABELS_MAGIC {
        "a label file"
    } else {
        "an image file"
    };
    let header = |needed| DataError::TruncatedHeader {
        path: path.into(),
        len: bytes.len(),
        needed,
    };
    let word = |i: usize| -> Option<u32> {
        let b = bytes.get(4 * i..4 * i + 4)?;
        Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    let magic = word(0).ok_or_else(|| header(4))?;
    if magic != expected_magic {
        return Err(DataError::BadMagic {
            path: path.into(),
            found: magic,
            expected: expected_magic,
            what,
        });
    }
    let rank = (magic & 0xff) as usize;
    let header_len = 4 * (1 + rank);
    let dimensions: Vec<usize> = (1..=rank)
        .map(|i| {
            word(i)
                .map(|d| d as usize)
                .ok_or_else(|| header(header_len))
        })
        .collect::<Result<_, _>>()?;
    let expected = dimensions
        .iter()
        .try_fold(1usize, |acc, &d| acc.checked_mul(d));
    let found = bytes.len() - header_len;
    match expected {
        Some(expected) if expected == found => Ok(Idx {
            dimensions,
            data: bytes[header_len..].to_vec(),
        }),
        expected => Err(DataError::LengthMismatch {
            path: path.into(),
            expected: expected.unwrap_or(usize::MAX),
            found,
        }),
    }
}
// ANCHOR_END: parse

/// Reads and validates a (possibly gzipped) IDX file with the given magic number.
pub fn read(path: &Path, expected_magic: u32) -> Result<Idx, DataError> {
    parse(&read_bytes(path)?, expected_magic, path)
}
