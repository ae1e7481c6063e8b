//! Chapter 1: exercises. Fill in each function marked `EXERCISE`, then run
//! `cargo run --release -- exercises check ch01`. (Being written.)
