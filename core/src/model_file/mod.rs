//! Saving and loading a model's parameters in the [safetensors] format, so that a file written
//! here loads unchanged into PyTorch (`safetensors.torch.load_file`) or NumPy.
//!
//! A file is an 8-byte little-endian header length `n`, `n` bytes of JSON describing every tensor,
//! then the tensors' bytes, little-endian and row-major:
//!
//! ```text
//! {"__metadata__": {"format": "pt", "architecture": "784 => relu 128 => softmax 10",
//!                   "nabla.crc32": "0x96915db5"},
//!  "layer1.weight": {"dtype": "F32", "shape": [128, 784], "data_offsets": [0, 401408]},
//!  "layer1.bias":   {"dtype": "F32", "shape": [128], "data_offsets": [401408, 401920]}, …}
//! ```
//!
//! Names and shapes come from [`Parameters::tensor_specs`] (PyTorch's `nn.Linear` layout: a
//! weight is `[out, in]`). nalgebra stores matrices column by column, so each tensor is transposed
//! on the way out and back on the way in.
//!
//! Two metadata entries guard a load (metadata values are strings, as the format requires, so
//! PyTorch and NumPy read the file as any other):
//!
//! - `nabla.crc32` ([`CHECKSUM_KEY`]) is the CRC-32 of the whole data section (every byte after
//!   the header, all tensors at once), so a bit flipped on disk is an error rather than a
//!   slightly different model;
//! - `architecture` is [`Parameters::architecture`]; a network that declares its architecture
//!   (every `network!` does) refuses a file saved from another one, even when the tensors have the
//!   same names and shapes (`784 => tanh 128 => softmax 10` into `784 => relu 128 => softmax 10`).
//!
//! Files without them (written by other tools) load as before.
//!
//! A save is atomic (a temporary file beside the target, renamed over it) and replaces nothing
//! but a regular file: it writes through a symlink to its file and refuses a directory, a
//! device, a FIFO or a socket ([`check_save_target`] checks a path ahead of time).
//!
//! The reader is hand-written (a small JSON parser for exactly this header) rather than the
//! `safetensors` crate, which would add serde, serde_json and tempfile to every build. It never
//! panics on malformed input: every length and offset is checked before it is used.
//!
//! [safetensors]: https://github.com/huggingface/safetensors

use crate::Scalar;
use crate::network::{Parameters, TensorSpec};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

mod json;
mod target;

use json::{Json, Parser, json_string};
pub(crate) use target::unfinished_target;
pub use target::{SaveTarget, check_save_target};
use target::{directory_problem, not_regular, write_atomically};

/// The largest header the reader accepts (the limit the `safetensors` crate uses too).
pub const MAX_HEADER_BYTES: u64 = 100_000_000;

/// How deeply JSON values may nest in a header (this format needs 3 levels).
const MAX_DEPTH: usize = 8;

/// The `__metadata__` key under which a saved file stores the CRC-32 of its data section (every
/// byte after the header), as `0x` and 8 lowercase hex digits.
pub const CHECKSUM_KEY: &str = "nabla.crc32";

/// The `__metadata__` key under which a saved model stores [`Parameters::architecture`].
const ARCHITECTURE_KEY: &str = "architecture";

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
    /// The data section's CRC-32 differs from the one stored under [`CHECKSUM_KEY`].
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

/// The safetensors dtype of `T`: `F32` or `F64`.
pub fn dtype<T: Scalar>() -> &'static str {
    // Only f32 and f64 implement `Scalar`.
    if size_of::<T>() == 4 { "F32" } else { "F64" }
}

fn write_le<T: Scalar>(value: T, out: &mut Vec<u8>) {
    if size_of::<T>() == 4 {
        out.extend_from_slice(&(value.as_f64() as f32).to_le_bytes());
    } else {
        out.extend_from_slice(&value.as_f64().to_le_bytes());
    }
}

