//! Chapter 4's checks. (Being written.)

use crate::catalog::Exercise;

/// Chapter 4's exercises.
pub const EXERCISES: &[Exercise] = &[];
