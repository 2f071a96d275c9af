//! What each kind of store can do, as data: the one description of a store kind that the
//! checker, the backends, the live checks and the documents read.
//!
//! Adding a store kind is one entry in [`of`] plus one backend module; the checker needs no
//! change unless the kind brings a rule no other kind has. [`convert`] holds the arithmetic of
//! turning a retention rule into a store's TTL (and how far the store may then deviate).

pub mod convert;

use crate::model::StoreKind;

/// Seconds in a day.
pub const DAY: u64 = 86_400;

/// Field every MongoDB document of an event-based (or calendar-month, or very long) category
/// carries: the instant the record must be gone, computed by the application with
/// [`crate::semantics::expiry`] when it writes the record or when the event happens.
pub const PURGE_AT: &str = "purge_at";

/// Set of Redis key names under legal hold: the generated helper writes them without a TTL,
/// `verify --redis-url` reports them and `--fix` leaves them alone.
pub const LEGAL_HOLD_SET: &str = policyc_runtime::redis::LEGAL_HOLD_SET;

/// How a store kind deletes expired data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    /// A scheduled SQL purge job deletes (or anonymises) rows; it is late by at most the longest
    /// gap of its schedule.
    PurgeJob,
    /// The engine expires records itself, from a TTL set on the record or on its container.
    Ttl(Ttl),
    /// The kind holds no data (a load balancer).
    HoldsNothing,
    /// policyc does not know how the kind deletes; documents state the rule, nothing enforces it.
    Unmanaged,
}

/// A TTL engine's limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ttl {
    /// The TTL's unit in seconds (a configured value is a whole number of these).
    pub unit_secs: u64,
    /// The largest TTL the engine accepts, if it has a limit.
    pub max_secs: Option<u64>,
    /// How the engine follows an event-based or calendar-month rule, whose end is known only
    /// per record.
    pub per_record: PerRecord,
    /// The engine's worst-case delay after a record's expiry, in words (stated beside every
    /// generated setting).
    pub lag: &'static str,
}

/// How a TTL engine can expire a record at an instant computed per record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PerRecord {
    /// The writer sets the record's own expiry instant (Redis `PXAT` / `PEXPIREAT`).
    ExpiryInstant,
    /// A field holds the instant and an index expires at it (MongoDB's [`PURGE_AT`]).
    InstantField,
    /// Only a fixed TTL from the write per container (Kafka topics, bucket lifecycle rules).
    FixedOnly,
}

/// The description of one store kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    /// The kind.
    pub kind: StoreKind,
    /// Its keyword in the source (`store NAME: KEYWORD`).
    pub keyword: &'static str,
    /// The location keyword a binding to it uses (`table`, `collection`, …); `None` accepts any.
    pub location: Option<&'static str>,
    /// How it deletes.
    pub expiry: Expiry,
    /// Whether it can anonymise a record at its end instead of deleting it.
    pub anonymise: bool,
}

/// The description of a store kind.
pub const fn of(kind: StoreKind) -> &'static Capabilities {
    use StoreKind as K;
    // One entry per kind, in `StoreKind` order; `KINDS[kind as usize]` is the kind's entry
    // (checked by a test).
    const KINDS: [Capabilities; 9] = [
        sql(K::Postgres, "postgres"),
        sql(K::Mysql, "mysql"),
        sql(K::Sqlite, "sqlite"),
        Capabilities {
            kind: K::Mongodb,
            keyword: "mongodb",
            location: Some("collection"),
            expiry: Expiry::Ttl(Ttl {
                unit_secs: 1,
                // `expireAfterSeconds` is a 32-bit signed integer (about 68 years).
                max_secs: Some(2_147_483_647),
                per_record: PerRecord::InstantField,
                lag: "the TTL monitor runs about every 60 seconds and deletes in batches",
            }),
            anonymise: false,
        },
        Capabilities {
            kind: K::Redis,
            keyword: "redis",
            location: Some("keys"),
            expiry: Expiry::Ttl(Ttl {
                unit_secs: 1,
                max_secs: None,
                per_record: PerRecord::ExpiryInstant,
                lag: "milliseconds: an expired key is never returned, and is freed on access or by the \
                      active expiry cycle (10 times a second)",
            }),
            anonymise: false,
        },
        Capabilities {
            kind: K::Kafka,
            keyword: "kafka",
            location: Some("topic"),
            expiry: Expiry::Ttl(Ttl {
                unit_secs: 1,
                max_secs: None,
                per_record: PerRecord::FixedOnly,
                lag: "the broker's retention check interval (5 minutes by default)",
            }),
            anonymise: false,
        },
        Capabilities {
            kind: K::ObjectStorage,
            keyword: "object_storage",
            location: Some("bucket"),
            expiry: Expiry::Ttl(Ttl {
                unit_secs: DAY,
                max_secs: None,
                per_record: PerRecord::FixedOnly,
                lag: "expiration rounds to the next midnight UTC and runs daily",
            }),
            anonymise: false,
        },
        Capabilities {
            kind: K::LoadBalancer,
            keyword: "load_balancer",
            location: None,
            expiry: Expiry::HoldsNothing,
            anonymise: false,
        },
        Capabilities { kind: K::Other, keyword: "other", location: None, expiry: Expiry::Unmanaged, anonymise: false },
    ];
    &KINDS[kind as usize]
}

const fn sql(kind: StoreKind, keyword: &'static str) -> Capabilities {
    Capabilities { kind, keyword, location: Some("table"), expiry: Expiry::PurgeJob, anonymise: true }
}

impl Capabilities {
    /// The TTL engine's limits, for kinds that expire data themselves.
    pub fn ttl(&self) -> Option<&Ttl> {
        match &self.expiry {
            Expiry::Ttl(t) => Some(t),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_its_own_entry_and_its_source_keyword() {
        for &(keyword, kind) in StoreKind::ALL {
            let caps = of(kind);
            assert_eq!(caps.kind, kind);
            assert_eq!(caps.keyword, keyword);
        }
    }
}