fn read_le<T: Scalar>(bytes: &[u8]) -> T {
    match *bytes {
        [a, b, c, d] => T::of(f64::from(f32::from_le_bytes([a, b, c, d]))),
        [a, b, c, d, e, f, g, h] => T::of(f64::from_le_bytes([a, b, c, d, e, f, g, h])),
        _ => unreachable!("chunks are 4 or 8 bytes"),
    }
}

/// For each element of a tensor of `shape` in row-major order (the file's), its position in
/// column-major order (nalgebra's).
fn column_major_positions(shape: &[usize]) -> impl Iterator<Item = usize> + '_ {
    let len: usize = shape.iter().product();
    let mut index = vec![0; shape.len()];
    (0..len).map(move |flat| {
        if flat > 0 {
            // Advance the row-major odometer: the last index varies fastest.
            for axis in (0..shape.len()).rev() {
                index[axis] += 1;
                if index[axis] < shape[axis] {
                    break;
                }
                index[axis] = 0;
            }
        }
        let (mut position, mut stride) = (0, 1);
        for (axis, &i) in index.iter().enumerate() {
            position += i * stride;
            stride *= shape[axis];
        }
        position
    })
}

/// The row-major multi-index of element `flat` of a tensor of `shape`.
fn unflatten(mut flat: usize, shape: &[usize]) -> Vec<usize> {
    let mut index = vec![0; shape.len()];
    for axis in (0..shape.len()).rev() {
        index[axis] = flat % shape[axis].max(1);
        flat /= shape[axis].max(1);
    }
    index
}

/// The specs of `model`'s tensors and their contents, in visit order.
fn tensors<T: Scalar>(model: &impl Parameters<T>) -> Vec<(TensorSpec, Vec<T>)> {
    let specs = model.tensor_specs();
    let mut contents = Vec::with_capacity(specs.len());
    model.visit(&mut |tensor| contents.push(tensor.to_vec()));
    assert_eq!(
        specs.len(),
        contents.len(),
        "tensor_specs and visit disagree on the number of tensors"
    );
    for (spec, tensor) in specs.iter().zip(&contents) {
        assert_eq!(
            spec.len(),
            tensor.len(),
            "tensor_specs gives `{}` shape {:?}, but visit gives it {} numbers",
            spec.name,
            spec.shape,
            tensor.len()
        );
    }
    specs.into_iter().zip(contents).collect()
}

/// The whole file for `model`, in memory: with its architecture and the checksum of its data in
/// the metadata.
pub fn to_bytes<T: Scalar>(model: &impl Parameters<T>) -> Vec<u8> {
    let dtype = dtype::<T>();
    let mut data = Vec::new();
    let metadata = [
        ("format".to_string(), "pt".to_string()),
        (ARCHITECTURE_KEY.to_string(), model.architecture()),
    ];
    let mut header = String::new();
    for (spec, tensor) in tensors(model) {
        let begin = data.len();
        for position in column_major_positions(&spec.shape) {
            write_le(tensor[position], &mut data);
        }
        let shape: Vec<String> = spec.shape.iter().map(usize::to_string).collect();
        header.push_str(&format!(
            ",{}:{{\"dtype\":\"{dtype}\",\"shape\":[{}],\"data_offsets\":[{begin},{}]}}",
            json_string(&spec.name),
            shape.join(","),
            data.len()
        ));
    }
    framed(&metadata, &header, &data)
}

/// A whole file: the header's length, the header (`metadata` and the checksum of `data` in
/// `__metadata__`, then `tensors`, the tensors' entries each preceded by a comma; padded with
/// spaces so the data starts 8-byte aligned, as the Python writer does), then the data.
fn framed(metadata: &[(String, String)], tensors: &str, data: &[u8]) -> Vec<u8> {
    let checksum = (
        CHECKSUM_KEY.to_string(),
        format!("{:#010x}", crc32fast::hash(data)),
    );
    let entries: Vec<String> = metadata
        .iter()
        .filter(|(key, _)| key != CHECKSUM_KEY)
        .chain([&checksum])
        .map(|(key, value)| format!("{}:{}", json_string(key), json_string(value)))
        .collect();
    let mut header = format!("{{\"__metadata__\":{{{}}}{tensors}}}", entries.join(","));
    while (header.len() + 8) % 8 != 0 {
        header.push(' ');
    }
    let mut bytes = Vec::with_capacity(8 + header.len() + data.len());
    bytes.extend_from_slice(&(header.len() as u64).to_le_bytes());
    bytes.extend_from_slice(header.as_bytes());
    bytes.extend_from_slice(data);
    bytes
}

