//! The program output the book shows is what the programs print today, on any CPU.
//!
//! The captured files in `book/src/outputs/` were made on the CPU named in the README. Each
//! chapter's rules below say what its numbers are and so how far another CPU's run may move
//! them (see `captured.rs`); everything not named is compared to its last printed digit, and
//! all words exactly. `a_number_moved_beyond_its_tolerance_fails_the_comparison` shows that the
//! tolerances still catch a real change: every number of every captured file, moved just past
//! its tolerance, makes the comparison fail.

use crate::captured::{Rule, TIMINGS, Token, Tolerance, beyond, compare, rule, tokens, tolerances};
use chapters::session::{captured_output_path, long_output_id};
use chapters::{CHAPTERS, Session};
use std::fs;

/// Rounding noise: a rounding error's size, within a factor of ten; anything below 10⁻¹⁵ is
/// as good as zero.
const ROUNDING: Tolerance = Tolerance::Magnitude {
    factor: 10.0,
    floor: 1e-15,
};

/// Chapter 3: derivatives in `f64` through the C library's `exp` and `tanh`, which may differ in
/// the last bit between operating systems; the errors of its checks are rounding noise.
const CH03: &[Rule] = &[
    rule("largest relative error {}", ROUNDING),
    rule(")|: {}", ROUNDING),
    rule("column sums|: {}", ROUNDING),
    rule("column sums|: #, {}", ROUNDING),
    rule("column sums|: #, #, {}", ROUNDING),
    rule("against central differences: {}", ROUNDING),
];

/// Chapter 4: linear regression in plain `f64` arithmetic, the same on every CPU, apart from the
/// distances, which are rounding noise.
const CH04: &[Rule] = &[
    rule("after # steps: {}", ROUNDING),
    rule("from the plain-Rust fit {}", ROUNDING),
    rule("largest residual {}", ROUNDING),
];

/// The median of several rounding errors: steadier than one, but only to a factor of a few.
const MEDIAN_ROUNDING: Tolerance = Tolerance::Magnitude {
    factor: 4.0,
    floor: 1e-15,
};

/// Chapter 6: the gradient check's probe network runs through the matrix kernel. Its largest
/// relative error is rounding noise, and which of the 484 parameters has it is up to rounding
/// too (so are the two values printed for that parameter). The step-size table's errors are
/// medians of rounding noise on its left side: steady, but only to a factor of a few.
const CH06: &[Rule] = &[
    rule("largest relative error {}", ROUNDING).under("Gradient check in f64"),
    rule("[{}, #]", Tolerance::Any).under("Gradient check in f64"),
    rule("[#, {}]", Tolerance::Any).under("Gradient check in f64"),
    rule("backpropagation {}", Tolerance::Any).under("Gradient check in f64"),
    rule("central difference {}", Tolerance::Any).under("Gradient check in f64"),
    rule("^ {} # #$", Tolerance::Exact).under("median relative error by step h"),
    rule("^ # {} #$", MEDIAN_ROUNDING).under("median relative error by step h"),
    rule("^ # # {}$", MEDIAN_ROUNDING).under("median relative error by step h"),
    // Next to the kink, the step 10⁻⁵ fails for a reason (the table's numbers are exact
    // arithmetic without the matrix kernel); the step 10⁻⁶ passes with rounding noise, and
    // as above, rounding picks the parameter the report shows.
    rule("largest relative error {}", ROUNDING).under("kink, h = 1e-6"),
    rule("[{}, #]", Tolerance::Any).under("kink, h = 1e-6"),
    rule("[#, {}]", Tolerance::Any).under("kink, h = 1e-6"),
    rule("backpropagation {}", Tolerance::Any).under("kink, h = 1e-6"),
    rule("central difference {}", Tolerance::Any).under("kink, h = 1e-6"),
];

/// Chapter 7: a gradient check of a network small enough to bypass the matrix kernel.
const CH07: &[Rule] = &[rule("largest relative error {}", ROUNDING)];

