//! `policyc diff`: exit codes of the `--fail-on` gate, JSON output, notices and `git:` sources.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test fails by panicking")]

use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn v1() -> PathBuf {
    root().join("examples/tencent_im/im.policy")
}

fn v2_text() -> String {
    std::fs::read_to_string(root().join("examples/tencent_im/im.v2.policy")).unwrap()
}

fn policyc(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("policyc").unwrap();
    c.current_dir(dir).arg("--color").arg("never");
    c
}

/// Writes a variant of v2 into `dir` and returns its path.
fn variant(dir: &Path, name: &str, edit: impl Fn(String) -> String) -> PathBuf {
    let text = edit(v2_text());
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn out(a: &assert_cmd::assert::Assert) -> (String, String) {
    let o = a.get_output();
    (String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned())
}

#[test]
fn same_policy_has_no_changes_and_passes() {
    let a = policyc(&root()).arg("diff").arg(v1()).arg(v1()).args(["--fail-on", "minor"]).assert().code(0);
    assert!(out(&a).0.contains("no changes in meaning"));
}

#[test]
fn bumped_and_acknowledged_passes_the_gate() {
    let a = policyc(&root())
        .arg("diff")
        .arg(v1())
        .arg(root().join("examples/tencent_im/im.v2.policy"))
        .args(["--fail-on", "material"])
        .assert()
        .code(0);
    let (stdout, _) = out(&a);
    assert!(stdout.contains("retention_longer"), "{stdout}");
    assert!(stdout.contains("3 material, 2 minor, 2 editorial"), "{stdout}");
}

#[test]
fn material_change_without_acknowledgement_fails() {
    let dir = tempfile::tempdir().unwrap();
    let p = variant(dir.path(), "im.policy", |t| t.replace("  acknowledges \"1.0.0\"\n", ""));
    let a = policyc(dir.path()).arg("diff").arg(v1()).arg(&p).args(["--fail-on", "material"]).assert().code(1);
    let (_, stderr) = out(&a);
    assert!(stderr.contains("3 material change(s) since version `1.0.0` are not acknowledged"), "{stderr}");
    assert!(stderr.contains("acknowledges \"1.0.0\""), "{stderr}");
    // Without --fail-on the report is informational.
    policyc(dir.path()).arg("diff").arg(v1()).arg(&p).assert().code(0);
}

#[test]
fn material_change_without_version_bump_fails() {
    let dir = tempfile::tempdir().unwrap();
    let p = variant(dir.path(), "im.policy", |t| {
        t.replace("  acknowledges \"1.0.0\"\n", "").replace("version \"2.0.0\"", "version \"1.0.0\"")
    });
    let a = policyc(dir.path()).arg("diff").arg(v1()).arg(&p).args(["--fail-on", "material"]).assert().code(1);
    assert!(out(&a).1.contains("but the version is still `1.0.0`"), "{}", out(&a).1);
}

#[test]
fn acknowledging_another_version_fails() {
    let dir = tempfile::tempdir().unwrap();
    let p = variant(dir.path(), "im.policy", |t| t.replace("acknowledges \"1.0.0\"", "acknowledges \"0.9.0\""));
    let a = policyc(dir.path()).arg("diff").arg(v1()).arg(&p).args(["--fail-on", "material"]).assert().code(1);
    assert!(out(&a).1.contains("acknowledges `0.9.0`"), "{}", out(&a).1);
}

#[test]
fn acknowledging_its_own_version_is_a_policy_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = variant(dir.path(), "im.policy", |t| t.replace("acknowledges \"1.0.0\"", "acknowledges \"2.0.0\""));
    let a = policyc(dir.path()).arg("check").arg(&p).assert().code(1);
    assert!(out(&a).1.contains("the policy acknowledges its own version `2.0.0`"), "{}", out(&a).1);
}

#[test]
fn minor_threshold() {
    let case = root().join("tests/diff_corpus/retention_shorter");
    let run = |threshold: &str| {
        policyc(&root())
            .arg("diff")
            .arg(case.join("old.policy"))
            .arg(case.join("new.policy"))
            .args(["--fail-on", threshold])
            .assert()
    };
    run("material").code(0);
    let a = run("minor").code(1);
    assert!(out(&a).1.contains("1 change(s) at or above `minor`, but the version is still `1.0.0`"));
    // Editorial changes never fail the gate.
    let text = root().join("tests/diff_corpus/text_only");
    policyc(&root())
        .arg("diff")
        .arg(text.join("old.policy"))
        .arg(text.join("new.policy"))
        .args(["--fail-on", "minor"])
        .assert()
        .code(0);
}

#[test]
fn json_output() {
    let dir = tempfile::tempdir().unwrap();
    let p = variant(dir.path(), "im.policy", |t| t.replace("  acknowledges \"1.0.0\"\n", ""));
    let a = policyc(dir.path())
        .args(["--format", "json", "diff"])
        .arg(v1())
        .arg(&p)
        .args(["--fail-on", "material"])
        .assert()
        .code(1);
    let v: serde_json::Value = serde_json::from_str(&out(&a).0).unwrap();
    assert_eq!(v["summary"]["material"], 3);
    assert_eq!(v["gate"]["passes"], false);
    assert_eq!(v["old"]["version"], "1.0.0");
    let changes = v["changes"].as_array().unwrap();
    let longer = changes.iter().find(|c| c["kind"] == "retention_longer").unwrap();
    assert_eq!(longer["path"], "category/log_data/retention");
    assert_eq!(longer["old"], "7 days");
    assert_eq!(longer["new"], "30 days");
    assert_eq!(longer["severity"], "material");
}

