//! Grading: runs a learner's function so that a `todo!()` or a panic becomes a verdict instead
//! of a crash, compares its answer with the expected one entry by entry, and recognises the
//! shape of the usual mistakes (a missing factor of 2, a flipped sign, a missing 1/N).

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

/// The verdict on one exercise.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// The stub still calls `todo!()`.
    NotStarted,
    /// Every check passed; the text says what was checked.
    Passed(String),
    /// A check failed.
    Failed(Failure),
}

impl Outcome {
    /// Whether every check passed.
    pub fn passed(&self) -> bool {
        matches!(self, Outcome::Passed(_))
    }

    /// One word for a listing: `passing`, `failing` or `not started`.
    pub fn status(&self) -> &'static str {
        match self {
            Outcome::NotStarted => "not started",
            Outcome::Passed(_) => "passing",
            Outcome::Failed(_) => "failing",
        }
    }
}

/// What went wrong, and what probably caused it.
#[derive(Clone, Debug, PartialEq)]
pub struct Failure {
    /// Which case, which entry, expected against got, and the relative error.
    pub explanation: String,
    /// The mistake this answer looks like, if it looks like a typical one.
    pub likely_mistake: Option<String>,
}

impl Failure {
    /// A failure with an explanation and no diagnosis.
    pub fn new(explanation: impl Into<String>) -> Self {
        Failure {
            explanation: explanation.into(),
            likely_mistake: None,
        }
    }

    /// The same failure with `mistake` as its diagnosis (unless it already has one).
    pub fn or_mistake(mut self, mistake: Option<String>) -> Self {
        if self.likely_mistake.is_none() {
            self.likely_mistake = mistake;
        }
        self
    }
}

impl From<Failure> for Outcome {
    fn from(failure: Failure) -> Self {
        Outcome::Failed(failure)
    }
}

