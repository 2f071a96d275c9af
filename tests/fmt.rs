//! `policyc fmt`: formatting any committed policy gives a fixed point with the same checked
//! model, and re-spacing it or moving its line breaks formats to the same bytes (the layout is
//! canonical).
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
fn every_committed_policy_formats_to_a_fixed_point_with_the_same_model() {
    let files = policy_files();
    assert!(files.len() > 20, "{files:?}");
    let mut changed = 0;
    for f in files {
        let src = std::fs::read_to_string(&f).unwrap();
        let formatted = policyc::fmt::format(&src).unwrap();
        let again = policyc::fmt::format(&formatted).unwrap();
        assert!(again == formatted, "formatting {} twice changes it:\n{formatted}\n----\n{again}", f.display());
        let name = f.display().to_string();
        let (a, b) = (policyc::compile_str(&name, &src), policyc::compile_str(&name, &formatted));
        assert_eq!(a.policy, b.policy, "formatting changed the model of {}", f.display());
        assert_eq!(a.diagnostics.len(), b.diagnostics.len(), "{}", f.display());
        // Only whitespace changes, and the optional comma closing `earliest of (…)`.
        let strip = |s: &str| s.chars().filter(|c| !c.is_whitespace() && *c != ',').collect::<String>();
        assert_eq!(strip(&src).trim_start_matches('\u{feff}'), strip(&formatted), "{}", f.display());
        changed += usize::from(formatted != src);
    }
    // The committed files were laid out by hand: the canonical layout is not theirs.
    assert!(changed > 0);
}

/// The layout itself is pinned: a change to the rules shows in these snapshots, not only in
/// the properties above, so it is seen and decided on in review.
#[test]
fn the_canonical_layout_is_pinned() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (name, path) in
        [("every_construct", "tests/fixtures/every_construct.policy"), ("tencent_im", "examples/tencent_im/im.policy")]
    {
        let src = std::fs::read_to_string(root.join(path)).unwrap();
        insta::assert_snapshot!(name, policyc::fmt::format(&src).unwrap());
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

/// `src` with its line structure changed where that means nothing: some line breaks joined into
/// spaces and some spaces broken into lines. Comments and blank lines stay as they are: a
/// comment at the end of a line, a comment on its own line and a blank line are the author's.
fn relayout(src: &str, seed: &[u8]) -> String {
    let mut k = 0;
    let mut next = || {
        k += 1;
        seed.get(k % seed.len().max(1)).copied().unwrap_or(0)
    };
    let lines: Vec<&str> = src.lines().collect();
    let mut out = String::new();
    for (n, line) in lines.iter().enumerate() {
        // Split the code part of the line at spaces outside strings.
        let mut in_string = false;
        let mut chars = line.trim_start().chars().peekable();
        let mut comment = false;
        while let Some(c) = chars.next() {
            match c {
                '"' if !comment => in_string = !in_string,
                '\\' if in_string => {
                    out.push(c);
                    out.extend(chars.next());
                    continue;
                }
                '/' if !in_string && chars.peek() == Some(&'/') => comment = true,
                ' ' if !in_string && !comment && chars.peek() != Some(&'/') && next() % 3 == 0 => {
                    out.push('\n');
                    continue;
                }
                _ => {}
            }
            out.push(c);
        }
        let next_line = lines.get(n + 1).map_or("", |l| l.trim());
        let keep = comment || line.trim().is_empty() || next_line.is_empty() || next_line.starts_with("//");
        out.push(if keep || next() % 2 == 0 { '\n' } else { ' ' });
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn respaced_policies_format_to_the_same_bytes_and_model(seed in proptest::collection::vec(any::<u8>(), 1..64)) {
        for f in policy_files().into_iter().filter(|f| !f.to_string_lossy().contains("diff_corpus")) {
            let src = std::fs::read_to_string(&f).unwrap();
            let want = policyc::fmt::format(&src).unwrap();
            let messy = respace(&src, &seed);
            prop_assert_eq!(&policyc::fmt::format(&messy).unwrap(), &want, "{}", f.display());
            let name = f.display().to_string();
            let a = policyc::compile_str(&name, &src);
            let b = policyc::compile_str(&name, &messy);
            prop_assert_eq!(a.policy, b.policy, "re-spacing changed the model of {}", f.display());
        }
    }

    /// The layout is canonical: where the author broke lines does not matter.
    #[test]
    fn relaid_out_policies_format_to_the_same_bytes(seed in proptest::collection::vec(any::<u8>(), 1..64)) {
        for f in policy_files().into_iter().filter(|f| !f.to_string_lossy().contains("diff_corpus")) {
            let src = std::fs::read_to_string(&f).unwrap();
            let messy = relayout(&src, &seed);
            prop_assert_ne!(&messy, &src);
            prop_assert_eq!(policyc::fmt::format(&messy).unwrap(), policyc::fmt::format(&src).unwrap(), "{}", f.display());
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
    assert_eq!(std::fs::read_to_string(&file).unwrap(), policyc::fmt::format(&src).unwrap());
    Command::cargo_bin("policyc").unwrap().args(["fmt", "--check"]).arg(&file).assert().success();

    let broken = dir.path().join("broken.policy");
    std::fs::write(&broken, "category x {   label { en \"X\" \n").unwrap();
    let out = Command::cargo_bin("policyc").unwrap().arg("fmt").arg(&broken).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&broken).unwrap(), "category x {   label { en \"X\" \n");
}

/// The language server formats whatever is in the editor: broken policies are formatted (when
/// they parse) to a fixed point with the same diagnostics, or refused, never a panic.
#[test]
fn invalid_policies_are_formatted_or_refused() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/invalid");
    let mut formatted = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let f = e.unwrap().path();
        let Ok(src) = std::fs::read_to_string(&f) else { continue };
        let Ok(out) = policyc::fmt::format(&src) else { continue };
        formatted += 1;
        assert_eq!(policyc::fmt::format(&out).unwrap(), out, "{}", f.display());
        let name = f.display().to_string();
        let codes = |s: &str| {
            let mut c: Vec<String> =
                policyc::compile_str(&name, s).diagnostics.iter().map(|d| format!("{:?}", d.code)).collect();
            c.sort();
            c
        };
        assert_eq!(codes(&src), codes(&out), "{}", f.display());
    }
    assert!(formatted > 10, "{formatted}");
}
