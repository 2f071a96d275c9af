//! Compiles the Instant Messaging policy into Rust types in `OUT_DIR`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a benchmark or build script stops at the first failure"
)]

fn main() -> Result<(), policyc::BuildError> {
    // A test that needs Redis is reported as ignored, not passed, when no server is configured
    // (under `POLICYC_REQUIRE_SERVICES=1` it runs, and fails without one).
    println!("cargo::rerun-if-env-changed=POLICYC_TEST_REDIS_URL");
    println!("cargo::rerun-if-env-changed=POLICYC_REQUIRE_SERVICES");
    println!("cargo::rustc-check-cfg=cfg(policyc_test_redis)");
    let configured = std::env::var_os("POLICYC_TEST_REDIS_URL").is_some_and(|v| !v.is_empty());
    if configured || std::env::var("POLICYC_REQUIRE_SERVICES").is_ok_and(|v| v == "1") {
        println!("cargo::rustc-cfg=policyc_test_redis");
    }
    policyc::Config::new().compile(&["../tencent_im/im.policy"])?;
    Ok(())
}
