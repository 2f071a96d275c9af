//! What the generated Rust of the example refuses to compile: a use or a sharing the policy
//! does not declare (the errors name the policy, the category and the purpose or recipient),
//! reading a record's fields without naming a purpose, sharing without the proofs the policy
//! requires, forging a condition or consent proof, and printing a secret with `{}`.
//! The cases include the committed `generated/tencent_im/rust/tencent_im.rs`; after changing
//! it, refresh the expected messages with
//! `TRYBUILD=overwrite cargo test -p policyc-runtime --test compile_fail`. They live in the runtime
//! crate so that trybuild compiles only its dependencies, not the compiler's.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test fails by panicking")]

#[test]
fn policy_violations_do_not_compile() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/compile_fail/*.rs");
}
