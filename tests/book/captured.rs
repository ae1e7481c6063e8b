//! Comparing a program's captured output with a fresh run, on any CPU.
//!
//! The words of the output are compared exactly; each number is compared with a tolerance that
//! suits what it measures. A chapter lists rules that say what its numbers are (a loss after a
//! long training run, a rounding error, a duration); a number no rule names is compared to its
//! printed precision (one unit in its last digit), and a whole number exactly.
//!
//! Why not digit for digit: the matrix kernel is chosen when the program starts (AVX2 with FMA,
//! AVX without it, NEON on ARM, AVX-512), each kernel adds products in its own order, and float
//! addition is not associative. The last bits of a product differ between CPUs; a rounding error
//! is rounding noise; and ten epochs of training turn a difference in the last bit into a
//! slightly different network. On one machine the runs are still bit for bit the same.

/// How far a number may move between the captured output and a fresh run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Tolerance {
    /// The same value (for counts, sizes, indices and settings).
    Exact,
    /// Within one unit of the last printed digit (for results of well-conditioned arithmetic,
    /// which differ between CPUs at most in the last bits, and so by at most one printed digit).
    LastDigit,
    /// Within this fraction of the captured value, plus one printed digit.
    Relative(f64),
    /// Within this distance of the captured value, plus one printed digit.
    Absolute(f64),
    /// The same order of magnitude: within `factor` of each other, counting anything below
    /// `floor` as `floor` (for sizes of rounding errors, which are noise).
    Magnitude {
        /// The largest allowed ratio of the two values.
        factor: f64,
        /// Values below this are all the same (rounding noise of exact zero).
        floor: f64,
    },
    /// Not compared (durations, and things rounding picks, such as where the largest rounding
    /// error falls).
    Any,
}

/// Says which numbers a tolerance applies to.
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    /// The number's surroundings in its line: `{}` stands for the number, `#` for any other
    /// number, runs of spaces are one space, `^` is the start of the line and `$` its end. The
    /// rule applies where this is part of the line.
    pub pattern: &'static str,
    /// How the numbers it names are compared.
    pub tolerance: Tolerance,
    /// If set, the rule applies only under a heading that contains this text. A heading is a
    /// line that does not start with a space; the lines under it are those that do.
    pub section: Option<&'static str>,
}

/// A rule: the numbers at `{}` in lines containing `pattern` are compared within `tolerance`.
pub const fn rule(pattern: &'static str, tolerance: Tolerance) -> Rule {
    Rule {
        pattern,
        tolerance,
        section: None,
    }
}

impl Rule {
    /// The same rule, applied only under headings that contain `heading`.
    pub const fn under(self, heading: &'static str) -> Rule {
        Rule {
            section: Some(heading),
            ..self
        }
    }
}

/// The heading each line of `lines` is under (a heading is under itself).
fn headings<'a>(lines: &[&'a str]) -> Vec<&'a str> {
    let mut current = "";
    lines
        .iter()
        .map(|line| {
            if !line.starts_with(' ') {
                current = line;
            }
            current
        })
        .collect()
}

/// Durations and throughputs differ from run to run on any machine.
pub const TIMINGS: [Rule; 3] = [
    rule("{} s", Tolerance::Any),
    rule("{} ms", Tolerance::Any),
    rule("{} samples/s", Tolerance::Any),
];

/// A piece of a line: words and spaces, or a number as printed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Token<'a> {
    /// Anything that is not a number.
    Text(&'a str),
    /// A decimal number: `-12`, `0.3057`, `2.8e-7`.
    Number(&'a str),
}

/// Splits a line into text and numbers. A `-` belongs to a number when it directly precedes a
/// digit and does not follow a letter or digit; an exponent belongs to it when digits follow.
pub fn tokens(line: &str) -> Vec<Token<'_>> {
    let bytes = line.as_bytes();
    let digits_from = |mut i: usize| {
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        i
    };
    let mut found = Vec::new();
    let (mut text_start, mut i) = (0, 0);
    while i < bytes.len() {
        let after_word = i > 0 && bytes[i - 1].is_ascii_alphanumeric();
        let signed =
            bytes[i] == b'-' && !after_word && bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
        if !(bytes[i].is_ascii_digit() || signed) {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = digits_from(if signed { i + 1 } else { i });
        if bytes.get(end) == Some(&b'.') && bytes.get(end + 1).is_some_and(u8::is_ascii_digit) {
            end = digits_from(end + 1);
        }
        if bytes.get(end) == Some(&b'e') {
            let sign = usize::from(bytes.get(end + 1) == Some(&b'-'));
            if bytes.get(end + 1 + sign).is_some_and(u8::is_ascii_digit) {
                end = digits_from(end + 1 + sign);
            }
        }
        if text_start < start {
            found.push(Token::Text(&line[text_start..start]));
        }
        found.push(Token::Number(&line[start..end]));
        (text_start, i) = (end, end);
    }
    if text_start < line.len() {
        found.push(Token::Text(&line[text_start..]));
    }
    found
}

/// Text with every run of whitespace made one space.
fn collapse_spaces(text: &str) -> String {
    let mut collapsed = String::with_capacity(text.len());
    let mut in_space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            if !in_space {
                collapsed.push(' ');
            }
            in_space = true;
        } else {
            collapsed.push(c);
            in_space = false;
        }
    }
    collapsed
}

