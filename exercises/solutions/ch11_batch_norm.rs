//! Chapter 11: reference solutions. (Being written.)
