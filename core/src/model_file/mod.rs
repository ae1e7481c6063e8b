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
//! The pipeline, one file per step:
//!
//! ```text
//! save:  model ──write──▶ bytes ──target──▶ the file, replaced atomically
//! load:  the file ──parse──▶ a checked file ──load──▶ the model, if every check passed
//! ```
//!
//! - `layout.rs`: the dtype of `T` ([`dtype`]), a number's little-endian bytes, and a tensor's
//!   element order (row-major in the file, column-major in nalgebra);
//! - `json.rs`: the header's JSON subset, written by `write.rs` and read by `parse.rs`;
//! - `write.rs`: a model or a list of tensors to a whole file ([`to_bytes`], [`save`],
//!   [`save_tensors`]);
//! - `target.rs`: where a save may write ([`check_save_target`], [`SaveTarget`]) and the atomic
//!   write itself;
//! - `parse.rs`: bytes to a checked file — the header's framing, each tensor's entry, the offsets
//!   (in range, no overlaps) and the checksum — with nothing yet known of the model;
//! - `load.rs`: a checked file into a model ([`from_bytes`], [`load_into`], [`load`](fn@load)): the
//!   architecture, then every tensor's name, dtype, shape, length and values; and the list of
//!   tensors [`save_tensors`] writes ([`load_tensors`]);
//! - `error.rs`: [`ModelFileError`], every way any of it can fail.
//!
//! [safetensors]: https://github.com/huggingface/safetensors
//! [`Parameters::tensor_specs`]: crate::network::Parameters::tensor_specs
//! [`Parameters::architecture`]: crate::network::Parameters::architecture

mod error;
mod json;
mod layout;
mod load;
mod parse;
mod target;
mod write;

pub use error::ModelFileError;
pub use layout::dtype;
pub use load::{from_bytes, load, load_into, load_tensors};
pub use parse::MAX_HEADER_BYTES;
pub(crate) use target::unfinished_target;
pub use target::{SaveTarget, check_save_target};
pub use write::{save, save_tensors, to_bytes};

/// The `__metadata__` key under which a saved file stores the CRC-32 of its data section (every
/// byte after the header), as `0x` and 8 lowercase hex digits.
pub const CHECKSUM_KEY: &str = "nabla.crc32";

/// The `__metadata__` key under which a saved model stores [`Parameters::architecture`].
///
/// [`Parameters::architecture`]: crate::network::Parameters::architecture
const ARCHITECTURE_KEY: &str = "architecture";

#[cfg(test)]
mod tests;
