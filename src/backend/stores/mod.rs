//! Native retention settings of the stores that expire data themselves: Redis, MongoDB, Kafka
//! and S3-compatible object storage (`stores/`).
//!
//! Every engine reads the same rule through [`crate::capability::convert`], which defines once
//! how a rule becomes a TTL and how far a store may deviate from it, and its limits from
//! [`crate::capability::of`]; the checker rejects bindings a store cannot enforce within the
//! rule's tolerance, so the engines here never fail.
pub mod kafka;
pub mod mongodb;
pub mod object_storage;
pub mod redis;

use super::OutputFile;
use crate::model::{Binding, Category, Policy, StoreKind};

pub use crate::capability::PURGE_AT;
/// MongoDB field every write sets (`false` unless held); a document under legal hold
/// (`true`) is outside the TTL index's partial filter and so never expires.
pub const LEGAL_HOLD_FIELD: &str = "legalHold";
/// Prefix of the IDs of the lifecycle rules (and the names of the MongoDB indexes) policyc
/// generates; the policy's name follows ([`owner_prefix`]).
pub const RULE_ID_PREFIX: &str = "policyc:";

/// Prefix of every lifecycle rule ID and MongoDB index name generated for the policy `policy_id`,
/// `policyc:<policy>:`: policies sharing a bucket or a collection never replace each other's, and
/// `policyc lifecycle merge` replaces exactly this policy's rules. Policy names are identifiers
/// (no `:`), so no policy's prefix starts another's.
pub fn owner_prefix(policy_id: &str) -> String {
    format!("{RULE_ID_PREFIX}{policy_id}:")
}

/// Every file under `stores/`, for the stores the policy binds categories to.
pub fn generate(policy: &Policy) -> crate::backend::Result<Vec<OutputFile>> {
    let mut files = Vec::new();
    if !bound(policy, StoreKind::Redis).is_empty() {
        files.push(redis::generate(policy)?);
    }
    if !bound(policy, StoreKind::Mongodb).is_empty() {
        files.push(mongodb::generate(policy)?);
    }
    if !bound(policy, StoreKind::Kafka).is_empty() {
        files.extend(kafka::generate(policy)?);
    }
    if !bound(policy, StoreKind::ObjectStorage).is_empty() {
        files.extend(object_storage::generate(policy)?);
    }
    Ok(files)
}

/// Every (category, binding) pair stored in a store of this kind, in source order.
pub fn bound(policy: &Policy, kind: StoreKind) -> Vec<(&Category, &Binding)> {
    policy.bound_to(kind)
}

/// The rule in words for comments, e.g. `7 days (exact), tolerance 1 day`.
pub fn describe(c: &Category) -> String {
    use crate::model::{Anchor, Bound, Rule};
    let r = &c.retention;
    let mut s = match &r.rule {
        Rule::NotStored => "not stored".to_string(),
        Rule::Indefinite { .. } => "kept indefinitely".to_string(),
        Rule::Expires { clocks, .. } => clocks
            .iter()
            .map(|k| {
                let mut t = format!(
                    "{}{} {}",
                    if k.bound == Bound::AtMost { "at most " } else { "" },
                    k.duration.amount,
                    unit_word(k.duration)
                );
                if let Anchor::Events(es) = &k.anchor {
                    t.push_str(&format!(" after {}", es.join(" or ")));
                }
                t
            })
            .collect::<Vec<_>>()
            .join(", or "),
    };
    if let Some(t) = r.tolerance {
        s.push_str(&format!(", tolerance {} {}", t.amount, unit_word(t)));
    }
    s
}

fn unit_word(d: crate::model::Duration) -> &'static str {
    use crate::model::Unit;
    let one = d.amount == 1;
    match (d.unit, one) {
        (Unit::Hours, true) => "hour",
        (Unit::Hours, false) => "hours",
        (Unit::Days, true) => "day",
        (Unit::Days, false) => "days",
        (Unit::Weeks, true) => "week",
        (Unit::Weeks, false) => "weeks",
        (Unit::Months, true) => "month",
        (Unit::Months, false) => "months",
        (Unit::Years, true) => "year",
        (Unit::Years, false) => "years",
    }
}