/// The line as rules see number `which`: that number as `{}`, the others as `#`.
fn context(line: &[Token], which: usize) -> String {
    let mut number = 0;
    let mut text = String::new();
    for token in line {
        match token {
            Token::Text(words) => text.push_str(words),
            Token::Number(_) => {
                text.push_str(if number == which { "{}" } else { "#" });
                number += 1;
            }
        }
    }
    format!("^{}$", collapse_spaces(&text))
}

/// The tolerance for the number `printed`, seen in its line as `context`, under `heading`: the
/// first rule that matches, or the default (a whole number exactly, any other to its last digit).
fn tolerance_for(
    context: &str,
    printed: &str,
    heading: &str,
    rules: &[Rule],
    used: &mut [bool],
) -> Tolerance {
    for (i, rule) in rules.iter().enumerate() {
        let in_section = rule.section.is_none_or(|section| heading.contains(section));
        if in_section && context.contains(&collapse_spaces(rule.pattern)) {
            used[i] = true;
            return rule.tolerance;
        }
    }
    if printed.contains(['.', 'e']) {
        Tolerance::LastDigit
    } else {
        Tolerance::Exact
    }
}

/// The numbers of a line, as printed.
fn numbers<'a>(line: &[Token<'a>]) -> Vec<&'a str> {
    line.iter()
        .filter_map(|token| match token {
            Token::Number(printed) => Some(*printed),
            Token::Text(_) => None,
        })
        .collect()
}

/// The tolerance of each number of each line of `text` under `rules`.
pub fn tolerances(text: &str, rules: &[Rule]) -> Vec<Vec<Tolerance>> {
    let lines: Vec<&str> = text.lines().collect();
    let mut unused = vec![false; rules.len()];
    lines
        .iter()
        .zip(headings(&lines))
        .map(|(line, heading)| {
            let pieces = tokens(line);
            numbers(&pieces)
                .into_iter()
                .enumerate()
                .map(|(i, printed)| {
                    tolerance_for(&context(&pieces, i), printed, heading, rules, &mut unused)
                })
                .collect()
        })
        .collect()
}

/// The value of one unit in the last printed digit: 0.0001 for `0.3057`, 1e-8 for `2.8e-7`; for
/// a number printed with more digits than an `f64` holds, a few units of its last bit instead.
fn last_digit(printed: &str) -> f64 {
    let (mantissa, exponent) = match printed.split_once('e') {
        Some((mantissa, exponent)) => (mantissa, exponent.parse::<i32>().unwrap_or(0)),
        None => (printed, 0),
    };
    let decimals = mantissa.split_once('.').map_or(0, |(_, d)| d.len()) as i32;
    10f64
        .powi(exponent - decimals)
        .max(4.0 * f64::EPSILON * value(printed).abs())
}

fn value(printed: &str) -> f64 {
    printed
        .parse()
        .expect("the tokenizer yields numbers that parse")
}

/// Whether `fresh` is within `tolerance` of `captured`.
pub fn within(captured: &str, fresh: &str, tolerance: Tolerance) -> bool {
    let (a, b) = (value(captured), value(fresh));
    // The captured number's last digit: both runs print with the same format, so they differ
    // in precision only where one rolls over to the next power of ten (9.8e10 against 1.0e11),
    // and the captured precision is the one the book promises.
    let digit = last_digit(captured) * (1.0 + 1e-9);
    let distance = (a - b).abs();
    match tolerance {
        Tolerance::Exact => a == b,
        Tolerance::LastDigit => distance <= digit,
        Tolerance::Relative(fraction) => distance <= fraction * a.abs() + digit,
        Tolerance::Absolute(allowed) => distance <= allowed + digit,
        Tolerance::Magnitude { factor, floor } => {
            let (x, y) = (a.abs().max(floor), b.abs().max(floor));
            let same_sign = a.abs() < floor || b.abs() < floor || (a < 0.0) == (b < 0.0);
            same_sign && x.max(y) <= factor * x.min(y)
        }
        Tolerance::Any => true,
    }
}