/// Saves `model` to `path` in the safetensors format, atomically: the bytes go to a temporary
/// file in the same directory, which is flushed to disk and then renamed over `path`. A reader
/// sees the old file or the new one, never a half-written one; on error no temporary file is
/// left behind.
///
/// If `path` is a symlink, the file it points to is written and the symlink stays. Anything at
/// `path` that is not a regular file (a directory, a device, a FIFO, a socket) is refused, not
/// replaced. [`check_save_target`] makes these checks ahead of time.
pub fn save<T: Scalar>(
    path: impl AsRef<Path>,
    model: &impl Parameters<T>,
) -> Result<(), ModelFileError> {
    write_atomically(path.as_ref(), &to_bytes(model))
}

/// Loads the parameters saved in `path` into `model`, which must have exactly the file's tensors
/// (same names, shapes and dtype). If the file stores a checksum of its data, the data must match
/// it; if it stores an architecture and the model declares one (see [`from_bytes`]), they must be
/// the same. On error `model` is left unchanged.
pub fn load_into<T: Scalar>(
    path: impl AsRef<Path>,
    model: &mut impl Parameters<T>,
) -> Result<(), ModelFileError> {
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|source| ModelFileError::Io {
        action: "read",
        path: path.to_path_buf(),
        source,
    })?;
    from_bytes(&bytes, model).map_err(|error| error.at(path))
}

/// Loads a model shaped like `template` (whose numbers are ignored) from `path`.
pub fn load<T: Scalar, N: Parameters<T>>(
    path: impl AsRef<Path>,
    template: &N,
) -> Result<N, ModelFileError> {
    let mut model = template.zeros_like();
    load_into(path, &mut model)?;
    Ok(model)
}

