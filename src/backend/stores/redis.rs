//! Redis: TTL seconds per bound key pattern (`stores/redis.json`), read by the runtime in
//! [`crate::live::redis`] and by `policyc verify --redis-url`.
//!
//! Writes go through the runtime helper, which computes the exact expiry instant of the record
//! ([`crate::semantics::expiry`]) and writes with `SET … PXAT`, so calendar months and
//! event-based rules are exact in Redis. The fixed TTL below is what a key may carry at most
//! (for `verify --redis-url`), and what `--fix` sets on a key without one.

use super::{OutputFile, bound, describe};
use crate::capability::convert;
use crate::model::{Category, Policy, StoreKind};
use serde::Serialize;

pub use crate::capability::LEGAL_HOLD_SET;
pub use crate::capability::convert::RedisTtl;

/// The Redis reading of a category's retention.
pub fn ttl_of(c: &Category) -> RedisTtl {
    convert::redis_ttl(&c.retention)
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

/// Redis's worst-case deletion lag, as every setting states it.
const LAG: &str = match crate::capability::of(StoreKind::Redis).expiry {
    crate::capability::Expiry::Ttl(t) => t.lag,
    _ => "",
};

/// `stores/redis.json`.
pub fn generate(policy: &Policy) -> crate::backend::Result<OutputFile> {
    let entries: Vec<Entry> = bound(policy, StoreKind::Redis)
        .into_iter()
        .filter_map(|(c, b)| match &b.location {
            crate::model::Location::Keys { pattern } => Some(Entry {
                category: &c.name,
                store: &b.store,
                pattern,
                rule: describe(c),
                ttl: ttl_of(c),
                worst_case_lag: LAG,
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
    Ok(OutputFile::text("stores/redis.json", crate::backend::json_text("stores/redis.json", &doc)?))
}
