//! Chapter 7: reference solutions. (Being written.)
