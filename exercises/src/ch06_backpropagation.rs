//! Chapter 6: exercises. Fill in each function marked `EXERCISE`, then run
//! `cargo run --release -- exercises check ch06`. (Being written.)
