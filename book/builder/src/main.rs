//! Builds the nabla book (`book/`) into HTML (`book/book/`), with math rendered to
//! MathML at build time, so the book needs no JavaScript or network to show formulas.
//!
//! Usage: `cargo run --release --manifest-path book/builder/Cargo.toml [-- BOOK_DIR]`
//!
//! The build fails if a `{{#include}}` does not resolve to text or a formula does not
//! convert; every problem is listed with its file.

mod figures;
mod includes;
mod listings;
mod log;
mod math;

use anyhow::{Context, Result, bail};
use mdbook_driver::MDBook;
use mdbook_driver::book::{Book, BookItem};
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Lays out each page: dedents listings (see [`listings`]), replaces `$...$` / `$$...$$`
/// with MathML (see [`math`]), and captions figures (see [`figures`]). Runs after mdBook's
/// own `links` preprocessor, so included files are laid out too.
struct MathPreprocessor;

impl Preprocessor for MathPreprocessor {
    fn name(&self) -> &str {
        "nabla-math"
    }

    fn run(&self, ctx: &PreprocessorContext, mut book: Book) -> Result<Book> {
        let src_dir = ctx.root.join(&ctx.config.book.src);
        let mut failures = Vec::new();
        book.for_each_mut(|item| {
            let BookItem::Chapter(chapter) = item else {
                return;
            };
            let content = listings::dedent_code_blocks(&chapter.content);
            match math::render_markdown(&content) {
                Ok(content) => chapter.content = figures::caption_figures(&content),
                Err(errors) => {
                    let file = chapter
                        .source_path
                        .as_ref()
                        .or(chapter.path.as_ref())
                        .map_or_else(|| PathBuf::from(&chapter.name), |p| src_dir.join(p));
                    for error in errors {
                        failures.push(format!("{}:{error}", file.display()));
                    }
                }
            }
        });
        if !failures.is_empty() {
            bail!(
                "{} formula(s) could not be converted to MathML:\n  {}\n\
                 (line numbers count lines after {{{{#include}}}}s are expanded)",
                failures.len(),
                failures.join("\n  ")
            );
        }
        Ok(book)
    }

    fn supports_renderer(&self, renderer: &str) -> Result<bool> {
        Ok(renderer == "html")
    }
}

fn check_includes(md: &MDBook) -> Result<()> {
    let src_dir = md.source_dir();
    let mut bad = Vec::new();
    for item in md.iter() {
        if let BookItem::Chapter(chapter) = item
            && let Some(path) = &chapter.path
        {
            includes::check(&chapter.content, &src_dir.join(path), &mut bad);
        }
    }
    if !bad.is_empty() {
        let list: Vec<String> = bad.iter().map(ToString::to_string).collect();
        bail!(
            "{} include(s) do not resolve to any text:\n  {}",
            bad.len(),
            list.join("\n  ")
        );
    }
    Ok(())
}

fn build(root: &Path) -> Result<PathBuf> {
    let mut md = MDBook::load(root)
        .with_context(|| format!("cannot load the book at {}", root.display()))?;
    check_includes(&md)?;
    md.with_preprocessor(MathPreprocessor);
    md.build().context("building the book failed")?;
    let out = md.build_dir_for("html");
    copy_math_font(&md.theme_dir(), &out)?;
    Ok(out)
}

/// Copies `theme/math-font/` (the bundled math font and its licence) next to the
/// additional stylesheet (`theme/math.css`) in the output, where its `@font-face`
/// looks for it.
fn copy_math_font(theme_dir: &Path, out: &Path) -> Result<()> {
    let from = theme_dir.join("math-font");
    let to = out.join("theme").join("math-font");
    std::fs::create_dir_all(&to).with_context(|| format!("cannot create {}", to.display()))?;
    for entry in
        std::fs::read_dir(&from).with_context(|| format!("cannot read {}", from.display()))?
    {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name()))
                .with_context(|| format!("cannot copy {}", entry.path().display()))?;
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let errors = log::install();
    let root = match std::env::args_os().nth(1) {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("the builder lives in book/builder")
            .to_path_buf(),
    };
    match build(&root) {
        Ok(_) if errors.get() > 0 => {
            eprintln!(
                "error: mdBook reported {} error(s) (see above)",
                errors.get()
            );
            ExitCode::FAILURE
        }
        Ok(out) => {
            let index = out.join("index.html");
            println!(
                "book written to {}",
                index.canonicalize().unwrap_or(index).display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
