//! Reading MNIST: the committed files load and match their checksums, and every way an IDX file
//! can be broken is reported as the right error, with a message that names the file and the
//! problem.

use flate2::Compression;
use flate2::write::GzEncoder;
use nabla::data::DataError;
use nabla::data::idx::{self, IMAGES_MAGIC, LABELS_MAGIC};
use nabla::data::mnist::{self, CLASSES, PIXELS, RawDigits};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A fresh directory under the system's temporary directory, removed when dropped.
struct ScratchDir(PathBuf);

impl ScratchDir {
    fn new(name: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let unique = format!(
            "nabla-tests-{}-{}-{name}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let path = std::env::temp_dir().join(unique);
        std::fs::create_dir_all(&path).expect("create a scratch directory");
        Self(path)
    }

    /// Writes `bytes` to `name` in the directory (gzipped first if the name ends in `.gz`).
    fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.0.join(name);
        let contents = if name.ends_with(".gz") {
            gzip(bytes)
        } else {
            bytes.to_vec()
        };
        std::fs::write(&path, contents).expect("write a scratch file");
        path
    }

    /// Writes `bytes` to `name` exactly as given.
    fn write_raw(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, bytes).expect("write a scratch file");
        path
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::fast());
    encoder.write_all(bytes).expect("compress in memory");
    encoder.finish().expect("compress in memory")
}

/// An IDX file: the magic number, each dimension as a big-endian u32, then the data.
fn idx_file(magic: u32, dimensions: &[u32], data: &[u8]) -> Vec<u8> {
    let mut bytes = magic.to_be_bytes().to_vec();
    for dimension in dimensions {
        bytes.extend(dimension.to_be_bytes());
    }
    bytes.extend(data);
    bytes
}

/// `count` 28 × 28 images; pixel `p` of image `i` is `(i * 31 + p) % 256`.
fn image_pixels(count: usize) -> Vec<u8> {
    (0..count * PIXELS)
        .map(|k| ((k / PIXELS) * 31 + k % PIXELS) as u8)
        .collect()
}

fn images_file(count: usize) -> Vec<u8> {
    idx_file(IMAGES_MAGIC, &[count as u32, 28, 28], &image_pixels(count))
}

fn labels_file(labels: &[u8]) -> Vec<u8> {
    idx_file(LABELS_MAGIC, &[labels.len() as u32], labels)
}

/// Asserts the message names the file (by its full path) and contains every phrase.
fn assert_message(error: &DataError, path: &Path, phrases: &[&str]) {
    let message = error.to_string();
    assert!(
        message.contains(&path.display().to_string()),
        "the message does not name {}: {message}",
        path.display()
    );
    for phrase in phrases {
        assert!(
            message.contains(phrase),
            "the message lacks {phrase:?}: {message}"
        );
    }
}

#[test]
fn small_valid_files_load_exactly_plain_and_gzipped() {
    let dir = ScratchDir::new("valid");
    let labels = [7u8, 0, 9];
    for suffix in ["", ".gz"] {
        let images = dir.write(&format!("images{suffix}"), &images_file(3));
        let label_file = dir.write(&format!("labels{suffix}"), &labels_file(&labels));
        let digits = mnist::load_split(&images, &label_file).expect("valid files load");
        assert_eq!(
            digits,
            RawDigits {
                pixels: image_pixels(3),
                labels: labels.to_vec()
            }
        );
    }
    // To a data set: pixels scaled to [0, 1], labels one-hot.
    let digits = RawDigits {
        pixels: image_pixels(3),
        labels: labels.to_vec(),
    };
    let data = digits.to_dataset::<f64>();
    assert_eq!(data.len(), 3);
    assert_eq!(data.labels(), vec![7, 0, 9]);
    assert_eq!(data.inputs[(5, 1)], f64::from(31 + 5) / 255.0);
    assert_eq!(data.targets.column(2).sum(), 1.0);
}

