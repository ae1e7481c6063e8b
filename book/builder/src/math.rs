//! LaTeX math in Markdown → MathML, at build time.
//!
//! Math is found with pulldown-cmark's own math extension (the same parser
//! mdBook uses, with the same options plus `ENABLE_MATH`), so `$` inside code
//! spans and code blocks is never touched and `\$` stays a literal dollar sign.
//! Each formula's source range is replaced by inline HTML: a `<math>` element
//! produced by pulldown-latex. Display math is wrapped in
//! `<span class="math-display">`, with an optional equation number taken from
//! `\tag{...}` (pulldown-latex has no `\tag`, so it is handled here).

use mdbook_markdown::pulldown_cmark::{self as cmark, Event, Options, Parser, TagEnd};
use pulldown_latex::config::DisplayMode;
use pulldown_latex::event::{Content, Event as LatexEvent, ScriptPosition};
use pulldown_latex::{ParserError, RenderConfig, Storage};
use std::fmt;

/// A formula that could not be converted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MathError {
    /// 1-based line of the formula's opening `$` in the Markdown source.
    pub line: usize,
    /// The LaTeX source of the formula, as written between the dollars.
    pub formula: String,
    /// What went wrong.
    pub message: String,
}

impl fmt::Display for MathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: cannot convert `{}`: {}",
            self.line,
            self.formula.trim(),
            self.message
        )
    }
}

/// The pulldown-cmark options mdBook uses (see `mdbook_markdown::new_cmark_parser`),
/// plus math, so that block structure (code blocks, tables, lists) is seen the same way.
pub(crate) fn parser_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_DEFINITION_LIST
        | Options::ENABLE_GFM
        | Options::ENABLE_MATH
}

