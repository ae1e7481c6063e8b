//! Chapter 8's checks. (Being written.)

use crate::catalog::Exercise;

/// Chapter 8's exercises.
pub const EXERCISES: &[Exercise] = &[];
