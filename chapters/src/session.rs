//! What a chapter program gets to work with: where to print and where to draw.

use std::io::Write;
use std::path::{Path, PathBuf};

/// The result of running a chapter's program.
pub type ChapterResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// A chapter's program: an identifier (`ch05`), a title, and the function that runs it.
pub struct Chapter {
    /// The command-line name, e.g. `ch05`.
    pub id: &'static str,
    /// The chapter's title in the book.
    pub title: &'static str,
    /// Runs the program: the part `cargo test` re-runs and compares with the book's captured
    /// output, so it takes seconds.
    pub run: fn(&mut Session) -> ChapterResult,
    /// The chapter's long experiments (full MNIST training runs), if any: `nabla chNN` runs them
    /// after [`run`](Self::run), `nabla figures` captures what they print to `chNN-long.txt`,
    /// and `cargo test` checks them on a small seeded subset instead of re-running them.
    pub long: Option<fn(&mut Session) -> ChapterResult>,
}

/// The output stream and figure directory of one run of a chapter program.
pub struct Session<'a> {
    /// Where the program prints (standard output, or a buffer when the book captures it).
    pub out: &'a mut dyn Write,
    figures: Option<PathBuf>,
}

impl<'a> Session<'a> {
    /// A session printing to `out` and drawing into `figures` (no figures if `None`).
    pub fn new(out: &'a mut dyn Write, figures: Option<PathBuf>) -> Self {
        Self { out, figures }
    }

    /// The path for the figure `name` (e.g. `ch03-sigmoid.png`), or `None` when this run draws
    /// no figures (as in tests). Creates the figure directory if needed.
    pub fn figure(&self, name: &str) -> std::io::Result<Option<PathBuf>> {
        match &self.figures {
            None => Ok(None),
            Some(dir) => {
                std::fs::create_dir_all(dir).map_err(|error| {
                    std::io::Error::new(
                        error.kind(),
                        format!(
                            "cannot create the figure directory {}: {error}",
                            dir.display()
                        ),
                    )
                })?;
                Ok(Some(dir.join(name)))
            }
        }
    }
}

/// The book's source directory.
pub fn book_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("book")
        .join("src")
}

/// Where chapter programs draw their figures by default: the book's `figures/` directory.
pub fn default_figures_dir() -> PathBuf {
    book_dir().join("figures")
}

/// The name under which the long part of chapter `id` is captured (`ch09-long`).
pub fn long_output_id(id: &str) -> String {
    format!("{id}-long")
}

/// The captured output of a chapter program, as the book includes it.
pub fn captured_output_path(id: &str) -> PathBuf {
    book_dir().join("outputs").join(format!("{id}.txt"))
}