/// A number moved just beyond `tolerance`, printed like `printed`; `None` for [`Tolerance::Any`].
pub fn beyond(printed: &str, tolerance: Tolerance) -> Option<String> {
    let (v, digit) = (value(printed), last_digit(printed));
    let moved = match tolerance {
        Tolerance::Exact => v + digit.max(1.0),
        Tolerance::LastDigit => v + 2.0 * digit,
        Tolerance::Relative(fraction) => v + 2.0 * (fraction * v.abs() + digit),
        Tolerance::Absolute(allowed) => v + 2.0 * (allowed + digit),
        Tolerance::Magnitude { factor, floor } => v.abs().max(floor) * factor * factor,
        Tolerance::Any => return None,
    };
    Some(match printed.split_once('e') {
        Some((mantissa, _)) => {
            let decimals = mantissa.split_once('.').map_or(0, |(_, d)| d.len());
            format!("{moved:.decimals$e}")
        }
        None => {
            let decimals = printed.split_once('.').map_or(0, |(_, d)| d.len());
            format!("{moved:.decimals$}")
        }
    })
}

/// Where and how a fresh run differs from the captured output.
#[derive(Debug)]
pub struct Comparison {
    /// One message per differing line: the line number, both lines, and what differs.
    pub differences: Vec<String>,
    /// For each rule, whether it applied to any number (a rule that never does is stale).
    pub rules_used: Vec<bool>,
}

/// Compares `fresh` with `captured`, line by line.
pub fn compare(captured: &str, fresh: &str, rules: &[Rule]) -> Comparison {
    let mut differences = Vec::new();
    let mut rules_used = vec![false; rules.len()];
    let (captured_lines, fresh_lines): (Vec<&str>, Vec<&str>) =
        (captured.lines().collect(), fresh.lines().collect());
    if captured_lines.len() != fresh_lines.len() {
        differences.push(format!(
            "the captured output has {} lines, the fresh run printed {}",
            captured_lines.len(),
            fresh_lines.len()
        ));
    }
    let headings = headings(&captured_lines);
    for (number, (was, now)) in captured_lines.iter().zip(&fresh_lines).enumerate() {
        if let Some(why) = compare_line(was, now, headings[number], rules, &mut rules_used) {
            differences.push(format!(
                "line {}: {why}\n  captured: {was}\n  fresh:    {now}",
                number + 1
            ));
        }
    }
    Comparison {
        differences,
        rules_used,
    }
}

