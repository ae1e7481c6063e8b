//! `nabla exercises watch`: re-checks the exercises each time the learner saves a file in
//! `exercises/src/`. The running program holds the code as it was when it was built, so each
//! check is a fresh `cargo run`, which recompiles the learner's crate first (a compile error
//! is then shown as cargo prints it) and then checks it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread::sleep;
use std::time::{Duration, SystemTime};

/// How often the files are looked at.
const POLL: Duration = Duration::from_millis(400);

/// The modification time of every `.rs` file under a directory.
pub type Snapshot = BTreeMap<PathBuf, SystemTime>;

/// Every `.rs` file under `dir` (recursively) with its modification time; files that vanish
/// while being read are left out.
pub fn snapshot(dir: &Path) -> Snapshot {
    let mut files = Snapshot::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(metadata) = entry.metadata() else {
                continue;
            };
            if metadata.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                if let Ok(modified) = metadata.modified() {
                    files.insert(path, modified);
                }
            }
        }
    }
    files
}

/// The files that were added or modified between two snapshots, in path order.
pub fn changed(before: &Snapshot, after: &Snapshot) -> Vec<PathBuf> {
    after
        .iter()
        .filter(|(path, time)| before.get(*path) != Some(*time))
        .map(|(path, _)| path.clone())
        .collect()
}

/// The chapter an exercise file belongs to: `ch05` for `…/ch05_losses.rs`.
pub fn chapter_of(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    let digits = name.strip_prefix("ch")?.get(..2)?;
    digits
        .bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| format!("ch{digits}"))
}

/// Watches `exercises/src/` and, after each save, checks `selector` (an exercise or a
/// chapter), or if there is none the chapter of the file saved. Runs until interrupted.
pub fn watch(selector: Option<&str>) -> Result<(), String> {
    if let Some(selector) = selector {
        if exercises::select(selector).is_empty() {
            return Err(crate::exercise_runner::unknown(selector));
        }
    }
    if cfg!(windows) {
        return Err(
            "watch rebuilds this program while it runs, which Windows does not allow: \
             run `cargo run --release -- exercises check ID` after each save instead"
                .into(),
        );
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let root = root.canonicalize().unwrap_or(root);
    let sources = root.join("exercises/src");
    let mut seen = snapshot(&sources);
    if seen.is_empty() {
        return Err(format!("no exercise files under {}", sources.display()));
    }
    match selector {
        Some(selector) => {
            println!(
                "watching {}: each save re-checks {selector} (Ctrl-C stops)",
                sources.display()
            );
            run_check(&root, selector);
        }
        None => println!(
            "watching {}: each save re-checks the chapter of the file saved (Ctrl-C stops)",
            sources.display()
        ),
    }
    loop {
        sleep(POLL);
        let now = snapshot(&sources);
        let saved = changed(&seen, &now);
        if saved.is_empty() {
            continue;
        }
        // Editors often write a file in several steps: let them finish.
        sleep(POLL);
        seen = snapshot(&sources);
        let chapters: Vec<String> = match selector {
            Some(selector) => vec![selector.to_string()],
            None => {
                let mut chapters: Vec<String> =
                    saved.iter().filter_map(|p| chapter_of(p)).collect();
                chapters.dedup();
                chapters
            }
        };
        for chapter in &chapters {
            run_check(&root, chapter);
        }
    }
}

/// Rebuilds the learner's code and checks `selector` in a child `cargo run`, reporting a build
/// that fails.
fn run_check(root: &Path, selector: &str) {
    println!("\n── checking {selector} ──");
    // Inside `cargo run`, CARGO names the cargo that started us.
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(root)
        .args(["run", "--release", "--quiet", "-p", "nabla-cli", "--"])
        .args(["exercises", "check", selector])
        .status();
    match status {
        Ok(status) if status.code() == Some(101) => {
            println!("your code does not compile yet: fix the error above and save again")
        }
        Ok(_) => {}
        Err(error) => println!("could not start cargo: {error}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_saved_again_or_added_is_changed_and_an_untouched_one_is_not() {
        let early = SystemTime::UNIX_EPOCH;
        let late = early + Duration::from_secs(5);
        let before = Snapshot::from([("a.rs".into(), early), ("b.rs".into(), early)]);
        let after = Snapshot::from([
            ("a.rs".into(), early),
            ("b.rs".into(), late),
            ("c.rs".into(), early),
        ]);
        assert_eq!(
            changed(&before, &after),
            [PathBuf::from("b.rs"), PathBuf::from("c.rs")]
        );
        assert!(changed(&after, &after).is_empty());
    }

    #[test]
    fn an_exercise_file_names_its_chapter() {
        assert_eq!(
            chapter_of(Path::new("exercises/src/ch05_losses.rs")).as_deref(),
            Some("ch05")
        );
        assert_eq!(chapter_of(Path::new("exercises/src/lib.rs")), None);
        assert_eq!(chapter_of(Path::new("exercises/src/chapter.rs")), None);
    }

    #[test]
    fn the_snapshot_finds_the_exercise_files() {
        let sources = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../exercises/src");
        let files = snapshot(&sources);
        assert!(
            files.keys().any(|p| p.ends_with("ch05_losses.rs")),
            "{files:?}"
        );
    }
}