thread_local! {
    /// Set while a learner's function runs: its panic is reported as a verdict, so the default
    /// hook's message and backtrace would only be noise.
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f`, turning a `todo!()` into [`Outcome::NotStarted`] and any other panic into a
/// [`Outcome::Failed`] that quotes it.
pub fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, Outcome> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                default(info);
            }
        }));
    });
    QUIET.with(|quiet| quiet.set(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|quiet| quiet.set(false));
    result.map_err(|payload| {
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("a panic without a message");
        if message.starts_with("not yet implemented") {
            Outcome::NotStarted
        } else {
            Outcome::Failed(Failure::new(format!("your code panicked: {message}")))
        }
    })
}

/// `|expected − got|` relative to the larger of the two (absolute below 1e-12), so that 0
/// against 1e-17 counts as equal.
pub fn relative_error(expected: f64, got: f64) -> f64 {
    if expected == got {
        return 0.0;
    }
    (expected - got).abs() / expected.abs().max(got.abs()).max(1e-12)
}

/// Compares `got` with `expected` entry by entry: `Ok` if every relative error is at most
/// `tolerance`, otherwise the worst entry, with a diagnosis from [`mistake_of_scale`].
pub fn compare(what: &str, expected: &[f64], got: &[f64], tolerance: f64) -> Result<(), Failure> {
    if expected.len() != got.len() {
        return Err(Failure::new(format!(
            "{what}: expected {} numbers, got {}",
            expected.len(),
            got.len()
        )));
    }
    if let Some(i) = got.iter().position(|g| !g.is_finite()) {
        return Err(Failure::new(format!(
            "{what}: entry {i} is {}, expected {}",
            got[i], expected[i]
        )));
    }
    let (worst, error) = expected
        .iter()
        .zip(got)
        .map(|(&e, &g)| relative_error(e, g))
        .enumerate()
        .fold(
            (0, 0.0),
            |best, (i, r)| if r > best.1 { (i, r) } else { best },
        );
    if error <= tolerance {
        return Ok(());
    }
    Err(Failure {
        explanation: format!(
            "{what}: entry {worst} should be {}, you returned {} (relative error {error:.1e})",
            show(expected[worst]),
            show(got[worst])
        ),
        likely_mistake: mistake_of_scale(expected, got),
    })
}

/// A number as a learner reads it: seven significant digits, in scientific notation only when
/// it is very large or very small.
pub fn show(x: f64) -> String {
    if x == 0.0 {
        return "0".to_string();
    }
    if (1e-3..1e6).contains(&x.abs()) {
        let digits = (6 - x.abs().log10().floor() as i32).clamp(0, 9) as usize;
        let text = format!("{x:.digits$}");
        if text.contains('.') {
            text.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            text
        }
    } else {
        format!("{x:.6e}")
    }
}

/// If `got` is `expected` times one constant, the constant's usual meaning: a missing or extra
/// factor of 2, a flipped sign, or a missing or extra division by the number of entries.
pub fn mistake_of_scale(expected: &[f64], got: &[f64]) -> Option<String> {
    let (e, g) = expected
        .iter()
        .zip(got)
        .find(|(e, _)| e.abs() > 1e-9)
        .map(|(&e, &g)| (e, g))?;
    let ratio = g / e;
    let constant = expected
        .iter()
        .zip(got)
        .all(|(&e, &g)| relative_error(ratio * e, g) < 1e-6);
    if !constant {
        return None;
    }
    let n = expected.len() as f64;
    let near = |c: f64| (ratio - c).abs() < 1e-6 * c.abs().max(1.0);
    Some(if near(-1.0) {
        "every entry has the wrong sign".to_string()
    } else if near(0.5) {
        "every entry is half what it should be: a factor of 2 is missing".to_string()
    } else if near(2.0) {
        "every entry is twice what it should be: there is a factor of 2 too many".to_string()
    } else if n > 1.0 && near(n) {
        format!("every entry is {n} times too large: divide by the number of entries, {n}")
    } else if n > 1.0 && near(1.0 / n) {
        format!("every entry is {n} times too small: the mean divides by {n} once, not twice")
    } else {
        format!("every entry is {ratio:.4} times what it should be")
    })
}

/// Central differences `(f(x + h eᵢ) − f(x − h eᵢ)) / 2h` of `f` at `x`, in `f64`.
pub fn central_differences(f: impl Fn(&[f64]) -> f64, x: &[f64], h: f64) -> Vec<f64> {
    let mut probe = x.to_vec();
    (0..x.len())
        .map(|i| {
            probe[i] = x[i] + h;
            let up = f(&probe);
            probe[i] = x[i] - h;
            let down = f(&probe);
            probe[i] = x[i];
            (up - down) / (2.0 * h)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_todo_is_not_started_and_another_panic_is_a_failure() {
        let todo: Result<(), Outcome> = guarded(|| todo!());
        assert_eq!(todo, Err(Outcome::NotStarted));
        let other = guarded(|| -> usize { [1][std::hint::black_box(3)] }).unwrap_err();
        assert!(matches!(other, Outcome::Failed(f) if f.explanation.contains("out of bounds")));
        assert_eq!(guarded(|| 7), Ok(7));
    }

    #[test]
    fn the_usual_mistakes_are_recognised_by_their_scale() {
        let expected = [1.0, -2.0, 0.5, 4.0];
        let scaled = |c: f64| expected.map(|e| c * e);
        let says = |c: f64| mistake_of_scale(&expected, &scaled(c)).unwrap();
        assert!(says(-1.0).contains("wrong sign"));
        assert!(says(0.5).contains("factor of 2 is missing"));
        assert!(says(2.0).contains("too many"));
        assert!(says(4.0).contains("divide by the number of entries"));
        assert_eq!(mistake_of_scale(&expected, &[1.0, 2.0, 3.0, 4.0]), None);
    }

    #[test]
    fn compare_reports_the_worst_entry() {
        assert!(compare("g", &[1.0, 2.0], &[1.0, 2.0 + 1e-12], 1e-9).is_ok());
        let failure = compare("g", &[1.0, 2.0], &[1.0, 3.0], 1e-9).unwrap_err();
        assert!(failure.explanation.contains("entry 1"), "{failure:?}");
        assert!(compare("g", &[1.0], &[f64::NAN], 1e-9).is_err());
        assert!(compare("g", &[1.0], &[1.0, 2.0], 1e-9).is_err());
    }

    #[test]
    fn numbers_are_shown_as_a_learner_reads_them() {
        assert_eq!(show(-1.3333333333), "-1.333333");
        assert_eq!(show(0.0), "0");
        assert_eq!(show(2.5), "2.5");
        assert_eq!(show(101770.0), "101770");
        assert_eq!(show(1.5e-9), "1.500000e-9");
    }

    #[test]
    fn central_differences_of_a_quadratic_are_exact() {
        let g = central_differences(|x| x[0] * x[0] + 3.0 * x[1], &[2.0, -1.0], 1e-3);
        assert!(
            (g[0] - 4.0).abs() < 1e-9 && (g[1] - 3.0).abs() < 1e-9,
            "{g:?}"
        );
    }
}
