//! Saving and loading models in the safetensors format: round trips, the layout PyTorch expects,
//! every way a file can be broken (a checksum catches a flipped bit), a file saved from another
//! architecture, and atomic saves that never replace anything but a regular file; and a CNN whose
//! weights come from PyTorch (`cnn`).

use nabla::Batch;
use nabla::model_file::{self, ModelFileError};
use nabla::network::{Network, Parameters, TensorSpec};
use nabla::rand::rngs::StdRng;
use nabla::rand::{Rng, SeedableRng};
use std::path::{Path, PathBuf};

#[path = "model_file/cnn.rs"]
mod cnn;

nabla::network! {
    /// The headline network.
    struct Mnist: 784 => relu 128 => softmax 10
}

nabla::network! {
    /// A small network with three layers, for `f64`.
    struct Small: 3 => tanh 5 => sigmoid 4 => softmax 2
}

/// A fresh, empty directory for one test.
fn scratch(test: &str) -> PathBuf {
    let directory = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("model_file")
        .join(test);
    let _ = std::fs::remove_dir_all(&directory);
    std::fs::create_dir_all(&directory).unwrap();
    directory
}

fn files_in(directory: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(directory)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn parameters<T: nabla::Scalar>(model: &impl Parameters<T>) -> Vec<T> {
    let mut all = Vec::new();
    model.visit(&mut |tensor| all.extend_from_slice(tensor));
    all
}

fn random_batch<const IN: usize, T: nabla::Scalar>(
    samples: usize,
    rng: &mut StdRng,
) -> Batch<T, IN> {
    Batch::from_fn(samples, |_, _| T::of(rng.random_range(0.0..1.0)))
}

fn small_model() -> Small<f64> {
    Small::new(&mut StdRng::seed_from_u64(3))
}

/// A file with the header `header` (JSON) followed by `data`.
fn file_with_header(header: &str, data: &[u8]) -> Vec<u8> {
    let mut bytes = (header.len() as u64).to_le_bytes().to_vec();
    bytes.extend_from_slice(header.as_bytes());
    bytes.extend_from_slice(data);
    bytes
}

/// The CRC-32 (IEEE, as zlib and PNG compute it) of `bytes`, bit by bit: an implementation
/// independent of the library's.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// `header` without its `nabla.crc32` entry, as a tool that does not write one would save it.
fn without_checksum(header: &str) -> String {
    let start = header.find(r#","nabla.crc32":"0x"#).expect("a checksum");
    let end = start + r#","nabla.crc32":"0x12345678""#.len();
    format!("{}{}", &header[..start], &header[end..])
}

/// The header and data of a saved file.
fn split(bytes: &[u8]) -> (String, Vec<u8>) {
    let length = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    (
        String::from_utf8(bytes[8..8 + length].to_vec()).unwrap(),
        bytes[8 + length..].to_vec(),
    )
}

/// Writes `bytes` to a file and loads it into a `Small<f64>`, returning the error message.
fn load_error(test: &str, bytes: &[u8]) -> String {
    let path = scratch(test).join("model.safetensors");
    std::fs::write(&path, bytes).unwrap();
    let mut model = small_model();
    let before = model.clone();
    let error = model_file::load_into(&path, &mut model).expect_err("the load should fail");
    assert_eq!(model, before, "a failed load leaves the model unchanged");
    let message = error.to_string();
    assert!(
        message.starts_with(&path.display().to_string())
            || message.contains(&path.display().to_string()),
        "{message:?} names the file"
    );
    message.replace(&path.display().to_string(), "FILE")
}

#[test]
fn mnist_network_round_trips_with_identical_parameters_and_predictions() {
    let directory = scratch("mnist_round_trip");
    let path = directory.join("mnist.safetensors");
    let mut rng = StdRng::seed_from_u64(1);
    let original = Mnist::<f32>::new(&mut rng);
    model_file::save(&path, &original).unwrap();
    let loaded = model_file::load(&path, &Mnist::<f32>::zeros()).unwrap();
    assert_eq!(parameters(&loaded), parameters(&original));
    let input = random_batch::<784, f32>(16, &mut rng);
    assert_eq!(loaded.predict(&input), original.predict(&input));
    // 8-byte length + header + 101 770 four-byte numbers.
    let (header, data) = split(&std::fs::read(&path).unwrap());
    assert_eq!(data.len(), 4 * original.parameter_count());
    assert!(header.contains(
        r#""layer1.weight":{"dtype":"F32","shape":[128,784],"data_offsets":[0,401408]}"#
    ));
    assert!(header.contains(&format!(
        r#""__metadata__":{{"format":"pt","architecture":"784 => relu 128 => softmax 10","nabla.crc32":"{:#010x}"}}"#,
        crc32(&data)
    )));
    assert_eq!(files_in(&directory), ["mnist.safetensors"]);
}

#[test]
fn small_f64_network_round_trips() {
    let path = scratch("small_round_trip").join("small.safetensors");
    let original = small_model();
    model_file::save(&path, &original).unwrap();
    let mut loaded = Small::<f64>::zeros();
    model_file::load_into(&path, &mut loaded).unwrap();
    assert_eq!(loaded, original);
    let input = random_batch::<3, f64>(5, &mut StdRng::seed_from_u64(2));
    assert_eq!(loaded.predict(&input), original.predict(&input));
    let (header, _) = split(&std::fs::read(&path).unwrap());
    assert!(header.contains(r#""layer3.bias":{"dtype":"F64","shape":[2],"#));
}

#[test]
fn tensor_names_and_shapes_follow_pytorch_linear() {
    let names = |specs: Vec<TensorSpec>| -> Vec<(String, Vec<usize>)> {
        specs.into_iter().map(|s| (s.name, s.shape)).collect()
    };
    let expected = |list: &[(&str, &[usize])]| -> Vec<(String, Vec<usize>)> {
        list.iter()
            .map(|(n, s)| (n.to_string(), s.to_vec()))
            .collect()
    };
    assert_eq!(
        names(Mnist::<f32>::zeros().tensor_specs()),
        expected(&[
            ("layer1.weight", &[128, 784]),
            ("layer1.bias", &[128]),
            ("layer2.weight", &[10, 128]),
            ("layer2.bias", &[10]),
        ])
    );
    let mlp = chapters::hand_wired::Mlp::<f32, 4, 3, 2>::new(&mut StdRng::seed_from_u64(0));
    assert_eq!(
        names(mlp.tensor_specs()),
        expected(&[
            ("hidden.weight", &[3, 4]),
            ("hidden.bias", &[3]),
            ("output.weight", &[2, 3]),
            ("output.bias", &[2]),
        ])
    );
    let dense = nabla::dense::Dense::<f64, 4, 3>::zeros();
    assert_eq!(
        names(dense.tensor_specs()),
        expected(&[("weight", &[3, 4]), ("bias", &[3])])
    );
}

#[test]
fn hand_wired_mlp_round_trips() {
    use chapters::hand_wired::Mlp;
    let path = scratch("mlp_round_trip").join("mlp.safetensors");
    let original = Mlp::<f32, 6, 5, 3>::new(&mut StdRng::seed_from_u64(4));
    model_file::save(&path, &original).unwrap();
    let loaded = model_file::load(&path, &original).unwrap();
    assert_eq!(parameters(&loaded), parameters(&original));
}

#[test]
fn missing_tensor_is_named_with_its_expected_shape() {
    let mut bytes = model_file::to_bytes(&small_model());
    let (header, data) = split(&bytes);
    let renamed = header.replace("\"layer2.weight\"", "\"layer2.weights\"");
    bytes = file_with_header(&renamed, &data);
    assert_eq!(
        load_error("missing", &bytes),
        "FILE: tensor `layer2.weight` is missing (expected F64 of shape [4, 5])"
    );
}

#[test]
fn extra_tensor_is_named() {
    let (header, data) = split(&model_file::to_bytes(&small_model()));
    let mut extended = data.clone();
    extended.extend_from_slice(&1.0f64.to_le_bytes());
    // A tensor added by another tool, which writes no checksum.
    let header = without_checksum(&header)
        .trim_end()
        .strip_suffix('}')
        .unwrap()
        .to_string()
        + &format!(
            r#","layer4.bias":{{"dtype":"F64","shape":[1],"data_offsets":[{},{}]}}}}"#,
            data.len(),
            data.len() + 8
        );
    assert_eq!(
        load_error("extra", &file_with_header(&header, &extended)),
        "FILE: unexpected tensor `layer4.bias` (F64 of shape [1]): the model has no parameter of that name"
    );
}

#[test]
fn wrong_shape_names_expected_and_actual() {
    // The transpose of layer1's weight: same size, wrong layout.
    let (header, data) = split(&model_file::to_bytes(&small_model()));
    let header = header.replacen("\"shape\":[5,3]", "\"shape\":[3,5]", 1);
    assert_eq!(
        load_error("shape", &file_with_header(&header, &data)),
        "FILE: tensor `layer1.weight` has shape [3, 5], expected [5, 3]"
    );
}

#[test]
fn wrong_dtype_names_expected_and_actual() {
    // An f32 file loaded into an f64 model.
    let small32 = Small::<f32>::new(&mut StdRng::seed_from_u64(3));
    assert_eq!(
        load_error("dtype", &model_file::to_bytes(&small32)),
        "FILE: tensor `layer1.weight` has dtype F32, expected F64"
    );
}

#[test]
fn truncated_files_are_rejected() {
    let bytes = model_file::to_bytes(&small_model());
    assert_eq!(
        load_error("truncated_length", &bytes[..5]),
        "FILE: truncated model file: the header length needs 8 bytes, but the file has 5"
    );
    let (header, _) = split(&bytes);
    assert_eq!(
        load_error("truncated_header", &bytes[..40]),
        format!(
            "FILE: truncated model file: the header needs {} bytes, but the file has 40",
            8 + header.len()
        )
    );
    let message = load_error("truncated_data", &bytes[..bytes.len() - 8]);
    assert!(
        message.starts_with("FILE: tensor `layer3.bias` has data offsets [")
            && message.ends_with("past the end of the data section (424 bytes): the file is truncated or the offsets are wrong"),
        "{message}"
    );
}

#[test]
fn corrupt_and_oversized_headers_are_rejected() {
    let (_, data) = split(&model_file::to_bytes(&small_model()));
    assert_eq!(
        load_error(
            "corrupt_json",
            &file_with_header("{\"layer1.weight\": {", &data)
        ),
        "FILE: corrupt header: invalid JSON at byte 19: unexpected end of header: expected a key string"
    );
    assert_eq!(
        load_error("not_object", &file_with_header("[1, 2]", &data)),
        "FILE: corrupt header: the header is not a JSON object"
    );
    assert_eq!(
        load_error(
            "no_offsets",
            &file_with_header(
                r#"{"layer1.weight": {"dtype": "F64", "shape": [5, 3]}}"#,
                &data
            )
        ),
        "FILE: corrupt header: tensor `layer1.weight`: no `data_offsets`"
    );
    let mut oversized = u64::MAX.to_le_bytes().to_vec();
    oversized.extend_from_slice(b"{}");
    assert_eq!(
        load_error("oversized", &oversized),
        "FILE: corrupt header: its length field says 18446744073709551615 bytes, more than the limit of 100000000"
    );
    let mut not_utf8 = file_with_header("{\"\u{e9}\":1}", &[]);
    not_utf8[10] = 0xff;
    assert!(load_error("not_utf8", &not_utf8).starts_with("FILE: corrupt header: not UTF-8"));
}

#[test]
fn bad_data_offsets_are_rejected() {
    let (header, data) = split(&model_file::to_bytes(&small_model()));
    // layer1.bias is [120, 160]; make it overlap layer1.weight [0, 120].
    let overlapping = header.replace("[120,160]", "[80,120]");
    assert_eq!(
        load_error("overlap", &file_with_header(&overlapping, &data)),
        "FILE: tensor `layer1.bias` has data offsets [80, 120]: they overlap tensor `layer1.weight` at [0, 120]"
    );
    let out_of_range = header.replace("[120,160]", "[120,99999]");
    assert_eq!(
        load_error("out_of_range", &file_with_header(&out_of_range, &data)),
        "FILE: tensor `layer1.bias` has data offsets [120, 99999]: past the end of the data section (432 bytes): the file is truncated or the offsets are wrong"
    );
    let reversed = header.replace("[120,160]", "[160,120]");
    assert_eq!(
        load_error("reversed", &file_with_header(&reversed, &data)),
        "FILE: tensor `layer1.bias` has data offsets [160, 120]: the begin is after the end"
    );
    let short = header.replace("[120,160]", "[120,152]");
    assert_eq!(
        load_error("short", &file_with_header(&short, &data)),
        "FILE: tensor `layer1.bias` has data offsets [120, 152]: they span 32 bytes, but F64 of shape [5] needs 40"
    );
}

#[test]
fn non_finite_values_are_rejected_with_their_tensor_and_index() {
    let mut model = small_model();
    let bytes = model_file::to_bytes(&model);
    let (header, mut data) = split(&bytes);
    // layer2.weight (shape [4, 5]) starts at byte 160; element [1, 2] is the 7th in row-major order.
    // (A file written by another tool, without a checksum: this file's would catch the change.)
    data[160 + 7 * 8..160 + 8 * 8].copy_from_slice(&f64::NAN.to_le_bytes());
    assert_eq!(
        load_error("nan", &file_with_header(&without_checksum(&header), &data)),
        "FILE: tensor `layer2.weight` holds a non-finite value (NaN) at index [1, 2]"
    );
    model.layer3.bias.as_mut_slice()[1] = f64::NEG_INFINITY;
    assert_eq!(
        load_error("infinity", &model_file::to_bytes(&model)),
        "FILE: tensor `layer3.bias` holds a non-finite value (-inf) at index [1]"
    );
}

#[test]
fn a_missing_file_names_its_path() {
    let path = scratch("missing_file").join("absent.safetensors");
    let error = model_file::load_into(&path, &mut small_model()).unwrap_err();
    assert!(matches!(error, ModelFileError::Io { .. }));
    assert!(
        error
            .to_string()
            .starts_with(&format!("cannot read model file {}: ", path.display())),
        "{error}"
    );
    // It converts into the library's error.
    let error: nabla::Error = error.into();
    assert!(matches!(error, nabla::Error::ModelFile(_)));
}

#[test]
fn saving_replaces_an_existing_file_whole() {
    let directory = scratch("replace");
    let path = directory.join("model.safetensors");
    std::fs::write(&path, vec![0xAB; 100_000]).unwrap();
    let model = small_model();
    model_file::save(&path, &model).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), model_file::to_bytes(&model));
    assert_eq!(files_in(&directory), ["model.safetensors"]);
}

#[test]
fn a_failed_save_leaves_no_partial_or_temporary_file() {
    let model = small_model();
    // The target is a directory: it is refused, not replaced.
    let directory = scratch("failed_save");
    let target = directory.join("model.safetensors");
    std::fs::create_dir(&target).unwrap();
    std::fs::write(target.join("keep"), b"x").unwrap();
    let error = model_file::save(&target, &model).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "cannot save model file {}: it is a directory, not a regular file",
            target.display()
        )
    );
    assert_eq!(files_in(&directory), ["model.safetensors"]);
    assert_eq!(files_in(&target), ["keep"]);

    // The directory does not exist.
    let missing = directory.join("no such directory");
    let nowhere = missing.join("model.safetensors");
    let error = model_file::save(&nowhere, &model).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "cannot save model file {}: the directory {} does not exist",
            nowhere.display(),
            missing.display()
        )
    );
    assert!(!nowhere.exists());
    assert_eq!(files_in(&directory), ["model.safetensors"]);
}

