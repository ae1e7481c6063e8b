//! Checks the headline run makes before its first epoch, so that no training is lost to an output
//! that cannot be written afterwards: the figure directory, the checkpoint directory (and whether
//! it already holds another run), and the model file.

use std::path::Path;

/// An output location that cannot be used, with the path and the reason.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct PreflightError(String);

/// Creates `dir` if needed and checks that a file can be written into it, by creating and
/// removing an empty one. `what` names the directory's role in messages (`the figure
/// directory`).
pub fn writable_dir(dir: &Path, what: &str) -> Result<(), PreflightError> {
    if dir.exists() && !dir.is_dir() {
        return Err(PreflightError(format!(
            "{what} {} is not a directory",
            dir.display()
        )));
    }
    std::fs::create_dir_all(dir).map_err(|error| {
        PreflightError(format!("cannot create {what} {}: {error}", dir.display()))
    })?;
    let probe = dir.join(format!(".nabla-write-test-{}", std::process::id()));
    std::fs::write(&probe, b"").map_err(|error| {
        PreflightError(format!(
            "cannot write into {what} {}: {error}",
            dir.display()
        ))
    })?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
}

/// Prepares the checkpoint directory of a run: writable, and holding another run's checkpoints
/// only when this run resumes it (`resume`) or was told to replace them (`replace`, which
/// deletes them). Returns what it did, for the user to read.
pub fn checkpoint_dir(
    dir: &Path,
    resume: bool,
    replace: bool,
) -> Result<Vec<String>, PreflightError> {
    writable_dir(dir, "the checkpoint directory")?;
    let mut notes = Vec::new();
    let removed =
        nabla::checkpoint::remove_unfinished(dir).map_err(|e| PreflightError(e.to_string()))?;
    if removed > 0 {
        notes.push(format!(
            "removed {removed} unfinished checkpoint file{} that a stopped run left in {}",
            if removed == 1 { "" } else { "s" },
            dir.display()
        ));
    }
    let existing = nabla::checkpoint::files(dir);
    if resume || existing.is_empty() {
        return Ok(notes);
    }
    if !replace {
        return Err(PreflightError(format!(
            "{} holds the checkpoints of an earlier run ({} files, the latest epoch {}): \
             continue that run with --resume, or pass --replace-checkpoints to delete them and \
             start afresh",
            dir.display(),
            existing.len(),
            nabla::checkpoint::latest(dir).map_or("unknown".into(), |e| e.to_string())
        )));
    }
    for file in &existing {
        std::fs::remove_file(file).map_err(|error| {
            PreflightError(format!("cannot delete {}: {error}", file.display()))
        })?;
    }
    notes.push(format!(
        "deleted the {} checkpoint files of the earlier run in {}",
        existing.len(),
        dir.display()
    ));
    Ok(notes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> std::path::PathBuf {
        let dir =
            std::env::temp_dir().join(format!("nabla-preflight-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn a_file_where_a_directory_should_be_is_refused_by_name() {
        let dir = scratch("file");
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("figures");
        std::fs::write(&file, b"x").unwrap();
        let error = writable_dir(&file, "the figure directory")
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("is not a directory") && error.contains(&*file.to_string_lossy()),
            "{error}"
        );
        let nested = file.join("inside");
        let error = writable_dir(&nested, "the figure directory")
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with("cannot create the figure directory"),
            "{error}"
        );
        assert!(error.contains(&*nested.to_string_lossy()), "{error}");
    }

    #[test]
    fn another_runs_checkpoints_are_kept_unless_resumed_or_replaced() {
        let dir = scratch("checkpoints");
        std::fs::create_dir_all(&dir).unwrap();
        for name in [
            "epoch-001.safetensors",
            "epoch-001.optimizer.safetensors",
            "notes.txt",
        ] {
            std::fs::write(dir.join(name), b"x").unwrap();
        }
        let error = checkpoint_dir(&dir, false, false).unwrap_err().to_string();
        assert!(
            error.contains("--resume") && error.contains("--replace-checkpoints"),
            "{error}"
        );
        assert_eq!(
            nabla::checkpoint::files(&dir).len(),
            2,
            "nothing was deleted"
        );
        assert!(checkpoint_dir(&dir, true, false).is_ok());
        let notes = checkpoint_dir(&dir, false, true).unwrap();
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(nabla::checkpoint::files(&dir).is_empty());
        assert!(
            dir.join("notes.txt").exists(),
            "only checkpoint files are deleted"
        );
    }
}
