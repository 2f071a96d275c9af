//! What the generated Rust of the example refuses to compile: a use the policy does not
//! declare, sharing without the proofs the policy requires, and printing a secret with `{}`.
//! The cases include the committed `generated/tencent_im/rust/tencent_im.rs`; after changing
//! it, refresh the expected messages with `TRYBUILD=overwrite cargo test --test compile_fail`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test fails by panicking")]

#[test]
fn policy_violations_do_not_compile() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/compile_fail/*.rs");
}
