//! From bytes to a checked file, before any model is involved: the header's framing (an 8-byte
//! length, then that much UTF-8 JSON), each tensor's entry (dtype, shape, data offsets), the
//! offsets within the data section and overlapping no other tensor's, and the data's checksum
//! under [`CHECKSUM_KEY`]. What is left to check against a model is `load.rs`'s.

use super::error::MEMORY;
use super::json::{Json, Parser};
use super::{CHECKSUM_KEY, ModelFileError};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The largest header the reader accepts (the limit the `safetensors` crate uses too).
pub const MAX_HEADER_BYTES: u64 = 100_000_000;

/// One tensor's header entry; `begin..end` is checked to lie within the data.
pub(super) struct Entry {
    pub(super) dtype: String,
    pub(super) shape: Vec<usize>,
    pub(super) begin: u64,
    pub(super) end: u64,
}

/// A parsed file: its metadata, its tensors by name and the data section.
pub(super) struct ParsedFile<'a> {
    pub(super) metadata: BTreeMap<String, String>,
    pub(super) tensors: BTreeMap<String, Entry>,
    pub(super) data: &'a [u8],
}

/// Reads `bytes` as a safetensors file and checks its structure and checksum (errors name
/// `<memory>`): every entry's `begin..end` lies within the data, and no two overlap.
pub(super) fn parse(bytes: &[u8]) -> Result<ParsedFile<'_>, ModelFileError> {
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
