//! Compile errors that the type system finds rather than `network!`: a 128-wide output fed into
//! a 100-wide input, and one name declared twice. Each case in `tests/type_errors/` is compiled
//! against the library this test was built with, by the same compiler, and its diagnostics are
//! compared with the committed `.stderr` file beside it (the book shows them).
//!
//! trybuild, which checks the macro's own errors (`network-macros/tests/ui.rs`), would compile
//! these cases in a project of its own after checking nalgebra and the library again there: half
//! a minute of a cold `cargo test`. Here rustc reads the library cargo has just built, next to
//! this test's executable. After a compiler upgrade, rewrite the files with
//! `NABLA_BLESS=1 cargo test -p nabla --test type_errors`.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The directory of the cases, relative to the workspace.
const CASES: &str = "core/tests/type_errors";

#[test]
fn hand_wired_layers_of_other_sizes_do_not_compile() {
    check("mismatched_layers");
}

#[test]
fn a_network_declared_twice_does_not_compile() {
    check("duplicate_struct");
}

/// Compiles the case `name` and compares its diagnostics with `name.stderr`.
fn check(name: &str) {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let workspace = crate_dir
        .parent()
        .expect("the library is a member of the workspace");
    let case = format!("{CASES}/{name}.rs");
    let actual = normalize(&compile(workspace, &case, name));
    let expected_path = workspace.join(CASES).join(format!("{name}.stderr"));
    if std::env::var_os("NABLA_BLESS").is_some() {
        std::fs::write(&expected_path, &actual).expect("the .stderr file is writable");
        return;
    }
    let expected = std::fs::read_to_string(&expected_path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", expected_path.display()));
    assert!(
        actual == expected,
        "{case} gives other errors than {}:\n--- expected\n{expected}--- actual\n{actual}\
         (if the compiler's new wording is right, rerun with NABLA_BLESS=1)",
        expected_path.display()
    );
}

/// The compiler's error output for `case` (a path relative to `workspace`, where cargo compiles
/// from, so that rustc finds the library's sources it quotes), compiled as a binary against the
/// `nabla` library found beside this test's executable. `--verbose` writes types out in full.
fn compile(workspace: &Path, case: &str, name: &str) -> String {
    let deps = std::env::current_exe()
        .expect("the test knows its own path")
        .parent()
        .expect("the test executable is in a directory")
        .to_path_buf();
    let library = newest_library(&deps);
    let out_dir = std::env::temp_dir().join(format!("nabla-type-errors-{}", std::process::id()));
    std::fs::create_dir_all(&out_dir).expect("a scratch directory");
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let output = Command::new(&rustc)
        .current_dir(workspace)
        .args([
            "--edition=2024",
            "--crate-type=bin",
            "--emit=metadata",
            "--verbose",
        ])
        .args([
            "--error-format=human",
            "--color=never",
            "--crate-name",
            name,
        ])
        .arg("--out-dir")
        .arg(&out_dir)
        .arg("-L")
        .arg(format!("dependency={}", deps.display()))
        .arg("--extern")
        .arg(format!("nabla={}", library.display()))
        .arg(case)
        .output()
        .unwrap_or_else(|error| panic!("cannot run {}: {error}", rustc.to_string_lossy()));
    let _ = std::fs::remove_dir_all(&out_dir);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!output.status.success(), "{case} compiled, but must not");
    assert!(
        !stderr.contains("E0514") && !stderr.contains("E0463") && !stderr.contains("E0460"),
        "rustc could not use the library {} (another compiler version, or a stale build?):\n{stderr}",
        library.display()
    );
    stderr
}

/// The most recently built `libnabla-*.rlib` in `deps`: the one `cargo test` just built or
/// checked for this test.
fn newest_library(deps: &Path) -> PathBuf {
    let entries = std::fs::read_dir(deps)
        .unwrap_or_else(|error| panic!("cannot list {}: {error}", deps.display()));
    entries
        .filter_map(Result::ok)
        .filter(|entry| {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            name.starts_with("libnabla-") && name.ends_with(".rlib")
        })
        .filter_map(|entry| Some((entry.metadata().ok()?.modified().ok()?, entry.path())))
        .max()
        .map(|(_, path)| path)
        .unwrap_or_else(|| panic!("no libnabla-*.rlib in {}", deps.display()))
}

/// The diagnostics without what varies between edits: the closing summary lines go, and a
/// snippet of the library's own source (not the case's) keeps its file but not its line numbers.
fn normalize(stderr: &str) -> String {
    let mut lines = Vec::new();
    let mut in_library_snippet = false;
    for line in stderr.lines() {
        let summary = [
            "error: aborting due to",
            "For more information about",
            "Some errors have",
        ];
        if summary.iter().any(|start| line.starts_with(start)) {
            continue;
        }
        let arrow = line.trim_start().strip_prefix("--> ");
        if let Some(location) = arrow {
            in_library_snippet = !location.starts_with(CASES);
            if in_library_snippet {
                let indent = &line[..line.len() - line.trim_start().len()];
                let file = location.split(':').next().unwrap_or(location);
                lines.push(format!("{indent}--> {file}"));
                continue;
            }
        } else if !line.starts_with(|c: char| c == ' ' || c.is_ascii_digit()) {
            in_library_snippet = false;
        }
        if in_library_snippet {
            // "61 |     pub fn forward…" → "   |     pub fn forward…"
            let digits = line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            lines.push(format!("{}{}", " ".repeat(digits), &line[digits..]));
        } else {
            lines.push(line.to_string());
        }
    }
    while lines.last().is_some_and(|line| line.is_empty()) {
        lines.pop();
    }
    lines.join("\n") + "\n"
}
