//! Runtime support for the stores that expire data themselves: what an application (or the
//! Rust code generated from a policy) calls to write data so that the store enforces the
//! policy's retention, and what `policyc verify --redis-url` runs.

pub mod redis;
