//! The diff corpus: `tests/diff_corpus/<case>/{old,new}.policy` with the expected classification
//! in `expected.json` (kind, path, severity of every change; order does not matter). Each case
//! changes one thing, or rewrites without changing the meaning (expected: no change).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test fails by panicking")]

use policyc::diff::{self, Change};
use std::path::Path;

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord, serde::Deserialize)]
struct Expected {
    kind: String,
    path: String,
    severity: String,
}

fn compile(path: &Path) -> policyc::model::Policy {
    let c = policyc::compile_file(path).unwrap_or_else(|e| panic!("{e}"));
    assert!(!c.diagnostics.has_errors(), "{} has errors:\n{}", path.display(), c.render(false));
    c.policy.expect("no errors, so a model")
}

fn summary(changes: &[Change]) -> Vec<Expected> {
    let mut v: Vec<Expected> = changes
        .iter()
        .map(|c| Expected { kind: c.kind.name(), path: c.path(), severity: c.severity.word().to_string() })
        .collect();
    v.sort();
    v
}

#[test]
fn corpus_classification() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diff_corpus");
    let mut cases: Vec<_> = std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).collect();
    cases.sort();
    assert!(cases.len() >= 30, "the corpus has {} cases", cases.len());
    let mut failures = Vec::new();
    let mut kinds = std::collections::BTreeSet::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let old = compile(&case.join("old.policy"));
        let new = compile(&case.join("new.policy"));
        assert!(diff::diff(&old, &old).is_empty(), "{name}: a version differs from itself");
        let changes = diff::diff(&old, &new);
        let mut expected: Vec<Expected> =
            serde_json::from_str(&std::fs::read_to_string(case.join("expected.json")).unwrap()).unwrap();
        expected.sort();
        let actual = summary(&changes);
        kinds.extend(actual.iter().map(|e| e.kind.clone()));
        if actual != expected {
            failures.push(format!(
                "{name}:\n  expected {expected:?}\n  actual   {}",
                serde_json::to_string_pretty(&changes).unwrap()
            ));
        }
        // Every change explains itself, and every non-editorial one becomes a notice entry.
        for c in &changes {
            assert!(!c.reason.is_empty(), "{name}: {c:?} has no reason");
        }
        let listed = changes.iter().filter(|c| c.severity != diff::Severity::Editorial).count();
        for f in diff::notice::generate(&old, &new, &changes).unwrap() {
            let text = String::from_utf8(f.contents).unwrap();
            let path = f.path.display().to_string();
            if path.ends_with(".md") {
                let items = text.lines().filter(|l| l.starts_with("- ")).count();
                assert_eq!(items, listed, "{name}/{path}:\n{text}");
                assert!(text.lines().all(|l| !l.starts_with("- ") || l.len() > 12), "{name}/{path}:\n{text}");
            } else {
                assert_eq!(text.matches("<li>").count(), listed, "{name}/{path}:\n{text}");
            }
        }
    }
    assert!(failures.is_empty(), "{} of {} cases differ:\n{}", failures.len(), cases.len(), failures.join("\n"));
    // The corpus exercises the main kinds of change.
    for k in [
        "category_added",
        "category_removed",
        "category_renamed",
        "field_added",
        "field_removed",
        "field_renamed",
        "purpose_added",
        "purpose_removed",
        "purpose_renamed",
        "recipient_added",
        "recipient_removed",
        "recipient_renamed",
        "use_added",
        "basis_changed",
        "share_added",
        "sharing_loosened",
        "sharing_tightened",
        "retention_longer",
        "retention_shorter",
        "retention_changed",
        "retention_bound_changed",
        "store_added",
        "text_changed",
    ] {
        assert!(kinds.contains(k), "no case produces `{k}`");
    }
}
