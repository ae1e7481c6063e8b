//! Chapter 7's checks. (Being written.)

use crate::catalog::Exercise;

/// Chapter 7's exercises.
pub const EXERCISES: &[Exercise] = &[];