/// Chapter 8: ten epochs of Adam amplify the last bits the matrix kernel rounds differently into
/// a slightly different network: on a CPU without FMA the test accuracy came out 0.05 points
/// lower and the losses up to 2% apart, about as far as one seed is from another. The
/// tolerances are several times that, and a real change (a worse optimizer, a broken layer)
/// moves these numbers by much more. Which digits are confused most often, and how often, is
/// then up to the run.
const CH08: &[Rule] = &[
    rule("loss {}", Tolerance::Relative(0.1)),
    rule("{}%", Tolerance::Absolute(0.5)),
    rule("misclassified test images: {}", Tolerance::Absolute(50.0)),
    rule("a {} taken", Tolerance::Any),
    rule("taken for a {}", Tolerance::Any),
    rule(": {} times", Tolerance::Absolute(10.0)),
];

/// The several-seed table of chapter 8: the same kind of run as chapter 8's.
const CH08_SEEDS: &[Rule] = &[
    rule("test accuracy {}%", Tolerance::Absolute(0.5)),
    rule("training loss {}", Tolerance::Relative(0.1)),
];

/// The rules for one captured file, then the timings every program prints.
fn rules(id: &str) -> Vec<Rule> {
    let chapter: &[Rule] = match id {
        "ch03" => CH03,
        "ch04" => CH04,
        "ch06" => CH06,
        "ch07" => CH07,
        "ch08" => CH08,
        "ch08-seeds" => CH08_SEEDS,
        "ch09" => crate::rules_ch09::QUICK,
        "ch09-long" => crate::rules_ch09::LONG,
        "ch10" => crate::rules_ch10::QUICK,
        "ch10-long" => crate::rules_ch10::LONG,
        "ch11" => crate::rules_ch11::QUICK,
        "ch11-long" => crate::rules_ch11::LONG,
        "ch12" => crate::rules_ch12::QUICK,
        "ch12-long" => crate::rules_ch12::LONG,
        "ch13" => crate::rules_ch13::QUICK,
        "ch13-long" => crate::rules_ch13::LONG,
        _ => &[],
    };
    chapter.iter().chain(&TIMINGS).copied().collect()
}

/// Every captured file: the chapters' outputs, their long experiments, and the seed table.
fn captured_ids() -> Vec<String> {
    let mut ids = Vec::new();
    for chapter in CHAPTERS {
        ids.push(chapter.id.to_string());
        if chapter.long.is_some() {
            ids.push(long_output_id(chapter.id));
        }
    }
    ids.push("ch08-seeds".to_string());
    ids
}

fn read_captured(id: &str) -> String {
    let path = captured_output_path(id);
    fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "{} is missing: run `cargo run --release -- figures`",
            path.display()
        )
    })
}

/// Runs a chapter's program without drawing and returns what it printed.
fn rerun(id: &str) -> String {
    let chapter = CHAPTERS.iter().find(|c| c.id == id).expect("known chapter");
    let mut printed = Vec::new();
    (chapter.run)(&mut Session::new(&mut printed, None))
        .unwrap_or_else(|e| panic!("{id} failed: {e}"));
    String::from_utf8(printed).expect("programs print UTF-8")
}

fn assert_output_matches(id: &str, fresh: &str) {
    let comparison = compare(&read_captured(id), fresh, &rules(id));
    assert!(
        comparison.differences.is_empty(),
        "{} differs from a fresh run beyond the tolerances in tests/book/outputs.rs:\n{}\n\
         After a real change, run `cargo run --release -- figures` and commit the result.",
        captured_output_path(id).display(),
        comparison.differences.join("\n")
    );
}

#[test]
fn captured_outputs_of_the_quick_chapters_match_their_programs() {
    for chapter in CHAPTERS.iter().filter(|c| c.id != "ch08") {
        assert_output_matches(chapter.id, &rerun(chapter.id));
    }
}

/// The full MNIST run: about 15 s in a debug build.
#[test]
fn captured_output_of_the_mnist_chapter_matches_its_program() {
    assert_output_matches("ch08", &rerun("ch08"));
}

