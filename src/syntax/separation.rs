//! Keywords must stand apart from each other and from names: pest matches a literal such as
//! `"not"` without asking what follows, so `notstored` or `stored indb` would parse. Rather than
//! a boundary rule per keyword in the grammar (which would put a token for each into the tree
//! and into every error message), a parsed item is checked once: the text between the tokens of
//! each rule is keywords, punctuation and whitespace, and a run of letters there must be a
//! single keyword that touches no name or number.

use super::Rule;
use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::source::{FileId, Span};
use pest::iterators::Pair;
use std::collections::BTreeSet;
use std::sync::OnceLock;

/// Every word the grammar spells out, read from the grammar itself so the two cannot drift.
fn keywords() -> &'static BTreeSet<&'static str> {
    static WORDS: OnceLock<BTreeSet<&'static str>> = OnceLock::new();
    WORDS.get_or_init(|| {
        let grammar = include_str!("../../grammar/policy.pest");
        grammar
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .flat_map(|l| l.split('"').skip(1).step_by(2))
            .filter(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
            .collect()
    })
}

fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// Rules whose text is one token: nothing inside them to check.
fn is_token(rule: Rule) -> bool {
    matches!(rule, Rule::ident | Rule::path | Rule::string | Rule::number | Rule::date | Rule::location_name)
}

/// Splits a run of letters into keywords, if it is a concatenation of them (fewest parts).
fn split(run: &str) -> Option<Vec<&str>> {
    let n = run.len();
    let mut best: Vec<Option<Vec<&str>>> = vec![None; n + 1];
    best[0] = Some(Vec::new());
    for end in 1..=n {
        for start in 0..end {
            let (Some(prefix), true) = (&best[start], run.is_char_boundary(start)) else { continue };
            if keywords().contains(&run[start..end]) && best[end].as_ref().is_none_or(|b| b.len() > prefix.len() + 1) {
                let mut v = prefix.clone();
                v.push(&run[start..end]);
                best[end] = Some(v);
            }
        }
    }
    best.pop().flatten()
}

/// Reports keywords run together or into a name within `p` (offsets relative to `base`).
pub(super) fn check(file: FileId, base: usize, p: &Pair<'_, Rule>, diags: &mut Diagnostics) {
    let text = p.get_input().as_bytes();
    let input = p.get_input();
    let mut stack = vec![p.clone()];
    while let Some(pair) = stack.pop() {
        if is_token(pair.as_rule()) {
            continue;
        }
        let span = pair.as_span();
        let mut at = span.start();
        for child in pair.into_inner() {
            let c = child.as_span();
            gap(file, base, input, text, at, c.start(), diags);
            at = c.end();
            stack.push(child);
        }
        gap(file, base, input, text, at, span.end(), diags);
    }
}

/// Checks the text in `[from, to)`: literals, punctuation, whitespace and comments.
fn gap(file: FileId, base: usize, input: &str, text: &[u8], from: usize, to: usize, diags: &mut Diagnostics) {
    let mut i = from;
    while i < to {
        if text[i] == b'/' && text.get(i + 1) == Some(&b'/') {
            while i < to && text[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        if !is_word(text[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < to && is_word(text[i]) {
            i += 1;
        }
        let run = &input[start..i];
        let before = start.checked_sub(1).map(|j| text[j]).filter(|c| is_word(*c));
        let after = text.get(i).copied().filter(|c| is_word(*c));
        let at = Span::new(file, base + start, base + i);
        if keywords().contains(run) && before.is_none() && after.is_none() {
            continue;
        }
        if let Some(parts) = split(run).filter(|p| p.len() > 1) {
            diags.push(
                Diagnostic::new(Code::Syntax, at, format!("`{run}` runs keywords together"))
                    .label(format!("write `{}`", parts.join(" ")))
                    .help("keywords are separated by spaces"),
            );
        } else if before.is_some() || after.is_some() {
            let word_end = (i..text.len()).find(|j| !is_word(text[*j])).unwrap_or(text.len());
            let word_start = (0..start).rev().find(|j| !is_word(text[*j])).map_or(0, |j| j + 1);
            let (other, fixed) = if after.is_some() {
                (&input[i..word_end], format!("{} {}", &input[word_start..i], &input[i..word_end]))
            } else {
                (&input[word_start..start], format!("{} {}", &input[word_start..start], &input[start..word_end]))
            };
            diags.push(
                Diagnostic::new(
                    Code::Syntax,
                    Span::new(file, base + word_start, base + word_end),
                    format!("the keyword `{run}` runs into `{other}`"),
                )
                .label(format!("write `{fixed}`"))
                .help("keywords are separated from names and numbers by spaces"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn splits_keyword_runs() {
        assert_eq!(split("notstored"), Some(vec!["not", "stored"]));
        assert_eq!(split("stored"), Some(vec!["stored"]));
        assert_eq!(split("xyz"), None);
    }
}
