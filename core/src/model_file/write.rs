//! From tensors to a file: each tensor's numbers as bytes and its entry in the header, the header
//! framed (its length, the metadata with the data's checksum, padding), and the atomic save of
//! the whole — for a model ([`to_bytes`], [`save`]) and for a list of named tensors
//! ([`save_tensors`]).

use super::json::json_string;
use super::layout::{column_major_positions, dtype, write_le};
use super::target::write_atomically;
use super::{ARCHITECTURE_KEY, CHECKSUM_KEY, ModelFileError};
use crate::Scalar;
use crate::network::{Parameters, TensorSpec};
use std::path::Path;

/// The specs of `model`'s tensors and their contents, in visit order: the trained parameters,
/// then the buffers (such as batch normalization's running averages).
fn tensors<T: Scalar>(model: &impl Parameters<T>) -> Vec<(TensorSpec, Vec<T>)> {
    let mut specs = model.tensor_specs();
    specs.extend(model.buffer_specs());
    let mut contents = Vec::with_capacity(specs.len());
    model.visit(&mut |tensor| contents.push(tensor.to_vec()));
    model.visit_buffers(&mut |tensor| contents.push(tensor.to_vec()));
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

/// One tensor's header entry, preceded by a comma:
/// `,"name":{"dtype":"F32","shape":[2,3],"data_offsets":[begin,end]}`.
fn tensor_entry(name: &str, dtype: &str, shape: &[usize], begin: usize, end: usize) -> String {
    let shape: Vec<String> = shape.iter().map(usize::to_string).collect();
    format!(
        ",{}:{{\"dtype\":\"{dtype}\",\"shape\":[{}],\"data_offsets\":[{begin},{end}]}}",
        json_string(name),
        shape.join(",")
    )
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
        header.push_str(&tensor_entry(
            &spec.name,
            dtype,
            &spec.shape,
            begin,
            data.len(),
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
/// replaced. [`check_save_target`](super::check_save_target) makes these checks ahead of time.
pub fn save<T: Scalar>(
    path: impl AsRef<Path>,
    model: &impl Parameters<T>,
) -> Result<(), ModelFileError> {
    write_atomically(path.as_ref(), &to_bytes(model))
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
        header.push_str(&tensor_entry(
            name,
            dtype,
            &[tensor.len()],
            begin,
            data.len(),
        ));
    }
    write_atomically(path.as_ref(), &framed(metadata, &header, &data))
}
