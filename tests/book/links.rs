//! The book's cross-references lead somewhere: figures are numbered in page order with
//! visible captions, and every link to an equation (`#eq-6-3`), a figure (`#fig-6-2`), a
//! page, or a work in the bibliography (`references.md#kingma2015`) reaches its target.
//!
//! The anchors are made by the book builder (`book/builder/src/math.rs` gives `\tag{6.3}`
//! the id `eq-6-3`, `figures.rs` gives a figure captioned `Figure 6.2: …` the id `fig-6-2`).

use crate::pages;
use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

/// The chapter number of a page named `chNN-…` (the introduction is chapter 1), or `None`
/// for the other pages.
fn chapter_number(page: &Path) -> Option<u32> {
    let name = page.file_name()?.to_str()?;
    if name == "introduction.md" {
        return Some(1);
    }
    name.strip_prefix("ch")?.get(..2)?.parse().ok()
}

/// The text of a page outside fenced code blocks (where `](` and `\tag{` mean nothing).
fn prose(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") || line.trim_start().starts_with("~~~") {
            fenced = !fenced;
        } else if !fenced {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

/// Every image of a page as (alt text, whether it stands alone in its paragraph).
fn images(text: &str) -> Vec<(String, bool)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let mut rest = *line;
        while let Some(start) = rest.find("![") {
            let after = &rest[start + 2..];
            let Some(end) = after.find("](") else { break };
            let alone = start == 0
                && line.trim_end().ends_with(')')
                && line.matches("![").count() == 1
                && (i == 0 || lines[i - 1].trim().is_empty())
                && lines.get(i + 1).is_none_or(|next| next.trim().is_empty());
            found.push((after[..end].to_string(), alone));
            rest = &after[end..];
        }
    }
    found
}

#[test]
fn every_figure_is_alone_in_its_paragraph_with_a_numbered_caption() {
    let mut problems = Vec::new();
    let mut figures = 0;
    for page in pages() {
        let text = prose(&fs::read_to_string(&page).expect("readable page"));
        let name = page.file_name().unwrap_or_default().to_string_lossy();
        for (index, (alt, alone)) in images(&text).into_iter().enumerate() {
            figures += 1;
            let expected = match chapter_number(&page) {
                Some(chapter) => format!("Figure {chapter}.{}: ", index + 1),
                None => format!("Figure {}: ", index + 1),
            };
            if !alt.starts_with(&expected) || alt.trim_end().len() <= expected.len() {
                problems.push(format!(
                    "{name}: figure `{alt}` should be captioned `{expected}…` (figures are \
                     numbered in page order, and the caption is the alt text)"
                ));
            }
            if !alone {
                problems.push(format!(
                    "{name}: figure `{alt}` must stand alone in its paragraph to get its caption"
                ));
            }
        }
    }
    assert!(figures > 20, "expected the book's figures, found {figures}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The anchors a page defines: its equations' and figures' ids, and explicit `id="…"`s.
fn anchors(text: &str, page: &Path) -> BTreeSet<String> {
    let text = prose(text);
    let mut ids = BTreeSet::new();
    for piece in text.split("\\tag{").skip(1) {
        let label = &piece[..piece.find('}').unwrap_or(0)];
        ids.insert(format!(
            "eq-{}",
            label.replace(|c: char| c.is_whitespace() || c == '.', "-")
        ));
    }
    for (index, _) in images(&text).iter().enumerate() {
        ids.insert(match chapter_number(page) {
            Some(chapter) => format!("fig-{chapter}-{}", index + 1),
            None => format!("fig-{}", index + 1),
        });
    }
    for piece in text.split("id=\"").skip(1) {
        ids.insert(piece[..piece.find('"').unwrap_or(0)].to_string());
    }
    // Headings get ids from their text, as mdBook makes them.
    for line in text.lines() {
        if let Some(heading) = line.strip_prefix('#') {
            let words = heading.trim_start_matches('#').trim().to_lowercase();
            let id: String = words
                .chars()
                .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
                .map(|c| if c == ' ' { '-' } else { c })
                .collect();
            ids.insert(id);
        }
    }
    ids
}

/// Every link target of a page written `](target)`.
fn links(text: &str) -> Vec<String> {
    prose(text)
        .split("](")
        .skip(1)
        .map(|piece| piece[..piece.find(')').unwrap_or(piece.len())].to_string())
        .collect()
}

#[test]
fn every_link_to_a_page_equation_figure_or_reference_resolves() {
    let pages = pages();
    let mut problems = Vec::new();
    let mut checked = 0;
    for page in &pages {
        let text = fs::read_to_string(page).expect("readable page");
        let name = page.file_name().unwrap_or_default().to_string_lossy();
        for target in links(&text) {
            if target.contains("://") || target.ends_with(".png") || target.starts_with("mailto:") {
                continue;
            }
            let (file, anchor) = target.split_once('#').unwrap_or((&target, ""));
            let linked = if file.is_empty() {
                page.clone()
            } else {
                page.with_file_name(file)
            };
            if file.is_empty() && anchor.is_empty() {
                continue;
            }
            checked += 1;
            if !file.is_empty() && !file.ends_with(".md") {
                // A link to a source file or an output: it must exist.
                if !linked.exists() {
                    problems.push(format!("{name}: `{target}` does not exist"));
                }
                continue;
            }
            let Ok(linked_text) = fs::read_to_string(&linked) else {
                problems.push(format!("{name}: `{target}`: no page {file}"));
                continue;
            };
            if !anchor.is_empty() && !anchors(&linked_text, &linked).contains(anchor) {
                problems.push(format!(
                    "{name}: `{target}`: {} has no anchor `{anchor}`",
                    linked.file_name().unwrap_or_default().to_string_lossy()
                ));
            }
        }
    }
    assert!(checked > 0, "the book links nothing");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_work_in_the_bibliography_is_cited() {
    let references = pages()
        .into_iter()
        .find(|page| page.ends_with("references.md"))
        .expect("the book has a references page");
    let text = fs::read_to_string(&references).expect("readable page");
    let keys: BTreeSet<String> = text
        .split("id=\"")
        .skip(1)
        .map(|piece| piece[..piece.find('"').unwrap_or(0)].to_string())
        .collect();
    assert!(keys.len() >= 10, "the bibliography lists {keys:?}");
    let mut cited = BTreeSet::new();
    for page in pages() {
        let text = fs::read_to_string(&page).expect("readable page");
        for target in links(&text) {
            if let Some(key) = target.strip_prefix("references.md#") {
                cited.insert(key.to_string());
            }
        }
    }
    let uncited: Vec<&String> = keys.difference(&cited).collect();
    assert!(
        uncited.is_empty(),
        "works listed in references.md but cited nowhere: {uncited:?}"
    );
}

mod unit {
    use super::*;

    #[test]
    fn images_know_whether_they_stand_alone() {
        let text = "a\n\n![Figure 1.1: x](f.png)\n\nb ![y](g.png) c\n";
        assert_eq!(
            images(text),
            vec![
                ("Figure 1.1: x".to_string(), true),
                ("y".to_string(), false)
            ]
        );
    }

    #[test]
    fn anchors_come_from_tags_figures_ids_and_headings() {
        let page = Path::new("ch06-backpropagation.md");
        let ids = anchors(
            "## The four equations\n\n$$ a \\tag{6.3} $$\n\n![Figure 6.1: x](f.png)\n\n<a id=\"k\"></a>\n",
            page,
        );
        for id in ["eq-6-3", "fig-6-1", "k", "the-four-equations"] {
            assert!(ids.contains(id), "{id} missing from {ids:?}");
        }
    }
}