/// Replaces every `$...$` and `$$...$$` in `markdown` by MathML.
///
/// Returns the rewritten Markdown, or every formula that failed to convert.
pub fn render_markdown(markdown: &str) -> Result<String, Vec<MathError>> {
    let mut out = String::with_capacity(markdown.len() * 2);
    let mut errors = Vec::new();
    let mut copied_up_to = 0;
    let mut in_code_block = false;
    let line_of = |offset: usize| markdown[..offset].matches('\n').count() + 1;

    for (event, range) in Parser::new_ext(markdown, parser_options()).into_offset_iter() {
        let (latex, display) = match &event {
            Event::InlineMath(latex) => (latex, false),
            Event::DisplayMath(latex) => (latex, true),
            Event::Start(cmark::Tag::CodeBlock(_)) => {
                in_code_block = true;
                continue;
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code_block = false;
                continue;
            }
            Event::Text(_) if !in_code_block => {
                // A `$` left in prose is a formula pulldown-cmark did not accept as math
                // (unbalanced braces, a space after the opening `$`, ...): it would show
                // as raw LaTeX. A literal dollar sign must be written `\$`.
                let text = &markdown[range.clone()];
                for (i, _) in text.match_indices('$') {
                    let at = range.start + i;
                    let reported = errors.last().is_some_and(|e: &MathError| {
                        e.line == line_of(at) && e.message.starts_with("unmatched")
                    });
                    if !reported && (at == 0 || markdown.as_bytes()[at - 1] != b'\\') {
                        let line_end = markdown[at..].find('\n').map_or(markdown.len(), |n| at + n);
                        errors.push(MathError {
                            line: line_of(at),
                            formula: markdown[at..line_end].to_string(),
                            message: "unmatched `$`: not recognised as math (unbalanced braces? \
                                      a space just inside a `$`?); write `\\$` for a dollar sign"
                                .into(),
                        });
                    }
                }
                continue;
            }
            _ => continue,
        };
        let result = if display {
            display_html(latex)
        } else {
            inline_html(latex)
        };
        match result {
            Ok(html) => {
                out.push_str(&markdown[copied_up_to..range.start]);
                out.push_str(&html);
                copied_up_to = range.end;
            }
            Err(message) => errors.push(MathError {
                line: line_of(range.start),
                formula: latex.to_string(),
                message,
            }),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    out.push_str(&markdown[copied_up_to..]);
    Ok(out)
}

fn inline_html(latex: &str) -> Result<String, String> {
    if find_tag(latex)?.is_some() {
        return Err("`\\tag` is only allowed in display math (`$$ ... $$`)".into());
    }
    latex_to_mathml(latex, false)
}

fn display_html(latex: &str) -> Result<String, String> {
    let (body, tag) = match find_tag(latex)? {
        Some(tag) => (
            format!("{}{}", &latex[..tag.start], &latex[tag.end..]),
            Some(tag),
        ),
        None => (latex.to_string(), None),
    };
    let mathml = latex_to_mathml(&body, true)?;
    Ok(match tag {
        None => format!(r#"<span class="math-display">{mathml}</span>"#),
        Some(tag) => {
            let id = escape_html(&anchor_id(&tag.label));
            let label = escape_html(&tag.label);
            let shown = if tag.starred {
                label
            } else {
                format!("({label})")
            };
            let shown = escape_markdown_text(&shown);
            format!(
                r#"<span class="math-display" id="eq-{id}">{mathml}<span class="eq-number">{shown}</span></span>"#
            )
        }
    })
}

/// The anchor of the equation labelled `label`: `3.1` → `3-1` (links write `#eq-3-1`),
/// whitespace and dots becoming dashes.
pub fn anchor_id(label: &str) -> String {
    label.replace(|c: char| c.is_whitespace() || c == '.', "-")
}

/// Converts one formula to a `<math>` element that survives Markdown parsing unchanged.
pub fn latex_to_mathml(latex: &str, display: bool) -> Result<String, String> {
    if latex.trim().is_empty() {
        return Err("empty formula".into());
    }
    let storage = Storage::new();
    let events: Vec<_> = pulldown_latex::Parser::new(latex, &storage).collect();
    if let Some(Err(error)) = events.iter().find(|event| event.is_err()) {
        return Err(error.to_string());
    }
    let config = RenderConfig {
        display_mode: if display {
            DisplayMode::Block
        } else {
            DisplayMode::Inline
        },
        ..RenderConfig::default()
    };
    let movable = movable_large_ops(&events);
    let mut mathml = String::new();
    pulldown_latex::push_mathml(&mut mathml, events.into_iter(), config)
        .map_err(|e| e.to_string())?;
    let mathml = let_limits_move(&mathml, &movable);
    if mathml.contains("<merror") {
        return Err(format!("pulldown-latex reported an error: {mathml}"));
    }
    // pulldown-latex 0.8 writes `\big(`-style delimiters with two attributes run together
    // (`stretchy="false"minsize=...`), which browsers then show as text: refuse them.
    if mathml.contains("\"minsize") || mathml.contains("\"maxsize") {
        return Err(
            "this formula renders to malformed MathML (\\big-style delimiters do); \
                    use \\left( … \\right) instead"
                .into(),
        );
    }
    Ok(escape_markdown_text(&mathml))
}

/// For each large operator (`\sum`, `\prod`, ...) in order: whether its limits were
/// written without `\limits`/`\nolimits`, so that TeX would place them by style.
fn movable_large_ops(events: &[Result<LatexEvent<'_>, ParserError>]) -> Vec<bool> {
    let mut movable = Vec::new();
    let mut previous: Option<&LatexEvent<'_>> = None;
    for event in events.iter().flatten() {
        if let LatexEvent::Content(Content::LargeOp { .. }) = event {
            movable.push(matches!(
                previous,
                Some(LatexEvent::Script {
                    position: ScriptPosition::Movable,
                    ..
                })
            ));
        }
        previous = Some(event);
    }
    movable
}

/// pulldown-latex decides once, from the display mode, whether the limits of a large
/// operator go above/below or to the right, and pins that with
/// `movablelimits="false"`. TeX decides by style: in display math, limits go above and
/// below, except in text-style parts such as a fraction's numerator and denominator,
/// where they become scripts. Removing the attribute from operators whose limits were
/// not forced with `\limits` lets the browser apply TeX's rule (the default
/// `movablelimits` of `∑` is true in MathML's operator dictionary).
fn let_limits_move(mathml: &str, movable: &[bool]) -> String {
    const PINNED: &str = r#" movablelimits="false""#;
    if mathml.matches(PINNED).count() != movable.len() {
        return mathml.to_string(); // not the output shape we know: leave it alone
    }
    let mut out = String::with_capacity(mathml.len());
    let mut rest = mathml;
    for &free in movable {
        let at = rest.find(PINNED).expect("counted above");
        out.push_str(&rest[..at]);
        if !free {
            out.push_str(PINNED);
        }
        rest = &rest[at + PINNED.len()..];
    }
    out.push_str(rest);
    out
}

/// An equation number written as `\tag{...}` (or `\tag*{...}`, shown without parentheses).
#[derive(Debug)]
struct Tag {
    /// Byte range of the whole `\tag{...}` in the formula.
    start: usize,
    end: usize,
    label: String,
    starred: bool,
}

/// Finds the single `\tag{...}` in a formula, if any.
fn find_tag(latex: &str) -> Result<Option<Tag>, String> {
    let mut found: Option<Tag> = None;
    let bytes = latex.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' {
            // A control sequence: `\` followed by letters, or by one other character.
            let name_start = i + 1;
            let mut j = name_start;
            while j < bytes.len() && bytes[j].is_ascii_alphabetic() {
                j += 1;
            }
            if j == name_start {
                i = name_start + 1; // `\\`, `\{`, `\$`, ...: skip the escaped character
                continue;
            }
            if &latex[name_start..j] == "tag" {
                if found.is_some() {
                    return Err("more than one `\\tag` in one formula".into());
                }
                let starred = bytes.get(j) == Some(&b'*');
                let mut k = if starred { j + 1 } else { j };
                while k < bytes.len() && bytes[k].is_ascii_whitespace() {
                    k += 1;
                }
                if bytes.get(k) != Some(&b'{') {
                    return Err("`\\tag` must be followed by `{label}`".into());
                }
                let mut depth = 0usize;
                let mut end = None;
                for (offset, b) in bytes[k..].iter().enumerate() {
                    match b {
                        b'{' => depth += 1,
                        b'}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = Some(k + offset);
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                let Some(close) = end else {
                    return Err("unbalanced braces in `\\tag{...}`".into());
                };
                let label = latex[k + 1..close].trim().to_string();
                if label.is_empty() {
                    return Err("empty `\\tag{}`".into());
                }
                found = Some(Tag {
                    start: i,
                    end: close + 1,
                    label,
                    starred,
                });
                i = close + 1;
                continue;
            }
            i = j;
            continue;
        }
        i += 1;
    }
    Ok(found)
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Makes the text between tags inert for Markdown: every ASCII punctuation character
/// (which could start emphasis, a link, a code span, smart quotes, a table cell
/// boundary, ...) becomes a numeric character reference. Tags and existing
/// character references are copied unchanged.
fn escape_markdown_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 4);
    let mut chars = html.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '<' => {
                out.push(c);
                for c in chars.by_ref() {
                    out.push(c);
                    if c == '>' {
                        break;
                    }
                }
            }
            '&' => {
                out.push(c);
                while let Some(&next) = chars.peek() {
                    chars.next();
                    out.push(next);
                    if next == ';' {
                        break;
                    }
                }
            }
            '\n' | '\r' => out.push(' '),
            c if c.is_ascii_punctuation() => {
                out.push_str(&format!("&#{};", c as u32));
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod big_delimiter_tests {
    use super::latex_to_mathml;

    #[test]
    fn big_delimiters_are_refused_with_advice() {
        let error = latex_to_mathml(r"\bigl(x\bigr)", true).expect_err("malformed output");
        assert!(error.contains("\\left"), "{error}");
        assert!(latex_to_mathml(r"\left(x\right)", true).is_ok());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(markdown: &str) -> String {
        render_markdown(markdown).unwrap_or_else(|e| panic!("{e:?}"))
    }

    #[test]
    fn inline_math_becomes_inline_mathml() {
        let html = ok("The weight $w_{jk}$ connects neurons.");
        assert!(html.starts_with("The weight <math"), "{html}");
        assert!(!html.contains("display=\"block\""), "{html}");
        assert!(html.contains("<msub>"), "{html}");
        assert!(html.ends_with("</math> connects neurons."), "{html}");
        assert!(!html.contains('$'));
    }

    #[test]
    fn display_math_becomes_block_mathml() {
        let html = ok("Before.\n\n$$\n\\sum_{i=1}^{n} x_i\n$$\n\nAfter.");
        assert!(
            html.contains(r#"<span class="math-display"><math display="block">"#),
            "{html}"
        );
        assert!(html.contains("<munderover>"), "{html}");
        assert!(
            html.starts_with("Before.\n\n") && html.ends_with("\n\nAfter."),
            "{html}"
        );
        // One line, so it can never end an HTML block or a paragraph early.
        let line = html.lines().find(|l| l.contains("<math")).unwrap();
        assert!(line.ends_with("</span>"), "{html}");
    }

    #[test]
    fn display_math_inside_a_paragraph() {
        let html =
            ok("The loss is\n$$\nL = \\frac{1}{2}(y - \\hat{y})^2\n$$\nwhere $y$ is the target.");
        assert!(
            html.starts_with("The loss is\n<span class=\"math-display\">"),
            "{html}"
        );
        assert!(html.contains("<mfrac>"), "{html}");
        assert!(html.contains("\nwhere <math"), "{html}");
    }

    #[test]
    fn tag_becomes_an_equation_number() {
        let html = ok("$$\n\\delta^{L} = \\nabla_a C \\odot \\sigma'(z^{L}) \\tag{BP1}\n$$");
        assert!(html.contains(r#"id="eq-BP1""#), "{html}");
        assert!(
            html.contains(r#"<span class="eq-number">&#40;BP1&#41;</span>"#),
            "{html}"
        );
        assert!(!html.contains("tag"), "{html}");

        let html = ok("$$ a = b \\tag{3.1} $$");
        assert!(html.contains(r#"id="eq-3-1""#), "{html}");
        assert!(html.contains("&#40;3&#46;1&#41;"), "{html}");

        let html = ok("$$ a = b \\tag*{†} $$");
        assert!(
            html.contains(r#"<span class="eq-number">†</span>"#),
            "{html}"
        );
    }

    #[test]
    fn tag_errors() {
        assert!(render_markdown("$a \\tag{1}$").is_err());
        assert!(render_markdown("$$a \\tag{1} \\tag{2}$$").is_err());
        assert!(render_markdown("$$a \\tag 1$$").is_err());
        // `\tags` is not `\tag`; an escaped backslash before `tag` is not `\tag` either.
        assert!(find_tag(r"\tags{x}").unwrap().is_none());
        assert!(find_tag(r"a \\ tag{x}").unwrap().is_none());
    }

    #[test]
    fn code_spans_and_blocks_are_untouched() {
        let src = "Use `$x$` or ``$$y$$`` in code.\n\n```text\nprice: $5 and $6, $$z$$\n```\n\n    indented $a$ code\n";
        assert_eq!(ok(src), src);
    }

    #[test]
    fn escaped_dollars_stay_dollars() {
        let src = "It costs \\$5, or \\$7 with $x$ tax.";
        let html = ok(src);
        assert!(
            html.starts_with("It costs \\$5, or \\$7 with <math"),
            "{html}"
        );
        assert!(html.ends_with("</math> tax."), "{html}");
    }

    #[test]
    fn unmatched_dollars_fail() {
        // pulldown-cmark does not take these as math; they would show raw LaTeX.
        for src in [
            "It costs $5 and $ 6.",
            "Ends with $",
            "a $ b $ c",
            "$\\frac{1}{$",
        ] {
            let err = render_markdown(src).unwrap_err();
            assert!(err[0].message.contains("unmatched `$`"), "{src}: {err:?}");
        }
        let err = render_markdown("ok $x$\n\nbad $ y$ here").unwrap_err();
        assert_eq!((err.len(), err[0].line), (1, 3), "{err:?}");
        assert_eq!(err[0].formula, "$ y$ here");
    }

    #[test]
    fn markdown_characters_in_mathml_are_escaped() {
        // `*`, `_`, `[`, `]`, `|` and quotes in formulas must not turn into emphasis,
        // links, table cells or curly quotes once the HTML is back in Markdown.
        let html = ok("| a | b |\n|---|---|\n| $\\lvert x \\rvert$ | $a * b * c$ |\n");
        assert!(!html.contains('*'), "{html}");
        let html = ok("$[a]_{i} \\text{it's \"x\"}$");
        for c in ['[', ']', '_', '\'', '"'] {
            let text: String = html
                .split('<')
                .map(|s| s.split_once('>').map_or(s, |(_, text)| text))
                .collect();
            assert!(!text.contains(c), "{c} in {html}");
        }
    }

    #[test]
    fn malformed_latex_fails_with_the_formula_and_line() {
        let err = render_markdown("Fine $x$.\n\nBroken: $\\frac{1}$ and $\\nosuchcommand$.\n")
            .unwrap_err();
        assert_eq!(err.len(), 2, "{err:?}");
        assert_eq!(err[0].line, 3);
        assert_eq!(err[0].formula, "\\frac{1}");
        assert_eq!(err[1].formula, "\\nosuchcommand");
        assert!(err[1].to_string().contains("\\nosuchcommand"), "{}", err[1]);

        let err = render_markdown("$$\n\\begin{bmatrix} a & b \\end{pmatrix}\n$$").unwrap_err();
        assert_eq!(err.len(), 1);
        assert!(render_markdown("$$ \\left( x $$").is_err());
    }

    #[test]
    fn sum_limits_follow_tex_style_rules() {
        // Free limits: the browser places them (above/below at the top level of display
        // math, as scripts inside a fraction).
        let html = latex_to_mathml(r"\frac{1}{\sum_{i=1}^{n} w_i}", true).unwrap();
        assert!(html.contains("<munderover><mo>∑</mo>"), "{html}");
        assert!(!html.contains("movablelimits"), "{html}");
        // `\limits` forces them above/below; `\nolimits` puts them to the right.
        let html = latex_to_mathml(r"\sum\limits_{i}^{n} x + \sum_{j} y", false).unwrap();
        assert_eq!(
            html.matches(r#"movablelimits="false""#).count(),
            1,
            "{html}"
        );
        assert!(
            html.contains("<munderover><mo movablelimits=\"false\">∑</mo>"),
            "{html}"
        );
        let html = latex_to_mathml(r"\sum\nolimits_{i}^{n} x", true).unwrap();
        assert!(html.contains("<msubsup>"), "{html}");
    }

    /// Every construct the book uses converts without error.
    #[test]
    fn book_constructs_convert() {
        let formulas = [
            r"\frac{\partial C}{\partial w^{l}_{jk}} = a^{l-1}_{k} \delta^{l}_{j}",
            r"\sum_{i=1}^{n} (y_i - \hat{y}_i)^2",
            r"\sigma(z) = \frac{1}{1 + \exp(-z)}",
            r"\delta^{l} = \left( (\mathbf{W}^{l+1})^{\top} \delta^{l+1} \right) \odot \sigma'(z^{l})",
            r"\mathbf{W}^{\mathsf T} \mathbf{x}",
            r"\nabla_{\mathbf{w}} C",
            r"-\sum_k y_k \ln p_k",
            r"\max(0, z) \quad \log x \cdot \exp y",
            r"\begin{bmatrix} w_{11} & w_{12} \\ w_{21} & w_{22} \end{bmatrix}",
            r"\text{softmax}(\mathbf{z})_i = \frac{e^{z_i}}{\sum_{j} e^{z_j}}",
            r"a \le b \ge c \approx d, \quad x \in \mathbb{R}^{n}",
            r"W^{l}_{jk} \qquad b^{l}_{j}",
            r"\operatorname{ReLU}(z) = \max(0, z)",
            r"f(x) = \begin{cases} x & x > 0 \\ 0 & \text{otherwise} \end{cases}",
            r"\begin{aligned} a &= b + c \\ &= d \end{aligned}",
            r"\begin{pmatrix} 1 \\ 0 \end{pmatrix} \, \tfrac{1}{2} \, \sqrt{x} \, \|x\|_2",
        ];
        for formula in formulas {
            for display in [false, true] {
                let mathml =
                    latex_to_mathml(formula, display).unwrap_or_else(|e| panic!("{formula}: {e}"));
                assert!(mathml.starts_with("<math"), "{formula}: {mathml}");
            }
        }
    }
}