/// Loads the parameters in the safetensors file `bytes` into `model`, as [`load_into`] does
/// (errors name the path `<memory>`).
///
/// The checks run before anything is written into `model`: first the file's structure and its
/// checksum ([`ModelFileError::ChecksumMismatch`]), then its architecture
/// ([`ModelFileError::ArchitectureMismatch`]), then each tensor. The architecture is compared
/// when the file has one and the model declares one: a model whose
/// [`Parameters::architecture`] is the default (its type's name, which changes when code moves
/// and says nothing the tensors' names and shapes do not) loads any file whose tensors fit.
pub fn from_bytes<T: Scalar>(
    bytes: &[u8],
    model: &mut impl Parameters<T>,
) -> Result<(), ModelFileError> {
    let file = parse(bytes)?;
    let dtype = dtype::<T>();
    let path = PathBuf::from(MEMORY);
    if let (Some(saved), Some(declared)) = (
        file.metadata.get(ARCHITECTURE_KEY),
        declared_architecture(model),
    ) {
        let words = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
        if words(saved) != words(&declared) {
            return Err(ModelFileError::ArchitectureMismatch {
                path,
                file: saved.clone(),
                model: declared,
            });
        }
    }
    let specs = model.tensor_specs();
    let mut loaded = Vec::with_capacity(specs.len());
    for spec in &specs {
        let Some(entry) = file.tensors.get(&spec.name) else {
            return Err(ModelFileError::MissingTensor {
                path,
                name: spec.name.clone(),
                dtype,
                shape: spec.shape.clone(),
            });
        };
        if entry.dtype != dtype {
            return Err(ModelFileError::WrongDtype {
                path,
                name: spec.name.clone(),
                expected: dtype,
                actual: entry.dtype.clone(),
            });
        }
        if entry.shape != spec.shape {
            return Err(ModelFileError::WrongShape {
                path,
                name: spec.name.clone(),
                expected: spec.shape.clone(),
                actual: entry.shape.clone(),
            });
        }
        let needed = (spec.len() as u64).saturating_mul(size_of::<T>() as u64);
        if entry.end - entry.begin != needed {
            return Err(ModelFileError::BadOffsets {
                path,
                name: spec.name.clone(),
                begin: entry.begin,
                end: entry.end,
                reason: format!(
                    "they span {} bytes, but {dtype} of shape {:?} needs {needed}",
                    entry.end - entry.begin,
                    spec.shape
                ),
            });
        }
        // In range: `parse` checked `end <= data.len()`.
        let raw = &file.data[entry.begin as usize..entry.end as usize];
        let mut tensor = vec![T::zero(); spec.len()];
        for (flat, (chunk, position)) in raw
            .chunks_exact(size_of::<T>())
            .zip(column_major_positions(&spec.shape))
            .enumerate()
        {
            let value: T = read_le(chunk);
            if !value.is_finite() {
                return Err(ModelFileError::NonFinite {
                    path,
                    name: spec.name.clone(),
                    value: format!("{value}"),
                    index: unflatten(flat, &spec.shape),
                });
            }
            tensor[position] = value;
        }
        loaded.push(tensor);
    }
    if let Some((name, entry)) = file
        .tensors
        .iter()
        .find(|(name, _)| !specs.iter().any(|spec| &spec.name == *name))
    {
        return Err(ModelFileError::ExtraTensor {
            path,
            name: name.clone(),
            dtype: entry.dtype.clone(),
            shape: entry.shape.clone(),
        });
    }
    let mut tensors = loaded.into_iter();
    model.visit_mut(&mut |target| {
        let source = tensors.next().expect("visit and tensor_specs agree");
        assert_eq!(target.len(), source.len(), "visit and tensor_specs agree");
        target.copy_from_slice(&source);
    });
    Ok(())
}

/// Saves named one-dimensional tensors and string metadata (in `__metadata__`, with the checksum
/// of the data under [`CHECKSUM_KEY`]) to `path`, atomically and with the same checks as
/// [`save`]: for state that is not a model's parameters, such as an optimizer's running moments
/// in a checkpoint.
pub fn save_tensors<T: Scalar>(
    path: impl AsRef<Path>,
    metadata: &[(String, String)],
    tensors: &[(String, Vec<T>)],
) -> Result<(), ModelFileError> {
    let dtype = dtype::<T>();
    let mut header = String::new();
    let mut data = Vec::new();
    for (name, tensor) in tensors {
        let begin = data.len();
        for &value in tensor {
            write_le(value, &mut data);
        }
        header.push_str(&format!(
            ",{}:{{\"dtype\":\"{dtype}\",\"shape\":[{}],\"data_offsets\":[{begin},{}]}}",
            json_string(name),
            tensor.len(),
            data.len()
        ));
    }
    write_atomically(path.as_ref(), &framed(metadata, &header, &data))
}

