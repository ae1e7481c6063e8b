//! The book keeps its promises: every include resolves to real text, every figure exists, every
//! numbered equation has a test of its own name, every cross-reference reaches its target
//! (`links.rs`), and the program output the book shows is what the programs print today
//! (`outputs.rs`, compared as `captured.rs` explains).

mod captured;
mod links;
mod outputs;
mod rules_ch09;
mod rules_ch10;
mod rules_ch11;
mod rules_ch12;
mod rules_ch13;

use chapters::session::book_dir;
use std::fs;
use std::path::{Path, PathBuf};

/// The book's Markdown pages.
fn pages() -> Vec<PathBuf> {
    let mut pages: Vec<PathBuf> = fs::read_dir(book_dir())
        .expect("book/src exists")
        .map(|entry| entry.expect("readable directory").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    pages.sort();
    assert!(
        pages.len() >= 15,
        "expected the summary, twelve chapters, notation and references, found {pages:?}"
    );
    pages
}

/// Every `{{#include ...}}` directive in `text`: (path, optional anchor).
fn includes(text: &str) -> Vec<(String, Option<String>)> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{#include ") {
        let after = &rest[start + "{{#include ".len()..];
        let end = after
            .find("}}")
            .expect("an include directive is closed with }}");
        let spec = after[..end].trim();
        let (path, anchor) = match spec.split_once(':') {
            Some((path, anchor)) => (path.to_string(), Some(anchor.to_string())),
            None => (spec.to_string(), None),
        };
        found.push((path, anchor));
        rest = &after[end..];
    }
    found
}

/// The lines `start..=end` (1-based; either may be missing, as mdBook's `path:3:20`, `path:3:`
/// and `path::20` allow) if `range` is such a line range, or `None` if it is an anchor name.
fn line_range(text: &str, range: &str) -> Option<Option<String>> {
    let (start, end) = range.split_once(':').unwrap_or((range, range));
    let number = |s: &str| (!s.is_empty()).then(|| s.parse::<usize>()).transpose();
    let (Ok(start), Ok(end)) = (number(start), number(end)) else {
        return None;
    };
    if start.is_none() && end.is_none() && range != ":" {
        return None;
    }
    let lines: Vec<&str> = text.lines().collect();
    let first = start.unwrap_or(1).max(1);
    let last = end.unwrap_or(lines.len());
    Some((first <= last && last <= lines.len()).then(|| lines[first - 1..last].join("\n")))
}

/// The text between `ANCHOR: name` and `ANCHOR_END: name`, without other anchor lines.
fn anchored(text: &str, anchor: &str) -> Option<String> {
    let mut inside = false;
    let mut lines = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.ends_with(&format!("ANCHOR: {anchor}")) {
            inside = true;
        } else if trimmed.ends_with(&format!("ANCHOR_END: {anchor}")) {
            return Some(lines.join("\n"));
        } else if inside && !trimmed.contains("ANCHOR") {
            lines.push(line);
        }
    }
    None
}

#[test]
fn line_ranges_are_told_from_anchors() {
    let text = "a\nb\nc\n";
    assert_eq!(line_range(text, "2:3"), Some(Some("b\nc".to_string())));
    assert_eq!(line_range(text, "2:"), Some(Some("b\nc".to_string())));
    assert_eq!(line_range(text, ":1"), Some(Some("a".to_string())));
    assert_eq!(line_range(text, "3:9"), Some(None));
    assert_eq!(line_range(text, "forward"), None);
}

