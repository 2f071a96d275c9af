//! Policy text and file names never become code: a model whose every text, version and source
//! file name carries line terminators, bidi controls, code fences, indented lines, HTML and
//! comment/string terminators is compiled to every output, and each output stays inert.
//!
//! The checker refuses most of these characters in policy source; the model is altered after
//! checking so the backends are tested on their own (file names, hand-built models).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test fails by panicking")]

mod common;

use policyc::backend::{self, Targets};
use policyc::model::Policy;
use pulldown_cmark::{Event, Parser, Tag};
use std::path::Path;
use std::process::Command;

/// Appended to every text. `PWNED` follows every kind of line terminator: no generated code
/// line may start with it.
const PAYLOAD: &str = "\u{2028}PWNED globalThis.pwned = 1;\nPWNED2\rPWNED3\u{2029}PWNED4\u{85}PWNED5 \
     \n```rust\nfn doctest() { panic!() }\n```\n    indented_doctest();\n\u{202e}\u{2066}txet \
     */ --> ]]> <script>globalThis.pwned = 1</script> <!-- ' \" ` $(touch pwned) \\ \u{1b}[2J";

const SOURCE: &str = "evil\nPWNED6\r\u{2028}PWNED7 */.policy";

fn hostile_policy() -> Policy {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let c = policyc::compile_file(&root.join("tests/fixtures/every_construct.policy")).unwrap();
    assert!(!c.diagnostics.has_errors(), "{}", c.render(false));
    let mut json = serde_json::to_value(c.policy.unwrap()).unwrap();
    let locales: Vec<String> =
        json["locales"].as_array().unwrap().iter().map(|l| l.as_str().unwrap().to_string()).collect();
    let mut n = 0;
    poison(&mut json, &locales, &mut n);
    assert!(n > 50, "only {n} texts poisoned");
    json["version"] = format!("2.0{PAYLOAD}").into();
    json["source"] = SOURCE.into();
    serde_json::from_value(json).unwrap()
}

