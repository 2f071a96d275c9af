//! Command-line conventions: `-D warnings`, `-q`/`-v`, colour switches, completions and the
//! manual page generated from the argument definitions.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test fails by panicking")]

mod common;

use assert_cmd::Command;

fn policyc() -> Command {
    let mut c = Command::cargo_bin("policyc").unwrap();
    c.env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE");
    c
}

const WARNS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/invalid/fallback_to_default.policy");
const CLEAN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/tencent_im/im.policy");

#[test]
fn deny_warnings_turns_warnings_into_a_failure() {
    let out = policyc().args(["check", WARNS]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("W202"));
    for flags in [&["-D", "warnings"][..], &["--deny-warnings"][..]] {
        let out = policyc().arg("check").args(flags).arg(WARNS).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{flags:?}");
    }
    // Nothing to deny in a clean policy.
    policyc().args(["check", "-D", "warnings", CLEAN]).assert().success();
    let out = policyc().args(["check", "-D", "nonsense", CLEAN]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn quiet_shows_errors_only_and_verbose_says_more() {
    let out = policyc().args(["-q", "check", WARNS]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    let errors = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/invalid/undefined_purpose.policy");
    let out = policyc().args(["-q", "check", errors]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("E101") && !stderr.contains("W201"), "{stderr}");
    let out = policyc().args(["-v", "check", CLEAN]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("no problems"));
}

#[test]
fn colour_follows_no_color_and_clicolor_force() {
    let esc = |out: &std::process::Output| out.stderr.contains(&0x1b);
    assert!(!esc(&policyc().args(["check", WARNS]).output().unwrap()), "no colour into a pipe by default");
    assert!(esc(&policyc().env("CLICOLOR_FORCE", "1").args(["check", WARNS]).output().unwrap()));
    assert!(!esc(&policyc().env("CLICOLOR_FORCE", "0").args(["check", WARNS]).output().unwrap()));
    let both = policyc().env("CLICOLOR_FORCE", "1").env("NO_COLOR", "1").args(["check", WARNS]).output().unwrap();
    assert!(!esc(&both), "NO_COLOR wins");
    assert!(esc(&policyc().args(["--color", "always", "check", WARNS]).output().unwrap()));
}

#[test]
fn completions_are_valid_shell_and_name_every_subcommand() {
    let out = policyc().args(["manual", "completions", "bash"]).output().unwrap();
    assert!(out.status.success());
    let script = String::from_utf8(out.stdout).unwrap();
    for sub in ["check", "build", "diff", "purge", "verify", "export", "explain", "init"] {
        assert!(script.contains(sub), "{sub} missing from completions");
    }
    let Some(()) = common::tool("bash", &["--version"]) else { return };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("policyc.bash");
    std::fs::write(&file, &script).unwrap();
    let st = std::process::Command::new("bash").arg("-n").arg(&file).status().unwrap();
    assert!(st.success(), "bash rejects the completion script");
    // Loaded into bash, completing `policyc ex` offers the subcommands starting with `ex`.
    let probe = format!(
        "source {}; COMP_WORDS=(policyc ex); COMP_CWORD=1; COMP_LINE='policyc ex'; COMP_POINT=10; _policyc policyc ex policyc; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        file.display()
    );
    let out = std::process::Command::new("bash").args(["-c", &probe]).output().unwrap();
    let offered = String::from_utf8_lossy(&out.stdout);
    assert!(offered.lines().any(|l| l == "explain") && offered.lines().any(|l| l == "export"), "{offered}");
}

#[test]
fn the_manual_page_is_roff_naming_every_subcommand() {
    let out = policyc().args(["manual", "page"]).output().unwrap();
    assert!(out.status.success());
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.contains(".TH policyc 1"), "{page}");
    for sub in ["check", "build", "export", "explain"] {
        assert!(page.contains(sub), "{sub} missing from the manual");
    }
}

#[test]
fn build_says_in_one_line_what_it_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let first = policyc().args(["build", CLEAN, "--out"]).arg(&out).output().unwrap();
    assert!(first.status.success());
    let line = String::from_utf8_lossy(&first.stderr).into_owned();
    assert_eq!(line.lines().count(), 1, "{line}");
    let total: usize = line.split(": ").nth(1).and_then(|r| r.split(' ').next()).unwrap().parse().unwrap();
    assert!(line.ends_with(&format!("{total} files, {total} changed\n")), "{line}");
    let again = policyc().args(["build", CLEAN, "--out"]).arg(&out).output().unwrap();
    assert!(String::from_utf8_lossy(&again.stderr).ends_with(&format!("{total} files, 0 changed\n")));
    let quiet = policyc().args(["-q", "build", CLEAN, "--out"]).arg(&out).output().unwrap();
    assert!(quiet.stderr.is_empty());
}

#[test]
fn global_options_are_documented_once_and_accepted_after_a_subcommand() {
    let stdout = |args: &[&str]| {
        let out = policyc().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let globals = ["--format", "--color", "--deny", "--deny-warnings", "--quiet", "--verbose", "--import-root"];
    let top = stdout(&["--help"]);
    let section = top.split("Global options:").nth(1).unwrap_or_else(|| panic!("no global section:\n{top}"));
    for g in globals {
        assert!(section.contains(&format!("{g} ")) || section.contains(&format!("{g}\n")), "{g} missing:\n{top}");
    }
    // Every subcommand, nested ones too, points at the top help instead of repeating the options.
    let cmd = policyc::cli::command();
    let mut paths: Vec<Vec<&str>> = Vec::new();
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        paths.push(vec![sub.get_name()]);
        for nested in sub.get_subcommands().filter(|s| s.get_name() != "help") {
            paths.push(vec![sub.get_name(), nested.get_name()]);
        }
    }
    assert!(paths.len() > 12 && paths.contains(&vec!["manual", "page"]), "{paths:?}");
    for path in paths {
        for flag in ["-h", "--help"] {
            let help = stdout(&[&path[..], &[flag]].concat());
            // An option's entry is a line starting with its flags (prose may mention them).
            let listed = |g: &str| {
                help.lines()
                    .map(str::trim_start)
                    .filter(|l| l.starts_with('-'))
                    .any(|l| l.split([' ', ',', '<']).any(|w| w == g))
            };
            assert!(listed("--help"), "{help}");
            for g in globals {
                assert!(!listed(g), "{path:?} {flag} repeats {g}:\n{help}");
            }
            assert!(help.contains("see `policyc --help`"), "{path:?}:\n{help}");
        }
    }
    // The manual page lists them once, in its global section.
    let page = stdout(&["manual", "page"]);
    assert_eq!(page.matches("\\-\\-quiet").count(), 2, "synopsis and global section:\n{page}");
    // Hidden from the subcommands' help, but still accepted after them, with their meaning.
    let out = policyc().args(["check", "-q", WARNS]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = policyc().args(["check", "--format", "json", "--deny-warnings", WARNS]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .or_else(|_| serde_json::from_slice(&out.stderr))
        .expect("--format json after the subcommand gives JSON");
    assert!(json.to_string().contains("W202"), "{json}");
}

#[test]
fn version_names_the_language_and_formats() {
    let out = Command::cargo_bin("policyc").unwrap().arg("--version").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success());
    assert!(
        text.starts_with(&format!(
            "policyc {} (policy language {},",
            env!("CARGO_PKG_VERSION"),
            policyc::syntax::LANGUAGE_VERSION
        )),
        "{text}"
    );
}
