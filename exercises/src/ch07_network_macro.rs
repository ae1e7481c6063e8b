//! Chapter 7: exercises. Fill in each function marked `EXERCISE`, then run
//! `cargo run --release -- exercises check ch07`. (Being written.)