/// Appends the payload to every localised text (an object keyed by the policy's locales).
fn poison(v: &mut serde_json::Value, locales: &[String], n: &mut usize) {
    match v {
        serde_json::Value::Object(m) => {
            let is_text = !m.is_empty() && m.iter().all(|(k, v)| locales.contains(k) && v.is_string());
            if is_text {
                for v in m.values_mut() {
                    *v = format!("{}{PAYLOAD}", v.as_str().unwrap()).into();
                    *n += 1;
                }
            } else {
                m.values_mut().for_each(|v| poison(v, locales, n));
            }
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(|v| poison(v, locales, n)),
        _ => {}
    }
}

fn lines(s: &str) -> impl Iterator<Item = &str> {
    s.split(['\n', '\r', '\u{2028}', '\u{2029}', '\u{85}'])
}

#[test]
fn hostile_text_stays_inert_in_every_output() {
    let policy = hostile_policy();
    let files = backend::generate(&policy, &Targets::all()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    backend::write_all(dir.path(), &files).unwrap();
    let mut kinds = std::collections::BTreeSet::new();
    for f in &files {
        let text = String::from_utf8(f.contents.clone()).unwrap();
        let ext = f.path.extension().unwrap().to_str().unwrap().to_string();
        kinds.insert(ext.clone());
        // Documents render text (and author Markdown) on several lines by design; JSON carries
        // U+2028 verbatim inside strings, which JSON allows.
        if ext == "json" {
            serde_json::from_str::<serde_json::Value>(&text).unwrap();
        }
        if matches!(ext.as_str(), "md" | "html" | "csv" | "json") {
            continue;
        }
        for l in lines(&text) {
            assert!(
                !l.trim_start().starts_with("PWNED"),
                "{}: a payload line escaped its comment or string: {l:?}",
                f.path.display()
            );
        }
        assert!(
            !text.contains(['\r', '\u{202e}', '\u{2066}', '\u{2028}', '\u{1b}']),
            "{}: raw control character",
            f.path.display()
        );
    }
    for k in ["rs", "sql", "js", "sh", "properties", "xml", "json", "txt", "md", "html", "csv"] {
        assert!(kinds.contains(k), "no .{k} output: the fixture must produce every kind");
    }
    let js = dir.path().join("stores/mongodb.js");
    js_is_inert(&js);
    let sh = Command::new("sh").arg("-n").arg(dir.path().join("stores/kafka.sh")).output().unwrap();
    assert!(sh.status.success(), "kafka.sh: {}", String::from_utf8_lossy(&sh.stderr));
    let rust = std::fs::read_to_string(dir.path().join(format!("rust/{}.rs", policy.id))).unwrap();
    docs_have_no_code_or_html(&rust);
    rust_compiles(&policy.id, &rust);
}

/// `node --check` accepts the script, and running it against a stub `db` never runs the payload.
fn js_is_inert(path: &Path) {
    let check = Command::new("node").arg("--check").arg(path).output().expect("node is installed");
    assert!(check.status.success(), "node --check: {}", String::from_utf8_lossy(&check.stderr));
    let script = std::fs::read_to_string(path).unwrap();
    let harness = format!(
        "globalThis.print = () => {{}};\n\
         globalThis.db = {{ getCollection: () => ({{ getIndexes: () => [], createIndex: () => {{}}, dropIndex: () => {{}} }}), runCommand: () => {{}} }};\n\
         {script}\n\
         if (globalThis.pwned !== undefined) {{ process.exit(3); }}\n"
    );
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("run.js");
    std::fs::write(&p, harness).unwrap();
    let run = Command::new("node").arg(&p).output().unwrap();
    assert!(run.status.success(), "mongodb.js ran the payload or failed: {}", String::from_utf8_lossy(&run.stderr));
}

/// Every `///` block, read as rustdoc reads it, is plain text: no code block (a doctest), no
/// HTML, no link.
fn docs_have_no_code_or_html(rust: &str) {
    let mut blocks: Vec<String> = vec![String::new()];
    for l in rust.lines() {
        match l.trim_start().strip_prefix("///") {
            Some(d) => {
                let last = blocks.last_mut().unwrap();
                last.push_str(d.strip_prefix(' ').unwrap_or(d));
                last.push('\n');
            }
            None if !blocks.last().unwrap().is_empty() => blocks.push(String::new()),
            None => {}
        }
    }
    assert!(blocks.iter().any(|b| b.contains("PWNED")), "the payload reaches the doc comments");
    for b in &blocks {
        for e in Parser::new(b) {
            let bad = matches!(
                e,
                Event::Start(Tag::CodeBlock(_) | Tag::HtmlBlock | Tag::Link { .. } | Tag::Image { .. })
                    | Event::Html(_)
                    | Event::InlineHtml(_)
            );
            assert!(!bad, "rustdoc would see {e:?} in:\n{b}");
        }
    }
}

/// The generated file compiles warning-free (clippy included) as the rust backend tests
/// compile theirs: one extra crate build.
fn rust_compiles(id: &str, rust: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("src")).unwrap();
    std::fs::write(d.join("Cargo.toml"), common::scratch_manifest("hostile")).unwrap();
    std::fs::copy(root.join("Cargo.lock"), d.join("Cargo.lock")).unwrap();
    std::fs::write(d.join(format!("src/{id}.rs")), rust).unwrap();
    std::fs::write(
        d.join("src/lib.rs"),
        format!("//! Generated.\n#![deny(warnings, missing_docs)]\n/// The policy.\npub mod p {{ include!(\"{id}.rs\"); }}\n"),
    )
    .unwrap();
    let out = Command::new(env!("CARGO"))
        .args(["clippy", "--quiet", "--lib", "--", "-D", "warnings"])
        .current_dir(d)
        .env("CARGO_TARGET_DIR", common::scratch_target())
        .env_remove("RUSTFLAGS")
        .output()
        .unwrap();
    assert!(out.status.success(), "generated Rust:\n{}", String::from_utf8_lossy(&out.stderr));
}

/// The same through the CLI: a policy file whose name holds line terminators builds, and no
/// generated line starts with what followed them.
#[test]
fn a_hostile_file_name_stays_in_its_comments() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    std::fs::create_dir_all(src.join("shared")).unwrap();
    for f in ["every_construct.policy", "shared/common.policy", "shared/bases.policy"] {
        std::fs::copy(root.join("tests/fixtures").join(f), src.join(f)).unwrap();
    }
    let evil = src.join("x\nPWNED8\r\u{2028}PWNED9.policy");
    std::fs::rename(src.join("every_construct.policy"), &evil).unwrap();
    let out = dir.path().join("out");
    let run =
        Command::new(env!("CARGO_BIN_EXE_policyc")).arg("build").arg(&evil).arg("--out").arg(&out).output().unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let mut n = 0;
    for entry in walk(&out) {
        let ext = entry.extension().and_then(|e| e.to_str()).unwrap_or("");
        if matches!(ext, "md" | "html" | "csv" | "json") {
            continue;
        }
        let text = std::fs::read_to_string(&entry).unwrap();
        n += usize::from(text.contains("PWNED8"));
        for l in lines(&text) {
            assert!(!l.trim_start().starts_with("PWNED"), "{}: {l:?}", entry.display());
        }
    }
    assert!(n >= 4, "the file name appears in the headers ({n} files)");
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() { out.extend(walk(&p)) } else { out.push(p) }
    }
    out
}