#[test]
fn wrong_magic_number_is_reported() {
    let dir = ScratchDir::new("magic");
    let labels = dir.write("labels", &labels_file(&[1, 2]));
    // A label file where an image file belongs.
    let images = dir.write("images", &labels_file(&[1, 2]));
    let error = mnist::load_split(&images, &labels).unwrap_err();
    assert!(
        matches!(
            error,
            DataError::BadMagic {
                found: LABELS_MAGIC,
                expected: IMAGES_MAGIC,
                ..
            }
        ),
        "{error:?}"
    );
    assert_message(
        &error,
        &images,
        &["magic number", "0x00000801", "0x00000803", "image file"],
    );
    // A file of 16-bit integers (element type 0x0b) where labels belong.
    let shorts = dir.write("shorts", &idx_file(0x0000_0b01, &[2], &[0, 1, 0, 2]));
    let error = idx::read(&shorts, LABELS_MAGIC).unwrap_err();
    assert!(
        matches!(error, DataError::BadMagic { found: 0x0b01, .. }),
        "{error:?}"
    );
    assert_message(
        &error,
        &shorts,
        &["magic number", "0x00000b01", "label file"],
    );
}

#[test]
fn truncated_header_is_reported() {
    let dir = ScratchDir::new("header");
    // Not even a magic number.
    let stub = dir.write("stub", &[0, 0, 8]);
    let error = idx::read(&stub, LABELS_MAGIC).unwrap_err();
    assert!(
        matches!(
            error,
            DataError::TruncatedHeader {
                len: 3,
                needed: 4,
                ..
            }
        ),
        "{error:?}"
    );
    assert_message(&error, &stub, &["3 bytes", "too short", "header"]);
    // An image file's magic number and only two of its three dimensions.
    let partial = dir.write("partial", &idx_file(IMAGES_MAGIC, &[10, 28], &[]));
    let error = idx::read(&partial, IMAGES_MAGIC).unwrap_err();
    assert!(
        matches!(
            error,
            DataError::TruncatedHeader {
                len: 12,
                needed: 16,
                ..
            }
        ),
        "{error:?}"
    );
    assert_message(&error, &partial, &["12 bytes", "16 bytes", "header"]);
    // An empty file, gzipped: the decompressed length counts.
    let empty = dir.write("empty.gz", &[]);
    let error = idx::read(&empty, LABELS_MAGIC).unwrap_err();
    assert!(
        matches!(error, DataError::TruncatedHeader { len: 0, .. }),
        "{error:?}"
    );
    assert_message(&error, &empty, &["0 bytes", "header"]);
}

#[test]
fn truncated_data_is_reported() {
    let dir = ScratchDir::new("truncated");
    let mut bytes = images_file(2);
    bytes.truncate(bytes.len() - 100);
    let images = dir.write("images.gz", &bytes);
    let labels = dir.write("labels.gz", &labels_file(&[3, 4]));
    let error = mnist::load_split(&images, &labels).unwrap_err();
    let (expected, found) = (2 * PIXELS, 2 * PIXELS - 100);
    assert!(
        matches!(error, DataError::LengthMismatch { expected: e, found: f, .. } if e == expected && f == found),
        "{error:?}"
    );
    assert_message(
        &error,
        &images,
        &[
            &format!("{expected} bytes"),
            &found.to_string(),
            "truncated",
        ],
    );
}

#[test]
fn count_in_header_must_match_the_data_length() {
    let dir = ScratchDir::new("count");
    // The header says 5 labels; the file holds 7.
    let labels = dir.write(
        "labels",
        &idx_file(LABELS_MAGIC, &[5], &[1, 2, 3, 4, 5, 6, 7]),
    );
    let error = idx::read(&labels, LABELS_MAGIC).unwrap_err();
    assert!(
        matches!(
            error,
            DataError::LengthMismatch {
                expected: 5,
                found: 7,
                ..
            }
        ),
        "{error:?}"
    );
    assert_message(&error, &labels, &["announces 5 bytes", "holds 7"]);
    // Dimensions whose product overflows cannot match any file.
    let huge = dir.write(
        "huge",
        &idx_file(IMAGES_MAGIC, &[u32::MAX, u32::MAX, u32::MAX], &[0; 8]),
    );
    let error = idx::read(&huge, IMAGES_MAGIC).unwrap_err();
    assert!(
        matches!(error, DataError::LengthMismatch { found: 8, .. }),
        "{error:?}"
    );
    assert_message(&error, &huge, &["holds 8"]);
}

