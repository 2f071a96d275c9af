//! Redis: TTL seconds per bound key pattern (`stores/redis.json`), read by the runtime in
//! [`crate::stores::redis`] and by `policyc verify --redis-url`.
//!
//! Writes go through the runtime helper, which computes the exact expiry instant of the record
//! ([`crate::semantics::expiry`]) and writes with `SET … PXAT`, so calendar months and
//! event-based rules are exact in Redis. The fixed TTL below is what a key may carry at most
//! (for `verify --redis-url`), and what `--fix` sets on a key without one.

use super::convert::{self, Window};
use super::{OutputFile, bound, describe};
use crate::model::{Category, Policy, Rule, StoreKind};
use serde::Serialize;

/// Set of key names under legal hold: the helper writes them without a TTL, `verify --redis-url`
/// reports them and `--fix` leaves them alone.
pub const LEGAL_HOLD_SET: &str = policyc_runtime::redis::LEGAL_HOLD_SET;

/// What a category's rule means for a Redis key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RedisTtl {
    /// A fixed TTL from the write equal to the rule (within its tolerance), if there is one:
    /// `SET key value EX ttl` is then correct for a write at collection time.
    pub ttl_seconds: Option<u64>,
    /// The longest TTL a key may carry without breaking the rule: its longest end plus the
    /// tolerance. `None` when nothing bounds it (indefinite, or only event clocks that have
    /// not started).
    pub max_ttl_seconds: Option<u64>,
    /// The TTL `--fix` gives a key that has none or too long a one: the rule's shortest end,
    /// counted from now since Redis does not know when the key was written.
    pub fix_ttl_seconds: Option<u64>,
    /// True when a clock starts at an event: the helper sets `PEXPIREAT` when it happens, so a
    /// key without a TTL is not by itself a violation unless a collection clock also runs.
    pub event_based: bool,
}

/// The Redis reading of a category's retention.
pub fn ttl_of(c: &Category) -> RedisTtl {
    let event_based = convert::has_event_clock(&c.retention);
    if let Rule::NotStored = c.retention.rule {
        return RedisTtl { ttl_seconds: Some(1), max_ttl_seconds: Some(1), fix_ttl_seconds: Some(1), event_based };
    }
    match convert::window(&c.retention) {
        Some(w) => {
            let Window { lo, hi, tolerance, .. } = w;
            // A key written now ends at most at the longest span, plus what the tolerance allows.
            let max = hi + tolerance;
            RedisTtl {
                ttl_seconds: convert::ttl(w, 1).ok().map(|t| t.seconds),
                max_ttl_seconds: Some(max),
                fix_ttl_seconds: Some(lo.max(1)),
                event_based,
            }
        }
        None => RedisTtl { ttl_seconds: None, max_ttl_seconds: None, fix_ttl_seconds: None, event_based },
    }
}

#[derive(Serialize)]
struct Entry<'a> {
    category: &'a str,
    store: &'a str,
    pattern: &'a str,
    rule: String,
    #[serde(flatten)]
    ttl: RedisTtl,
    worst_case_lag: &'static str,
}

/// `stores/redis.json`.
pub fn generate(policy: &Policy) -> OutputFile {
    let entries: Vec<Entry> = bound(policy, StoreKind::Redis)
        .into_iter()
        .filter_map(|(c, b)| match &b.location {
            crate::model::Location::Keys { pattern } => Some(Entry {
                category: &c.name,
                store: &b.store,
                pattern,
                rule: describe(c),
                ttl: ttl_of(c),
                worst_case_lag: "milliseconds: an expired key is never returned, and is freed on access or by the \
                                 active expiry cycle (10 times a second)",
            }),
            _ => None,
        })
        .collect();
    let doc = serde_json::json!({
        "generated_by": "policyc",
        "policy": policy.id,
        "version": policy.version,
        "note": "Write through the runtime helper (SET ... PXAT at the rule's exact end). Keys listed in the \
                 legal-hold set keep no TTL and are reported by `policyc verify --redis-url`, not fixed.",
        "legal_hold_set": LEGAL_HOLD_SET,
        "patterns": entries,
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    OutputFile::text("stores/redis.json", s)
}
