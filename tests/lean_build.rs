//! A service's `build.rs` depends on policyc with `default-features = false` and must then
//! compile only parsing, checking and the Rust backend: no database or Redis driver, no CLI
//! parser, no progress bars, no document toolchain.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a benchmark or build script stops at the first failure"
)]

use std::process::Command;

fn tree(args: &[&str]) -> Vec<String> {
    let out = Command::new(env!("CARGO"))
        .args(["tree", "--quiet", "--edges", "normal", "--prefix", "none", "--format", "{p}"])
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo tree runs");
    assert!(out.status.success(), "cargo tree failed: {}", String::from_utf8_lossy(&out.stderr));
    let mut names: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect();
    names.sort();
    names.dedup();
    names
}

const HEAVY: &[&str] = &[
    "postgres",
    "mysql",
    "redis",
    "rusqlite",
    "clap",
    "indicatif",
    "comfy-table",
    "lsp-server",
    "rustls",
    "askama",
    "ammonia",
    "schemars",
];

#[test]
fn the_library_without_default_features_pulls_in_no_driver_or_cli_crate() {
    let lean = tree(&["-p", "policyc", "--no-default-features"]);
    let found: Vec<&str> = HEAVY.iter().copied().filter(|h| lean.iter().any(|n| n == h)).collect();
    assert!(found.is_empty(), "the lean library depends on {found:?}");
    // The default build does have them, so the check above looks at the right names.
    let full = tree(&["-p", "policyc"]);
    for h in ["postgres", "mysql", "redis", "rusqlite", "clap"] {
        assert!(full.iter().any(|n| n == h), "{h} missing from the default build: {full:?}");
    }
}

#[test]
fn the_example_service_builds_policy_types_with_the_lean_library() {
    let deps = tree(&["-p", "im_service", "--edges", "build"]);
    let found: Vec<&str> = HEAVY.iter().copied().filter(|h| deps.iter().any(|n| n == h)).collect();
    assert!(found.is_empty(), "examples/im_service's build pulls in {found:?}");
}
