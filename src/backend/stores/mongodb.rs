//! MongoDB: a `mongosh` script (`stores/mongodb.js`) creating one TTL index per bound
//! collection, idempotently.
//!
//! - A rule of fixed-length clocks from collection becomes `expireAfterSeconds` on the
//!   collection-time field.
//! - A rule with an event clock or calendar months becomes `expireAfterSeconds: 0` on
//!   [`PURGE_AT`], the exact end the application computes when it writes the record or when the
//!   event happens; documents without it (no clock running yet) are outside the partial filter
//!   and kept.
//! - Legal hold is the partial filter `legalHold: false`: every write sets the field, since a
//!   missing field never matches and a document without it would never expire.

use super::{LEGAL_HOLD_FIELD, OutputFile, PURGE_AT, bound, describe};
use crate::capability::{self, convert};
use crate::model::{Category, Location, Policy, Rule, StoreKind};

/// How a category is expired in MongoDB.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MongoTtl {
    /// `expireAfterSeconds` on the collection-time field.
    AfterCollection {
        /// The field.
        field: String,
        /// Seconds.
        seconds: u64,
    },
    /// `expireAfterSeconds: 0` on [`PURGE_AT`].
    AtPurgeTime,
    /// No TTL (indefinite retention).
    None,
}

/// True when a rule needs [`PURGE_AT`] in MongoDB (the checker requires the field then).
pub fn needs_purge_at(c: &Category) -> bool {
    let max = capability::of(StoreKind::Mongodb).ttl().and_then(|t| t.max_secs);
    convert::per_record_reason(&c.retention, max).is_some()
}

/// The MongoDB reading of a binding.
pub fn ttl_of(c: &Category, collected_at: Option<&str>) -> MongoTtl {
    if matches!(c.retention.rule, Rule::Indefinite { .. }) {
        return MongoTtl::None;
    }
    if needs_purge_at(c) {
        return MongoTtl::AtPurgeTime;
    }
    match (convert::window(&c.retention), collected_at) {
        (Some(w), Some(field)) => match convert::ttl(w, 1) {
            Ok(t) => MongoTtl::AfterCollection { field: field.to_string(), seconds: t.seconds },
            Err(_) => MongoTtl::AtPurgeTime,
        },
        _ => MongoTtl::AtPurgeTime,
    }
}

fn js(s: &str) -> String {
    crate::escape::js_string(s)
}

const HEADER: &str = r#"// MongoDB TTL indexes: run with `mongosh "$MONGODB_URI" stores/mongodb.js`.
//
// Idempotent: an index of this policy (name starting `policyc:<policy>:`) is left alone when it already
// matches, changed in place with `collMod` when only expireAfterSeconds differs, and dropped and
// recreated when its key or partial filter differs (collMod cannot change those).
//
// Deletion lag: the TTL monitor runs about every 60 seconds and deletes in batches, so a
// document is normally gone within a minute or two after its end (longer on a loaded server,
// and never on a secondary: deletes replicate from the primary).
//
// Legal hold: every index has the partial filter `legalHold: false`. EVERY write must set
// `legalHold` (false, or true while a document is held): a document without the field never
// matches the filter and would never expire.
//
// Event-based and calendar-month rules expire on `purge_at`, the instant the application
// computes with the policy's semantics (policyc::semantics::expiry) when it writes the
// document or when the event happens; documents without `purge_at` are kept.
"#;

const BODY: &str = r#"
function policycEnsureTtlIndex(spec) {
  const coll = db.getCollection(spec.collection);
  let existing = [];
  try {
    existing = coll.getIndexes();
  } catch (e) {
    // A collection that does not exist yet has no indexes; createIndex creates it.
    if (e.code !== 26) throw e;
  }
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  const ours = existing.find((ix) => ix.name === spec.name);
  const options = {
    name: spec.name,
    expireAfterSeconds: spec.expireAfterSeconds,
    partialFilterExpression: spec.partialFilterExpression,
  };
  if (ours) {
    if (same(ours.key, spec.key) && same(ours.partialFilterExpression, spec.partialFilterExpression)) {
      if (ours.expireAfterSeconds === spec.expireAfterSeconds) {
        print(`${spec.collection}.${spec.name}: up to date`);
        return;
      }
      db.runCommand({ collMod: spec.collection, index: { name: spec.name, expireAfterSeconds: spec.expireAfterSeconds } });
      print(`${spec.collection}.${spec.name}: expireAfterSeconds set to ${spec.expireAfterSeconds}`);
      return;
    }
    coll.dropIndex(spec.name);
    print(`${spec.collection}.${spec.name}: dropped (key or partial filter changed)`);
  }
  const clash = existing.find((ix) => ix.name !== spec.name && same(ix.key, spec.key));
  if (clash) {
    print(`${spec.collection}: index ${clash.name} has the same key; not touched, create ${spec.name} by hand`);
    policycFailed = true;
    return;
  }
  coll.createIndex(spec.key, options);
  print(`${spec.collection}.${spec.name}: created`);
}

let policycFailed = false;
for (const spec of policycTtlIndexes) {
  policycEnsureTtlIndex(spec);
}
if (policycFailed) {
  throw new Error("some TTL indexes could not be created; see above");
}
"#;

/// `stores/mongodb.js`.
pub fn generate(policy: &Policy) -> crate::backend::Result<OutputFile> {
    let mut s = String::from(HEADER);
    s.push_str(&format!("// Policy {} {}.\n\n", policy.id, crate::escape::js_comment(&policy.version)));
    s.push_str("const policycTtlIndexes = [\n");
    for (c, b) in bound(policy, StoreKind::Mongodb) {
        let Location::Collection { name } = &b.location else { continue };
        let ttl = ttl_of(c, b.collected_at.as_deref());
        s.push_str(&format!("  // {}: {}.\n", c.name, crate::escape::js_comment(&describe(c))));
        let (field, seconds, extra) = match &ttl {
            MongoTtl::AfterCollection { field, seconds } => {
                s.push_str(&format!(
                    "  // {} after `{field}`; deleted within about 60 s (monitor interval) after that.\n",
                    convert::human(*seconds),
                ));
                (field.as_str(), *seconds, None)
            }
            MongoTtl::AtPurgeTime => {
                s.push_str(&format!(
                    "  // At `{PURGE_AT}` (exact end computed by the application); worst case about 60 s after it.\n"
                ));
                (PURGE_AT, 0, Some(PURGE_AT))
            }
            MongoTtl::None => {
                s.push_str("  // Kept indefinitely: no TTL index.\n");
                continue;
            }
        };
        let mut filter = format!("{}: false", js(LEGAL_HOLD_FIELD));
        if let Some(f) = extra {
            filter.push_str(&format!(", {}: {{ $exists: true }}", js(f)));
        }
        s.push_str(&format!(
            "  {{\n    collection: {},\n    name: {},\n    key: {{ {}: 1 }},\n    expireAfterSeconds: {},\n    \
             partialFilterExpression: {{ {} }},\n  }},\n",
            js(name),
            js(&format!("{}ttl:{}", super::owner_prefix(&policy.id), c.name)),
            js(field),
            seconds,
            filter
        ));
    }
    s.push_str("];\n");
    s.push_str(BODY);
    Ok(OutputFile::text("stores/mongodb.js", s))
}
