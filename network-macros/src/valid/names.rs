//! Layer names in messages: the error for an unknown name, with the closest known name as a
//! suggestion when it is close enough to be a likely typo.

use crate::ast::LAYER_NAMES;
use proc_macro2::Span;

/// The error for an unknown layer name, with a suggestion when one is close.
pub fn unknown_activation(name: &str, span: Span) -> syn::Error {
    let known = LAYER_NAMES.join(", ");
    let message = match suggestion(name) {
        Some(close) => {
            format!(
                "unknown activation or layer `{name}`; did you mean `{close}`? (known: {known})"
            )
        }
        None => format!("unknown activation or layer `{name}` (known: {known})"),
    };
    syn::Error::new(span, message)
}

/// The known name closest to `name`, if it is close enough to be a likely typo.
pub fn suggestion(name: &str) -> Option<&'static str> {
    let lower = name.to_lowercase();
    LAYER_NAMES
        .iter()
        .map(|&known| (edit_distance(&lower, known), known))
        .min()
        .filter(|&(distance, known)| distance <= (known.len() / 3).max(2))
        .map(|(_, known)| known)
}

/// Levenshtein distance: the fewest insertions, deletions and substitutions from `a` to `b`.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, &cb) in b.iter().enumerate() {
            current[j + 1] = (previous[j] + usize::from(ca != cb))
                .min(previous[j + 1] + 1)
                .min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}
