//! Chapter 3: reference solutions. (Being written.)
