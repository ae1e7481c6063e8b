//! Chapter 12's checks. (Being written.)

use crate::catalog::Exercise;

/// Chapter 12's exercises.
pub const EXERCISES: &[Exercise] = &[];
