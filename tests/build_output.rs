//! `policyc build` output directories: colliding names are refused, stale outputs pruned (only
//! files policyc recorded), unchanged files keep their timestamps, permissions follow the umask,
//! and one policy's output set is replaced atomically even when the build is killed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test fails by panicking")]

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

fn policyc() -> Command {
    Command::new(env!("CARGO_BIN_EXE_policyc"))
}

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/tencent_im/im.policy");

/// Runs `policyc build` (warnings of the synthetic policies are not shown).
fn build(args: &[&str]) -> std::process::Output {
    policyc().arg("build").args(args).output().expect("policyc runs")
}

/// Every file under `dir` (relative path → content).
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.insert(p.strip_prefix(root).unwrap().to_path_buf(), std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    if dir.exists() {
        walk(dir, dir, &mut out);
    }
    out
}

fn temp_entries(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.contains("tmp") {
            found.push(e.path().display().to_string());
        }
        if e.path().is_dir() {
            found.extend(temp_entries(&e.path()));
        }
    }
    found
}

#[test]
fn two_inputs_with_one_file_name_are_refused_before_writing() {
    let tmp = tempfile::tempdir().unwrap();
    for sub in ["a", "b"] {
        std::fs::create_dir(tmp.path().join(sub)).unwrap();
        std::fs::copy(EXAMPLE, tmp.path().join(sub).join("im.policy")).unwrap();
    }
    let out_dir = tmp.path().join("out");
    let a = tmp.path().join("a/im.policy");
    let b = tmp.path().join("b/im.policy");
    let out = build(&[a.to_str().unwrap(), b.to_str().unwrap(), "--out", out_dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("would both be written to") && err.contains("im"), "{err}");
    assert!(!out_dir.exists(), "nothing may be written");
}

#[test]
fn a_rebuild_prunes_what_it_no_longer_produces_and_keeps_everything_else() {
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("out");
    let o = out_dir.to_str().unwrap();
    assert!(build(&[EXAMPLE, "--out", o, "--docs", "--sql", "postgres"]).status.success());
    assert!(out_dir.join("sql/postgres.sql").exists());
    let docs: Vec<PathBuf> = tree(&out_dir).into_keys().filter(|p| p.starts_with("docs")).collect();
    assert!(!docs.is_empty());
    // Files policyc did not write survive a rebuild, even inside its subdirectories (the
    // directory is then updated file by file rather than swapped).
    std::fs::write(out_dir.join("notes.txt"), "mine").unwrap();
    std::fs::write(out_dir.join("docs/mine.md"), "mine too").unwrap();
    // An old timestamp shows whether a file was rewritten.
    let old = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    let sql = out_dir.join("sql/postgres.sql");
    std::fs::File::options().write(true).open(&sql).unwrap().set_modified(old).unwrap();

    assert!(build(&[EXAMPLE, "--out", o, "--sql", "postgres"]).status.success());
    let after = tree(&out_dir);
    for d in &docs {
        assert!(!after.contains_key(d), "{} should have been pruned", d.display());
    }
    assert_eq!(after.get(Path::new("notes.txt")).map(Vec::as_slice), Some(&b"mine"[..]));
    assert_eq!(after.get(Path::new("docs/mine.md")).map(Vec::as_slice), Some(&b"mine too"[..]));
    assert_eq!(std::fs::metadata(&sql).unwrap().modified().unwrap(), old, "unchanged file rewritten");
    let manifest = String::from_utf8(after[Path::new(".policyc-manifest")].clone()).unwrap();
    assert!(manifest.lines().any(|l| l == "sql/postgres.sql") && !manifest.contains("docs/"), "{manifest}");

    // Nothing changed: nothing is touched, not even the directory.
    let dir_time = std::fs::metadata(&out_dir).unwrap().modified().unwrap();
    assert!(build(&[EXAMPLE, "--out", o, "--sql", "postgres"]).status.success());
    assert_eq!(std::fs::metadata(&out_dir).unwrap().modified().unwrap(), dir_time);
    assert!(temp_entries(tmp.path()).is_empty(), "{:?}", temp_entries(tmp.path()));
}

#[test]
fn an_output_directory_reached_through_a_symlink_stays_a_symlink() {
    let tmp = tempfile::tempdir().unwrap();
    let real = tmp.path().join("real");
    std::fs::create_dir(&real).unwrap();
    let link = tmp.path().join("link");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let l = link.to_str().unwrap();
    assert!(build(&[EXAMPLE, "--out", l, "--sql", "postgres"]).status.success());
    // Swapped as a whole (only policyc's files), yet an unchanged file keeps its timestamp.
    let old = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    let json = real.join("policy.json");
    std::fs::File::options().write(true).open(&json).unwrap().set_modified(old).unwrap();
    assert!(build(&[EXAMPLE, "--out", l, "--sql", "mysql"]).status.success());
    assert_eq!(std::fs::metadata(&json).unwrap().modified().unwrap(), old, "unchanged file rewritten");
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert!(real.join("sql/mysql.sql").exists() && !real.join("sql/postgres.sql").exists());
    assert!(temp_entries(tmp.path()).is_empty(), "{:?}", temp_entries(tmp.path()));
}

#[test]
fn outputs_get_the_permissions_of_the_umask() {
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("out");
    let cmd = format!(
        "umask 022 && exec '{}' build '{EXAMPLE}' --out '{}'",
        env!("CARGO_BIN_EXE_policyc"),
        out_dir.display()
    );
    assert!(Command::new("sh").args(["-c", &cmd]).status().unwrap().success());
    for (rel, _) in tree(&out_dir) {
        let mode = std::fs::metadata(out_dir.join(&rel)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o644, "{}", rel.display());
    }
    assert_eq!(std::fs::metadata(&out_dir).unwrap().permissions().mode() & 0o777, 0o755);
    // The per-file writer (change notices, `lifecycle merge --out`, build.rs) too.
    let (existing, merged) = (tmp.path().join("existing.xml"), tmp.path().join("merged.xml"));
    std::fs::write(&existing, "<LifecycleConfiguration></LifecycleConfiguration>").unwrap();
    let cmd = format!(
        "umask 027 && exec '{}' lifecycle merge '{}' '{EXAMPLE}' --bucket im-logs --out '{}'",
        env!("CARGO_BIN_EXE_policyc"),
        existing.display(),
        merged.display()
    );
    assert!(Command::new("sh").args(["-c", &cmd]).status().unwrap().success());
    assert_eq!(std::fs::metadata(&merged).unwrap().permissions().mode() & 0o777, 0o640);
}

/// Every entry under `dir` with its inode and modification time: changes when anything is
/// created, replaced or written.
fn stamps(dir: &Path) -> BTreeMap<PathBuf, (u64, Option<SystemTime>)> {
    use std::os::unix::fs::MetadataExt;
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for e in entries.flatten() {
            let Ok(m) = e.metadata() else { continue };
            if m.is_dir() {
                stack.push(e.path());
            }
            out.insert(e.path(), (m.ino(), m.modified().ok()));
        }
    }
    out
}