/// The metadata and one-dimensional tensors of a file written by [`save_tensors`], the tensors
/// sorted by name. Every tensor must have `T`'s dtype, one dimension and finite values, and the
/// data must match its checksum if the file has one (which is not returned with the metadata).
#[allow(clippy::type_complexity)]
pub fn load_tensors<T: Scalar>(
    path: impl AsRef<Path>,
) -> Result<(BTreeMap<String, String>, Vec<(String, Vec<T>)>), ModelFileError> {
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|source| ModelFileError::Io {
        action: "read",
        path: path.to_path_buf(),
        source,
    })?;
    let file = parse(&bytes).map_err(|error| error.at(path))?;
    let dtype = dtype::<T>();
    let mut tensors = Vec::with_capacity(file.tensors.len());
    for (name, entry) in &file.tensors {
        let path = path.to_path_buf();
        if entry.dtype != dtype {
            return Err(ModelFileError::WrongDtype {
                path,
                name: name.clone(),
                expected: dtype,
                actual: entry.dtype.clone(),
            });
        }
        let len = match entry.shape[..] {
            [len] => len,
            _ => {
                return Err(ModelFileError::CorruptHeader {
                    path,
                    reason: format!(
                        "tensor `{name}` has shape {:?}, expected one dimension",
                        entry.shape
                    ),
                });
            }
        };
        let needed = (len as u64).saturating_mul(size_of::<T>() as u64);
        if entry.end - entry.begin != needed {
            return Err(ModelFileError::BadOffsets {
                path,
                name: name.clone(),
                begin: entry.begin,
                end: entry.end,
                reason: format!(
                    "they span {} bytes, but {len} numbers need {needed}",
                    entry.end - entry.begin
                ),
            });
        }
        let raw = &file.data[entry.begin as usize..entry.end as usize];
        let mut tensor = Vec::with_capacity(len);
        for (index, chunk) in raw.chunks_exact(size_of::<T>()).enumerate() {
            let value: T = read_le(chunk);
            if !value.is_finite() {
                return Err(ModelFileError::NonFinite {
                    path,
                    name: name.clone(),
                    value: format!("{value}"),
                    index: vec![index],
                });
            }
            tensor.push(value);
        }
        tensors.push((name.clone(), tensor));
    }
    let mut metadata = file.metadata;
    metadata.remove(CHECKSUM_KEY);
    Ok((metadata, tensors))
}

/// The architecture `model` declares, if it does: [`Parameters::architecture`] unless that is the
/// default, the type's name.
fn declared_architecture<T: Scalar, N: Parameters<T>>(model: &N) -> Option<String> {
    let architecture = model.architecture();
    (architecture != std::any::type_name::<N>()).then_some(architecture)
}

/// The path errors from [`from_bytes`] name.
const MEMORY: &str = "<memory>";

impl ModelFileError {
    /// The same error, naming `path` as the file.
    fn at(mut self, path: &Path) -> Self {
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

/// One tensor's header entry; `begin..end` is checked to lie within the data.
struct Entry {
    dtype: String,
    shape: Vec<usize>,
    begin: u64,
    end: u64,
}

/// A parsed file: its metadata, its tensors by name and the data section.
struct ParsedFile<'a> {
    metadata: BTreeMap<String, String>,
    tensors: BTreeMap<String, Entry>,
    data: &'a [u8],
}

fn parse(bytes: &[u8]) -> Result<ParsedFile<'_>, ModelFileError> {
    let path = || PathBuf::from(MEMORY);
    let corrupt = |reason: String| ModelFileError::CorruptHeader {
        path: path(),
        reason,
    };
    let Some((length, rest)) = bytes.split_first_chunk::<8>() else {
        return Err(ModelFileError::Truncated {
            path: path(),
            what: "the header length",
            needed: 8,
            actual: bytes.len() as u64,
        });
    };
    let length = u64::from_le_bytes(*length);
    if length > MAX_HEADER_BYTES {
        return Err(corrupt(format!(
            "its length field says {length} bytes, more than the limit of {MAX_HEADER_BYTES}"
        )));
    }
    if length > rest.len() as u64 {
        return Err(ModelFileError::Truncated {
            path: path(),
            what: "the header",
            needed: 8 + length,
            actual: bytes.len() as u64,
        });
    }
    let (header, data) = rest.split_at(length as usize);
    let header =
        std::str::from_utf8(header).map_err(|error| corrupt(format!("not UTF-8 ({error})")))?;
    let json = Parser::new(header)
        .document()
        .map_err(|(at, what)| corrupt(format!("invalid JSON at byte {at}: {what}")))?;
    let Json::Object(members) = json else {
        return Err(corrupt("the header is not a JSON object".into()));
    };

