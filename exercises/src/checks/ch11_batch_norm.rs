//! Chapter 11's checks. (Being written.)

use crate::catalog::Exercise;

/// Chapter 11's exercises.
pub const EXERCISES: &[Exercise] = &[];
