//! Figures with visible, numbered captions.
//!
//! An image alone in a top-level paragraph is a figure: its alt text is its caption,
//! written `![Figure 9.1: What the figure shows.](figures/ch09-ravine.png)`. It becomes a
//! `<figure id="fig-9-1">` holding the image and a `<figcaption>` that shows the caption,
//! with its label (`Figure 9.1`) in bold; the caption is left as Markdown, so it may hold
//! math. Links elsewhere reach the figure as `#fig-9-1`. The numbering itself is checked by
//! the workspace tests (`tests/book/`), which know the chapters. This runs after the math
//! is rendered, so the alt text is the caption without its markup.

use crate::math::parser_options;
use mdbook_markdown::pulldown_cmark::{Event, Parser, Tag, TagEnd};

/// `markdown` with every image that stands alone in a top-level paragraph turned into a
/// captioned figure.
pub fn caption_figures(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len() + 256);
    let mut copied_up_to = 0;
    let mut depth = 0usize;
    let mut events = Parser::new_ext(markdown, parser_options()).into_offset_iter();
    while let Some((event, range)) = events.next() {
        match event {
            Event::Start(Tag::Paragraph) if depth == 0 => {
                // Only a paragraph whose one child is an image is a figure.
                let (dest_url, image) = match events.next() {
                    Some((Event::Start(Tag::Image { dest_url, .. }), image)) => (dest_url, image),
                    // Not a figure: count the paragraph and the event taken from it.
                    Some((Event::Start(_), _)) => {
                        depth += 2;
                        continue;
                    }
                    Some((Event::End(_), _)) => continue,
                    _ => {
                        depth += 1;
                        continue;
                    }
                };
                let mut alone = false;
                for (event, _) in events.by_ref() {
                    if let Event::End(TagEnd::Image) = event {
                        alone = matches!(events.next(), Some((Event::End(TagEnd::Paragraph), _)));
                        break;
                    }
                }
                if !alone {
                    // The paragraph goes on after the image: leave it, and skip to its end.
                    for (event, _) in events.by_ref() {
                        if let Event::End(TagEnd::Paragraph) = event {
                            break;
                        }
                    }
                    continue;
                }
                let source = &markdown[image.clone()];
                let Some(alt) = alt_text(source) else {
                    continue;
                };
                out.push_str(&markdown[copied_up_to..range.start]);
                out.push_str(&figure_html(alt, &dest_url));
                // The paragraph's line break stays.
                copied_up_to = image.end;
            }
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    out.push_str(&markdown[copied_up_to..]);
    out
}

/// The text between `![` and the matching `]` of an inline image's source.
fn alt_text(source: &str) -> Option<&str> {
    let inner = source.strip_prefix("![")?;
    let mut depth = 0usize;
    for (i, c) in inner.char_indices() {
        match c {
            '[' => depth += 1,
            ']' if depth == 0 => return Some(&inner[..i]),
            ']' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// `Figure 9.1` at the start of a caption, and the rest after its `:` or `.`.
fn split_label(caption: &str) -> Option<(&str, &str)> {
    let rest = caption.strip_prefix("Figure ")?;
    let number_len = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    let number = rest[..number_len].trim_end_matches('.');
    if number.is_empty() {
        return None;
    }
    let label = &caption[.."Figure ".len() + number.len()];
    let after = caption[label.len()..]
        .trim_start_matches([':', '.'])
        .trim_start();
    Some((label, after))
}

fn figure_html(caption: &str, src: &str) -> String {
    let caption = caption.trim();
    let (id, shown) = match split_label(caption) {
        Some((label, rest)) => {
            let id = format!("fig-{}", label["Figure ".len()..].replace('.', "-"));
            (Some(id), format!("**{label}.** {rest}"))
        }
        None => (None, caption.to_string()),
    };
    let id = id.map_or_else(String::new, |id| format!(r#" id="{id}""#));
    format!(
        "<figure{id}>\n<img src=\"{}\" alt=\"{}\">\n<figcaption>\n\n{shown}\n\n</figcaption>\n</figure>",
        attribute(src),
        attribute(&plain(caption))
    )
}

/// The caption as plain text for the `alt` attribute: without HTML tags (the caption's math
/// is MathML by now), math dollars, emphasis markers, code ticks or backslashes.
fn plain(caption: &str) -> String {
    let mut text = String::with_capacity(caption.len());
    let mut in_tag = false;
    for c in caption.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            '$' | '*' | '`' | '\\' | '_' => {}
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

fn attribute(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::caption_figures;

    #[test]
    fn an_image_alone_in_a_paragraph_becomes_a_numbered_figure() {
        let html =
            caption_figures("Text.\n\n![Figure 9.1: The ravine, $x^2$.](figures/a.png)\n\nMore.\n");
        assert_eq!(
            html,
            "Text.\n\n<figure id=\"fig-9-1\">\n<img src=\"figures/a.png\" alt=\"Figure 9.1: The ravine, x^2.\">\n\
             <figcaption>\n\n**Figure 9.1.** The ravine, $x^2$.\n\n</figcaption>\n</figure>\n\nMore.\n"
        );
    }

    #[test]
    fn images_inside_text_lists_and_code_are_left_alone() {
        for markdown in [
            "See ![Figure 1.1: x](a.png) here.\n",
            "![Figure 1.1: x](a.png) and text\n",
            "- ![Figure 1.1: x](a.png)\n",
            "```\n![Figure 1.1: x](a.png)\n```\n",
        ] {
            assert_eq!(caption_figures(markdown), markdown);
        }
    }

    #[test]
    fn a_caption_without_a_label_is_shown_without_an_id() {
        let html = caption_figures("![A plot](a.png)\n");
        assert!(html.starts_with("<figure>\n"), "{html}");
        assert!(html.contains("\n\nA plot\n\n"), "{html}");
    }
}
