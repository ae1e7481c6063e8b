//! Chapter 9's checks. (Being written.)

use crate::catalog::Exercise;

/// Chapter 9's exercises.
pub const EXERCISES: &[Exercise] = &[];
