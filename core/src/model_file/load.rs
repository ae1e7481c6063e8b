//! From a checked file to a model: the architecture check, then each tensor against the model's
//! (present, same dtype, same shape, data of the right length, finite values), and only then the
//! copy into the model — for a model ([`load_into`], [`load`], [`from_bytes`]) and for a list of
//! named tensors ([`load_tensors`]).

use super::error::MEMORY;
use super::layout::{column_major_positions, dtype, read_le, unflatten};
use super::parse::parse;
use super::{ARCHITECTURE_KEY, CHECKSUM_KEY, ModelFileError};
use crate::Scalar;
use crate::network::Parameters;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The bytes of the file at `path`.
fn read(path: &Path) -> Result<Vec<u8>, ModelFileError> {
    std::fs::read(path).map_err(|source| ModelFileError::Io {
        action: "read",
        path: path.to_path_buf(),
        source,
    })
}

/// The tensor `name` of `shape` from its bytes `raw` (the file's row-major order, exactly the
/// shape's number of elements), in nalgebra's column-major order. Errors name `path`.
fn decode<T: Scalar>(
    raw: &[u8],
    shape: &[usize],
    name: &str,
    path: &Path,
) -> Result<Vec<T>, ModelFileError> {
    let mut tensor = vec![T::zero(); shape.iter().product()];
    for (flat, (chunk, position)) in raw
        .chunks_exact(size_of::<T>())
        .zip(column_major_positions(shape))
        .enumerate()
    {
        let value: T = read_le(chunk);
        if !value.is_finite() {
            return Err(ModelFileError::NonFinite {
                path: path.to_path_buf(),
                name: name.to_string(),
                value: format!("{value}"),
                index: unflatten(flat, shape),
            });
        }
        tensor[position] = value;
    }
    Ok(tensor)
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
    let bytes = read(path)?;
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

/// The architecture `model` declares, if it does: [`Parameters::architecture`] unless that is the
/// default, the type's name.
pub(super) fn declared_architecture<T: Scalar, N: Parameters<T>>(model: &N) -> Option<String> {
    let architecture = model.architecture();
    (architecture != std::any::type_name::<N>()).then_some(architecture)
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
    // The trained parameters, then the buffers, as `write` saves them.
    let mut specs = model.tensor_specs();
    specs.extend(model.buffer_specs());
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
        loaded.push(decode(raw, &spec.shape, &spec.name, &path)?);
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
    let mut fill = |target: &mut [T]| {
        let source = tensors.next().expect("visit and tensor_specs agree");
        assert_eq!(target.len(), source.len(), "visit and tensor_specs agree");
        target.copy_from_slice(&source);
    };
    model.visit_mut(&mut fill);
    model.visit_buffers_mut(&mut fill);
    Ok(())
}

/// The metadata and one-dimensional tensors of a file written by
/// [`save_tensors`](super::save_tensors), the tensors sorted by name. Every tensor must have
/// `T`'s dtype, one dimension and finite values, and the data must match its checksum if the file
/// has one (which is not returned with the metadata).
#[allow(clippy::type_complexity)]
pub fn load_tensors<T: Scalar>(
    path: impl AsRef<Path>,
) -> Result<(BTreeMap<String, String>, Vec<(String, Vec<T>)>), ModelFileError> {
    let path = path.as_ref();
    let bytes = read(path)?;
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
        tensors.push((name.clone(), decode(raw, &entry.shape, name, &path)?));
    }
    let mut metadata = file.metadata;
    metadata.remove(CHECKSUM_KEY);
    Ok((metadata, tensors))
}
