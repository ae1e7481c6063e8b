//! Unit tests of the safetensors reader and writer.
use super::json::{Json, Parser, json_string};
use super::layout::{column_major_positions, unflatten};
use super::load::declared_architecture;
use super::*;
use crate::dense::Dense;
use crate::network::Parameters;
use crate::{HeapMatrix, init::Init};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn layer() -> Dense<f32, 3, 2> {
    let mut layer = Dense::zeros();
    layer.weights = HeapMatrix::from_fn(|r, c| (10 * r + c) as f32);
    layer.bias = HeapMatrix::from_fn(|r, _| -(r as f32) - 0.5);
    layer
}

fn load_bytes<N: Parameters<f32>>(bytes: &[u8], template: &N) -> Result<N, ModelFileError> {
    let mut model = template.zeros_like();
    from_bytes(bytes, &mut model).map(|()| model)
}

#[test]
fn weights_are_written_row_major_out_by_in() {
    let bytes = to_bytes(&layer());
    let length = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    assert_eq!((8 + length) % 8, 0, "data is 8-byte aligned");
    let header = std::str::from_utf8(&bytes[8..8 + length]).unwrap();
    assert!(header.contains(r#""weight":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]}"#));
    assert!(header.contains(r#""bias":{"dtype":"F32","shape":[2],"data_offsets":[24,32]}"#));
    let data: Vec<f32> = bytes[8 + length..]
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
        .collect();
    // Row 0 is W[0, 0..3], then row 1; then the bias.
    assert_eq!(data, [0.0, 1.0, 2.0, 10.0, 11.0, 12.0, -0.5, -1.5]);
}

#[test]
fn a_layer_round_trips() {
    let original = layer();
    assert_eq!(
        load_bytes(&to_bytes(&original), &original).unwrap(),
        original
    );
    let mut rng = StdRng::seed_from_u64(1);
    let wide = Dense::<f64, 5, 7>::new(Init::He, &mut rng);
    let mut loaded = Dense::zeros();
    from_bytes(&to_bytes(&wide), &mut loaded).unwrap();
    assert_eq!(loaded, wide);
}

#[test]
fn three_dimensional_positions_reverse_the_axes() {
    // Shape [2, 3, 4]: row-major element (i, j, k) is column-major position i + 2j + 6k.
    let positions: Vec<usize> = column_major_positions(&[2, 3, 4]).collect();
    let mut expected = Vec::new();
    for i in 0..2 {
        for j in 0..3 {
            for k in 0..4 {
                expected.push(i + 2 * j + 6 * k);
            }
        }
    }
    assert_eq!(positions, expected);
    assert_eq!(unflatten(23, &[2, 3, 4]), [1, 2, 3]);
}

#[test]
fn json_strings_escape_and_parse_back() {
    let text = "a \"quoted\" \\ name\n\u{1}é😀";
    let parsed = Parser::new(&json_string(text)).document().unwrap();
    assert!(matches!(parsed, Json::String(s) if s == text));
    let parsed = Parser::new(r#""\ud83d\ude00\u00e9""#).document().unwrap();
    assert!(matches!(parsed, Json::String(s) if s == "😀é"));
}

#[test]
fn well_formed_json_parses() {
    for text in [
        "0",
        "-0.5e+3",
        "1E9",
        "[]",
        "{}",
        " { \"a\" : [1, 2.5, null, true, false] } ",
    ] {
        assert!(Parser::new(text).document().is_ok(), "{text:?} rejected");
    }
}

#[test]
fn malformed_json_is_an_error() {
    for text in [
        "",
        "{",
        "{\"a\"",
        "{\"a\":}",
        "[1,]",
        "{\"a\":1,}",
        "01",
        "1.",
        "-",
        "\"\\x\"",
        "\"\\ud800\"",
        "{\"a\":1}x",
        "[[[[[[[[[[[[1]]]]]]]]]]]]",
        "{\"a\":1,\"a\":2}",
        "99999999999999999999999",
        "+1",
        "1e",
        "-01",
        ".5",
    ] {
        assert!(Parser::new(text).document().is_err(), "{text:?} parsed");
    }
}

/// `bytes` without the checksum in its metadata, as another tool would write the file.
fn without_checksum(bytes: &[u8]) -> Vec<u8> {
    let length = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let header = std::str::from_utf8(&bytes[8..8 + length]).unwrap();
    let start = header.find(",\"nabla.crc32\"").unwrap();
    let end = start + ",\"nabla.crc32\":\"0x12345678\"".len();
    let header = format!("{}{}", &header[..start], &header[end..]);
    let mut stripped = (header.len() as u64).to_le_bytes().to_vec();
    stripped.extend_from_slice(header.as_bytes());
    stripped.extend_from_slice(&bytes[8 + length..]);
    stripped
}

#[test]
fn the_checksum_covers_the_data_section() {
    let bytes = to_bytes(&layer());
    let length = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let header = std::str::from_utf8(&bytes[8..8 + length]).unwrap();
    let checksum = format!("{:#010x}", crc32fast::hash(&bytes[8 + length..]));
    assert!(
        header.contains(&format!(",\"nabla.crc32\":\"{checksum}\"}}")),
        "{header}"
    );
    // Every flipped bit of the data is caught; without the checksum most load.
    let plain = without_checksum(&bytes);
    let data_start = bytes.len() - 32;
    for bit in 0..32 * 8 {
        let mut damaged = bytes.clone();
        damaged[data_start + bit / 8] ^= 1 << (bit % 8);
        let error = load_bytes(&damaged, &layer()).unwrap_err();
        assert!(
            matches!(error, ModelFileError::ChecksumMismatch { stored, .. }
                if format!("{stored:#010x}") == checksum),
            "{error}"
        );
    }
    let mut damaged = plain.clone();
    let last = damaged.len() - 1;
    damaged[last] ^= 1;
    assert!(load_bytes(&damaged, &layer()).is_ok());
    assert_eq!(load_bytes(&plain, &layer()).unwrap(), layer());
}

#[test]
fn only_a_declared_architecture_is_compared() {
    // `Dense` keeps the default, its type's name.
    assert_eq!(declared_architecture(&layer()), None);
    let file = to_bytes(&layer());
    let text = String::from_utf8_lossy(&file).into_owned();
    assert!(text.contains("\"architecture\":\"nabla::dense::Dense<f32, 3, 2>\""));
}

/// Random bytes and random corruptions of a valid file give errors, never panics.
#[test]
fn arbitrary_bytes_never_panic() {
    // With and without a checksum, so that corruptions also reach the checks after it.
    let valid = [to_bytes(&layer()), without_checksum(&to_bytes(&layer()))];
    let mut rng = StdRng::seed_from_u64(7);
    for round in 0..20_000 {
        let mut bytes = valid[round / 4 % 2].clone();
        match round % 4 {
            0 => {
                let i = rng.random_range(0..bytes.len());
                bytes[i] = rng.random();
            }
            1 => bytes.truncate(rng.random_range(0..bytes.len())),
            2 => {
                for _ in 0..rng.random_range(1..8) {
                    let i = rng.random_range(8..bytes.len());
                    let alphabet = b"{}[]\":,0123456789-.e \\u";
                    bytes[i] = alphabet[rng.random_range(0..alphabet.len())];
                }
            }
            _ => {
                let len = rng.random_range(0..64);
                bytes = (0..len).map(|_| rng.random()).collect();
                if len >= 8 && rng.random() {
                    bytes[..8].copy_from_slice(&((len - 8) as u64).to_le_bytes());
                }
            }
        }
        let _ = load_bytes(&bytes, &layer());
    }
}