/// A policy large enough that a build takes a while.
fn large(variant: u32) -> String {
    policyc::synth::policy(200, variant)
}

#[test]
fn a_killed_build_leaves_the_complete_old_or_new_set() {
    let tmp = tempfile::tempdir().unwrap();
    let (old_src, new_src) = (tmp.path().join("old/im.policy"), tmp.path().join("new/im.policy"));
    for (p, v) in [(&old_src, 0), (&new_src, 1)] {
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, large(v)).unwrap();
    }
    // The two complete sets, built undisturbed.
    let reference = |src: &Path, name: &str| {
        let d = tmp.path().join(name);
        assert!(build(&[src.to_str().unwrap(), "--out", d.to_str().unwrap()]).status.success());
        tree(&d)
    };
    let t = Instant::now();
    let new_set = reference(&new_src, "ref_new");
    let full = t.elapsed();
    let old_set = reference(&old_src, "ref_old");
    assert_ne!(old_set, new_set);

    let out_dir = tmp.path().join("out/im");
    let o = out_dir.to_str().unwrap();
    let mut killed = 0;
    // Kill points: shortly after the build first changes anything under `out/` (where a writer
    // that is not atomic is caught mid-way), and at fractions of an undisturbed build.
    let mut points: Vec<(bool, Duration)> =
        [0, 1, 2, 4, 8, 16, 32, 64, 128].into_iter().map(|ms| (true, Duration::from_millis(ms))).collect();
    points.extend([0.3, 0.6, 0.9, 1.2].map(|f| (false, full.mul_f64(f))));
    for (after_change, at) in points {
        // Start from the complete old set, then kill a build of the new one part way.
        assert!(build(&[old_src.to_str().unwrap(), "--out", o]).status.success());
        assert_eq!(tree(&out_dir), old_set);
        let before = stamps(&tmp.path().join("out"));
        let mut child = policyc()
            .args(["build", new_src.to_str().unwrap(), "--out", o])
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        if after_change {
            while child.try_wait().unwrap().is_none() && stamps(&tmp.path().join("out")) == before {
                std::thread::sleep(Duration::from_micros(200));
            }
        }
        std::thread::sleep(at);
        if child.try_wait().unwrap().is_none() {
            killed += 1;
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let now = tree(&out_dir);
        assert!(
            now == old_set || now == new_set,
            "kill at {at:?}{}: neither the old nor the new set",
            if after_change { " after the first change" } else { "" }
        );
    }
    assert!(killed > 0, "no build was killed before it finished");
    // The next build completes and leaves no temporary file or directory anywhere.
    assert!(build(&[new_src.to_str().unwrap(), "--out", o]).status.success());
    assert_eq!(tree(&out_dir), new_set);
    let leftovers = temp_entries(&tmp.path().join("out"));
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn temporary_files_of_a_killed_writer_are_removed_by_the_next_one() {
    // The per-file writer behind build.rs (`OUT_DIR`), change notices and `lifecycle merge`.
    let tmp = tempfile::tempdir().unwrap();
    let dead = "4294000000"; // no such process
    let left = tmp.path().join(format!(".policyc-tmp-{dead}-abc123"));
    std::fs::write(&left, "half").unwrap();
    let staging = tmp.path().join(format!(".policyc-tmp-out-{dead}-0"));
    std::fs::create_dir(&staging).unwrap();
    let live = tmp.path().join(format!(".policyc-tmp-{}-xyz", std::process::id()));
    std::fs::write(&live, "in use").unwrap();
    let files = [policyc::backend::OutputFile::text("a.rs", "x")];
    policyc::backend::write_all(tmp.path(), &files).unwrap();
    assert!(!left.exists() && live.exists() && staging.exists());
    // The set writer removes the staging directories of its own output directory.
    policyc::backend::write_set(&tmp.path().join("out"), &files).unwrap();
    assert!(!staging.exists());
    assert_eq!(std::fs::read_to_string(tmp.path().join("out/a.rs")).unwrap(), "x");
}