#[cfg(unix)]
#[test]
fn saving_into_a_read_only_directory_fails_cleanly() {
    use std::os::unix::fs::PermissionsExt;
    let directory = scratch("read_only");
    let set_mode =
        |mode| std::fs::set_permissions(&directory, std::fs::Permissions::from_mode(mode)).unwrap();
    set_mode(0o555);
    // Root ignores directory permissions, so the test only means something when they hold.
    let probe = directory.join("probe");
    if std::fs::write(&probe, b"").is_ok() {
        std::fs::remove_file(&probe).unwrap();
        set_mode(0o755);
        eprintln!("skipped: this user can write to read-only directories");
        return;
    }
    let path = directory.join("model.safetensors");
    let checked = model_file::check_save_target(&path);
    let result = model_file::save(&path, &small_model());
    set_mode(0o755);
    for error in [checked.unwrap_err(), result.unwrap_err()] {
        assert_eq!(
            error.to_string(),
            format!(
                "cannot save model file {}: cannot create a file in the directory {}: Permission denied (os error 13)",
                path.display(),
                directory.display()
            )
        );
    }
    assert!(files_in(&directory).is_empty());
}

// Item: a bit flipped on disk used to load silently, as a slightly different model.

#[test]
fn a_flipped_bit_in_the_tensor_data_fails_the_checksum() {
    let bytes = model_file::to_bytes(&small_model());
    let (header, mut data) = split(&bytes);
    let stored = crc32(&data);
    // The lowest mantissa bit of layer1.weight[0, 0]: still a finite number, so without the
    // checksum the file loads as a model that differs from the saved one.
    data[0] ^= 1;
    let computed = crc32(&data);
    assert_eq!(
        load_error("bit_flip", &file_with_header(&header, &data)),
        format!(
            "FILE: the tensor data does not match its checksum (crc32 stored {stored:#010x}, computed {computed:#010x}): the file is damaged"
        )
    );
    // The same damage in a file without a checksum loads, as before: nothing to check it against.
    let mut loaded = Small::<f64>::zeros();
    model_file::from_bytes(
        &file_with_header(&without_checksum(&header), &data),
        &mut loaded,
    )
    .unwrap();
    assert_ne!(loaded, small_model());
}

