//! The `policyc` binary: exit codes, JSON diagnostics, `build` outputs and colour.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test fails by panicking")]

use assert_cmd::Command;
use clap::CommandFactory;
use std::path::Path;

const EXAMPLE: &str = "examples/tencent_im/im.policy";
const INVALID: &str = "tests/invalid/many_errors.policy";
const WARNS_ONLY: &str = "tests/invalid/fallback_to_default.policy";

fn policyc() -> Command {
    let mut c = Command::cargo_bin("policyc").unwrap();
    c.env_remove("NO_COLOR");
    c
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn check_exit_codes() {
    policyc().args(["check", EXAMPLE]).assert().code(0);
    // Warnings alone do not fail.
    let out = policyc().args(["check", WARNS_ONLY]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("W202"));
    let out = policyc().args(["check", INVALID]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("9 errors"), "{}", stderr(&out));
    // A missing file is an I/O problem, not a policy error; it wins over policy errors.
    policyc().args(["check", "tests/no/such.policy"]).assert().code(2);
    policyc().args(["check", INVALID, "tests/no/such.policy"]).assert().code(2);
    // Usage errors.
    policyc().args(["check"]).assert().code(2);
    policyc().args(["check", "--no-such-flag", EXAMPLE]).assert().code(2);
    policyc().args(["frobnicate"]).assert().code(2);
    policyc().assert().code(2);
    policyc().args(["--format", "xml", "check", EXAMPLE]).assert().code(2);
}

#[test]
fn json_diagnostics() {
    let out = policyc().args(["--format", "json", "check", INVALID, EXAMPLE]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    // Diagnostics go to stdout as one JSON array; nothing human-readable is mixed in.
    let items: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(items.len(), 9);
    for d in &items {
        assert_eq!(d["file"], INVALID);
        assert!(d["line"].as_u64().unwrap() >= 1);
        assert!(d["column"].as_u64().unwrap() >= 1);
        assert!(d["code"].as_str().unwrap().starts_with('E'));
        assert_eq!(d["severity"], "error");
        assert!(!d["message"].as_str().unwrap().is_empty());
    }
    assert_eq!((&items[0]["code"], &items[0]["line"], &items[0]["column"]), (&"E001".into(), &17.into(), &1.into()));
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));

    // A clean policy prints an empty array.
    let out = policyc().args(["check", "--format", "json", EXAMPLE]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap(), serde_json::json!([]));

    // An unreadable file is reported in the same format, without a position.
    let out = policyc().args(["check", "--format", "json", "tests/no/such.policy"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let items: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(items[0]["code"], "E002");
    assert_eq!(items[0]["file"], "tests/no/such.policy");
    assert!(items[0]["line"].is_null());
}

#[test]
fn build_writes_policy_json() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    policyc().args(["build", EXAMPLE, "--out"]).arg(&out).assert().code(0);
    let written = std::fs::read_to_string(out.join("policy.json")).unwrap();
    let model: policyc::model::Policy = serde_json::from_str(&written).unwrap();
    let expected = policyc::compile_file(Path::new(EXAMPLE)).unwrap().policy.unwrap();
    assert_eq!(model, expected);
    assert_eq!(written, std::fs::read_to_string("generated/tencent_im/policy.json").unwrap());
    // No temporary files are left behind.
    let names: Vec<String> =
        std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(names.iter().all(|n| !n.starts_with(".tmp")), "{names:?}");

    // An unchanged output is not rewritten (its modification time stays).
    let before = std::fs::metadata(out.join("policy.json")).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    policyc().args(["build", EXAMPLE, "--out"]).arg(&out).assert().code(0);
    assert_eq!(std::fs::metadata(out.join("policy.json")).unwrap().modified().unwrap(), before);

    // A changed output is replaced whole.
    std::fs::write(out.join("policy.json"), "stale").unwrap();
    policyc().args(["build", EXAMPLE, "--out"]).arg(&out).assert().code(0);
    assert_eq!(std::fs::read_to_string(out.join("policy.json")).unwrap(), written);
}

#[test]
fn build_of_several_files_uses_one_directory_each() {
    let dir = tempfile::tempdir().unwrap();
    policyc()
        .args(["build", EXAMPLE, "tests/fixtures/every_construct.policy", "--out"])
        .arg(dir.path())
        .assert()
        .code(0);
    assert!(dir.path().join("im/policy.json").is_file());
    assert!(dir.path().join("every_construct/policy.json").is_file());
}

#[test]
fn build_writes_nothing_when_there_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    policyc().args(["build", INVALID, "--out"]).arg(&out).assert().code(1);
    assert!(!out.exists());
    // Not even the valid file of a multi-file build.
    policyc().args(["build", EXAMPLE, INVALID, "--out"]).arg(&out).assert().code(1);
    assert!(!out.exists());
    policyc().args(["build", EXAMPLE, "tests/no/such.policy", "--out"]).arg(&out).assert().code(2);
    assert!(!out.exists());
    // `--out` is required.
    policyc().args(["build", EXAMPLE]).assert().code(2);
}

#[test]
fn build_into_an_unwritable_place_is_an_io_error() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, "not a directory").unwrap();
    let out = policyc().args(["build", EXAMPLE, "--out"]).arg(blocker.join("out")).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot write"), "{}", stderr(&out));
}

