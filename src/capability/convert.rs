//! What a TTL store can express of a retention rule, defined once for every engine and for the
//! checker.
//!
//! A store with a fixed TTL deletes a record a fixed time after it was written; the rule says it
//! must be gone at the end of its earliest clock. Two kinds of difference are distinguished:
//!
//! - **conversion error**, from the value we configure: rounding up to the store's unit (S3 counts
//!   whole days), the varying length of calendar months (2 months is 59 to 62 days), and Kafka's
//!   `segment.ms` (the active segment is never deleted). This is bounded here and must fit the
//!   rule's `tolerance`, or the checker rejects the binding;
//! - **operational lag** of the engine's purger (S3 runs daily after rounding to the next
//!   midnight UTC, MongoDB's TTL monitor every 60 s, Kafka's retention check every 5 min),
//!   which is stated next to each generated setting, like the SQL jobs' schedule.
//!
//! Direction: an `exact` period ("stored for 7 days") is never enforced early, since the
//! document promises that long; it may end later only by the tolerance. An `at most` period may
//! end early, so it is rounded down.

use crate::model::{Anchor, Bound, Clock, Duration, Retention, Rule, Unit};
use crate::semantics;

pub use super::DAY;
/// Smallest `segment.ms` worth setting (one minute): smaller values make Kafka roll a segment
/// per message.
pub const MIN_SEGMENT_MS: u64 = 60_000;
/// Kafka's default `segment.ms` (7 days); a topic never needs a longer one.
pub const DEFAULT_SEGMENT_MS: u64 = 7 * DAY * 1000;

/// Shortest and longest length in seconds of `d` over every start date (months vary).
pub fn span(d: Duration) -> (u64, u64) {
    match d.unit {
        Unit::Months => month_span(u64::from(d.amount)),
        Unit::Years => month_span(u64::from(d.amount) * 12),
        _ => {
            let s = d.normalized().1;
            (s, s)
        }
    }
}

/// Shortest and longest span in seconds of `n` calendar months.
fn month_span(n: u64) -> (u64, u64) {
    let (lo, hi) = semantics::month_span_days(n);
    (lo.saturating_mul(DAY), hi.saturating_mul(DAY))
}

/// The tolerance in seconds (its shortest length, for calendar units); zero when absent.
pub fn tolerance_secs(r: &Retention) -> u64 {
    r.tolerance.map_or(0, |t| span(t).0)
}

/// The part of a rule a write-time TTL can express: its collection-anchored clocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Earliest end of the rule after collection, in seconds, over every start date.
    pub lo: u64,
    /// Latest end, in seconds (differs from `lo` for calendar months).
    pub hi: u64,
    /// Exact (never early) or an upper bound.
    pub bound: Bound,
    /// How much later than `lo` a store may delete, in seconds.
    pub tolerance: u64,
}

/// The collection-clock window of a retention, or `None` when no clock starts at collection
/// (event-based or indefinite rules, which a write-time TTL cannot express).
pub fn window(r: &Retention) -> Option<Window> {
    let Rule::Expires { clocks, .. } = &r.rule else {
        return None;
    };
    let coll: Vec<&Clock> = clocks.iter().filter(|c| c.anchor == Anchor::Collection).collect();
    // The earliest clock ends the rule; with varying months, the bound pair of the minimum.
    let lo = coll.iter().map(|c| span(c.duration).0).min()?;
    let hi = coll.iter().map(|c| span(c.duration).1).min()?;
    // Exact only if the clock that can end first is exact; an `at most` clock bounds the rest.
    let bound = if coll.iter().any(|c| c.bound == Bound::AtMost) { Bound::AtMost } else { Bound::Exact };
    Some(Window { lo, hi, bound, tolerance: tolerance_secs(r) })
}

/// True when any clock of the rule starts at an event.
pub fn has_event_clock(r: &Retention) -> bool {
    matches!(&r.rule, Rule::Expires { clocks, .. } if clocks.iter().any(|c| matches!(c.anchor, Anchor::Events(_))))
}

/// True when a clock uses calendar units (its length varies with the start date).
pub fn has_calendar_clock(r: &Retention) -> bool {
    matches!(&r.rule, Rule::Expires { clocks, .. }
        if clocks.iter().any(|c| matches!(c.duration.unit, Unit::Months | Unit::Years)))
}

/// Why a rule's end must be computed per record instead of configured as one fixed TTL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PerRecordReason {
    /// A clock starts at an event.
    Event,
    /// A clock counts calendar months, whose length depends on the start date.
    CalendarMonths,
    /// The period is longer than the engine's largest TTL.
    BeyondMaxTtl,
}

