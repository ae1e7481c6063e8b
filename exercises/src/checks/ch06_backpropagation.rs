//! Chapter 6's checks. (Being written.)

use crate::catalog::Exercise;

/// Chapter 6's exercises.
pub const EXERCISES: &[Exercise] = &[];
