//! Chapter 10: Initialization and gradient flow. (Being written: this module is replaced by the chapter's program.)

use crate::session::{ChapterResult, Session};

/// The quick part of the chapter, re-run by `cargo test`.
pub fn run(session: &mut Session) -> ChapterResult {
    writeln!(session.out, "chapter 10: being written")?;
    Ok(())
}

/// The chapter's long MNIST experiments.
pub fn run_long(session: &mut Session) -> ChapterResult {
    writeln!(session.out, "chapter 10: being written")?;
    Ok(())
}
