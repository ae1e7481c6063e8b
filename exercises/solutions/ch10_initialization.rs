//! Chapter 10: reference solutions. (Being written.)
