//! Long explanations of diagnostic codes (`policyc explain E101`), as rustc's `--explain`.
//!
//! Each code's text lives in `docs/codes/<CODE>.md`: what the problem is, an erroneous example
//! and its fix. Examples in `policy` blocks are fragments completed by [`EXAMPLE_PRELUDE`]; a
//! test checks that each erroneous example yields its code and each fix checks clean.

/// The header and declarations every `policy` example of an explanation assumes.
pub const EXAMPLE_PRELUDE: &str = r#"policy example {
  version "1.0"
  effective 2024-01-01
  locales en
  title { en "Example" }
  feature { en "the Example app" }
  controller { name { en "Example Ltd" } }
}
store db: postgres { name { en "Database" } }
purpose analytics { label { en "Analytics" } }
category sessions {
  label { en "Sessions" }
  field started_at: timestamp { label { en "Start of the session" } }
  use analytics under gdpr_contract
  stored in db { table sessions collected at started_at }
  retain 30 days
}
"#;

/// Every code with its explanation, in code order.
pub const EXPLANATIONS: &[(&str, &str)] = &[
    ("E001", include_str!("../docs/codes/E001.md")),
    ("E002", include_str!("../docs/codes/E002.md")),
    ("E003", include_str!("../docs/codes/E003.md")),
    ("E101", include_str!("../docs/codes/E101.md")),
    ("E102", include_str!("../docs/codes/E102.md")),
    ("E103", include_str!("../docs/codes/E103.md")),
    ("E104", include_str!("../docs/codes/E104.md")),
    ("E105", include_str!("../docs/codes/E105.md")),
    ("E106", include_str!("../docs/codes/E106.md")),
    ("E107", include_str!("../docs/codes/E107.md")),
    ("E108", include_str!("../docs/codes/E108.md")),
    ("E109", include_str!("../docs/codes/E109.md")),
    ("E110", include_str!("../docs/codes/E110.md")),
    ("E111", include_str!("../docs/codes/E111.md")),
    ("E112", include_str!("../docs/codes/E112.md")),
    ("W201", include_str!("../docs/codes/W201.md")),
    ("W202", include_str!("../docs/codes/W202.md")),
];

/// The explanation of `code` (case-insensitive, `E101` or `e101`).
pub fn explain(code: &str) -> Option<&'static str> {
    EXPLANATIONS.iter().find(|(c, _)| c.eq_ignore_ascii_case(code.trim())).map(|(_, t)| *t)
}

/// The `policy` code blocks of an explanation, in order.
pub fn policy_examples(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        match (&mut current, line.trim_end()) {
            (None, "```policy") => current = Some(String::new()),
            (Some(_), "```") => out.extend(current.take()),
            (Some(block), l) => {
                block.push_str(l);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    out
}
