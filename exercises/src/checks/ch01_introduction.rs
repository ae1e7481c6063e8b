//! Chapter 1's checks. (Being written.)

use crate::catalog::Exercise;

/// Chapter 1's exercises.
pub const EXERCISES: &[Exercise] = &[];
