//! Chapter 1: reference solutions. (Being written.)
