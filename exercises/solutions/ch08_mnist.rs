//! Chapter 8: reference solutions. (Being written.)
