//! Chapter 9: reference solutions. (Being written.)
