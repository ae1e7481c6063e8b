//! The MNIST handwritten digits: 60,000 training and 10,000 test images of 28 × 28 pixels.
//!
//! Yann LeCun, Corinna Cortes and Christopher J.C. Burges, "The MNIST database of handwritten
//! digits", licensed CC BY-SA 3.0. The four gzipped IDX files are committed under `data/mnist/`.

use super::Dataset;
use super::idx::{self, DataError, IMAGES_MAGIC, LABELS_MAGIC};
use crate::Scalar;
use crate::batch::{Batch, one_hot};
use std::path::{Path, PathBuf};

/// Pixels per image.
pub const PIXELS: usize = 28 * 28;
/// Digit classes.
pub const CLASSES: usize = 10;

/// MNIST as raw bytes: `pixels` holds `labels.len()` images of 784 bytes (0 = white, 255 = ink).
#[derive(Clone, Debug, PartialEq)]
pub struct RawDigits {
    /// The pixels, image after image, row after row.
    pub pixels: Vec<u8>,
    /// The digit shown by each image.
    pub labels: Vec<u8>,
}

impl RawDigits {
    /// The number of images.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether there are no images.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    // ANCHOR: scale
    /// Pixels scaled to [0, 1] as inputs, labels as one-hot targets.
    pub fn to_dataset<T: Scalar>(&self) -> Dataset<T, PIXELS, CLASSES> {
        let scale = T::of(1.0 / 255.0);
        let inputs = Batch::from_iterator(
            self.len(),
            self.pixels.iter().map(|&p| T::of(f64::from(p)) * scale),
        );
        Dataset::new(inputs, one_hot(&self.labels))
    }
    // ANCHOR_END: scale
}

/// The training and test sets.
#[derive(Clone, Debug, PartialEq)]
pub struct Mnist {
    /// 60,000 training images.
    pub train: RawDigits,
    /// 10,000 test images.
    pub test: RawDigits,
}

/// The directory holding the MNIST files in this repository.
pub fn default_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("data")
        .join("mnist")
}

/// The training images.
pub const TRAIN_IMAGES: &str = "train-images-idx3-ubyte.gz";
/// The training labels.
pub const TRAIN_LABELS: &str = "train-labels-idx1-ubyte.gz";
/// The test images.
pub const TEST_IMAGES: &str = "t10k-images-idx3-ubyte.gz";
/// The test labels.
pub const TEST_LABELS: &str = "t10k-labels-idx1-ubyte.gz";
/// The four files of the data set, in the order of its documentation.
pub const FILES: [&str; 4] = [TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS];

/// Loads both sets from `dir`, which holds the four `*-ubyte.gz` files.
pub fn load(dir: &Path) -> Result<Mnist, DataError> {
    Ok(Mnist {
        train: load_split(&dir.join(TRAIN_IMAGES), &dir.join(TRAIN_LABELS))?,
        test: load_split(&dir.join(TEST_IMAGES), &dir.join(TEST_LABELS))?,
    })
}

/// Loads and cross-checks one image file and its label file.
pub fn load_split(images_path: &Path, labels_path: &Path) -> Result<RawDigits, DataError> {
    let images = idx::read(images_path, IMAGES_MAGIC)?;
    if images.dimensions[1..] != [28, 28] {
        return Err(DataError::BadDimensions {
            path: images_path.into(),
            message: format!(
                "images are {}×{} pixels, expected 28×28",
                images.dimensions[1], images.dimensions[2]
            ),
        });
    }
    let labels = idx::read(labels_path, LABELS_MAGIC)?;
    if let Some(index) = labels.data.iter().position(|&l| usize::from(l) >= CLASSES) {
        return Err(DataError::BadLabel {
            path: labels_path.into(),
            label: labels.data[index],
            index,
            classes: CLASSES,
        });
    }
    if images.dimensions[0] != labels.dimensions[0] {
        return Err(DataError::CountMismatch {
            images: images_path.into(),
            image_count: images.dimensions[0],
            labels: labels_path.into(),
            label_count: labels.dimensions[0],
        });
    }
    Ok(RawDigits {
        pixels: images.data,
        labels: labels.data,
    })
}
