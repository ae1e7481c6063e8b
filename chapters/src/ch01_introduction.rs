//! Chapter program (being written).

use crate::{ChapterResult, Session};

/// Runs this chapter's program.
pub fn run(session: &mut Session) -> ChapterResult {
    writeln!(session.out, "this chapter's program is being written")?;
    Ok(())
}
