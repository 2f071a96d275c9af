//! `cargo:rerun-if-changed` is exact: a no-op build of `examples/im_service` does not rerun
//! its build script, an unrelated file does not either, and touching or editing the policy
//! does. Builds a copy of the example (so the repository is never touched) into the scratch
//! target directory shared by every test that builds a crate, so later runs reuse the compiled
//! dependencies.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test fails by panicking")]

mod common;

use std::path::Path;
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Builds the copy verbosely; returns (build script ran, stderr).
fn build(dir: &Path) -> (bool, String) {
    let out = Command::new(env!("CARGO"))
        .args(["build", "-v"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", common::scratch_target())
        .env_remove("RUSTFLAGS")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "build failed:\n{err}");
    let ran = err.lines().any(|l| {
        let l = l.trim_start();
        l.starts_with("Running `") && l.contains("im_service-") && l.contains("build-script-build")
    });
    (ran, err)
}

fn bump_mtime(path: &Path) {
    let f = std::fs::File::options().append(true).open(path).unwrap();
    // Now, not later: a future mtime would keep the file newer than every build until then.
    f.set_modified(std::time::SystemTime::now()).unwrap();
}

#[test]
fn build_script_reruns_exactly_when_the_policy_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let svc = tmp.path().join("im_service");
    let policy_dir = tmp.path().join("tencent_im");
    std::fs::create_dir_all(svc.join("src")).unwrap();
    std::fs::create_dir_all(&policy_dir).unwrap();
    let example = root().join("examples/im_service");
    // Path dependencies point at the repository; the copy points at them absolutely.
    let manifest = std::fs::read_to_string(example.join("Cargo.toml"))
        .unwrap()
        .replace("path = \"../..", &format!("path = \"{}", root().display()));
    assert!(
        manifest.contains(&format!("policyc = {{ path = \"{}\"", root().display())),
        "manifest rewrite failed:\n{manifest}"
    );
    assert!(manifest.contains("policyc-runtime = { path = \"/"), "manifest rewrite failed:\n{manifest}");
    std::fs::write(svc.join("Cargo.toml"), format!("{manifest}\n[workspace]\n")).unwrap();
    std::fs::copy(root().join("Cargo.lock"), svc.join("Cargo.lock")).unwrap();
    std::fs::copy(example.join("build.rs"), svc.join("build.rs")).unwrap();
    std::fs::copy(example.join("src/lib.rs"), svc.join("src/lib.rs")).unwrap();
    let policy = policy_dir.join("im.policy");
    std::fs::copy(root().join("examples/tencent_im/im.policy"), &policy).unwrap();

    let (ran, err) = build(&svc);
    assert!(ran, "first build runs the build script:\n{err}");

    let (ran, err) = build(&svc);
    assert!(!ran, "a no-op build must not rerun the build script:\n{err}");
    assert!(err.contains("Fresh im_service"), "{err}");

    std::fs::write(svc.join("notes.txt"), "unrelated").unwrap();
    let (ran, err) = build(&svc);
    assert!(!ran, "an unrelated file must not rerun the build script:\n{err}");

    bump_mtime(&policy);
    let (ran, err) = build(&svc);
    assert!(ran, "touching the policy reruns the build script:\n{err}");

    let text = std::fs::read_to_string(&policy).unwrap().replace("retain 7 days", "retain 8 days");
    std::fs::write(&policy, text).unwrap();
    let (ran, err) = build(&svc);
    assert!(ran, "editing the policy reruns the build script:\n{err}");
    let generated = std::fs::read_dir(common::scratch_target().join("debug/build"))
        .unwrap()
        .filter_map(|e| std::fs::read_to_string(e.ok()?.path().join("out/tencent_im.rs")).ok())
        .any(|s| s.contains("amount: 8,"));
    assert!(generated, "the edited rule reached the generated file");

    let (ran, err) = build(&svc);
    assert!(!ran, "and the next no-op build is quiet again:\n{err}");
}
