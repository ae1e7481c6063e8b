//! Chapter 10's checks. (Being written.)

use crate::catalog::Exercise;

/// Chapter 10's exercises.
pub const EXERCISES: &[Exercise] = &[];
