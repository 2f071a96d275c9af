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
    // The same diagnostics, structured, for a build script that wants to act on them.
    let policyc::BuildError::Policy { diagnostics, .. } = err else { panic!("a policy error: {err}") };
    let d = diagnostics.iter().find(|d| d.message.contains("performance_analysys")).expect("the unknown purpose");
    assert_eq!(d.code, "E101");
    assert_eq!(d.file.as_deref(), Some(bad.as_path()));
    let line = std::fs::read_to_string(&bad).unwrap().lines().position(|l| l.contains("performance_analysys")).unwrap();
    assert_eq!(d.position.map(|(l, _)| l), Some(line + 1));
}

#[test]
fn extra_outputs_go_under_the_policy_id_as_the_cli_lays_them_out() {
    use policyc::backend::sql::DialectKind;
    let out = tempfile::tempdir().unwrap();
    policyc::Config::new()
        .out_dir(out.path())
        .rerun_if_changed(false)
        .output(policyc::Output::Sql(DialectKind::Mysql))
        .output(policyc::Output::Stores)
        .compile(&[example()])
        .unwrap();
    let generated = Path::new(env!("CARGO_MANIFEST_DIR")).join("generated/tencent_im");
    for file in ["sql/mysql.sql", "stores/mongodb.js", "policy.json"] {
        let got = std::fs::read_to_string(out.path().join("tencent_im").join(file)).unwrap();
        assert_eq!(got, std::fs::read_to_string(generated.join(file)).unwrap(), "{file}");
    }
    assert!(!out.path().join("tencent_im/sql/postgres.sql").exists(), "only the dialects asked for");
}

#[test]
fn imports_reach_outside_the_policy_directory_only_under_an_import_root() {
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(root.path().join("shared")).unwrap();
    std::fs::create_dir_all(root.path().join("svc")).unwrap();
    std::fs::write(root.path().join("shared/extra.policy"), "purpose audit { label { zh \"审计\" en \"Audit\" } }\n")
        .unwrap();
    let main = root.path().join("svc/im.policy");
    let text = std::fs::read_to_string(example()).unwrap();
    std::fs::write(&main, format!("{text}\nimport \"../shared/extra.policy\"\n")).unwrap();
    let out = root.path().join("out");
    let refused = policyc::Config::new().out_dir(&out).rerun_if_changed(false).compile(&[&main]).unwrap_err();
    assert!(refused.to_string().contains("outside the policy's directory"), "{refused}");
    policyc::Config::new().out_dir(&out).rerun_if_changed(false).import_root(root.path()).compile(&[&main]).unwrap();
}
