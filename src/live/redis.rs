//! Redis: write values with the expiry the policy gives them, and audit keys already stored.
//!
//! A value is written with `SET key value PXAT <end>`, where `<end>` is the exact instant the
//! policy's rule ends for that record ([`crate::semantics::expiry`]): calendar months and
//! event-based rules are therefore exact. While an event-based clock has not started the key
//! has no TTL; [`expire_on_event`] sets `PEXPIREAT` when the event happens.
//!
//! Legal hold: a key listed in the set [`LEGAL_HOLD_SET`] is written without a TTL and is
//! reported, never changed, by [`verify`].

pub use crate::capability::LEGAL_HOLD_SET;
pub use crate::capability::convert::RedisTtl;
use crate::capability::convert::redis_ttl;
use crate::model::{Location, Policy, StoreKind};
use crate::semantics::{self, Instant};
use redis::{ConnectionLike, RedisResult, ToRedisArgs};

/// What a write did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// Stored, expiring at this instant (seconds, UTC).
    ExpiresAt(Instant),
    /// Stored without a TTL: no clock runs yet (event not happened) or retention is indefinite.
    NoExpiry,
    /// Stored without a TTL because the key is under legal hold.
    Held,
    /// Not stored (and any old value deleted): the record's retention had already ended.
    AlreadyExpired,
}

/// Errors of the policy-aware helpers.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The policy has no such category.
    #[error("the policy has no category `{0}`")]
    UnknownCategory(String),
    /// Redis failed.
    #[error(transparent)]
    Redis(#[from] redis::RedisError),
}

/// The fixed TTL in seconds of a category written at collection time (`SET … EX ttl`), if
/// its rule is a fixed period from collection that seconds express within its tolerance.
pub fn ttl_for(policy: &Policy, category: &str) -> Option<u64> {
    policy.category(category).and_then(|c| redis_ttl(&c.retention).ttl_seconds)
}

/// The current time in seconds (UTC).
pub fn now() -> Instant {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

fn is_held(conn: &mut dyn ConnectionLike, key: &[u8]) -> RedisResult<bool> {
    redis::cmd("SISMEMBER").arg(LEGAL_HOLD_SET).arg(key).query(conn)
}

/// Writes `value` at `key` expiring at `expire_at` (seconds, UTC; `None`: no expiry), unless
/// the key is under legal hold. `now` decides whether the end has already passed.
pub fn set_until(
    conn: &mut dyn ConnectionLike,
    key: &str,
    value: impl ToRedisArgs,
    expire_at: Option<Instant>,
    now: Instant,
) -> RedisResult<Written> {
    if is_held(conn, key.as_bytes())? {
        redis::cmd("SET").arg(key).arg(value).query::<()>(conn)?;
        return Ok(Written::Held);
    }
    match expire_at {
        None => {
            redis::cmd("SET").arg(key).arg(value).query::<()>(conn)?;
            Ok(Written::NoExpiry)
        }
        Some(t) if t <= now => {
            redis::cmd("DEL").arg(key).query::<()>(conn)?;
            Ok(Written::AlreadyExpired)
        }
        Some(t) => {
            redis::cmd("SET").arg(key).arg(value).arg("PXAT").arg(t.saturating_mul(1000)).query::<()>(conn)?;
            Ok(Written::ExpiresAt(t))
        }
    }
}

/// Writes a record of `category` collected at `collected_at`; `event` gives the instant of each
/// lifecycle event that has happened to it. The key expires exactly when the rule ends.
pub fn set_with_policy(
    conn: &mut dyn ConnectionLike,
    policy: &Policy,
    category: &str,
    key: &str,
    value: impl ToRedisArgs,
    collected_at: Instant,
    event: &dyn Fn(&str) -> Option<Instant>,
) -> Result<Written, Error> {
    let c = policy.category(category).ok_or_else(|| Error::UnknownCategory(category.to_string()))?;
    let end = semantics::expiry(&c.retention.rule, collected_at, event);
    Ok(set_until(conn, key, value, end, now())?)
}

/// Sets the expiry of an existing key when a lifecycle event happens (`PEXPIREAT` at the
/// rule's end, never later than an expiry the key already has). Held keys are left alone.
pub fn expire_on_event(
    conn: &mut dyn ConnectionLike,
    policy: &Policy,
    category: &str,
    key: &str,
    collected_at: Instant,
    event: &dyn Fn(&str) -> Option<Instant>,
) -> Result<Written, Error> {
    let c = policy.category(category).ok_or_else(|| Error::UnknownCategory(category.to_string()))?;
    if is_held(conn, key.as_bytes())? {
        return Ok(Written::Held);
    }
    let Some(end) = semantics::expiry(&c.retention.rule, collected_at, event) else {
        return Ok(Written::NoExpiry);
    };
    if end <= now() {
        redis::cmd("DEL").arg(key).query::<()>(conn)?;
        return Ok(Written::AlreadyExpired);
    }
    let ms = end.saturating_mul(1000);
    // Keep an earlier expiry (another clock may end first): set only if none, or if later.
    redis::cmd("PEXPIREAT").arg(key).arg(ms).arg("NX").query::<i64>(conn)?;
    redis::cmd("PEXPIREAT").arg(key).arg(ms).arg("LT").query::<i64>(conn)?;
    Ok(Written::ExpiresAt(end))
}

/// A Redis key pattern the policy binds, with what its category allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoundPattern {
    /// The category.
    pub category: String,
    /// The glob pattern (`SCAN … MATCH`).
    pub pattern: String,
    /// The category's TTL rules.
    pub ttl: RedisTtl,
}