impl PerRecordReason {
    /// The reason in words, for diagnostics.
    pub fn words(self) -> &'static str {
        match self {
            PerRecordReason::Event => "an event-based rule",
            PerRecordReason::CalendarMonths => "a calendar-month rule",
            PerRecordReason::BeyondMaxTtl => "a period longer than the store's largest TTL",
        }
    }
}

/// Why a fixed TTL from the write cannot express the rule on an engine whose largest TTL is
/// `max_secs`, or `None` when it can (or when nothing expires).
pub fn per_record_reason(r: &Retention, max_secs: Option<u64>) -> Option<PerRecordReason> {
    if !matches!(r.rule, Rule::Expires { .. }) {
        return None;
    }
    if has_event_clock(r) {
        Some(PerRecordReason::Event)
    } else if has_calendar_clock(r) {
        Some(PerRecordReason::CalendarMonths)
    } else if window(r).zip(max_secs).is_some_and(|(w, max)| w.hi > max) {
        Some(PerRecordReason::BeyondMaxTtl)
    } else {
        None
    }
}

/// A TTL chosen for a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ttl {
    /// The value to configure, in the store's unit (seconds, or days for object storage).
    pub value: u64,
    /// The same in seconds.
    pub seconds: u64,
    /// Worst case: how much later than the rule's end the store may delete (conversion only).
    pub late_by: u64,
    /// Worst case: how much earlier (only for `at most` rules).
    pub early_by: u64,
}

/// Why a store cannot express a rule within its tolerance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLate {
    /// How much later the best setting would delete, in seconds.
    pub late_by: u64,
    /// The tolerance that would be needed (rounded to what the store needs), in seconds.
    pub tolerance: u64,
}

/// A TTL in multiples of `unit` seconds (1 for Redis/MongoDB, [`DAY`] for object storage).
/// Exact rules round up (never early), `at most` rules round down (but never to zero).
pub fn ttl(w: Window, unit: u64) -> Result<Ttl, TooLate> {
    let unit = unit.max(1);
    let seconds = match w.bound {
        Bound::Exact => w.hi.div_ceil(unit) * unit,
        Bound::AtMost => (w.lo / unit * unit).max(unit),
    };
    let late_by = seconds.saturating_sub(w.lo);
    let early_by = w.hi.saturating_sub(seconds);
    if late_by > w.tolerance {
        return Err(TooLate { late_by, tolerance: late_by });
    }
    Ok(Ttl { value: seconds / unit, seconds, late_by, early_by })
}

/// Kafka topic settings for a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KafkaTtl {
    /// `retention.ms`.
    pub retention_ms: u64,
    /// `segment.ms`.
    pub segment_ms: u64,
    /// Worst case after the write a record may still exist: `retention.ms + segment.ms`
    /// (before the broker's retention check interval).
    pub worst_ms: u64,
    /// How much later than the rule's earliest end that is, in ms.
    pub late_by_ms: u64,
}

/// Kafka deletes a whole segment once its newest record is older than `retention.ms`; a
/// record is therefore kept at least `retention.ms` and at most `retention.ms + segment.ms`
/// (the active segment is never deleted; it rolls after `segment.ms`). Exact rules keep
/// `retention.ms` equal to the rule and need a tolerance of at least [`MIN_SEGMENT_MS`] for
/// the segment; `at most` rules put the segment inside the rule.
pub fn kafka(w: Window) -> Result<KafkaTtl, TooLate> {
    let (lo, hi, tol) = (w.lo * 1000, w.hi * 1000, w.tolerance * 1000);
    let (retention_ms, segment_ms) = match w.bound {
        Bound::Exact => {
            let budget = (lo + tol).saturating_sub(hi);
            if budget < MIN_SEGMENT_MS {
                let needed = hi - lo + MIN_SEGMENT_MS;
                return Err(TooLate { late_by: needed / 1000, tolerance: needed.div_ceil(1000) });
            }
            (hi, budget.min(DEFAULT_SEGMENT_MS))
        }
        Bound::AtMost => {
            // A tenth of the rule (at least a minute, at most Kafka's default) for the segment.
            let segment = (lo / 10).clamp(MIN_SEGMENT_MS, DEFAULT_SEGMENT_MS);
            let retention = (lo + tol).saturating_sub(segment).min(lo);
            if retention == 0 {
                return Err(TooLate { late_by: segment / 1000, tolerance: segment.div_ceil(1000) });
            }
            (retention, segment)
        }
    };
    let worst_ms = retention_ms + segment_ms;
    Ok(KafkaTtl { retention_ms, segment_ms, worst_ms, late_by_ms: worst_ms.saturating_sub(lo) })
}