#[test]
fn the_seed_table_line_for_seed_0_is_reproduced() {
    use chapters::ch08_mnist::seed_line;
    use chapters::headline::{RunConfig, run};
    let config = RunConfig {
        seed: 0,
        ..RunConfig::default()
    };
    let trained = run(&config, |_| {}).expect("training runs");
    let fresh = seed_line(0, &trained);
    let table = read_captured("ch08-seeds");
    let captured = table
        .lines()
        .find(|line| line.starts_with("seed 0:"))
        .expect("the seed table has a line for seed 0");
    let comparison = compare(captured, &fresh, &rules("ch08-seeds"));
    assert!(
        comparison.differences.is_empty(),
        "{}",
        comparison.differences.join("\n")
    );
}

#[test]
fn every_rule_applies_to_some_number() {
    for id in captured_ids() {
        let captured = read_captured(&id);
        let rules = rules(&id);
        let comparison = compare(&captured, &captured, &rules);
        assert!(
            comparison.differences.is_empty(),
            "{id} differs from itself"
        );
        for (rule, used) in rules.iter().zip(&comparison.rules_used) {
            let is_timing = TIMINGS.iter().any(|t| t.pattern == rule.pattern);
            assert!(
                *used || is_timing,
                "{id}: the rule `{}` applies to no number: it is stale (or names a number in its text: write `#` for it)",
                rule.pattern
            );
        }
    }
}

#[test]
fn a_number_moved_beyond_its_tolerance_fails_the_comparison() {
    let mut checked = 0;
    for id in captured_ids() {
        let captured = read_captured(&id);
        let rules = rules(&id);
        let lines: Vec<&str> = captured.lines().collect();
        for (row, (line, line_tolerances)) in
            lines.iter().zip(tolerances(&captured, &rules)).enumerate()
        {
            for (which, tolerance) in line_tolerances.into_iter().enumerate() {
                let Some(changed_line) = move_number(line, which, tolerance) else {
                    continue;
                };
                let mut changed = lines.clone();
                changed[row] = &changed_line;
                let comparison = compare(&captured, &changed.join("\n"), &rules);
                assert_eq!(
                    comparison.differences.len(),
                    1,
                    "{id}, line {}: number {which} moved beyond {tolerance:?} gives\n  \
                     {changed_line}\nwhich the comparison should reject, and only there",
                    row + 1
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 300, "only {checked} numbers were checked");
}

/// `line` with number `which` moved just beyond `tolerance`, or `None` for [`Tolerance::Any`].
fn move_number(line: &str, which: usize, tolerance: Tolerance) -> Option<String> {
    let mut rebuilt = String::new();
    let mut seen = 0;
    for token in tokens(line) {
        match token {
            Token::Text(words) => rebuilt.push_str(words),
            Token::Number(printed) if seen == which => {
                rebuilt.push_str(&beyond(printed, tolerance)?);
                seen += 1;
            }
            Token::Number(printed) => {
                rebuilt.push_str(printed);
                seen += 1;
            }
        }
    }
    Some(rebuilt)
}

#[test]
fn the_readmes_sample_output_is_what_the_headline_run_prints() {
    // The README shows the start and end of the headline run; chapter 8 captures the same run.
    let readme = fs::read_to_string(chapters::session::book_dir().join("../../README.md"))
        .expect("the README is readable");
    let sample = readme
        .split("```text\n")
        .find(|block| block.starts_with("MNIST "))
        .and_then(|block| block.split("```").next())
        .expect("the README shows the headline run's output");
    let captured = read_captured("ch08");
    let mut compared = 0;
    for line in sample.lines().filter(|line| *line != "...") {
        // The captured line that starts like this one: `MNIST`, `epoch  2`, `final`.
        let key = |text: &str| {
            text.split_whitespace()
                .take(2)
                .collect::<Vec<_>>()
                .join(" ")
        };
        let twin = captured
            .lines()
            .find(|c| key(c) == key(line))
            .unwrap_or_else(|| panic!("the README shows `{line}`, which the run does not print"));
        let comparison = compare(twin, line, &rules("ch08"));
        assert!(
            comparison.differences.is_empty(),
            "the README's sample differs from the run:\n{}",
            comparison.differences.join("\n")
        );
        compared += 1;
    }
    assert!(compared >= 4, "only {compared} lines compared");
}