/// Every key pattern bound to a Redis store, in source order.
pub fn patterns(policy: &Policy) -> Vec<BoundPattern> {
    policy
        .bound_to(StoreKind::Redis)
        .into_iter()
        .filter_map(|(c, b)| match &b.location {
            Location::Keys { pattern } => {
                Some(BoundPattern { category: c.name.clone(), pattern: pattern.clone(), ttl: redis_ttl(&c.retention) })
            }
            _ => None,
        })
        .collect()
}

/// What is wrong with a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// No TTL, though a clock from collection runs.
    NoTtl,
    /// A TTL (ms) longer than the policy allows.
    TooLong(i64),
    /// Under legal hold (reported, never fixed).
    Held,
}

/// One key reported by [`verify`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The key (lossy UTF-8).
    pub key: String,
    /// Its category.
    pub category: String,
    /// What is wrong.
    pub problem: Problem,
    /// True when `fix` set a new TTL.
    pub fixed: bool,
}

/// Result of [`verify`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Keys scanned.
    pub scanned: u64,
    /// Keys reported, in scan order.
    pub findings: Vec<Finding>,
}

impl Report {
    /// Violations not fixed (held keys are not violations).
    pub fn unresolved(&self) -> usize {
        self.findings.iter().filter(|f| f.problem != Problem::Held && !f.fixed).count()
    }
}

/// Scans the keys of `patterns` with `SCAN` (never `KEYS`, which blocks the server) and reports
/// keys without a TTL or with a longer TTL than the rule allows, and held keys. With `fix`,
/// violating keys get [`RedisTtl::fix_ttl_seconds`] from now (Redis does not know when a key
/// was written, so the full period is counted from now).
pub fn verify(conn: &mut dyn ConnectionLike, patterns: &[BoundPattern], fix: bool) -> RedisResult<Report> {
    let mut report = Report::default();
    for p in patterns {
        let mut cursor: u64 = 0;
        loop {
            let (next, keys): (u64, Vec<Vec<u8>>) =
                redis::cmd("SCAN").arg(cursor).arg("MATCH").arg(&p.pattern).arg("COUNT").arg(1000).query(conn)?;
            // One round trip per SCAN batch, not per key.
            let mut pipe = redis::pipe();
            for key in &keys {
                pipe.cmd("PTTL").arg(key);
            }
            let pttls: Vec<i64> = if keys.is_empty() { Vec::new() } else { pipe.query(conn)? };
            for (key, pttl) in keys.into_iter().zip(pttls) {
                report.scanned += 1;
                let problem = match (pttl, p.ttl.max_ttl_seconds) {
                    (-2, _) => continue, // expired meanwhile
                    (-1, Some(_)) => Problem::NoTtl,
                    (ms, Some(max)) if ms > 0 && ms.unsigned_abs() > max.saturating_mul(1000) => Problem::TooLong(ms),
                    _ => continue,
                };
                let held = is_held(conn, &key)?;
                let problem = if held { Problem::Held } else { problem };
                let mut fixed = false;
                if fix
                    && !held
                    && let Some(secs) = p.ttl.fix_ttl_seconds
                {
                    fixed = redis::cmd("EXPIRE").arg(&key).arg(secs).query::<i64>(conn)? == 1;
                }
                report.findings.push(Finding {
                    key: String::from_utf8_lossy(&key).into_owned(),
                    category: p.category.clone(),
                    problem,
                    fixed,
                });
            }
            if next == 0 {
                break;
            }
            cursor = next;
        }
    }
    Ok(report)
}