#[test]
fn label_outside_the_ten_classes_is_reported() {
    let dir = ScratchDir::new("label");
    let images = dir.write("images", &images_file(4));
    let labels = dir.write("labels", &labels_file(&[0, 9, 10, 3]));
    let error = mnist::load_split(&images, &labels).unwrap_err();
    assert!(
        matches!(
            error,
            DataError::BadLabel {
                label: 10,
                index: 2,
                classes: CLASSES,
                ..
            }
        ),
        "{error:?}"
    );
    assert_message(&error, &labels, &["label 10", "index 2", "below 10"]);
}

#[test]
fn image_and_label_counts_must_agree() {
    let dir = ScratchDir::new("mismatch");
    let images = dir.write("images.gz", &images_file(3));
    let labels = dir.write("labels.gz", &labels_file(&[1, 2]));
    let error = mnist::load_split(&images, &labels).unwrap_err();
    assert!(
        matches!(
            error,
            DataError::CountMismatch {
                image_count: 3,
                label_count: 2,
                ..
            }
        ),
        "{error:?}"
    );
    // Both files are named.
    assert_message(&error, &images, &["3 images", "2 labels"]);
    assert_message(&error, &labels, &[]);
}

#[test]
fn images_must_be_28_by_28() {
    let dir = ScratchDir::new("dimensions");
    let labels = dir.write("labels", &labels_file(&[1, 2]));
    let images = dir.write(
        "images",
        &idx_file(IMAGES_MAGIC, &[2, 28, 27], &vec![0; 2 * 28 * 27]),
    );
    let error = mnist::load_split(&images, &labels).unwrap_err();
    assert!(
        matches!(error, DataError::BadDimensions { .. }),
        "{error:?}"
    );
    assert_message(&error, &images, &["28×27", "expected 28×28"]);
}

#[test]
fn missing_file_is_reported() {
    let dir = ScratchDir::new("missing");
    let images = dir.write("images", &images_file(1));
    let absent = dir.0.join("no-such-labels.gz");
    let error = mnist::load_split(&images, &absent).unwrap_err();
    match &error {
        DataError::Io { path, source } => {
            assert_eq!(path, &absent);
            assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
        }
        other => panic!("expected an I/O error, got {other:?}"),
    }
    assert_message(&error, &absent, &["cannot read"]);
    // As the library's error, the message is unchanged.
    let message = error.to_string();
    assert_eq!(nabla::Error::from(error).to_string(), message);
    // `load` names the missing file too.
    let error = mnist::load(&dir.0).unwrap_err();
    assert!(matches!(error, DataError::Io { .. }), "{error:?}");
    assert_message(&error, &dir.0.join("train-images-idx3-ubyte.gz"), &[]);
}

#[test]
fn bad_gzip_is_reported() {
    let dir = ScratchDir::new("gzip");
    // A download cut short: the first half of a real gzip stream.
    let whole = gzip(&images_file(2));
    let cut = dir.write_raw("images.gz", &whole[..whole.len() / 2]);
    let error = idx::read(&cut, IMAGES_MAGIC).unwrap_err();
    assert!(matches!(error, DataError::Gzip { .. }), "{error:?}");
    assert_message(&error, &cut, &["not valid gzip", "download"]);
    // Cut short within the signature itself.
    let stub = dir.write_raw("labels.gz", &[0x1f]);
    let error = idx::read(&stub, LABELS_MAGIC).unwrap_err();
    assert!(matches!(error, DataError::Gzip { .. }), "{error:?}");
    assert_message(&error, &stub, &["not valid gzip", "download"]);
}

