//! Listings without the indentation of where they were cut from.
//!
//! The book's listings are included by anchor from compiled files, often from inside an
//! `impl` block or a function, so every line carries four or eight columns of indentation
//! that mean nothing on the page and push long lines out of the code box. Each fenced code
//! block loses the indentation its lines have in common (beyond the fence's own, so a block
//! inside a list item stays in the item). Blank lines do not count.

use mdbook_markdown::pulldown_cmark::{CodeBlockKind, Event, Parser, Tag};

/// `markdown` with the common indentation of every fenced code block's lines removed.
pub fn dedent_code_blocks(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut copied_up_to = 0;
    for (event, range) in Parser::new(markdown).into_offset_iter() {
        if let Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(_))) = event {
            let block = &markdown[range.clone()];
            out.push_str(&markdown[copied_up_to..range.start]);
            // The fence's own indentation: the offset range starts at the fence itself.
            let line_start = markdown[..range.start].rfind('\n').map_or(0, |i| i + 1);
            out.push_str(&dedent_block(block, range.start - line_start));
            copied_up_to = range.end;
        }
    }
    out.push_str(&markdown[copied_up_to..]);
    out
}

/// One fenced block, from its opening fence to its closing fence (if it has one), whose
/// fence is indented by `fence_indent` columns.
fn dedent_block(block: &str, fence_indent: usize) -> String {
    let lines: Vec<&str> = block.split_inclusive('\n').collect();
    let Some((opening, rest)) = lines.split_first() else {
        return block.to_string();
    };
    let fence = opening.trim_start().chars().next().unwrap_or('`');
    let closing = rest.last().filter(|line| {
        line.trim_start().starts_with(fence) && line.trim().chars().all(|c| c == fence)
    });
    let body = match closing {
        Some(_) => &rest[..rest.len() - 1],
        None => rest,
    };
    let common = body
        .iter()
        .filter(|line| !line.trim().is_empty())
        .map(|line| indentation(line))
        .min()
        .unwrap_or(0);
    let strip = common.saturating_sub(fence_indent);
    let mut out = String::with_capacity(block.len());
    out.push_str(opening);
    for line in body {
        if line.trim().is_empty() {
            out.push_str(line.trim_start_matches([' ', '\t']));
        } else if strip == 0 {
            out.push_str(line);
        } else {
            // Every non-blank line has at least `fence_indent + strip` leading spaces.
            out.push_str(&line[..fence_indent]);
            out.push_str(&line[fence_indent + strip..]);
        }
    }
    if let Some(closing) = closing {
        out.push_str(closing);
    }
    out
}

/// The number of leading spaces of `line` (listings are indented with spaces).
fn indentation(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

#[cfg(test)]
mod tests {
    use super::dedent_code_blocks;

    #[test]
    fn common_indentation_is_removed_and_relative_indentation_kept() {
        let markdown = "Text.\n\n```rust\n    fn f() {\n        1\n\n    }\n```\n\nMore.\n";
        assert_eq!(
            dedent_code_blocks(markdown),
            "Text.\n\n```rust\nfn f() {\n    1\n\n}\n```\n\nMore.\n"
        );
    }

    #[test]
    fn unindented_blocks_inline_code_and_prose_are_unchanged() {
        let markdown =
            "    indented prose is a code block, but not fenced\n\n`  x`\n\n```\na\n  b\n```\n";
        assert_eq!(dedent_code_blocks(markdown), markdown);
    }

    #[test]
    fn a_block_inside_a_list_item_keeps_the_items_indentation() {
        let markdown = "- item\n\n  ```text\n      x\n        y\n  ```\n";
        assert_eq!(
            dedent_code_blocks(markdown),
            "- item\n\n  ```text\n  x\n    y\n  ```\n"
        );
    }

    #[test]
    fn tilde_fences_and_unclosed_blocks_are_dedented() {
        assert_eq!(
            dedent_code_blocks("~~~\n  a\n  b\n~~~\n"),
            "~~~\na\nb\n~~~\n"
        );
        assert_eq!(dedent_code_blocks("```\n  a\n   b\n"), "```\na\n b\n");
    }
}
