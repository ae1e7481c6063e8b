//! Chapter 3's checks. (Being written.)

use crate::catalog::Exercise;

/// Chapter 3's exercises.
pub const EXERCISES: &[Exercise] = &[];
