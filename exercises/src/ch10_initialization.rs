//! Chapter 10: exercises. Fill in each function marked `EXERCISE`, then run
//! `cargo run --release -- exercises check ch10`. (Being written.)
