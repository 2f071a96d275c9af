//! Property tests: no input panics the parser or checker, and every diagnostic span lies inside
//! its file on character boundaries (so rendering and JSON positions are always valid).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test fails by panicking")]

use proptest::prelude::*;

/// A name in a directory that does not exist, so imports in generated input read nothing.
const NAME: &str = "/nonexistent-policyc-proptest/input.policy";

fn check_invariants(text: &str) {
    let compiled = policyc::compile_str(NAME, text);
    for d in compiled.diagnostics.iter() {
        let span = d.span.expect("every diagnostic of a file has a place");
        let file = &compiled.sources.file(span.file).text;
        assert!(span.start <= span.end && span.end <= file.len(), "span {span:?} outside the file: {}", d.message);
        assert!(
            file.is_char_boundary(span.start) && file.is_char_boundary(span.end),
            "span {span:?} splits a character: {}",
            d.message
        );
        let j = policyc::diagnostics::to_json(d, &compiled.sources);
        assert!(j.line.unwrap() >= 1 && j.column.unwrap() >= 1);
        assert!((j.line, j.column) <= (j.end_line, j.end_column));
        assert!(!d.message.is_empty() && !d.label.is_empty());
    }
    let _ = compiled.render(false);
    assert_eq!(compiled.policy.is_none(), compiled.diagnostics.has_errors());
}

/// The example split into tokens: words, strings, punctuation and the whitespace between them.
fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let mut t = c.to_string();
        if c == '"' {
            for n in chars.by_ref() {
                t.push(n);
                if n == '"' || n == '\n' {
                    break;
                }
            }
        } else if c.is_alphanumeric() || c == '_' {
            while let Some(&n) = chars.peek().filter(|n| n.is_alphanumeric() || **n == '_') {
                t.push(n);
                chars.next();
            }
        }
        out.push(t);
    }
    out
}

fn example() -> String {
    std::fs::read_to_string("examples/tencent_im/im.policy").unwrap()
}

/// Tokens worth inserting: punctuation, keywords, odd literals and non-ASCII text.
const INSERTS: &[&str] = &[
    "{",
    "}",
    "(",
    ")",
    ",",
    ":",
    "\"",
    "\"unterminated",
    "\"\\q\"",
    "\"\\u{110000}\"",
    "\n",
    " ",
    "category",
    "policy",
    "retain",
    "earliest",
    "of",
    "until",
    "while",
    "then",
    "after",
    "or",
    "at",
    "most",
    "0",
    "99999999999",
    "days",
    "import",
    "\"x.policy\"",
    "field",
    "enum",
    "use",
    "under",
    "share",
    "with",
    "stored",
    "in",
    "not",
    "table",
    "a.b.c",
    "é",
    "日志",
    "🦀",
    "\u{feff}",
    "//",
    "indefinitely",
    "because",
    "Self",
    "self",
    "__x",
];

#[derive(Debug, Clone)]
enum Edit {
    Delete(usize),
    Insert(usize, usize),
    Swap(usize, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        any::<usize>().prop_map(Edit::Delete),
        (any::<usize>(), 0..INSERTS.len()).prop_map(|(at, t)| Edit::Insert(at, t)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::Swap(a, b)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        check_invariants(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn random_grammar_soup_never_panics(parts in proptest::collection::vec(0..INSERTS.len(), 0..200)) {
        let text: Vec<&str> = parts.iter().map(|i| INSERTS[*i]).collect();
        check_invariants(&text.join(" "));
    }

    #[test]
    fn mutated_example_never_panics(edits in proptest::collection::vec(edit(), 1..12)) {
        let mut toks = tokens(&example());
        for e in edits {
            let n = toks.len().max(1);
            match e {
                Edit::Delete(i) => { if !toks.is_empty() { toks.remove(i % n); } }
                Edit::Insert(i, t) => toks.insert(i % (n + 1), INSERTS[t].to_string()),
                Edit::Swap(a, b) => { if !toks.is_empty() { toks.swap(a % n, b % n); } }
            }
        }
        check_invariants(&toks.concat());
    }
}

#[test]
fn tokens_reassemble_the_example() {
    // The mutation test edits real tokens only if the split loses nothing.
    assert_eq!(tokens(&example()).concat(), example());
    assert!(tokens(&example()).len() > 1000);
}

#[test]
fn deleting_any_single_brace_is_reported_not_panicking() {
    let text = example();
    for (i, _) in text.match_indices(['{', '}']).step_by(7) {
        let mut t = text.clone();
        t.remove(i);
        let c = policyc::compile_str(NAME, &t);
        assert!(c.diagnostics.has_errors(), "removing the brace at byte {i} went unnoticed");
        check_invariants(&t);
    }
}
