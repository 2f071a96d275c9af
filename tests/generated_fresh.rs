//! The committed outputs under `generated/` are exactly what the compiler produces from
//! `examples/`. Refresh them with:
//!
//!     UPDATE_GENERATED=1 cargo test --test generated_fresh
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test fails by panicking")]

use std::path::{Path, PathBuf};

fn examples() -> Vec<(PathBuf, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    vec![(root.join("examples/tencent_im/im.policy"), root.join("generated/tencent_im"))]
}

#[test]
fn generated_outputs_are_fresh() {
    let update = std::env::var_os("UPDATE_GENERATED").is_some();
    let mut stale = Vec::new();
    for (policy_path, out_dir) in examples() {
        let compiled = policyc::compile_file(&policy_path).expect("example is readable");
        let Some(policy) = &compiled.policy else { panic!("example has errors:\n{}", compiled.render(false)) };
        let files = policyc::backend::generate(policy, &policyc::backend::Targets::all()).unwrap();
        if update {
            policyc::backend::write_all(&out_dir, &files).expect("write generated files");
            continue;
        }
        for f in &files {
            let path = out_dir.join(&f.path);
            if std::fs::read(&path).ok().as_deref() != Some(&f.contents[..]) {
                stale.push(path.display().to_string());
            }
        }
    }
    assert!(
        stale.is_empty(),
        "generated files are stale: {stale:?}\nrefresh with: UPDATE_GENERATED=1 cargo test --test generated_fresh"
    );
}
