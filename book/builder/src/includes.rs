//! Checks that every `{{#include ...}}` (and `{{#rustdoc_include ...}}`,
//! `{{#playground ...}}`) in the book resolves to non-empty text.
//!
//! mdBook only logs a missing file and silently includes nothing for a missing
//! anchor, so a renamed anchor would leave an empty listing in the book.
//! The path, line-range and anchor syntax follow mdBook's links preprocessor.

use regex::Regex;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

/// mdBook's link syntax (`find_links` in mdbook-driver's links preprocessor).
static LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        \\\{\{\#.*\}\}      # escaped link
        |
        \{\{\s*             # opening braces
        \#([a-zA-Z0-9_]+)   # link type
        \s+
        ([^}]+)             # target path and properties
        \}\}",
    )
    .unwrap()
});
static ANCHOR_START: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"ANCHOR:\s*(?P<anchor_name>[\w_-]+)").unwrap());
static ANCHOR_END: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"ANCHOR_END:\s*(?P<anchor_name>[\w_-]+)").unwrap());

const MAX_DEPTH: usize = 10;

/// One include that does not resolve to text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadInclude {
    /// The Markdown (or included) file holding the directive.
    pub file: PathBuf,
    /// 1-based line of the directive in that file.
    pub line: usize,
    /// The directive as written.
    pub directive: String,
    pub problem: String,
}

impl std::fmt::Display for BadInclude {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}: `{}`: {}",
            self.file.display(),
            self.line,
            self.directive,
            self.problem
        )
    }
}

/// Checks the directives in `content`, which lives in `file`; relative paths are
/// resolved against `file`'s directory. Included text is checked recursively,
/// as mdBook expands it recursively.
pub fn check(content: &str, file: &Path, bad: &mut Vec<BadInclude>) {
    check_at_depth(content, file, 0, bad);
}

fn check_at_depth(content: &str, file: &Path, depth: usize, bad: &mut Vec<BadInclude>) {
    let base = file.parent().unwrap_or(Path::new("."));
    for cap in LINK.captures_iter(content) {
        let (Some(kind), Some(rest)) = (cap.get(1), cap.get(2)) else {
            continue; // escaped `\{{#...}}`
        };
        let whole = cap.get(0).unwrap();
        let mut report = |problem: String| {
            bad.push(BadInclude {
                file: file.to_path_buf(),
                line: content[..whole.start()].matches('\n').count() + 1,
                directive: whole.as_str().to_string(),
                problem,
            })
        };
        let kind = kind.as_str();
        if !matches!(
            kind,
            "include" | "rustdoc_include" | "playground" | "playpen"
        ) {
            continue;
        }
        let Some(target) = rest.as_str().split_whitespace().next() else {
            report("no path".into());
            continue;
        };
        let (path, selector) = match target.split_once(':') {
            Some((path, selector)) if kind != "playground" && kind != "playpen" => {
                (path, Some(selector))
            }
            _ => (target, None),
        };
        let target_path = base.join(path);
        let text = match std::fs::read_to_string(&target_path) {
            Ok(text) => text,
            Err(e) => {
                report(format!("cannot read {}: {e}", target_path.display()));
                continue;
            }
        };
        let selected = match selector.map(parse_selector) {
            None => Ok(text.clone()),
            Some(Selector::Anchor(anchor)) => take_anchored_lines(&text, anchor),
            Some(Selector::Lines(start, end)) => Ok(take_lines(&text, start, end)),
        };
        match selected {
            Err(problem) => report(format!("{problem} in {}", target_path.display())),
            Ok(selected) if selected.trim().is_empty() => {
                report(format!("selects no text from {}", target_path.display()))
            }
            Ok(selected) => {
                if depth < MAX_DEPTH {
                    check_at_depth(&selected, &target_path, depth + 1, bad);
                } else {
                    report("includes nested too deeply (a cycle?)".into());
                }
            }
        }
    }
}

enum Selector<'a> {
    Anchor(&'a str),
    /// 0-based start, exclusive end (`None` = to the end of the file).
    Lines(usize, Option<usize>),
}

