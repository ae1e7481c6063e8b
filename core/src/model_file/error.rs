//! What can go wrong saving or loading a model file: [`ModelFileError`], one variant per failure,
//! each naming the file. Errors found in memory name `<memory>` until the caller that read the
//! file renames them with [`ModelFileError::at`].

use super::target::{directory_problem, not_regular};
use std::path::{Path, PathBuf};

/// Everything that can go wrong saving or loading a model file.
#[derive(Debug, thiserror::Error)]
pub enum ModelFileError {
    /// The file could not be read, or its path could not be followed to a file to write.
    #[error("cannot {action} model file {path}: {source}")]
    Io {
        /// What was being done: `read`, `inspect` (following a symlink), `write`.
        action: &'static str,
        /// The model file.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The file ends before the header or the data it announces.
    #[error("{path}: truncated model file: {what} needs {needed} bytes, but the file has {actual}")]
    Truncated {
        /// The model file.
        path: PathBuf,
        /// What was being read.
        what: &'static str,
        /// The bytes needed.
        needed: u64,
        /// The bytes present.
        actual: u64,
    },
    /// The header is not the JSON this format describes.
    #[error("{path}: corrupt header: {reason}")]
    CorruptHeader {
        /// The model file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The model has a tensor the file lacks.
    #[error("{path}: tensor `{name}` is missing (expected {dtype} of shape {shape:?})")]
    MissingTensor {
        /// The model file.
        path: PathBuf,
        /// The tensor's name.
        name: String,
        /// The dtype the model needs.
        dtype: &'static str,
        /// The shape the model needs.
        shape: Vec<usize>,
    },
    /// The file has a tensor the model lacks.
    #[error(
        "{path}: unexpected tensor `{name}` ({dtype} of shape {shape:?}): the model has no parameter of that name"
    )]
    ExtraTensor {
        /// The model file.
        path: PathBuf,
        /// The tensor's name.
        name: String,
        /// Its dtype in the file.
        dtype: String,
        /// Its shape in the file.
        shape: Vec<usize>,
    },
    /// A tensor's shape differs from the model's.
    #[error("{path}: tensor `{name}` has shape {actual:?}, expected {expected:?}")]
    WrongShape {
        /// The model file.
        path: PathBuf,
        /// The tensor's name.
        name: String,
        /// The model's shape.
        expected: Vec<usize>,
        /// The file's shape.
        actual: Vec<usize>,
    },
    /// A tensor's element type differs from the model's.
    #[error("{path}: tensor `{name}` has dtype {actual}, expected {expected}")]
    WrongDtype {
        /// The model file.
        path: PathBuf,
        /// The tensor's name.
        name: String,
        /// The model's dtype.
        expected: &'static str,
        /// The file's dtype.
        actual: String,
    },
    /// A tensor's data offsets are out of range, reversed, overlapping or of the wrong length.
    #[error("{path}: tensor `{name}` has data offsets [{begin}, {end}]: {reason}")]
    BadOffsets {
        /// The model file.
        path: PathBuf,
        /// The tensor's name.
        name: String,
        /// The first byte (relative to the data section).
        begin: u64,
        /// One past the last byte.
        end: u64,
        /// What is wrong with them.
        reason: String,
    },
    /// A tensor holds NaN or an infinity.
    #[error("{path}: tensor `{name}` holds a non-finite value ({value}) at index {index:?}")]
    NonFinite {
        /// The model file.
        path: PathBuf,
        /// The tensor's name.
        name: String,
        /// The value, as text (`NaN`, `inf`, `-inf`).
        value: String,
        /// Where it is, in the file's (row-major) indices.
        index: Vec<usize>,
    },
    /// The data section's CRC-32 differs from the one stored under
    /// [`CHECKSUM_KEY`](super::CHECKSUM_KEY).
    #[error(
        "{path}: the tensor data does not match its checksum \
         (crc32 stored {stored:#010x}, computed {computed:#010x}): the file is damaged"
    )]
    ChecksumMismatch {
        /// The model file.
        path: PathBuf,
        /// The checksum in the file's metadata.
        stored: u32,
        /// The checksum of the file's data section.
        computed: u32,
    },
    /// The file was saved from a network of another architecture.
    #[error("{path}: the model file holds a `{file}` network, but this network is `{model}`")]
    ArchitectureMismatch {
        /// The model file.
        path: PathBuf,
        /// The architecture in the file's metadata.
        file: String,
        /// The architecture of the network loaded into.
        model: String,
    },
    /// The save target exists and is not a regular file (a directory, a device, a FIFO, a
    /// socket), itself or at the end of its symlink: a save would replace it.
    #[error("cannot save model file {path}: {}", not_regular(.path, .file, .kind))]
    NotRegularFile {
        /// The path a save was asked to write.
        path: PathBuf,
        /// What is there: `path`, or the end of its symlinks.
        file: PathBuf,
        /// What it is: `a directory`, `a character device`, `a FIFO (named pipe)`, …
        kind: &'static str,
    },
    /// The directory a model file is saved in does not exist, is not a directory, or does not
    /// let a file be created in it.
    #[error("cannot save model file {path}: {}", directory_problem(.directory, .source))]
    Directory {
        /// The path a save was asked to write.
        path: PathBuf,
        /// The directory the file is written in.
        directory: PathBuf,
        /// The error creating a file there.
        source: std::io::Error,
    },
    /// Writing, syncing, renaming or removing a save's temporary file failed. The temporary file
    /// has been removed, unless removing it is what failed.
    #[error(
        "cannot save model file {path}: cannot {step} the temporary file {temporary}: {source}"
    )]
    TemporaryFile {
        /// The path a save was asked to write.
        path: PathBuf,
        /// What failed: `write`, `sync`, `rename` or `remove`.
        step: &'static str,
        /// The temporary file.
        temporary: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
}

/// The path errors from [`from_bytes`](super::from_bytes) name.
pub(super) const MEMORY: &str = "<memory>";

impl ModelFileError {
    /// The same error, naming `path` as the file.
    pub(super) fn at(mut self, path: &Path) -> Self {
        match &mut self {
            Self::Io { path: p, .. }
            | Self::Truncated { path: p, .. }
            | Self::CorruptHeader { path: p, .. }
            | Self::MissingTensor { path: p, .. }
            | Self::ExtraTensor { path: p, .. }
            | Self::WrongShape { path: p, .. }
            | Self::WrongDtype { path: p, .. }
            | Self::BadOffsets { path: p, .. }
            | Self::NonFinite { path: p, .. }
            | Self::ChecksumMismatch { path: p, .. }
            | Self::ArchitectureMismatch { path: p, .. }
            | Self::NotRegularFile { path: p, .. }
            | Self::Directory { path: p, .. }
            | Self::TemporaryFile { path: p, .. } => *p = path.to_path_buf(),
        }
        self
    }
}
