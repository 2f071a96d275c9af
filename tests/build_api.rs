//! `policyc::Config`, the `build.rs` API: output, rewrite-only-if-changed, and errors rendered
//! like the CLI's.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test fails by panicking")]

use std::path::Path;

fn example() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/tencent_im/im.policy")
}

#[test]
fn writes_the_rust_file_once() {
    let out = tempfile::tempdir().unwrap();
    let paths = policyc::Config::new().out_dir(out.path()).rerun_if_changed(false).compile(&[example()]).unwrap();
    assert_eq!(paths, [out.path().join("tencent_im.rs")]);
    let text = std::fs::read_to_string(&paths[0]).unwrap();
    let committed =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("generated/tencent_im/rust/tencent_im.rs"))
            .unwrap();
    assert_eq!(text, committed, "same bytes as `policyc build --rust`");

    let past = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000);
    std::fs::File::options().append(true).open(&paths[0]).unwrap().set_modified(past).unwrap();
    policyc::Config::new().out_dir(out.path()).rerun_if_changed(false).compile(&[example()]).unwrap();
    let mtime = std::fs::metadata(&paths[0]).unwrap().modified().unwrap();
    assert_eq!(mtime, past, "an unchanged file is not rewritten");
}

#[test]
fn policy_errors_fail_with_rendered_diagnostics() {
    let dir = tempfile::tempdir().unwrap();
    let text =
        std::fs::read_to_string(example()).unwrap().replace("use performance_analysis", "use performance_analysys");
    let bad = dir.path().join("im.policy");
    std::fs::write(&bad, text).unwrap();
    let err =
        policyc::Config::new().out_dir(dir.path().join("out")).rerun_if_changed(false).compile(&[&bad]).unwrap_err();
    let shown = format!("{err:?}");
    let cli = policyc::compile_file(&bad).unwrap().render(false);
    assert!(shown.contains(&cli), "Debug shows the CLI's rendering:\n{shown}");
    assert!(shown.contains("performance_analysys") && shown.contains("im.policy:"), "{shown}");
    assert!(!dir.path().join("out").exists(), "nothing written on error");
}

#[test]
fn missing_file_and_out_dir() {
    let err =
        policyc::Config::new().out_dir("unused").rerun_if_changed(false).compile(&["no/such.policy"]).unwrap_err();
    assert!(err.to_string().contains("cannot read `no/such.policy`"), "{err}");
}