#[test]
fn unreadable_file_is_exit_2_and_policy_errors_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    policyc(dir.path()).arg("diff").arg(v1()).arg(dir.path().join("missing.policy")).assert().code(2);
    let bad = dir.path().join("bad.policy");
    std::fs::write(&bad, "policy x { version \"1\" }\ncategory c { use nowhere }\n").unwrap();
    policyc(dir.path()).arg("diff").arg(v1()).arg(&bad).assert().code(1);
    policyc(dir.path()).arg("diff").arg(v1()).arg("git:HEAD").assert().code(2);
}

#[test]
fn notices_are_written_and_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let p = variant(dir.path(), "im.policy", |t| {
        t.replace(
            "label { zh \"日志数据\" en \"Log data\" }",
            "label { zh \"日志<数据>\" en \"Log <script>alert(1)</script> & *data*\" }",
        )
    });
    let notices = dir.path().join("notices");
    policyc(dir.path()).arg("diff").arg(v1()).arg(&p).arg("--notice-out").arg(&notices).assert().code(0);
    let read = |f: &str| std::fs::read_to_string(notices.join(f)).unwrap();
    let html = read("en.html");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<html lang=\"en\">"));
    assert!(!html.contains("<script>"), "{html}");
    assert!(html.contains("&#60;script&#62;alert(1)"), "{html}");
    assert!(html.contains("&#38; *data*"), "{html}");
    let md = read("en.md");
    assert!(md.contains("\\<script\\>"), "{md}");
    assert!(md.contains("\\*data\\*"), "{md}");
    assert!(md.contains("We now keep **Log \\<script\\>alert(1)\\</script\\> \\& \\*data\\*** longer: for 30 days (previously for 7 days)."), "{md}");
    let zh = read("zh.md");
    assert!(zh.starts_with("# 本版本的变更"));
    assert!(zh.contains("我们延长了**日志\\<数据\\>**的保存期限：30 天（此前为：7 天）。"), "{zh}");
    assert!(read("zh.html").contains("<html lang=\"zh\">"));
}

#[test]
fn old_version_from_git_with_imports() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    let git = |args: &[&str]| {
        let s = std::process::Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"])
            .args(args)
            .current_dir(repo)
            .output()
            .unwrap();
        assert!(s.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&s.stderr));
    };
    git(&["init", "-q"]);
    let sub = repo.join("policies");
    std::fs::create_dir_all(sub.join("shared")).unwrap();
    // The old version imports its purposes; the import must come from the same revision.
    let old = std::fs::read_to_string(root().join("tests/diff_corpus/retention_longer/old.policy")).unwrap();
    let purposes = "purpose analytics { label { en \"Analytics\" zh \"分析\" } }\n\
                    purpose service { label { en \"Providing the service\" zh \"提供服务\" } }\n";
    let cut = |t: &str| t.replace(purposes, "import \"shared/purposes.policy\"\n");
    assert!(old.contains(purposes));
    std::fs::write(sub.join("app.policy"), cut(&old)).unwrap();
    std::fs::write(sub.join("shared/purposes.policy"), purposes).unwrap();
    git(&["add", "."]);
    git(&["commit", "-qm", "v1"]);
    // The working tree moves on: retention longer, and the imported file is gone.
    let new = std::fs::read_to_string(root().join("tests/diff_corpus/retention_longer/new.policy")).unwrap();
    std::fs::write(sub.join("app.policy"), new).unwrap();
    std::fs::remove_file(sub.join("shared/purposes.policy")).unwrap();
    for (cwd, spec) in [(repo.to_path_buf(), "git:HEAD:policies/app.policy"), (sub.clone(), "git:HEAD:./app.policy")] {
        let a = policyc(&cwd).args(["--format", "json", "diff", spec]).arg(sub.join("app.policy")).assert().code(0);
        let v: serde_json::Value = serde_json::from_str(&out(&a).0).unwrap();
        let kinds: Vec<&str> = v["changes"].as_array().unwrap().iter().map(|c| c["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["retention_longer"], "{spec}");
    }
    let a = policyc(repo).arg("diff").arg("git:HEAD:policies/nope.policy").arg(sub.join("app.policy")).assert().code(2);
    assert!(out(&a).1.contains("nope.policy"), "{}", out(&a).1);
}

#[test]
fn a_revision_starting_with_a_dash_is_refused_not_passed_as_an_option() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    let s = std::process::Command::new("git").args(["init", "-q"]).current_dir(repo).output().unwrap();
    assert!(s.status.success());
    let target = repo.join("written-by-git");
    let spec = format!("git:--output={}:p.policy", target.display());
    let a = policyc(repo).arg("diff").arg(&spec).arg(v1()).assert().code(2);
    assert!(out(&a).1.contains("cannot start with `-`"), "{}", out(&a).1);
    assert!(!target.exists(), "git wrote {}", target.display());
}
