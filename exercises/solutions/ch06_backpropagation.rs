//! Chapter 6: reference solutions. (Being written.)
