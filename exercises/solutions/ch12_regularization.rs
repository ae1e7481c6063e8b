//! Chapter 12: reference solutions. (Being written.)