/// `93600` → `1 day 2 hours`: a duration in seconds for people.
pub fn human(secs: u64) -> String {
    if secs == 0 {
        return "0 seconds".into();
    }
    let mut parts = Vec::new();
    let mut rest = secs;
    for (n, one, many) in
        [(DAY, "day", "days"), (3600, "hour", "hours"), (60, "minute", "minutes"), (1, "second", "seconds")]
    {
        if rest >= n {
            let k = rest / n;
            rest %= n;
            parts.push(format!("{k} {}", if k == 1 { one } else { many }));
        }
    }
    parts.join(" ")
}

/// The smallest whole duration in a readable unit covering `secs` (for help texts).
pub fn tolerance_hint(secs: u64) -> String {
    if secs <= 3600 * 24 && !secs.is_multiple_of(DAY) {
        let h = secs.div_ceil(3600).max(1);
        format!("{h} hour{}", if h == 1 { "" } else { "s" })
    } else {
        let d = secs.div_ceil(DAY).max(1);
        format!("{d} day{}", if d == 1 { "" } else { "s" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn d(amount: u32, unit: Unit) -> Duration {
        Duration { amount, unit }
    }

    fn ret(bound: Bound, dur: Duration, tol: Option<Duration>) -> Retention {
        Retention {
            rule: Rule::Expires {
                while_state: None,
                clocks: vec![Clock { bound, duration: dur, anchor: Anchor::Collection }],
            },
            action: crate::model::EndAction::Delete,
            backups: None,
            tolerance: tol,
            wording: BTreeMap::new(),
        }
    }

    #[test]
    fn month_spans_cover_clamping_and_leap_years() {
        assert_eq!(span(d(1, Unit::Months)), (28 * DAY, 31 * DAY));
        // Dec 31 + 2 months = Feb 28 (59 days); Jul 1 + 2 months = Sep 1 (62 days).
        assert_eq!(span(d(2, Unit::Months)), (59 * DAY, 62 * DAY));
        // Feb 29 + 1 year = Feb 28 (365 days); Mar 1 2023 + 1 year crosses Feb 29 (366).
        assert_eq!(span(d(1, Unit::Years)), (365 * DAY, 366 * DAY));
        assert_eq!(span(d(36, Unit::Hours)), (36 * 3600, 36 * 3600));
    }

    #[test]
    fn exact_days_need_no_tolerance_but_hours_round_up_to_days_only_within_it() {
        let w = window(&ret(Bound::Exact, d(7, Unit::Days), None)).unwrap();
        assert_eq!(ttl(w, DAY), Ok(Ttl { value: 7, seconds: 7 * DAY, late_by: 0, early_by: 0 }));
        assert_eq!(ttl(w, 1).unwrap().value, 7 * DAY);

        let w = window(&ret(Bound::Exact, d(36, Unit::Hours), None)).unwrap();
        assert_eq!(ttl(w, DAY), Err(TooLate { late_by: 12 * 3600, tolerance: 12 * 3600 }));
        let w = window(&ret(Bound::Exact, d(36, Unit::Hours), Some(d(12, Unit::Hours)))).unwrap();
        assert_eq!(ttl(w, DAY).unwrap().value, 2);
        let w = window(&ret(Bound::Exact, d(36, Unit::Hours), Some(d(11, Unit::Hours)))).unwrap();
        assert!(ttl(w, DAY).is_err());
    }

    #[test]
    fn at_most_rounds_down_and_never_to_zero() {
        let w = window(&ret(Bound::AtMost, d(36, Unit::Hours), None)).unwrap();
        assert_eq!(ttl(w, DAY), Ok(Ttl { value: 1, seconds: DAY, late_by: 0, early_by: 12 * 3600 }));
        let w = window(&ret(Bound::AtMost, d(12, Unit::Hours), None)).unwrap();
        assert!(ttl(w, DAY).is_err(), "one day is later than at most 12 hours");
        let w = window(&ret(Bound::AtMost, d(2, Unit::Months), None)).unwrap();
        assert_eq!(ttl(w, DAY).unwrap().value, 59);
    }

    #[test]
    fn exact_months_need_the_month_length_variation_as_tolerance() {
        let w = window(&ret(Bound::Exact, d(2, Unit::Months), None)).unwrap();
        assert_eq!(ttl(w, 1), Err(TooLate { late_by: 3 * DAY, tolerance: 3 * DAY }));
        let w = window(&ret(Bound::Exact, d(2, Unit::Months), Some(d(3, Unit::Days)))).unwrap();
        assert_eq!(ttl(w, DAY).unwrap(), Ttl { value: 62, seconds: 62 * DAY, late_by: 3 * DAY, early_by: 0 });
    }

    #[test]
    fn kafka_keeps_retention_equal_to_the_rule_and_fits_the_segment_in_the_tolerance() {
        let w = window(&ret(Bound::Exact, d(7, Unit::Days), Some(d(1, Unit::Days)))).unwrap();
        let k = kafka(w).unwrap();
        assert_eq!((k.retention_ms, k.segment_ms), (604_800_000, 86_400_000));
        assert_eq!(k.worst_ms, 8 * DAY * 1000);
        let w = window(&ret(Bound::Exact, d(7, Unit::Days), None)).unwrap();
        assert_eq!(kafka(w), Err(TooLate { late_by: 60, tolerance: 60 }));
        let w = window(&ret(Bound::AtMost, d(10, Unit::Hours), None)).unwrap();
        let k = kafka(w).unwrap();
        assert_eq!((k.retention_ms, k.segment_ms, k.worst_ms), (32_400_000, 3_600_000, 36_000_000));
        // A long tolerance is capped at Kafka's default segment length.
        let w = window(&ret(Bound::Exact, d(1, Unit::Years), Some(d(1, Unit::Months)))).unwrap();
        assert_eq!(kafka(w).unwrap().segment_ms, DEFAULT_SEGMENT_MS);
    }

    #[test]
    fn earliest_collection_clock_wins_and_event_clocks_are_ignored() {
        let mut r = ret(Bound::Exact, d(1, Unit::Years), None);
        if let Rule::Expires { clocks, .. } = &mut r.rule {
            clocks.push(Clock { bound: Bound::Exact, duration: d(30, Unit::Days), anchor: Anchor::Collection });
            clocks.push(Clock {
                bound: Bound::Exact,
                duration: d(1, Unit::Days),
                anchor: Anchor::Events(vec!["termination".into()]),
            });
        }
        let w = window(&r).unwrap();
        assert_eq!((w.lo, w.hi), (30 * DAY, 30 * DAY));
        assert!(has_event_clock(&r));
        let mut only_event = r.clone();
        if let Rule::Expires { clocks, .. } = &mut only_event.rule {
            clocks.retain(|c| c.anchor != Anchor::Collection);
        }
        assert_eq!(window(&only_event), None);
    }

    fn unit(i: u8) -> Unit {
        [Unit::Hours, Unit::Days, Unit::Weeks, Unit::Months, Unit::Years][usize::from(i % 5)]
    }

    proptest::proptest! {
        /// Whatever the rule, a chosen TTL never ends an exact period early and never ends any
        /// period later than its tolerance allows; the same holds for Kafka's worst case.
        #[test]
        fn chosen_settings_stay_within_the_rule(
            amount in 1u32..=100_000, u in 0u8..5, at_most: bool,
            tol in proptest::option::of((1u32..=1000, 0u8..5)), store_unit in proptest::sample::select(vec![1u64, DAY]),
        ) {
            let bound = if at_most { Bound::AtMost } else { Bound::Exact };
            let r = ret(bound, d(amount, unit(u)), tol.map(|(a, tu)| d(a, unit(tu))));
            let w = window(&r).unwrap();
            if let Ok(t) = ttl(w, store_unit) {
                proptest::prop_assert!(t.seconds <= w.lo + w.tolerance);
                proptest::prop_assert_eq!(t.seconds % store_unit, 0);
                if bound == Bound::Exact {
                    proptest::prop_assert!(t.seconds >= w.hi);
                }
            }
            if let Ok(k) = kafka(w) {
                proptest::prop_assert!(k.worst_ms <= (w.lo + w.tolerance) * 1000);
                proptest::prop_assert!(k.segment_ms >= MIN_SEGMENT_MS && k.retention_ms > 0);
                if bound == Bound::Exact {
                    proptest::prop_assert!(k.retention_ms >= w.hi * 1000);
                }
            }
        }
    }

    #[test]
    fn human_durations() {
        assert_eq!(human(93_600), "1 day 2 hours");
        assert_eq!(human(60), "1 minute");
        assert_eq!(tolerance_hint(12 * 3600), "12 hours");
        assert_eq!(tolerance_hint(3 * DAY), "3 days");
    }
}

/// What a rule means for a Redis key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
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

/// The Redis reading of a retention rule.
pub fn redis_ttl(r: &Retention) -> RedisTtl {
    let event_based = has_event_clock(r);
    if let Rule::NotStored = r.rule {
        return RedisTtl { ttl_seconds: Some(1), max_ttl_seconds: Some(1), fix_ttl_seconds: Some(1), event_based };
    }
    match window(r) {
        Some(w) => {
            let Window { lo, hi, tolerance, .. } = w;
            // A key written now ends at most at the longest span, plus what the tolerance allows.
            let max = hi + tolerance;
            RedisTtl {
                ttl_seconds: ttl(w, 1).ok().map(|t| t.seconds),
                max_ttl_seconds: Some(max),
                fix_ttl_seconds: Some(lo.max(1)),
                event_based,
            }
        }
        None => RedisTtl { ttl_seconds: None, max_ttl_seconds: None, fix_ttl_seconds: None, event_based },
    }
}
