//! Chapter 9: exercises. Fill in each function marked `EXERCISE`, then run
//! `cargo run --release -- exercises check ch09`. (Being written.)
