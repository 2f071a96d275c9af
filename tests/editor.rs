//! The VS Code package's TextMate grammar, checked by the real TextMate engine over every policy
//! of the repository (`editors/vscode/test/grammar.js`). `.ci/run` installs the package's npm
//! dependencies and builds the `.vsix` with `vsce package`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test fails by panicking")]

mod common;

use std::path::Path;

#[test]
fn the_textmate_grammar_scopes_every_policy_of_the_repository() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/vscode");
    if !dir.join("node_modules/vscode-textmate").exists() {
        let _: Option<()> = common::skip("editors/vscode has no node_modules (run `npm ci` there)");
        return;
    }
    let Some(()) = common::tool("node", &["--version"]) else { return };
    let out = std::process::Command::new("node").arg("test/grammar.js").current_dir(&dir).output().unwrap();
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("grammar ok: "));
}
