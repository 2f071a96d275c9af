//! `policyc fmt`: every committed policy is a fixed point, any re-spacing of it formats back to
//! the same bytes, and formatting never changes the checked model.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test fails by panicking")]

use assert_cmd::Command;
use proptest::prelude::*;
use std::path::{Path, PathBuf};

fn policy_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|e| e == "policy") {
                out.push(p);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for d in ["examples", "tests/fixtures", "tests/diff_corpus"] {
        walk(&root.join(d), &mut out);
    }
    out.sort();
    out
}

#[test]
fn every_committed_policy_is_a_fixed_point() {
    let files = policy_files();
    assert!(files.len() > 20, "{files:?}");
    for f in files {
        let src = std::fs::read_to_string(&f).unwrap();
        let formatted = policyc::fmt::format(&src).unwrap();
        assert!(formatted == src, "{} is not formatted; run `policyc fmt {}`", f.display(), f.display());
    }
}

/// `src` with every run of spaces re-spaced and every line re-indented; blank lines are
/// multiplied only where there was one, since a blank line is the author's grouping.
fn respace(src: &str, seed: &[u8]) -> String {
    let mut out = String::new();
    let mut k = 0;
    let mut next = || {
        k += 1;
        seed.get(k % seed.len().max(1)).copied().unwrap_or(0)
    };
    let mut in_string = false;
    let mut in_comment = false;
    let mut chars = src.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => {
                in_comment = false;
                out.push('\n');
                if chars.peek() == Some(&'\n') {
                    for _ in 0..next() % 3 {
                        out.push('\n');
                    }
                }
                while chars.peek() == Some(&' ') {
                    chars.next();
                }
                out.push_str(&" \t".repeat(usize::from(next() % 4)));
            }
            '"' if !in_comment => {
                in_string = !in_string;
                out.push(c);
            }
            '\\' if in_string => {
                out.push(c);
                out.extend(chars.next());
            }
            '/' if !in_string && chars.peek() == Some(&'/') => {
                in_comment = true;
                out.push(c);
            }
            ' ' if !in_string && !in_comment => {
                while chars.peek() == Some(&' ') {
                    chars.next();
                }
                out.push_str(["  ", " ", "\t", "   "][usize::from(next() % 4)]);
            }
            c => out.push(c),
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn respaced_policies_format_back_to_the_same_bytes_and_model(seed in proptest::collection::vec(any::<u8>(), 1..64)) {
        for f in policy_files().into_iter().filter(|f| !f.to_string_lossy().contains("diff_corpus")) {
            let src = std::fs::read_to_string(&f).unwrap();
            let messy = respace(&src, &seed);
            let formatted = policyc::fmt::format(&messy).unwrap();
            prop_assert_eq!(&formatted, &src, "{}", f.display());
            let name = f.display().to_string();
            let a = policyc::compile_str(&name, &src);
            let b = policyc::compile_str(&name, &messy);
            prop_assert_eq!(a.policy, b.policy, "re-spacing changed the model of {}", f.display());
        }
    }
}

#[test]
fn fmt_check_reports_and_fmt_rewrites_but_never_a_broken_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let src = std::fs::read_to_string(root.join("tests/fixtures/every_form.policy")).unwrap();
    let file = dir.path().join("p.policy");
    std::fs::write(&file, respace(&src, &[3, 1, 4, 1, 5, 9, 2, 6])).unwrap();
    let messy = std::fs::read(&file).unwrap();
    let out = Command::cargo_bin("policyc").unwrap().args(["fmt", "--check"]).arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not formatted"));
    assert_eq!(std::fs::read(&file).unwrap(), messy, "--check wrote the file");
    Command::cargo_bin("policyc").unwrap().arg("fmt").arg(&file).assert().success();
    assert_eq!(std::fs::read_to_string(&file).unwrap(), src);
    Command::cargo_bin("policyc").unwrap().args(["fmt", "--check"]).arg(&file).assert().success();

    let broken = dir.path().join("broken.policy");
    std::fs::write(&broken, "category x {   label { en \"X\" \n").unwrap();
    let out = Command::cargo_bin("policyc").unwrap().arg("fmt").arg(&broken).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&broken).unwrap(), "category x {   label { en \"X\" \n");
}