/// Same rules as mdBook's `parse_range_or_anchor`.
fn parse_selector(selector: &str) -> Selector<'_> {
    let mut parts = selector.splitn(3, ':');
    let first = parts.next().unwrap_or("");
    let start = match first.parse::<usize>() {
        Ok(n) => Some(n.saturating_sub(1)),
        Err(_) if first.is_empty() => None,
        Err(_) => return Selector::Anchor(first),
    };
    let end = parts.next().map(|s| s.parse::<usize>());
    match (start, end) {
        (Some(start), Some(Ok(end))) => Selector::Lines(start, Some(end)),
        (Some(start), Some(Err(_))) => Selector::Lines(start, None),
        (Some(start), None) => Selector::Lines(start, Some(start + 1)),
        (None, Some(Ok(end))) => Selector::Lines(0, Some(end)),
        (None, _) => Selector::Lines(0, None),
    }
}

fn take_lines(text: &str, start: usize, end: Option<usize>) -> String {
    let lines = text.lines().skip(start);
    match end {
        Some(end) => lines
            .take(end.saturating_sub(start))
            .collect::<Vec<_>>()
            .join("\n"),
        None => lines.collect::<Vec<_>>().join("\n"),
    }
}

/// Like mdBook's `take_anchored_lines`, but a missing `ANCHOR` or `ANCHOR_END` is an error.
fn take_anchored_lines(text: &str, anchor: &str) -> Result<String, String> {
    let mut retained = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        if inside {
            match ANCHOR_END.captures(line) {
                Some(cap) if &cap["anchor_name"] == anchor => return Ok(retained.join("\n")),
                Some(_) => {}
                None if ANCHOR_START.is_match(line) => {}
                None => retained.push(line),
            }
        } else if let Some(cap) = ANCHOR_START.captures(line) {
            inside = &cap["anchor_name"] == anchor;
        }
    }
    Err(if inside {
        format!("anchor `{anchor}` has no `ANCHOR_END: {anchor}`")
    } else {
        format!("no `ANCHOR: {anchor}`")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> (tempdir::Dir, PathBuf) {
        let dir = tempdir::Dir::new();
        std::fs::write(
            dir.0.join("code.rs"),
            "// ANCHOR: good\nfn good() {}\n// ANCHOR_END: good\n\
             // ANCHOR: empty\n// ANCHOR_END: empty\n\
             // ANCHOR: open\nfn open() {}\n",
        )
        .unwrap();
        let chapter = dir.0.join("chapter.md");
        (dir, chapter)
    }

    mod tempdir {
        pub struct Dir(pub std::path::PathBuf);
        impl Dir {
            pub fn new() -> Self {
                use std::sync::atomic::{AtomicUsize, Ordering};
                static N: AtomicUsize = AtomicUsize::new(0);
                let path = std::env::temp_dir().join(format!(
                    "nabla-book-includes-{}-{}",
                    std::process::id(),
                    N.fetch_add(1, Ordering::SeqCst)
                ));
                std::fs::create_dir_all(&path).unwrap();
                Dir(path)
            }
        }
        impl Drop for Dir {
            fn drop(&mut self) {
                let _ = std::fs::remove_dir_all(&self.0);
            }
        }
    }

    fn problems(content: &str) -> Vec<BadInclude> {
        let (_dir, chapter) = fixture();
        let mut bad = Vec::new();
        check(content, &chapter, &mut bad);
        bad
    }

    #[test]
    fn good_includes_pass() {
        let md = "```rust\n{{#include code.rs:good}}\n```\n{{#include code.rs}}\n\
                  {{#include code.rs:2}}\n{{#rustdoc_include code.rs:good}}\n\\{{#include nope.rs}}\n";
        assert_eq!(problems(md), vec![]);
    }

    #[test]
    fn bad_includes_are_reported() {
        let md = "{{#include code.rs:missing}}\n{{#include code.rs:empty}}\n\
                  {{#include code.rs:open}}\n{{#include nope.rs:good}}\n{{#include code.rs:99}}\n";
        let bad = problems(md);
        let lines: Vec<_> = bad.iter().map(|b| b.line).collect();
        assert_eq!(lines, [1, 2, 3, 4, 5], "{bad:#?}");
        assert!(bad[0].problem.contains("no `ANCHOR: missing`"));
        assert!(bad[1].problem.contains("selects no text"));
        assert!(bad[2].problem.contains("no `ANCHOR_END: open`"));
        assert!(bad[3].problem.contains("cannot read"));
        assert_eq!(bad[0].directive, "{{#include code.rs:missing}}");
    }
}
