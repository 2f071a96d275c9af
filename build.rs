//! Marks which test services are configured, so that a test needing a server that is not
//! configured is reported as *ignored* by the test harness instead of passing vacuously.
//!
//! The flags only matter to this crate's own tests; the library ignores them.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a benchmark or build script stops at the first failure"
)]

fn main() {
    let require = std::env::var("POLICYC_REQUIRE_SERVICES").is_ok_and(|v| v == "1");
    println!("cargo::rerun-if-env-changed=POLICYC_REQUIRE_SERVICES");
    for (var, cfg) in [
        ("POLICYC_TEST_POSTGRES_URL", "policyc_test_postgres"),
        ("POLICYC_TEST_MYSQL_URL", "policyc_test_mysql"),
        ("POLICYC_TEST_REDIS_URL", "policyc_test_redis"),
    ] {
        println!("cargo::rerun-if-env-changed={var}");
        println!("cargo::rustc-check-cfg=cfg({cfg})");
        // Under CI a missing service must fail its tests, so they are never ignored there.
        if require || std::env::var_os(var).is_some_and(|v| !v.is_empty()) {
            println!("cargo::rustc-cfg={cfg}");
        }
    }
}