#[test]
fn every_include_resolves_to_non_empty_text() {
    let mut problems = Vec::new();
    let mut count = 0;
    for page in pages() {
        let text = fs::read_to_string(&page).expect("readable page");
        for (path, anchor) in includes(&text) {
            count += 1;
            let file = book_dir().join(&path);
            let name = page.file_name().unwrap_or_default().to_string_lossy();
            match (fs::read_to_string(&file), &anchor) {
                (Err(_), _) => problems.push(format!("{name}: {path} does not exist")),
                (Ok(content), None) if content.trim().is_empty() => {
                    problems.push(format!("{name}: {path} is empty"))
                }
                (Ok(content), Some(range)) if line_range(&content, range).is_some() => {
                    match line_range(&content, range).flatten() {
                        Some(lines) if !lines.trim().is_empty() => {}
                        _ => problems.push(format!(
                            "{name}: lines {range} of {path} do not exist or are blank"
                        )),
                    }
                }
                (Ok(content), Some(anchor)) => match anchored(&content, anchor) {
                    None => problems.push(format!("{name}: {path} has no anchor `{anchor}`")),
                    Some(snippet) if snippet.trim().is_empty() => {
                        problems.push(format!("{name}: anchor `{anchor}` of {path} is empty"))
                    }
                    Some(_) => {}
                },
                (Ok(_), None) => {}
            }
        }
    }
    assert!(count > 0, "the book includes no code at all");
    assert!(
        problems.is_empty(),
        "broken includes:\n{}",
        problems.join("\n")
    );
}

#[test]
fn every_figure_the_book_shows_exists() {
    let mut missing = Vec::new();
    for page in pages() {
        let text = fs::read_to_string(&page).expect("readable page");
        for piece in text.split("](").skip(1) {
            let target = &piece[..piece.find(')').unwrap_or(piece.len())];
            if target.ends_with(".png") && !book_dir().join(target).is_file() {
                missing.push(format!("{}: {target}", page.display()));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "missing figures:\n{}",
        missing.join("\n")
    );
}

/// The names of all functions in the chapter test files (`eq_…` for equations, `chNN_…` for
/// the chapters' other claims).
fn equation_tests() -> Vec<String> {
    let mut names = Vec::new();
    let mut pending = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("chapters")];
    // A chapter's tests may be a directory module: read its files too.
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(dir).expect("tests/chapters exists") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let text = fs::read_to_string(&path).expect("readable test file");
            for line in text.lines() {
                if let Some(rest) = line.trim().strip_prefix("fn ") {
                    names.push(rest.split(['(', '<']).next().unwrap_or("").to_string());
                }
            }
        }
    }
    names
}

/// The test names a page cites in backticks: `` `eq_…` `` and `` `chNN_…` ``.
fn cited_tests(text: &str) -> Vec<String> {
    // Every stretch between two backticks that is a test-like identifier as a whole: prose
    // between citations has spaces, so the pairing of backticks does not matter.
    text.split('`')
        .skip(1)
        .filter(|code| {
            let bytes = code.as_bytes();
            code.starts_with("eq_")
                || (code.starts_with("ch")
                    && bytes.len() > 5
                    && bytes[2..4].iter().all(u8::is_ascii_digit)
                    && bytes[4] == b'_')
        })
        .filter(|code| code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
        .map(str::to_string)
        .collect()
}

#[test]
fn every_numbered_equation_has_a_test_named_after_it() {
    let tests = equation_tests();
    let mut problems = Vec::new();
    let mut equations = 0;
    for page in pages() {
        let text = fs::read_to_string(&page).expect("readable page");
        for piece in text.split("\\tag{").skip(1) {
            let number = &piece[..piece.find('}').unwrap_or(0)];
            equations += 1;
            let prefix = format!("eq_{}_", number.replace('.', "_"));
            if !tests.iter().any(|name| name.starts_with(&prefix)) {
                problems.push(format!(
                    "{}: equation ({number}) has no test {prefix}…",
                    page.display()
                ));
            }
        }
        // Every test the text names must exist.
        for name in cited_tests(&text) {
            if !tests.contains(&name) {
                problems.push(format!(
                    "{}: names test {name}, which does not exist",
                    page.display()
                ));
            }
        }
    }
    assert!(equations > 0, "the book numbers no equations");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
