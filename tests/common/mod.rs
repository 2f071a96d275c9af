//! Shared test helpers: services and external tools.
//!
//! A test that needs a server carries `#[cfg_attr(not(policyc_test_postgres), ignore = …)]` (or
//! `_mysql`, `_redis`): the crate's build script sets the flag when the service's URL is set (or
//! under `POLICYC_REQUIRE_SERVICES=1`), so an unconfigured service shows as *ignored* in the
//! summary, never as passed. A configured service that cannot be reached fails the test. A test
//! whose external tool is missing prints `skipped: <why>` and returns, unless
//! `POLICYC_REQUIRE_SERVICES=1` (set by `.ci/run`), where it fails instead.
#![allow(dead_code)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test fails by panicking")]

use std::process::Command;

/// True when missing services must fail tests (CI).
pub fn require_services() -> bool {
    std::env::var("POLICYC_REQUIRE_SERVICES").is_ok_and(|v| v == "1")
}

/// Skips (returns `None`, printing why) or, under CI, panics.
pub fn skip<T>(why: &str) -> Option<T> {
    assert!(!require_services(), "POLICYC_REQUIRE_SERVICES=1 but {why}");
    eprintln!("skipped: {why}");
    None
}

/// The URL in env var `var` (e.g. `POLICYC_TEST_REDIS_URL`). Tests that call this are marked
/// ignored when the variable is unset, so reaching here without it is a failure.
pub fn service_url(var: &str) -> String {
    match std::env::var(var) {
        Ok(u) if !u.is_empty() => u,
        _ => panic!("{var} is not set (set it, or run the test without --include-ignored)"),
    }
}

/// A Redis connection from `POLICYC_TEST_REDIS_URL`; an unreachable server fails the test.
pub fn redis() -> (String, redis::Connection) {
    let url = service_url("POLICYC_TEST_REDIS_URL");
    match redis::Client::open(url.as_str()).and_then(|c| c.get_connection()) {
        Ok(c) => (url, c),
        Err(e) => panic!("Redis at {url} is unreachable: {e}"),
    }
}

/// True when `program args…` runs and succeeds (a tool probe), else skip.
pub fn tool(program: &str, args: &[&str]) -> Option<()> {
    match Command::new(program).args(args).output() {
        Ok(o) if o.status.success() => Some(()),
        Ok(o) => skip(&format!("`{program} {}` failed: {}", args.join(" "), String::from_utf8_lossy(&o.stderr).trim())),
        Err(e) => skip(&format!("`{program}` is not available: {e}")),
    }
}

/// The one target directory of the scratch crates tests build (the example service's copy,
/// generated code): `policyc-test-crates` inside the target directory this test was built in,
/// so `CARGO_TARGET_DIR` is honoured and every scratch crate reuses the same compiled
/// dependencies.
pub fn scratch_target() -> std::path::PathBuf {
    // The test binary is `<target>/<profile>/deps/<name>-<hash>`.
    let exe = std::env::current_exe().expect("the test binary's path");
    let target = exe.ancestors().nth(3).expect("the test binary lies in <target>/<profile>/deps");
    target.join("policyc-test-crates")
}

/// The manifest of a scratch crate holding generated code: it needs `serde` and the runtime.
pub fn scratch_manifest(name: &str) -> String {
    let runtime = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("runtime");
    format!(
        "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n\
         [dependencies]\nserde = {{ version = \"1\", features = [\"derive\"] }}\n\
         policyc-runtime = {{ path = {:?} }}\n\n[workspace]\n",
        runtime.display().to_string()
    )
}