#[test]
fn files_without_a_checksum_or_architecture_load() {
    // As a tool that writes neither (or only the format) would save the file.
    let original = small_model();
    let (header, data) = split(&model_file::to_bytes(&original));
    let bare = without_checksum(&header).replace(
        r#""architecture":"3 => tanh 5 => sigmoid 4 => softmax 2""#,
        r#""format2":"none""#,
    );
    assert!(
        !bare.contains("architecture") && !bare.contains("crc32"),
        "{bare}"
    );
    let mut loaded = Small::<f64>::zeros();
    model_file::from_bytes(&file_with_header(&bare, &data), &mut loaded).unwrap();
    assert_eq!(loaded, original);
    let no_metadata = format!("{{{}", &bare[bare.find(r#""layer1.weight""#).unwrap()..]);
    let mut loaded = Small::<f64>::zeros();
    model_file::from_bytes(&file_with_header(&no_metadata, &data), &mut loaded).unwrap();
    assert_eq!(loaded, original);
}

#[test]
fn a_malformed_checksum_is_a_corrupt_header() {
    let (header, data) = split(&model_file::to_bytes(&small_model()));
    let start = header.find(r#""nabla.crc32":"0x"#).unwrap() + r#""nabla.crc32":""#.len();
    let header = format!("{}0xZZ{}", &header[..start], &header[start + 10..]);
    assert_eq!(
        load_error("bad_checksum", &file_with_header(&header, &data)),
        r#"FILE: corrupt header: `__metadata__` has nabla.crc32 "0xZZ", which is not a CRC-32 (0x and 8 hex digits)"#
    );
}

#[test]
fn optimizer_state_files_carry_a_checksum_too() {
    let path = scratch("tensors_checksum").join("state.safetensors");
    let metadata = vec![("steps".to_string(), "3".to_string())];
    let tensors = vec![("velocity.0".to_string(), vec![1.0f32, 2.0, 3.0])];
    model_file::save_tensors(&path, &metadata, &tensors).unwrap();
    let (loaded_metadata, loaded) = model_file::load_tensors::<f32>(&path).unwrap();
    assert_eq!(loaded, tensors);
    assert_eq!(
        loaded_metadata.into_iter().collect::<Vec<_>>(),
        metadata,
        "the checksum is checked, not returned"
    );
    let mut bytes = std::fs::read(&path).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x10;
    std::fs::write(&path, &bytes).unwrap();
    let error = model_file::load_tensors::<f32>(&path)
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with(&format!(
            "{}: the tensor data does not match its checksum (crc32 stored 0x",
            path.display()
        )) && error.ends_with("): the file is damaged"),
        "{error}"
    );
}

// Item: a file saved from `784 => tanh 128 => softmax 10` used to load into the ReLU network.

nabla::network! {
    /// The headline network's shape with tanh: the same tensors, another network.
    struct MnistTanh: 784 => tanh 128 => softmax 10
}

nabla::network! {
    /// `Small` with ReLU in its first layer.
    struct SmallRelu: 3 => relu 5 => sigmoid 4 => softmax 2
}

#[test]
fn a_file_of_another_architecture_is_refused_with_both_named() {
    let directory = scratch("architecture");
    let path = directory.join("tanh.safetensors");
    let tanh = MnistTanh::<f32>::new(&mut StdRng::seed_from_u64(5));
    model_file::save(&path, &tanh).unwrap();
    let mut relu = Mnist::<f32>::zeros();
    let error = model_file::load_into(&path, &mut relu).unwrap_err();
    assert!(matches!(error, ModelFileError::ArchitectureMismatch { .. }));
    assert_eq!(
        error.to_string(),
        format!(
            "{}: the model file holds a `784 => tanh 128 => softmax 10` network, but this network is `784 => relu 128 => softmax 10`",
            path.display()
        )
    );
    assert_eq!(relu, Mnist::<f32>::zeros(), "nothing was loaded");
    assert!(model_file::load(&path, &Mnist::<f32>::zeros()).is_err());

    let relu_file = model_file::to_bytes(&SmallRelu::<f64>::new(&mut StdRng::seed_from_u64(1)));
    assert_eq!(
        load_error("architecture_small", &relu_file),
        "FILE: the model file holds a `3 => relu 5 => sigmoid 4 => softmax 2` network, but this network is `3 => tanh 5 => sigmoid 4 => softmax 2`"
    );

    // Without the architecture in its metadata, the file loads: its tensors fit.
    let (header, data) = split(&std::fs::read(&path).unwrap());
    let anonymous = header.replace(
        r#""architecture":"784 => tanh 128 => softmax 10""#,
        r#""architecture2":"?""#,
    );
    model_file::from_bytes(&file_with_header(&anonymous, &data), &mut relu).unwrap();
    assert_eq!(parameters(&relu), parameters(&tanh));
}

#[test]
fn a_model_without_a_declared_architecture_loads_by_its_tensors() {
    // `Dense` keeps the default architecture (its type's name), which is not compared: a file
    // whose architecture says something else loads if its tensors fit.
    let dense =
        nabla::dense::Dense::<f64, 4, 3>::new(nabla::init::Init::He, &mut StdRng::seed_from_u64(2));
    let (header, data) = split(&model_file::to_bytes(&dense));
    let start = header.find(r#""architecture":""#).unwrap();
    let end = header[start..].find(r#"",""#).unwrap() + start + 1;
    let renamed = format!(
        r#"{}"architecture":"4 => relu 3"{}"#,
        &header[..start],
        &header[end..]
    );
    let mut loaded = nabla::dense::Dense::<f64, 4, 3>::zeros();
    model_file::from_bytes(&file_with_header(&renamed, &data), &mut loaded).unwrap();
    assert_eq!(loaded, dense);
}

// Item: `--save /dev/full` turned the device into a regular file; a FIFO and a symlink were
// replaced too.

/// Makes a FIFO at `path`, or says why not (then the test is skipped).
#[cfg(unix)]
fn make_fifo(path: &Path) -> bool {
    match std::process::Command::new("mkfifo").arg(path).status() {
        Ok(status) if status.success() => true,
        outcome => {
            eprintln!("skipped: mkfifo is unavailable ({outcome:?})");
            false
        }
    }
}

#[cfg(unix)]
fn is_fifo(path: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    std::fs::symlink_metadata(path)
        .unwrap()
        .file_type()
        .is_fifo()
}

#[cfg(unix)]
#[test]
fn a_fifo_is_refused_and_stays_a_fifo() {
    let directory = scratch("fifo");
    let fifo = directory.join("model.safetensors");
    if !make_fifo(&fifo) {
        return;
    }
    let expected = format!(
        "cannot save model file {}: it is a FIFO (named pipe), not a regular file",
        fifo.display()
    );
    let checked = model_file::check_save_target(&fifo).unwrap_err();
    assert!(matches!(checked, ModelFileError::NotRegularFile { .. }));
    assert_eq!(checked.to_string(), expected);
    let saved = model_file::save(&fifo, &small_model()).unwrap_err();
    assert_eq!(saved.to_string(), expected);
    assert!(is_fifo(&fifo), "the FIFO was not replaced");
    assert_eq!(
        files_in(&directory),
        ["model.safetensors"],
        "no temporary file left"
    );

    // The same through a symlink to the FIFO.
    let link = directory.join("link.safetensors");
    std::os::unix::fs::symlink("model.safetensors", &link).unwrap();
    assert_eq!(
        model_file::save(&link, &small_model())
            .unwrap_err()
            .to_string(),
        format!(
            "cannot save model file {}: it is a symlink to {}, which is a FIFO (named pipe), not a regular file",
            link.display(),
            fifo.display()
        )
    );
    assert!(is_fifo(&fifo));
    assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
}

#[cfg(unix)]
#[test]
fn a_symlink_is_followed_and_kept() {
    let directory = scratch("symlink");
    std::fs::create_dir(directory.join("runs")).unwrap();
    let file = directory.join("runs").join("best.safetensors");
    std::fs::write(&file, b"an older model").unwrap();
    let link = directory.join("model.safetensors");
    std::os::unix::fs::symlink("runs/best.safetensors", &link).unwrap();

    let target = model_file::check_save_target(&link).unwrap();
    assert_eq!(
        target,
        model_file::SaveTarget {
            path: link.clone(),
            file: file.clone(),
            followed_symlink: true,
            exists: true,
        }
    );
    assert_eq!(
        target.symlink_note().unwrap(),
        format!(
            "{} is a symlink to {}: writing {}",
            link.display(),
            file.display(),
            file.display()
        )
    );

    let model = small_model();
    model_file::save(&link, &model).unwrap();
    assert_eq!(
        std::fs::read_link(&link).unwrap(),
        Path::new("runs/best.safetensors"),
        "the symlink stays"
    );
    assert_eq!(std::fs::read(&file).unwrap(), model_file::to_bytes(&model));
    assert_eq!(files_in(&directory), ["model.safetensors", "runs"]);
    assert_eq!(files_in(&directory.join("runs")), ["best.safetensors"]);

    // A symlink to a file that does not exist yet creates that file.
    let dangling = directory.join("next.safetensors");
    std::os::unix::fs::symlink("runs/next.safetensors", &dangling).unwrap();
    let target = model_file::check_save_target(&dangling).unwrap();
    assert!(target.followed_symlink && !target.exists);
    model_file::save(&dangling, &model).unwrap();
    assert!(std::fs::symlink_metadata(&dangling).unwrap().is_symlink());
    assert_eq!(
        model_file::load(&dangling, &Small::<f64>::zeros()).unwrap(),
        model
    );

    // A plain file is its own target.
    let plain = directory.join("plain.safetensors");
    let target = model_file::check_save_target(&plain).unwrap();
    assert!(!target.followed_symlink && !target.exists && target.symlink_note().is_none());
    assert_eq!(target.file, plain);
    assert!(!plain.exists(), "checking leaves nothing behind");

    // A symlink loop.
    let looped = directory.join("loop.safetensors");
    std::os::unix::fs::symlink("loop.safetensors", &looped).unwrap();
    assert_eq!(
        model_file::save(&looped, &model).unwrap_err().to_string(),
        format!(
            "cannot inspect model file {}: more than 40 symlinks to follow (a symlink loop?)",
            looped.display()
        )
    );
}

#[test]
fn a_missing_or_unusable_directory_is_named_before_anything_is_written() {
    let directory = scratch("directories");
    let missing = directory.join("missing");
    let path = missing.join("model.safetensors");
    assert_eq!(
        model_file::check_save_target(&path)
            .unwrap_err()
            .to_string(),
        format!(
            "cannot save model file {}: the directory {} does not exist",
            path.display(),
            missing.display()
        )
    );
    let file = directory.join("a file");
    std::fs::write(&file, b"x").unwrap();
    let path = file.join("model.safetensors");
    for error in [
        model_file::check_save_target(&path).unwrap_err(),
        model_file::save(&path, &small_model()).unwrap_err(),
    ] {
        assert_eq!(
            error.to_string(),
            format!(
                "cannot save model file {}: {} is not a directory",
                path.display(),
                file.display()
            )
        );
    }
    assert_eq!(files_in(&directory), ["a file"]);
    // A bare file name is saved in the current directory.
    let target = model_file::check_save_target("model.safetensors").unwrap();
    assert_eq!(target.file, Path::new("model.safetensors"));
}