/// Why two lines under `heading` differ, or `None` if they agree.
fn compare_line(
    captured: &str,
    fresh: &str,
    heading: &str,
    rules: &[Rule],
    used: &mut [bool],
) -> Option<String> {
    let (was, now) = (tokens(captured), tokens(fresh));
    let shape = |line: &[Token]| -> Vec<String> {
        line.iter()
            .map(|token| match token {
                Token::Text(words) => collapse_spaces(words).trim().to_string(),
                Token::Number(_) => "#".to_string(),
            })
            .collect()
    };
    if shape(&was) != shape(&now) {
        return Some("the text differs".into());
    }
    let mut problems = Vec::new();
    for (i, (a, b)) in numbers(&was).into_iter().zip(numbers(&now)).enumerate() {
        let tolerance = tolerance_for(&context(&was, i), a, heading, rules, used);
        if !within(a, b, tolerance) {
            problems.push(format!("{b} is not within {tolerance:?} of {a}"));
        }
    }
    (!problems.is_empty()).then(|| problems.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_split_from_words() {
        use Token::{Number as N, Text as T};
        assert_eq!(
            tokens("epoch  1  loss 0.3057  err 2.8e-7, at W¹[8, 4] x1 -3 (-0.5)"),
            [
                T("epoch  "),
                N("1"),
                T("  loss "),
                N("0.3057"),
                T("  err "),
                N("2.8e-7"),
                T(", at W¹["),
                N("8"),
                T(", "),
                N("4"),
                T("] x"),
                N("1"),
                T(" "),
                N("-3"),
                T(" ("),
                N("-0.5"),
                T(")"),
            ]
        );
        assert_eq!(
            tokens("a-1 1e 10."),
            [T("a-"), N("1"), T(" "), N("1"), T("e "), N("10"), T(".")]
        );
    }

    #[test]
    fn the_last_printed_digit_sets_the_default_tolerance() {
        assert_eq!(last_digit("0.3057"), 1e-4);
        assert!((last_digit("2.8e-7") - 1e-8).abs() < 1e-22);
        assert_eq!(last_digit("231"), 1.0);
        assert!(within("0.8320", "0.8321", Tolerance::LastDigit));
        assert!(!within("0.8320", "0.8322", Tolerance::LastDigit));
        assert!(within("-1.322100e-5", "-1.322101e-5", Tolerance::LastDigit));
    }

    #[test]
    fn each_tolerance_accepts_what_it_should_and_no_more() {
        assert!(within("97.69", "97.21", Tolerance::Absolute(0.5)));
        assert!(!within("97.69", "97.11", Tolerance::Absolute(0.5)));
        assert!(within("0.0214", "0.0233", Tolerance::Relative(0.1)));
        assert!(!within("0.0214", "0.0240", Tolerance::Relative(0.1)));
        let rounding = Tolerance::Magnitude {
            factor: 10.0,
            floor: 1e-15,
        };
        assert!(within("2.8e-7", "1.7e-7", rounding));
        assert!(within("3.3e-16", "0.0e0", rounding));
        assert!(!within("2.8e-7", "3.1e-6", rounding));
        assert!(!within("2.8e-7", "-2.8e-7", rounding));
        assert!(!within("231", "232", Tolerance::Exact));
        assert!(within("0.46", "9.99", Tolerance::Any));
    }

    #[test]
    fn rules_pick_numbers_by_their_surroundings() {
        let rules = [
            rule("loss {}", Tolerance::Relative(0.1)),
            rule("{}%", Tolerance::Absolute(0.5)),
        ];
        let line = tokens("epoch  1  loss 0.3057  train 91.40%  0.46 s");
        let printed = ["1", "0.3057", "91.40", "0.46"];
        let mut used = [false; 2];
        let pick = |i: usize, rules: &[Rule], used: &mut [bool]| {
            tolerance_for(&context(&line, i), printed[i], "", rules, used)
        };
        assert_eq!(pick(0, &rules, &mut used), Tolerance::Exact);
        assert_eq!(pick(1, &rules, &mut used), Tolerance::Relative(0.1));
        assert_eq!(pick(2, &rules, &mut used), Tolerance::Absolute(0.5));
        assert_eq!(pick(3, &rules, &mut used), Tolerance::LastDigit);
        assert_eq!(pick(3, &TIMINGS, &mut [false; 3]), Tolerance::Any);
        assert_eq!(used, [true, true]);
    }

    #[test]
    fn a_rule_with_a_section_applies_only_under_its_heading() {
        let text = "Check in f64\n  error 2.8e-7\nCheck at the kink\n  error 4.0e-1";
        let noise = [rule("error {}", Tolerance::Any).under("f64")];
        assert_eq!(
            tolerances(text, &noise),
            [
                vec![Tolerance::Exact],
                vec![Tolerance::Any],
                vec![],
                vec![Tolerance::LastDigit]
            ]
        );
    }

    #[test]
    fn words_and_line_counts_must_match_but_not_the_width_of_padding() {
        let ok = compare(
            "  1e-4   1.1e-9   3.6e-4\n",
            "  1e-4  1.1e-9  3.6e-4\n",
            &[],
        );
        assert!(ok.differences.is_empty(), "{:?}", ok.differences);
        let words = compare("a 4 taken for a 9", "a 4 mistaken for a 9", &[]);
        assert_eq!(words.differences.len(), 1);
        let lines = compare("one\ntwo", "one", &[]);
        assert_eq!(lines.differences.len(), 1);
        let sign = compare("loss 1", "loss -1", &[]);
        assert_eq!(sign.differences.len(), 1, "{:?}", sign.differences);
    }

    #[test]
    fn a_number_moved_beyond_its_tolerance_fails() {
        let cases = [
            ("231", Tolerance::Exact),
            ("0.3057", Tolerance::LastDigit),
            ("-1.322100e-5", Tolerance::LastDigit),
            ("0.0214", Tolerance::Relative(0.1)),
            ("97.69", Tolerance::Absolute(0.5)),
            ("0.0", Tolerance::Absolute(0.5)),
            (
                "0.0e0",
                Tolerance::Magnitude {
                    factor: 10.0,
                    floor: 1e-15,
                },
            ),
            (
                "2.8e-7",
                Tolerance::Magnitude {
                    factor: 10.0,
                    floor: 1e-15,
                },
            ),
        ];
        for (printed, tolerance) in cases {
            let moved = beyond(printed, tolerance).expect("a finite tolerance");
            assert!(
                !within(printed, &moved, tolerance),
                "{printed} → {moved}: {tolerance:?}"
            );
            assert!(within(printed, printed, tolerance));
        }
        assert_eq!(beyond("0.46", Tolerance::Any), None);
    }
}
