//! Chapter 11: exercises. Fill in each function marked `EXERCISE`, then run
//! `cargo run --release -- exercises check ch11`. (Being written.)
