//! Time semantics, defined once. Every backend (Rust, SQL dialects, TTL stores) implements
//! exactly these definitions, and the shared test vectors in `tests/vectors/` prove it.
//!
//! - Instants are UTC, counted in seconds since 1970-01-01T00:00:00Z. There is no local time
//!   and so no daylight-saving shift.
//! - `hours`, `days` and `weeks` are fixed lengths: 3,600, 86,400 and 604,800 seconds.
//! - `months` and `years` are calendar units: the date moves by whole months (a year is 12
//!   months) and the time of day is kept. When the target month is shorter than the day of
//!   month, the day is clamped to the month's last day: 31 January + 1 month = 28 February (29
//!   in a leap year); 29 February 2024 + 1 year = 28 February 2025. This is what PostgreSQL's
//!   `+ interval '1 month'` and MySQL's `DATE_ADD(…, INTERVAL 1 MONTH)` do; SQLite's `date()`
//!   modifiers roll over instead, so the SQLite backend clamps explicitly.
//! - A rule of several clocks ends at the earliest clock's end. A clock anchored on events
//!   starts at the earliest of those events that has happened; while none has, it does not run.
//!
//! The instant type and the calendar arithmetic are those of `policyc-runtime`, the crate
//! generated Rust uses: one implementation for the compiler and every generated file. This
//! module states them over the compiler's model.

use crate::model::{Anchor, Duration, Rule, Unit};
use policyc_runtime as runtime;

/// An average Gregorian month in seconds (400 years are 4,800 months and 146,097 days).
pub const AVERAGE_MONTH_SECS: i64 = policyc_runtime::time::AVERAGE_MONTH_SECS;

/// The longest a rule may keep data in total (its period plus backups and tolerance): 1000
/// average Gregorian years. Every engine then computes every expiry of data collected up to
/// year 8999 within its range (MariaDB and SQLite end at 9999), where a longer period failed
/// on PostgreSQL (`timestamp out of range`) and silently kept everything elsewhere.
pub const MAX_RETENTION_SECS: i64 = 12_000 * AVERAGE_MONTH_SECS;

/// A duration's nominal length in seconds: exact for hours, days and weeks; months and years
/// at their average length.
pub fn nominal_secs(d: Duration) -> i64 {
    let n = i64::from(d.amount);
    match d.unit {
        Unit::Hours => n * 3_600,
        Unit::Days => n * 86_400,
        Unit::Weeks => n * 604_800,
        Unit::Months => n * AVERAGE_MONTH_SECS,
        Unit::Years => n * 12 * AVERAGE_MONTH_SECS,
    }
}

/// Seconds since the Unix epoch, UTC.
pub type Instant = i64;

pub use policyc_runtime::time::{add_months, civil_from_days, days_from_civil, days_in_month, is_leap};

/// Months in one 400-year Gregorian cycle, which spans exactly 146,097 days: the calendar
/// repeats after it, so `n` months span `n / 4800` whole cycles plus the span of the rest.
const CYCLE_MONTHS: u64 = 4_800;
const CYCLE_DAYS: u64 = 146_097;

/// Shortest and longest number of days `months` calendar months span over every start instant
/// (month ends clamp; the time of day is kept, so the span is whole days). The one definition
/// the SQL prefilter, the store TTLs and the diff's period comparison use.
///
/// Only the start days 1 and 29-31 can give extremes (from any day up to the 28th nothing
/// clamps, so the span equals the one from the 1st), so one pass over the 4,800 months of a
/// cycle covers every case; each count is computed once per process.
pub fn month_span_days(months: u64) -> (u64, u64) {
    use std::collections::BTreeMap;
    use std::sync::{Mutex, OnceLock, PoisonError};
    static CACHE: OnceLock<Mutex<BTreeMap<u64, (u64, u64)>>> = OnceLock::new();
    let (cycles, rest) = (months / CYCLE_MONTHS, months % CYCLE_MONTHS);
    let cache = CACHE.get_or_init(Default::default);
    let cached = cache.lock().unwrap_or_else(PoisonError::into_inner).get(&rest).copied();
    let (lo, hi) = cached.unwrap_or_else(|| {
        let v = month_span_in_cycle(rest);
        cache.lock().unwrap_or_else(PoisonError::into_inner).insert(rest, v);
        v
    });
    let whole = cycles.saturating_mul(CYCLE_DAYS);
    (lo.saturating_add(whole), hi.saturating_add(whole))
}

fn month_span_in_cycle(months: u64) -> (u64, u64) {
    let n = i64::try_from(months).unwrap_or(0);
    let (mut lo, mut hi) = (i64::MAX, 0i64);
    for y in 2000..2400 {
        for m in 1..=12 {
            for d in [1, 29, 30, 31] {
                if d > days_in_month(y, m) {
                    continue;
                }
                let start = days_from_civil(y, m, d);
                let t = start * 86_400;
                let days = (add_months(t, n) - t) / 86_400;
                lo = lo.min(days);
                hi = hi.max(days);
            }
        }
    }
    (u64::try_from(lo).unwrap_or(0), u64::try_from(hi).unwrap_or(0))
}

