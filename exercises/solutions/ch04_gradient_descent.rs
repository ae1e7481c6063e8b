//! Chapter 4: reference solutions. (Being written.)
