//! `nabla exercises`: lists the learner's exercises with their status, checks them, and shows
//! their hints one at a time. The exercises, their checks and their hints live in the
//! `exercises/` crate; this module only prints. `watch.rs` re-runs a check after each save.

use exercises::{Exercise, Outcome, all, select};
use std::io::{self, Write};

/// Prints every exercise with its status: not started, failing or passing.
pub fn list(out: &mut dyn Write) -> io::Result<()> {
    let mut chapter = "";
    let (mut passing, mut total) = (0, 0);
    for exercise in all() {
        if exercise.chapter() != chapter {
            chapter = exercise.chapter();
            writeln!(out, "{chapter}  ({})", exercise.file)?;
        }
        let outcome = (exercise.check)();
        total += 1;
        passing += usize::from(outcome.passed());
        writeln!(
            out,
            "  {:<12} {:<40} {}",
            outcome.status(),
            exercise.id,
            exercise.title
        )?;
    }
    writeln!(
        out,
        "\n{passing} of {total} passing. Check one with `cargo run --release -- exercises check ch02.perceptron_output` (or a whole chapter: `check ch02`); `exercises hint ID` gives a hint."
    )
}

/// Checks the exercises `selector` names (an id or a chapter) and prints each verdict;
/// returns whether all passed, or an error if `selector` names none.
pub fn check(selector: &str, out: &mut dyn Write) -> Result<bool, String> {
    let chosen = select(selector);
    if chosen.is_empty() {
        return Err(unknown(selector));
    }
    let mut all_passed = true;
    for exercise in chosen {
        let outcome = (exercise.check)();
        all_passed &= outcome.passed();
        report(exercise, &outcome, out).map_err(|e| e.to_string())?;
    }
    Ok(all_passed)
}

fn report(exercise: &Exercise, outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    match outcome {
        Outcome::NotStarted => writeln!(
            out,
            "{}: not started: fill in the stub in {} (it still calls todo!())",
            exercise.id, exercise.file
        ),
        Outcome::Passed(detail) => writeln!(out, "{}: passing: {detail}", exercise.id),
        Outcome::Failed(failure) => {
            writeln!(out, "{}: failing", exercise.id)?;
            writeln!(out, "  {}", failure.explanation)?;
            if let Some(mistake) = &failure.likely_mistake {
                writeln!(out, "  likely mistake: {mistake}")?;
            }
            writeln!(
                out,
                "  a hint: cargo run --release -- exercises hint {}",
                exercise.id
            )
        }
    }
}

/// Prints hint number `level` (from 1) of exercise `id`, and how to get the next.
pub fn hint(id: &str, level: usize, out: &mut dyn Write) -> Result<(), String> {
    let exercise = all()
        .find(|exercise| exercise.id == id)
        .ok_or_else(|| unknown(id))?;
    let count = exercise.hints.len();
    let Some(text) = level.checked_sub(1).and_then(|i| exercise.hints.get(i)) else {
        return Err(format!(
            "{id} has hints 1 to {count}; `exercises hint {id} {count}` is the last"
        ));
    };
    let write = |out: &mut dyn Write| -> io::Result<()> {
        writeln!(out, "{id}, hint {level} of {count}: {text}")?;
        if level < count {
            writeln!(
                out,
                "more: cargo run --release -- exercises hint {id} {}",
                level + 1
            )?;
        }
        Ok(())
    };
    write(out).map_err(|e| e.to_string())
}

/// The error for a selector that names no exercise and no chapter.
pub fn unknown(selector: &str) -> String {
    format!(
        "no exercise or chapter `{selector}`: `cargo run --release -- exercises` lists them \
         (ids look like ch05.mse_gradient; a chapter is ch05 or 5)"
    )
}