/// `t + d` under the rules above, saturating at the ends of the `i64` range.
pub fn add(t: Instant, d: Duration) -> Instant {
    let unit = match d.unit {
        Unit::Hours => runtime::Unit::Hours,
        Unit::Days => runtime::Unit::Days,
        Unit::Weeks => runtime::Unit::Weeks,
        Unit::Months => runtime::Unit::Months,
        Unit::Years => runtime::Unit::Years,
    };
    runtime::Timestamp(t).plus(runtime::Duration { amount: d.amount, unit }).unix()
}

/// The instant after which a record must be gone, or `None` while it may be kept (no clock
/// running yet, or indefinite retention). `event` gives the instant of a lifecycle event for
/// this record, if it has happened. Data that is not stored expires at collection.
pub fn expiry(rule: &Rule, collected_at: Instant, event: &dyn Fn(&str) -> Option<Instant>) -> Option<Instant> {
    match rule {
        Rule::NotStored => Some(collected_at),
        Rule::Indefinite { .. } => None,
        Rule::Expires { clocks, .. } => clocks
            .iter()
            .filter_map(|c| {
                let start = match &c.anchor {
                    Anchor::Collection => Some(collected_at),
                    Anchor::Events(es) => es.iter().filter_map(|e| event(e)).min(),
                }?;
                Some(add(start, c.duration))
            })
            .min(),
    }
}

/// Formats an instant as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn format_instant(t: Instant) -> String {
    runtime::Timestamp(t).to_string()
}

/// Parses `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SSZ` (also with a space instead of `T`), years 0
/// to 9999.
pub fn parse_instant(s: &str) -> Option<Instant> {
    s.parse::<runtime::Timestamp>().ok().map(runtime::Timestamp::unix)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Instant {
        parse_instant(s).unwrap_or_else(|| panic!("bad instant {s}"))
    }

    #[test]
    fn month_end_clamps() {
        let one_month = Duration { amount: 1, unit: Unit::Months };
        assert_eq!(format_instant(add(at("2023-01-31T10:00:00Z"), one_month)), "2023-02-28T10:00:00Z");
        assert_eq!(format_instant(add(at("2024-01-31T00:00:00Z"), one_month)), "2024-02-29T00:00:00Z");
        assert_eq!(format_instant(add(at("2024-03-31T23:59:59Z"), one_month)), "2024-04-30T23:59:59Z");
        let two = Duration { amount: 2, unit: Unit::Months };
        assert_eq!(format_instant(add(at("2023-12-31T00:00:00Z"), two)), "2024-02-29T00:00:00Z");
    }

    #[test]
    fn leap_day_plus_year() {
        let y = Duration { amount: 1, unit: Unit::Years };
        assert_eq!(format_instant(add(at("2024-02-29T12:00:00Z"), y)), "2025-02-28T12:00:00Z");
        let four = Duration { amount: 4, unit: Unit::Years };
        assert_eq!(format_instant(add(at("2024-02-29T12:00:00Z"), four)), "2028-02-29T12:00:00Z");
    }

    #[test]
    fn civil_round_trip() {
        for days in -800_000..800_000 {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn parse_rejects_what_is_not_a_date() {
        assert_eq!(parse_instant("2024-02-29"), Some(1_709_164_800));
        assert_eq!(parse_instant("2024-02-29T01:02:03Z"), Some(1_709_164_800 + 3_723));
        for bad in ["2023-02-29", "2024-13-01", "2024-00-10", "2024-01-32", "99999999999999999-01-01", "x", ""] {
            assert_eq!(parse_instant(bad), None, "{bad}");
        }
    }

    #[test]
    fn saturates_instead_of_overflowing() {
        let y = Duration { amount: 1_000, unit: Unit::Years };
        let d = Duration { amount: 100_000, unit: Unit::Days };
        assert_eq!(add(i64::MAX - 5, d), i64::MAX);
        assert_eq!(add(i64::MAX - 5, y), i64::MAX);
        let far = add(i64::MAX / 2, y) - i64::MAX / 2;
        assert!((365_242 * 86_400..=365_243 * 86_400).contains(&far), "{far}");
        assert_eq!(add_months(i64::MIN + 5, -3), i64::MIN);
        assert!(add(MAX_RETENTION_SECS * 8, y) > MAX_RETENTION_SECS * 8);
    }

    #[test]
    fn month_spans_match_a_scan_of_every_day() {
        // Brute force over every day of a cycle, for a few counts including ones past a cycle.
        for n in [1u64, 2, 11, 12, 13, 48, 4_799, 4_800, 4_801, 9_613] {
            let (mut lo, mut hi) = (i64::MAX, 0);
            for day in 0..146_097i64 {
                let t = day * 86_400;
                let len = (add_months(t, n as i64) - t) / 86_400;
                lo = lo.min(len);
                hi = hi.max(len);
            }
            assert_eq!(month_span_days(n), (lo as u64, hi as u64), "{n} months");
        }
        assert_eq!(month_span_days(1), (28, 31));
        assert_eq!(month_span_days(12), (365, 366));
    }

    #[test]
    fn before_epoch() {
        let d = Duration { amount: 1, unit: Unit::Months };
        assert_eq!(format_instant(add(at("1969-12-31T23:00:00Z"), d)), "1970-01-31T23:00:00Z");
    }
}
