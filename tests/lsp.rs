//! The language server through the protocol: a real LSP client (Python `pygls`) starts
//! `policyc lsp` over stdio, opens a policy that imports another, changes it, and asks for
//! hover, definition, references, completion, rename, document symbols and formatting.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test fails by panicking")]

mod common;

use serde_json::{Value, json};
use std::path::Path;

/// (line, UTF-16 column) of the `nth` occurrence of `needle`, plus `shift` characters.
fn pos(text: &str, needle: &str, nth: usize, shift: usize) -> (usize, usize) {
    let at = text.match_indices(needle).nth(nth).unwrap_or_else(|| panic!("`{needle}` #{nth} not found")).0 + shift;
    let line = text[..at].matches('\n').count();
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    (line, text[start..at].encode_utf16().count())
}

fn step(op: &str, (line, character): (usize, usize)) -> Value {
    json!({ "op": op, "line": line, "character": character })
}

#[test]
fn the_language_server_answers_a_real_client() {
    let Some(()) = common::tool("python3", &["-c", "import pygls, lsprotocol"]) else { return };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("common.policy"),
        "purpose shared_support { label { en \"Shared support\" zh \"共享支持\" } }\n",
    )
    .unwrap();
    let fixture = std::fs::read_to_string(root.join("tests/fixtures/exchange.policy")).unwrap();
    let text = format!("import \"common.policy\"\n{fixture}").replace(
        "  use improve_service under consent_for_improvement\n  stored in tickets_db { table support.recordings",
        "  use improve_service under consent_for_improvement\n  use shared_support under gdpr_contract\n  stored in tickets_db { table support.recordings",
    );
    assert!(text.contains("use shared_support"));
    let main = dir.path().join("main.policy");
    std::fs::write(&main, &text).unwrap();
    let broken = text.replacen("use answer_requests under", "use answer_requsts under", 1);
    let messy = text.replace("  label {", "     label   {");
    let steps = vec![
        json!({ "op": "open", "text": text }),
        json!({ "op": "change", "text": broken }),
        json!({ "op": "change", "text": text }),
        step("hover", pos(&text, "category ticket", 0, 10)),
        step("hover", pos(&text, "retain earliest", 0, 2)),
        step("definition", pos(&text, "use shared_support", 0, 6)),
        step("references", pos(&text, "purpose answer_requests", 0, 10)),
        step("completion", pos(&text, "use improve_service under consent", 0, 26)),
        json!({ "op": "rename", "line": pos(&text, "purpose improve_service", 0, 10).0,
                "character": pos(&text, "purpose improve_service", 0, 10).1, "new_name": "service_improvement" }),
        json!({ "op": "symbols" }),
        json!({ "op": "change", "text": messy }),
        json!({ "op": "format" }),
    ];
    let exe = env!("CARGO_BIN_EXE_policyc");
    let out = std::process::Command::new("python3")
        .arg(root.join("tests/lsp/client.py"))
        .arg(exe)
        .arg(&main)
        .arg(serde_json::to_string(&steps).unwrap())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let r: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();

    // Diagnostics as you type, with the CLI's codes and the exact place.
    assert_eq!(r[0], json!([]), "a valid policy has no diagnostics");
    let diags = r[1].as_array().unwrap();
    let e101 = diags.iter().find(|d| d["code"] == "E101").unwrap_or_else(|| panic!("{diags:?}"));
    let (line, col) = pos(&broken, "answer_requsts", 0, 0);
    assert_eq!(e101["range"]["start"], json!({ "line": line, "character": col }));
    assert!(e101["message"].as_str().unwrap().contains("did you mean `answer_requests`"), "{e101}");
    assert_eq!(r[2], json!([]), "fixing the text clears the diagnostics");

    // Hover: what a name is, and the retention rule in words with a worked date.
    let hover = r[3]["contents"]["value"].as_str().unwrap();
    assert!(hover.contains("category") && hover.contains("Support tickets"), "{hover}");
    assert!(hover.contains("3 years") && hover.contains("must be gone by 2025-07-31"), "{hover}");
    let hover = r[4]["contents"]["value"].as_str().unwrap();
    assert!(hover.contains("Example: collected"), "{hover}");

    // Definition across the import.
    assert!(r[5]["uri"].as_str().unwrap().ends_with("/common.policy"), "{}", r[5]);
    assert_eq!(r[5]["range"]["start"], json!({ "line": 0, "character": 8 }));

    // References: the declaration and its use.
    assert_eq!(r[6].as_array().unwrap().len(), 2, "{}", r[6]);

    // Completion after `under`: bases, declared and built-in.
    let labels: Vec<&str> = r[7].as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap()).collect();
    assert!(labels.contains(&"consent_for_improvement") && labels.contains(&"gdpr_contract"), "{labels:?}");
    assert!(!labels.contains(&"answer_requests"), "purposes offered after `under`: {labels:?}");

    // Rename: every occurrence, plus `renamed from` on the public purpose.
    let edits = r[8]["changes"].as_object().unwrap().values().next().unwrap().as_array().unwrap();
    let texts: Vec<&str> = edits.iter().map(|e| e["newText"].as_str().unwrap()).collect();
    assert_eq!(texts.iter().filter(|t| **t == "service_improvement").count(), 3, "{texts:?}");
    assert!(texts.iter().any(|t| t.trim() == "renamed from improve_service"), "{texts:?}");

    // Document symbols: categories with their fields.
    let symbols = r[9].as_array().unwrap();
    let ticket = symbols.iter().find(|s| s["name"] == "ticket").unwrap();
    assert_eq!(ticket["children"].as_array().unwrap().len(), 5);

    // Formatting gives the canonical layout, the same as for the tidy text.
    let edits = r[11].as_array().unwrap();
    assert_eq!(edits.len(), 1, "{edits:?}");
    assert_eq!(edits[0]["newText"].as_str().unwrap(), policyc::fmt::format(&text).unwrap());
}