    let mut tensors = BTreeMap::new();
    let mut metadata = BTreeMap::new();
    for (name, value) in members {
        if name == "__metadata__" {
            let Json::Object(entries) = value else {
                return Err(corrupt("`__metadata__` is not an object of strings".into()));
            };
            for (key, value) in entries {
                let Json::String(value) = value else {
                    return Err(corrupt("`__metadata__` is not an object of strings".into()));
                };
                metadata.insert(key, value);
            }
            continue;
        }
        let entry = entry(value).map_err(|what| corrupt(format!("tensor `{name}`: {what}")))?;
        let bad_offsets = |reason: String| ModelFileError::BadOffsets {
            path: path(),
            name: name.clone(),
            begin: entry.begin,
            end: entry.end,
            reason,
        };
        if entry.begin > entry.end {
            return Err(bad_offsets("the begin is after the end".into()));
        }
        if entry.end > data.len() as u64 {
            return Err(bad_offsets(format!(
                "past the end of the data section ({} bytes): the file is truncated or the offsets are wrong",
                data.len()
            )));
        }
        tensors.insert(name, entry);
    }

    // No two tensors may share bytes.
    let mut ranges: Vec<(&String, &Entry)> = tensors.iter().collect();
    ranges.sort_by_key(|(_, entry)| (entry.begin, entry.end));
    for pair in ranges.windows(2) {
        let ((_, first), (name, second)) = (pair[0], pair[1]);
        if second.begin < first.end {
            let other = pair[0].0;
            return Err(ModelFileError::BadOffsets {
                path: path(),
                name: name.to_string(),
                begin: second.begin,
                end: second.end,
                reason: format!(
                    "they overlap tensor `{other}` at [{}, {}]",
                    first.begin, first.end
                ),
            });
        }
    }
    if let Some(stored) = metadata.get(CHECKSUM_KEY) {
        let stored = stored
            .strip_prefix("0x")
            .filter(|hex| hex.len() == 8)
            .and_then(|hex| u32::from_str_radix(hex, 16).ok())
            .ok_or_else(|| {
                corrupt(format!(
                    "`__metadata__` has {CHECKSUM_KEY} {stored:?}, which is not a CRC-32 (0x and 8 hex digits)"
                ))
            })?;
        let computed = crc32fast::hash(data);
        if stored != computed {
            return Err(ModelFileError::ChecksumMismatch {
                path: path(),
                stored,
                computed,
            });
        }
    }
    Ok(ParsedFile {
        metadata,
        tensors,
        data,
    })
}

/// Reads one tensor's `{"dtype": …, "shape": […], "data_offsets": [begin, end]}`.
fn entry(value: Json) -> Result<Entry, String> {
    let Json::Object(fields) = value else {
        return Err("not an object".into());
    };
    let field = |key: &str| fields.iter().find(|(k, _)| k == key).map(|(_, v)| v);
    let integers = |key: &str| -> Result<Vec<u64>, String> {
        match field(key) {
            Some(Json::Array(items)) => items
                .iter()
                .map(|item| match item {
                    Json::Integer(n) => Ok(*n),
                    _ => Err(format!(
                        "`{key}` holds something other than a non-negative integer"
                    )),
                })
                .collect(),
            Some(_) => Err(format!("`{key}` is not an array")),
            None => Err(format!("no `{key}`")),
        }
    };
    let dtype = match field("dtype") {
        Some(Json::String(dtype)) => dtype.clone(),
        Some(_) => return Err("`dtype` is not a string".into()),
        None => return Err("no `dtype`".into()),
    };
    let shape = integers("shape")?
        .into_iter()
        .map(|n| usize::try_from(n).map_err(|_| format!("dimension {n} is too large")))
        .collect::<Result<Vec<_>, _>>()?;
    shape
        .iter()
        .try_fold(1usize, |product, &n| product.checked_mul(n))
        .ok_or_else(|| format!("shape {shape:?} has too many elements"))?;
    let [begin, end] = integers("data_offsets")?[..] else {
        return Err("`data_offsets` is not two integers".into());
    };
    Ok(Entry {
        dtype,
        shape,
        begin,
        end,
    })
}

#[cfg(test)]
mod tests;
