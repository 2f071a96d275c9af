//! The corpus of invalid policies under `tests/invalid/`: each file states on its first line the
//! diagnostics it must produce (`// expect: CODE LINE:COL, CODE other/file.policy:LINE:COL`), and
//! its rendered diagnostics (plain text) and JSON positions are snapshots. None may panic.
//!
//! Review changed snapshots with `cargo insta review`, or accept them with
//! `INSTA_UPDATE=always cargo test --test diagnostics`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test fails by panicking")]

use policyc::diagnostics::{self, Severity};
use std::path::{Path, PathBuf};

fn corpus() -> Vec<PathBuf> {
    let dir = Path::new("tests/invalid");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("tests/invalid exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "policy"))
        .collect();
    files.sort();
    files
}

/// `(code, file relative to tests/invalid, line, column)` of every expectation.
fn expectations(path: &Path, text: &str) -> Vec<(String, String, usize, usize)> {
    let first = text.lines().next().unwrap_or("");
    let list = first
        .strip_prefix("// expect:")
        .unwrap_or_else(|| panic!("{}: first line is not `// expect:`", path.display()));
    let own = path.file_name().unwrap().to_string_lossy().into_owned();
    list.split(',')
        .map(|e| {
            let (code, place) = e.trim().split_once(' ').unwrap_or_else(|| panic!("bad expectation `{e}`"));
            let mut parts: Vec<&str> = place.rsplitn(3, ':').collect();
            parts.reverse();
            let (file, line, col) = match parts.as_slice() {
                [line, col] => (own.clone(), *line, *col),
                [file, line, col] => (file.to_string(), *line, *col),
                _ => panic!("bad expectation `{e}`"),
            };
            (code.to_string(), file, line.parse().unwrap(), col.parse().unwrap())
        })
        .collect()
}

/// The file of a diagnostic relative to `tests/invalid`.
fn relative(file: &str) -> String {
    Path::new(file).strip_prefix("tests/invalid").map_or(file.to_string(), |p| p.display().to_string())
}

#[test]
fn corpus_is_large_enough() {
    assert!(corpus().len() >= 45, "the corpus has only {} files", corpus().len());
}

#[test]
fn every_invalid_policy_yields_its_expected_diagnostics() {
    let mut failures = Vec::new();
    for path in corpus() {
        let text = std::fs::read_to_string(&path).unwrap();
        let compiled = policyc::compile_file(&path).unwrap();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();

        let actual: Vec<(String, String, usize, usize)> = compiled
            .diagnostics
            .iter()
            .map(|d| {
                let j = diagnostics::to_json(d, &compiled.sources);
                (j.code.to_string(), relative(&j.file.unwrap_or_default()), j.line.unwrap_or(0), j.column.unwrap_or(0))
            })
            .collect();
        for e in expectations(&path, &text) {
            if !actual.contains(&e) {
                failures.push(format!("{name}: expected {} at {}:{}:{}, got {actual:?}", e.0, e.1, e.2, e.3));
            }
        }
        // Every file is invalid or at least warns; errors mean no model.
        assert!(!compiled.diagnostics.is_empty(), "{name}: no diagnostics");
        assert_eq!(compiled.policy.is_none(), compiled.diagnostics.has_errors(), "{name}");
        for d in compiled.diagnostics.iter() {
            assert!(!d.label.is_empty(), "{name}: `{}` has no label", d.message);
            assert!(d.help.is_some(), "{name}: `{}` has no help", d.message);
            assert!(!d.message.starts_with(char::is_uppercase), "{name}: `{}` is not lowercase", d.message);
        }

        let human = compiled.render(false);
        assert!(!human.contains('\u{1b}'), "{name}: plain rendering contains ANSI escapes");
        insta::assert_snapshot!(format!("human@{name}"), human);
        let json: Vec<serde_json::Value> = compiled
            .diagnostics
            .iter()
            .map(|d| {
                let j = diagnostics::to_json(d, &compiled.sources);
                serde_json::json!({
                    "code": j.code, "severity": j.severity, "file": relative(&j.file.unwrap_or_default()),
                    "line": j.line, "column": j.column, "end_line": j.end_line, "end_column": j.end_column,
                })
            })
            .collect();
        insta::assert_snapshot!(format!("json@{name}"), serde_json::to_string_pretty(&json).unwrap());
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn all_errors_of_a_file_are_reported_at_once() {
    let compiled = policyc::compile_file(Path::new("tests/invalid/many_errors.policy")).unwrap();
    let errors: Vec<_> = compiled.diagnostics.iter().filter(|d| d.severity() == Severity::Error).collect();
    let syntax: Vec<_> = errors.iter().filter(|d| d.code.as_str() == "E001").collect();
    assert_eq!(syntax.len(), 2, "{}", compiled.render(false));
    // The two syntax errors are in different items (lines 17 and 26).
    assert_ne!(syntax[0].span.unwrap().start, syntax[1].span.unwrap().start);
    let mut codes: Vec<&str> = errors.iter().map(|d| d.code.as_str()).collect();
    codes.dedup();
    assert!(errors.len() >= 5, "{}", compiled.render(false));
    assert_eq!(errors.len(), 9, "{}", compiled.render(false));
    assert!(codes.len() >= 5, "distinct codes: {codes:?}");
}

#[test]
fn a_syntax_error_in_the_header_does_not_cascade() {
    // Without a header the locales are unknown: only the syntax error is reported.
    let c = policyc::compile_str("header.policy", "policy t {\n  version 1.0\n}\ncategory c { label { en \"C\" } }\n");
    let codes: Vec<&str> = c.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["E001"], "{}", c.render(false));
}

#[test]
fn undefined_names_are_not_reported_after_a_syntax_error() {
    // `analytics` is declared in the broken item; using it must not add "undefined purpose".
    let text = std::fs::read_to_string("tests/invalid/syntax_unterminated_string.policy").unwrap();
    let c = policyc::compile_str("tests/invalid/x.policy", &text);
    assert!(
        c.diagnostics.iter().all(|d| d.code.as_str() != "E101" && d.code.as_str() != "W201"),
        "{}",
        c.render(false)
    );
}

#[test]
fn syntax_errors_stop_after_fifty() {
    let text = "purpose p {\n  labl\n}\n".repeat(200);
    let c = policyc::compile_str("many.policy", &text);
    assert_eq!(c.diagnostics.len(), 51, "{}", c.render(false));
    assert_eq!(c.diagnostics.iter().last().unwrap().message, "too many syntax errors; stopping here");
}

#[test]
fn rendering_many_diagnostics_of_a_large_file_is_fast_enough_to_finish() {
    // Every category lacks its retention rule: thousands of diagnostics on a large file. Each
    // rendered excerpt must not copy the whole file.
    let text = policyc::synth::policy(2_000, 0).replace("  retain ", "  // retain ");
    let c = policyc::compile_str("big.policy", &text);
    assert_eq!(c.diagnostics.iter().filter(|d| d.code.as_str() == "E103").count(), 2_000);
    assert_eq!(c.render(false).matches("has no retention rule").count(), 2_000);
}

/// A valid policy on one line of about 100 kB, with a warning near its end.
fn one_line_policy() -> String {
    let text = std::fs::read_to_string("tests/fixtures/every_form.policy").unwrap();
    let mut line: String = text.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join(" ");
    line.push_str(&" ".repeat(100_000usize.saturating_sub(line.len())));
    line.push_str(" purpose never_used { label { en \"Unused\" de \"Unbenutzt\" } }\n");
    line
}

#[test]
fn a_diagnostic_far_into_a_long_line_renders_clipped() {
    let text = one_line_policy();
    let c = policyc::compile_str("long.policy", &text);
    assert!(!c.diagnostics.has_errors(), "{}", c.render(false));
    let out = c.render(false);
    assert!(out.contains("long.policy:1:1000"), "{out}");
    assert!(out.contains("never_used"), "{out}");
    assert!(out.len() < 4_000, "the excerpt is clipped around the span: {} bytes", out.len());
}

#[test]
fn a_long_line_does_not_crash_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.policy");
    std::fs::write(&path, one_line_policy()).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_policyc")).arg("check").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("never_used"));
}

#[test]
fn terminal_escapes_in_policy_text_are_never_echoed() {
    // Raw escape sequences in a string, in an import path (echoed in the message) and in a
    // comment (shown in the excerpt).
    let text = "// \u{1b}]0;owned\u{7}\u{1b}[2J\nimport \"\u{1b}[31mx\u{9b}1m\u{202e}.policy\"\npolicy t {\n  version \"1\u{1b}[5m\"\n}\n";
    let c = policyc::compile_str("esc.policy", text);
    let out = c.render(false);
    assert!(!out.contains(['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}']), "{out:?}");
    assert!(out.contains("\\u{1b}[31m"), "the message shows the escape visibly: {out}");
}

#[test]
fn braces_in_comments_do_not_count_towards_nesting() {
    let text = std::fs::read_to_string("tests/fixtures/every_form.policy").unwrap();
    let text = format!("// {}\n{text}", "{".repeat(200));
    let c = policyc::compile_str("tests/fixtures/commented.policy", &text);
    assert!(!c.diagnostics.has_errors(), "{}", c.render(false));
}

#[test]
fn the_one_line_format_gives_place_severity_code_and_message() {
    let compiled = policyc::compile_file(Path::new("tests/invalid/many_errors.policy")).unwrap();
    let short = diagnostics::render_short(&compiled.diagnostics, &compiled.sources);
    assert_eq!(short.lines().count(), compiled.diagnostics.len());
    insta::assert_snapshot!("short@many_errors", short);
}
