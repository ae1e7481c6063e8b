//! Chapter 8: exercises. Fill in each function marked `EXERCISE`, then run
//! `cargo run --release -- exercises check ch08`. (Being written.)
