//! `policyc explain` and `policyc init`: every code has an explanation whose erroneous example
//! yields that code and whose fix checks clean; the starter policy checks clean.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test fails by panicking")]

use assert_cmd::Command;
use policyc::explain::{EXAMPLE_PRELUDE, EXPLANATIONS, policy_examples};

/// The codes of the table in docs/language.md.
fn documented_codes() -> Vec<String> {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/language.md")).unwrap();
    doc.lines()
        .filter_map(|l| l.strip_prefix("| "))
        .filter_map(|l| l.split(' ').next())
        .filter(|c| {
            c.len() == 4 && (c.starts_with('E') || c.starts_with('W')) && c[1..].chars().all(|d| d.is_ascii_digit())
        })
        .map(str::to_string)
        .collect()
}

#[test]
fn every_documented_code_has_an_explanation_and_no_other() {
    let mut documented = documented_codes();
    documented.sort();
    let mut explained: Vec<String> = EXPLANATIONS.iter().map(|(c, _)| c.to_string()).collect();
    explained.sort();
    assert!(documented.len() >= 16, "{documented:?}");
    assert_eq!(documented, explained);
    for (code, text) in EXPLANATIONS {
        assert!(text.starts_with(&format!("# {code}: ")), "{code}: the title names the code");
    }
}

fn codes_of(fragment: &str) -> Vec<String> {
    let c = policyc::compile_str("example.policy", &format!("{EXAMPLE_PRELUDE}{fragment}"));
    c.diagnostics.iter().map(|d| d.code.as_str().to_string()).collect()
}

#[test]
fn each_erroneous_example_yields_its_code_and_each_fix_checks_clean() {
    let mut checked = 0;
    for (code, text) in EXPLANATIONS {
        let examples = policy_examples(text);
        if examples.is_empty() {
            continue; // import and fallback examples need other files or headers: shown as text
        }
        assert_eq!(examples.len(), 2, "{code}: one erroneous example and one fix");
        let bad = codes_of(&examples[0]);
        assert!(bad.iter().any(|c| c == code), "{code}: the erroneous example yields {bad:?}");
        let good = codes_of(&examples[1]);
        assert!(
            !good.iter().any(|c| c == code || c.starts_with('E')),
            "{code}: the fixed example still yields {good:?}"
        );
        checked += 1;
    }
    assert!(checked >= 12, "only {checked} explanations have checked examples");
}

#[test]
fn explain_prints_the_text_and_refuses_unknown_codes() {
    let out = Command::cargo_bin("policyc").unwrap().args(["explain", "e104"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("# E104: a localised text lacks a declared locale"), "{text}");
    assert!(text.contains(EXAMPLE_PRELUDE.lines().next().unwrap()));
    let out = Command::cargo_bin("policyc").unwrap().args(["explain", "E999"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no diagnostic code `E999`"));
}

#[test]
fn init_writes_a_starter_that_checks_clean_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("privacy.policy");
    Command::cargo_bin("policyc").unwrap().arg("init").arg(&file).assert().success();
    let out = Command::cargo_bin("policyc").unwrap().arg("check").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "the starter has warnings: {}", String::from_utf8_lossy(&out.stderr));
    let before = std::fs::read(&file).unwrap();
    std::fs::write(&file, "keep me").unwrap();
    let out = Command::cargo_bin("policyc").unwrap().arg("init").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read(&file).unwrap(), b"keep me");
    Command::cargo_bin("policyc").unwrap().arg("init").arg(&file).arg("--force").assert().success();
    assert_eq!(std::fs::read(&file).unwrap(), before);
}
