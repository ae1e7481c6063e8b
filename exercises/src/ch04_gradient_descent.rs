//! Chapter 4: exercises. Fill in each function marked `EXERCISE`, then run
//! `cargo run --release -- exercises check ch04`. (Being written.)