#[test]
fn help_mentions_every_subcommand() {
    let out = policyc().arg("--help").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8_lossy(&out.stdout);
    let cmd = policyc::cli::Cli::command();
    let subcommands: Vec<&str> = cmd.get_subcommands().map(|s| s.get_name()).collect();
    assert!(subcommands.contains(&"check") && subcommands.contains(&"build"));
    for name in subcommands {
        assert!(help.contains(name), "`--help` does not mention `{name}`:\n{help}");
        // Each subcommand has its own help.
        policyc().args([name, "--help"]).assert().code(0);
    }
    for option in ["--format", "--color"] {
        assert!(help.contains(option), "{help}");
    }
    let build_help =
        String::from_utf8_lossy(&policyc().args(["build", "--help"]).output().unwrap().stdout).into_owned();
    assert!(build_help.contains("--out"), "{build_help}");
    policyc().arg("--version").assert().code(0);
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let has_ansi = |args: &[&str], no_color: bool| {
        let mut c = policyc();
        if no_color {
            c.env("NO_COLOR", "1");
        }
        let out = c.args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        stderr(&out).contains('\u{1b}')
    };
    // The test's stderr is a pipe, not a terminal: `auto` means no colour.
    assert!(!has_ansi(&["check", INVALID], false));
    assert!(!has_ansi(&["--color", "never", "check", INVALID], false));
    assert!(has_ansi(&["--color", "always", "check", INVALID], false));
    assert!(has_ansi(&["check", "--color", "always", INVALID], true), "`always` overrides NO_COLOR");
    assert!(!has_ansi(&["check", INVALID], true));
}

/// A policy that imports `import` from a directory `policies/` inside a temporary tree.
fn importing(import: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("policies");
    std::fs::create_dir_all(&sub).unwrap();
    let text = std::fs::read_to_string("tests/invalid/syntax_bad_unicode_escape.policy").unwrap();
    let text = text.replace("purpose other { label { en \"snow \\u{zz}\" } }", &format!("import \"{import}\""));
    let path = sub.join("p.policy");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

#[test]
fn imports_cannot_leave_the_policy_directory() {
    // The process environment must never be quoted in a diagnostic.
    let depth = std::env::current_dir().unwrap().components().count() + 8;
    let environ = format!("{}proc/self/environ", "../".repeat(depth));
    let (_dir, path) = importing(&environ);
    let out = policyc().env("POLICYC_SECRET_MARKER", "s3cr3t").args(["check"]).arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("outside the policy's directory"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("s3cr3t"), "{}", stderr(&out));
    // A sibling directory is outside too, unless the import root is widened.
    let (dir, path) = importing("../shared/x.policy");
    std::fs::create_dir_all(dir.path().join("shared")).unwrap();
    std::fs::write(dir.path().join("shared/x.policy"), "purpose other { label { en \"Other\" } }\n").unwrap();
    let out = policyc().args(["check"]).arg(&path).output().unwrap();
    assert!(stderr(&out).contains("outside the policy's directory"), "{}", stderr(&out));
    let out = policyc().arg("--import-root").arg(dir.path()).args(["check"]).arg(&path).output().unwrap();
    assert!(!stderr(&out).contains("outside"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("E002"), "{}", stderr(&out));
}

#[test]
fn files_that_are_not_policies_are_refused_before_they_are_quoted() {
    let (dir, path) = importing("bin.policy");
    let sub = path.parent().unwrap();
    std::fs::write(sub.join("bin.policy"), b"purpose a {}\n\nsecret \xff\xfe payload").unwrap();
    let out = policyc().args(["check"]).arg(&path).output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("invalid UTF-8 at line 3, column 8"), "{err}");
    assert!(!err.contains("payload"), "{err}");
    std::fs::write(sub.join("bin.policy"), b"purpose a {}\nsec\0ret payload").unwrap();
    let err = stderr(&policyc().args(["check"]).arg(&path).output().unwrap());
    assert!(err.contains("a NUL byte at line 2, column 4"), "{err}");
    assert!(!err.contains("payload"), "{err}");
    // Too large (sparse, so nothing is written).
    let big = std::fs::File::create(sub.join("bin.policy")).unwrap();
    big.set_len(policyc::load::MAX_FILE_BYTES + 1).unwrap();
    let err = stderr(&policyc().args(["check"]).arg(&path).output().unwrap());
    assert!(err.contains("not a policy"), "{err}");
    // The root file itself: exit 2 with the position.
    std::fs::write(dir.path().join("root.policy"), b"policy t {\n \xc3\x28").unwrap();
    let out = policyc().args(["check"]).arg(dir.path().join("root.policy")).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("invalid UTF-8 at line 2, column 2"), "{}", stderr(&out));
}

#[test]
fn file_names_with_terminal_escapes_are_shown_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let name = dir.path().join("a\u{1b}]0;owned\u{7}b.policy");
    std::fs::copy(WARNS_ONLY, &name).unwrap();
    let missing = dir.path().join("gone\u{1b}[2J.policy");
    let out = policyc().args(["--color", "never", "check"]).arg(&name).arg(&missing).output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(!err.contains(['\u{1b}', '\u{7}']), "{err:?}");
    assert!(err.contains("a\\u{1b}]0;owned\\u{7}b.policy") && err.contains("gone\\u{1b}[2J.policy"), "{err}");
}
