//! What must hold at each stage of the pipeline, one function per fuzz target. The fuzz targets
//! call these, and `tests/fuzz_corpus.rs` replays the committed corpus through the same
//! functions on stable, so the corpus keeps being checked without a fuzzer.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a fuzz stage fails by panicking")]

use policyc::backend::{self, OutputFile};
use policyc::load::{self, MemReader};
use policyc::model::Policy;
use policyc::source::FileId;

/// Name of the fuzzed file. Imports resolve through an empty in-memory reader: a fuzzed input
/// never reads a real file.
const NAME: &str = "fuzz/input.policy";

/// The fuzz targets, each a stage of the pipeline; a target's corpus is `fuzz/corpus/<name>/`.
pub const TARGETS: &[&str] = &["parse", "check", "rust", "sql", "stores", "docs", "exchange"];

/// Runs `text` through the stage `target` (one of [`TARGETS`]). Returns whether the input
/// reached that stage: always for `parse` and `check`, only for inputs the checker accepts for
/// the backends.
pub fn run(target: &str, text: &str) -> bool {
    match target {
        "parse" => parse(text),
        "check" => check(text),
        _ => {
            let Some(policy) = accepted(text) else { return false };
            let files = outputs(target, &policy);
            match target {
                "rust" => rust(&files),
                "sql" => sql(&files),
                "stores" | "exchange" => files.iter().for_each(structured),
                "docs" => docs(&files),
                _ => panic!("no fuzz target `{target}`"),
            }
            // A second check of the same text gives the same model, and the backend the same
            // bytes from it (no hash order or address leaking into an output).
            let again = accepted(text).expect("the checker accepted the text once, then refused it");
            assert_eq!(files, outputs(target, &again), "`{target}` output differs between two runs");
            true
        }
    }
}

/// The parser alone: no panic, and every diagnostic span inside the text on character
/// boundaries.
pub fn parse(text: &str) -> bool {
    let (_, diags) = policyc::syntax::parse(FileId(0), text);
    for d in diags.iter() {
        if let Some(s) = d.span {
            assert_eq!(s.file, FileId(0));
            spans_ok(text, s.start, s.end);
        }
    }
    true
}

/// Parser and checker: no panic, spans inside their files, diagnostics render, and a policy
/// exactly when there is no error.
pub fn check(text: &str) -> bool {
    let c = policyc::compile_loaded(load::load_str(NAME, text, &MemReader::default()));
    for d in c.diagnostics.iter() {
        if let Some(s) = d.span {
            spans_ok(&c.sources.file(s.file).text, s.start, s.end);
        }
    }
    let rendered = c.render(false);
    assert_eq!(c.policy.is_some(), !c.diagnostics.has_errors(), "{rendered}");
    if c.diagnostics.has_errors() {
        assert!(!rendered.is_empty(), "errors that render as nothing");
    }
    true
}

/// The policy the checker makes of `text`, if it accepts it.
pub fn accepted(text: &str) -> Option<Policy> {
    let c = policyc::compile_loaded(load::load_str(NAME, text, &MemReader::default()));
    c.policy
}

/// The output files of one backend stage. A backend error on an accepted policy is a defect,
/// so it fails the stage like a crash.
pub fn outputs(target: &str, policy: &Policy) -> Vec<OutputFile> {
    let files = match target {
        "rust" => Ok(vec![backend::rust::generate(policy)]),
        "sql" => backend::sql::DialectKind::ALL.into_iter().map(|d| backend::sql::generate(policy, d)).collect(),
        "stores" => backend::stores::generate(policy),
        "docs" => backend::docs::generate(policy),
        "exchange" => backend::exchange::dpv::jsonld(policy).map(|jsonld| {
            vec![backend::exchange::fides::generate(policy), jsonld, backend::exchange::dpv::turtle(policy)]
        }),
        _ => panic!("no backend stage `{target}`"),
    };
    files.unwrap_or_else(|e| panic!("the {target} backend failed on an accepted policy: {e}"))
}

/// Rust types: the file parses as Rust (the backend's fallback for invalid tokens never fires).
fn rust(files: &[OutputFile]) {
    for f in files {
        let text = utf8(f);
        assert!(!text.contains("compile_error!"), "generated invalid Rust:\n{text}");
        if let Err(e) = syn::parse_file(text) {
            panic!("generated Rust does not parse: {e}\n{text}");
        }
    }
}

/// SQL jobs: a file per dialect, each with at least one statement.
fn sql(files: &[OutputFile]) {
    assert_eq!(files.len(), 3, "a file per dialect");
    for f in files {
        assert!(!backend::sql::split_statements(utf8(f)).is_empty(), "{}: no statement", f.path.display());
    }
}

/// Documents: every file UTF-8, HTML without scripts.
fn docs(files: &[OutputFile]) {
    for f in files {
        let text = utf8(f);
        if f.path.extension().is_some_and(|e| e == "html") {
            let lower = text.to_ascii_lowercase();
            assert!(!lower.contains("<script"), "{}: a script element", f.path.display());
            assert!(!lower.contains("=\"javascript:"), "{}: a javascript: URL", f.path.display());
        }
    }
}

/// Store settings and exchange exports: JSON files parse as JSON, XML as XML.
fn structured(f: &OutputFile) {
    let text = utf8(f);
    match f.path.extension().and_then(|e| e.to_str()) {
        Some("json" | "jsonld") => {
            if let Err(e) = serde_json::from_str::<serde_json::Value>(text) {
                panic!("{}: not JSON: {e}\n{text}", f.path.display());
            }
        }
        Some("xml") => {
            if let Err(e) = roxmltree::Document::parse(text) {
                panic!("{}: not XML: {e}\n{text}", f.path.display());
            }
        }
        _ => {}
    }
}

fn utf8(f: &OutputFile) -> &str {
    std::str::from_utf8(&f.contents).unwrap_or_else(|e| panic!("{}: not UTF-8: {e}", f.path.display()))
}

fn spans_ok(text: &str, start: usize, end: usize) {
    assert!(start <= end && end <= text.len(), "span {start}..{end} outside a text of {} bytes", text.len());
    assert!(text.is_char_boundary(start) && text.is_char_boundary(end), "span {start}..{end} splits a character");
}
