//! Chapter 12: exercises. Fill in each function marked `EXERCISE`, then run
//! `cargo run --release -- exercises check ch12`. (Being written.)
