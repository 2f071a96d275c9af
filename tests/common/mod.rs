//! Shared test helpers: services and external tools. A test whose service or tool is missing
//! prints `skipped: <why>` and returns, unless `POLICYC_REQUIRE_SERVICES=1` (set by `.ci/run`),
//! where it fails instead.
#![allow(dead_code)]

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

/// The URL in env var `var` (e.g. `POLICYC_TEST_REDIS_URL`), or skip.
pub fn service_url(var: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(u) if !u.is_empty() => Some(u),
        _ => skip(&format!("{var} is not set")),
    }
}

/// A Redis connection from `POLICYC_TEST_REDIS_URL`, or skip.
pub fn redis() -> Option<(String, redis::Connection)> {
    let url = service_url("POLICYC_TEST_REDIS_URL")?;
    match redis::Client::open(url.as_str()).and_then(|c| c.get_connection()) {
        Ok(c) => Some((url, c)),
        Err(e) => skip(&format!("Redis at {url} is unreachable: {e}")),
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