#[test]
fn a_gz_file_that_is_not_gzipped_is_reported_as_such() {
    let dir = ScratchDir::new("not-gzip");
    // Uncompressed IDX files with `.gz` names: the message says what they seem to be.
    let labels = dir.write_raw("labels.gz", &labels_file(&[1, 2, 3]));
    let error = idx::read(&labels, LABELS_MAGIC).unwrap_err();
    assert!(
        matches!(
            error,
            DataError::NotGzip {
                idx_magic: Some(LABELS_MAGIC),
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        format!(
            "{} is not gzip-compressed (it does not start with the gzip signature 1f 8b); it \
             starts with 00 00 08 01, the magic number of an IDX label file, so it seems to be \
             an uncompressed IDX file: gzip it and keep its name (a data directory must hold \
             the four `.gz` files), or, where a single file is read, rename it without `.gz` \
             (such files are read uncompressed)",
            labels.display()
        )
    );
    let images = dir.write_raw("images.gz", &images_file(2));
    let error = mnist::load_split(&images, &labels).unwrap_err();
    assert!(
        matches!(
            error,
            DataError::NotGzip {
                idx_magic: Some(IMAGES_MAGIC),
                ..
            }
        ),
        "{error:?}"
    );
    assert_message(&error, &images, &["00 00 08 03", "IDX image file"]);
    // The hint is true: the same bytes without `.gz` in the name are read uncompressed.
    let renamed = dir.0.join("labels");
    std::fs::rename(&labels, &renamed).expect("rename a scratch file");
    assert_eq!(
        idx::read(&renamed, LABELS_MAGIC)
            .expect("an uncompressed IDX file loads")
            .data,
        [1, 2, 3]
    );
    // Anything else that is not gzip gets no hint; nor does a download, cut short or not.
    for (name, bytes) in [
        ("text.gz", &b"<html>404 Not Found</html>"[..]),
        ("zip.gz", &[0x50, 0x4b, 0x03, 0x04, 0, 0][..]),
        ("shorts.gz", &idx_file(0x0000_0b01, &[2], &[0, 1, 0, 2])[..]),
        ("one-byte.gz", &[0x00][..]),
    ] {
        let path = dir.write_raw(name, bytes);
        let error = idx::read(&path, LABELS_MAGIC).unwrap_err();
        assert!(
            matches!(
                error,
                DataError::NotGzip {
                    idx_magic: None,
                    ..
                }
            ),
            "{name}: {error:?}"
        );
        assert_eq!(
            error.to_string(),
            format!(
                "{} is not gzip-compressed (it does not start with the gzip signature 1f 8b)",
                path.display()
            )
        );
    }
}

/// The four MNIST files, as named in `SHA256SUMS`.
const MNIST_FILES: [&str; 4] = [
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
];

#[test]
fn mnist_files_match_their_sha256_sums() {
    let dir = mnist::default_dir();
    let sums = std::fs::read_to_string(dir.join("SHA256SUMS")).expect("data/mnist/SHA256SUMS");
    let mut listed: Vec<&str> = Vec::new();
    for line in sums.lines().filter(|line| !line.trim().is_empty()) {
        let (expected, name) = line
            .split_once(char::is_whitespace)
            .expect("`<sum>  <file>`");
        let name = name.trim().trim_start_matches('*');
        let bytes = std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let actual: String = Sha256::digest(&bytes)
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect();
        assert_eq!(actual, expected.to_lowercase(), "{name}");
        listed.push(name);
    }
    listed.sort_unstable();
    let mut all = MNIST_FILES.to_vec();
    all.sort_unstable();
    assert_eq!(listed, all, "SHA256SUMS lists exactly the four MNIST files");
}

#[test]
fn mnist_loads_60000_training_and_10000_test_images() {
    let digits = mnist::load(&mnist::default_dir()).expect("the committed MNIST files load");
    for (split, raw, count) in [
        ("train", &digits.train, 60_000),
        ("test", &digits.test, 10_000),
    ] {
        assert_eq!(raw.len(), count, "{split} labels");
        assert_eq!(raw.pixels.len(), count * PIXELS, "{split} pixels");
        let mut per_class = [0usize; CLASSES];
        for &label in &raw.labels {
            per_class[usize::from(label)] += 1;
        }
        // Every digit is well represented (each is 9–11% of either split).
        for (digit, &n) in per_class.iter().enumerate() {
            assert!(
                n > count / 12 && n < count / 8,
                "{split}: {n} images of {digit}"
            );
        }
        // Images are ink on white: mostly zero pixels, some fully inked.
        let zeros = raw.pixels.iter().filter(|&&p| p == 0).count();
        assert!(
            zeros > raw.pixels.len() / 2,
            "{split}: {zeros} blank pixels"
        );
        assert!(raw.pixels.contains(&255));
    }
    // The well-known first labels of each file.
    assert_eq!(digits.train.labels[..5], [5, 0, 4, 1, 9]);
    assert_eq!(digits.test.labels[..5], [7, 2, 1, 0, 4]);
}
