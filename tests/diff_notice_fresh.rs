//! The committed change notices under `generated/tencent_im/changes/` are exactly what
//! `policyc diff im.policy im.v2.policy --notice-out …` produces. Refresh them with:
//!
//!     UPDATE_GENERATED=1 cargo test --test diff_notice_fresh
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test fails by panicking")]

use std::path::Path;

#[test]
fn change_notices_are_fresh() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let compile = |p: &str| {
        let c = policyc::compile_file(&root.join(p)).expect("example is readable");
        assert!(!c.diagnostics.has_errors(), "{p} has errors:\n{}", c.render(false));
        c.policy.expect("no errors, so a model")
    };
    let old = compile("examples/tencent_im/im.policy");
    let new = compile("examples/tencent_im/im.v2.policy");
    let changes = policyc::diff::diff(&old, &new);
    let files = policyc::diff::notice::generate(&old, &new, &changes).unwrap();
    let names: Vec<String> = files.iter().map(|f| f.path.display().to_string()).collect();
    assert_eq!(names, ["zh.md", "zh.html", "en.md", "en.html"]);
    let out = root.join("generated/tencent_im/changes");
    if std::env::var_os("UPDATE_GENERATED").is_some() {
        policyc::backend::write_all(&out, &files).expect("write notices");
        return;
    }
    let stale: Vec<String> = files
        .iter()
        .filter(|f| std::fs::read(out.join(&f.path)).ok().as_deref() != Some(&f.contents[..]))
        .map(|f| f.path.display().to_string())
        .collect();
    assert!(
        stale.is_empty(),
        "change notices are stale: {stale:?}\nrefresh with: UPDATE_GENERATED=1 cargo test --test diff_notice_fresh"
    );
}
