//! Chapter 3: exercises. Fill in each function marked `EXERCISE`, then run
//! `cargo run --release -- exercises check ch03`. (Being written.)
