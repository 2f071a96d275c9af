//! Sound comparison of retention rules under the time semantics of [`crate::semantics`].
//!
//! A rule ends at the earliest end of its clocks; a clock anchored on events starts at the
//! earliest of them that has happened and does not run before. `not stored` is one clock of zero
//! length from collection; `indefinitely` has no clock. One assumption, true of lifecycle events:
//! an event never precedes the collection of the record it governs.
//!
//! The comparison is sound, not complete: when it says "longer" the new rule keeps every record
//! at least as long as the old one in every scenario (every collection instant, every timing of
//! events) and longer in some. When it cannot prove either direction it says
//! [`Cmp::Incomparable`], which the diff reports as a material change.

use crate::model::{Anchor, Bound, Clock, Duration, Rule, Unit};
use crate::semantics;

/// How a new value relates to the old one, in every scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    /// Always the same.
    Equal,
    /// Never shorter, sometimes longer.
    Longer,
    /// Never longer, sometimes shorter.
    Shorter,
    /// Longer in some scenarios and shorter in others (or not provably either).
    Incomparable,
}

impl Cmp {
    fn from_le(old_le_new: bool, new_le_old: bool) -> Cmp {
        match (old_le_new, new_le_old) {
            (true, true) => Cmp::Equal,
            (true, false) => Cmp::Longer,
            (false, true) => Cmp::Shorter,
            (false, false) => Cmp::Incomparable,
        }
    }
}

/// Shortest and longest length, in days, of `months` calendar months over every start date
/// ([`semantics::month_span_days`]).
pub fn month_span_days(months: u64) -> (i64, i64) {
    let (lo, hi) = semantics::month_span_days(months);
    (i64::try_from(lo).unwrap_or(i64::MAX), i64::try_from(hi).unwrap_or(i64::MAX))
}

/// True when `a` is never longer than `b`, from any start instant.
pub fn duration_le(a: Duration, b: Duration) -> bool {
    let ((am, asec), (bm, bsec)) = (a.normalized(), b.normalized());
    if am == 0 && bm == 0 {
        return asec <= bsec;
    }
    if asec == 0 && bsec == 0 {
        return am <= bm;
    }
    // One side counts calendar months, the other fixed seconds (a duration has one unit).
    if am == 0 {
        let (lo, _) = month_span_days(bm);
        i64::try_from(asec).is_ok_and(|s| s <= lo.saturating_mul(86_400))
    } else {
        let (_, hi) = month_span_days(am);
        i64::try_from(bsec).is_ok_and(|s| hi.saturating_mul(86_400) <= s)
    }
}

/// How the duration `new` relates to `old`.
pub fn compare_durations(old: Duration, new: Duration) -> Cmp {
    if old.normalized() == new.normalized() {
        return Cmp::Equal;
    }
    Cmp::from_le(duration_le(old, new), duration_le(new, old))
}

/// True when a clock anchored on `a` starts no later than one anchored on `b`, always.
fn anchor_le(a: &Anchor, b: &Anchor) -> bool {
    match (a, b) {
        (Anchor::Collection, _) => true,
        (Anchor::Events(_), Anchor::Collection) => false,
        // The earliest of more events is never later: b ⊆ a.
        (Anchor::Events(a), Anchor::Events(b)) => b.iter().all(|e| a.contains(e)),
    }
}

fn clock_le(a: &Clock, b: &Clock) -> bool {
    anchor_le(&a.anchor, &b.anchor) && duration_le(a.duration, b.duration)
}

/// The clocks of a rule: `not stored` ends at collection, `indefinitely` never ends.
fn clocks(rule: &Rule) -> Vec<Clock> {
    match rule {
        Rule::NotStored => vec![Clock {
            bound: Bound::Exact,
            duration: Duration { amount: 0, unit: Unit::Hours },
            anchor: Anchor::Collection,
        }],
        Rule::Indefinite { .. } => Vec::new(),
        Rule::Expires { clocks, .. } => clocks.clone(),
    }
}

/// True when a record under `a` is always gone no later than under `b`: every clock of `b` is
/// outlasted-or-matched by some clock of `a` ending no later (so min(a) ≤ min(b)).
fn rule_le(a: &[Clock], b: &[Clock]) -> bool {
    b.iter().all(|cb| a.iter().any(|ca| clock_le(ca, cb)))
}

/// How long the new rule keeps data compared with the old one.
pub fn compare_rules(old: &Rule, new: &Rule) -> Cmp {
    let (o, n) = (clocks(old), clocks(new));
    Cmp::from_le(rule_le(&o, &n), rule_le(&n, &o))
}

/// Bounds used by a rule's clocks (`exact`, `at most`), for reporting a change of commitment
/// when the periods are equal.
pub fn bounds(rule: &Rule) -> (bool, bool) {
    let cs = clocks(rule);
    (cs.iter().any(|c| c.bound == Bound::Exact), cs.iter().any(|c| c.bound == Bound::AtMost))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(amount: u32, unit: Unit) -> Duration {
        Duration { amount, unit }
    }

    #[test]
    fn month_lengths() {
        assert_eq!(month_span_days(1), (28, 31));
        assert_eq!(month_span_days(2), (59, 62));
        assert_eq!(month_span_days(12), (365, 366));
    }

    #[test]
    fn durations() {
        assert_eq!(compare_durations(d(7, Unit::Days), d(1, Unit::Weeks)), Cmp::Equal);
        assert_eq!(compare_durations(d(1, Unit::Years), d(12, Unit::Months)), Cmp::Equal);
        assert_eq!(compare_durations(d(7, Unit::Days), d(30, Unit::Days)), Cmp::Longer);
        assert_eq!(compare_durations(d(1, Unit::Months), d(30, Unit::Days)), Cmp::Incomparable);
        assert_eq!(compare_durations(d(1, Unit::Months), d(28, Unit::Days)), Cmp::Shorter);
        assert_eq!(compare_durations(d(1, Unit::Months), d(32, Unit::Days)), Cmp::Longer);
        assert_eq!(compare_durations(d(1, Unit::Months), d(31, Unit::Days)), Cmp::Longer);
        assert_eq!(compare_durations(d(24, Unit::Hours), d(1, Unit::Days)), Cmp::Equal);
        assert_eq!(compare_durations(d(1, Unit::Years), d(365, Unit::Days)), Cmp::Shorter);
        assert_eq!(compare_durations(d(1, Unit::Years), d(366, Unit::Days)), Cmp::Longer);
    }

    fn clock(amount: u32, unit: Unit, events: &[&str]) -> Clock {
        Clock {
            bound: Bound::Exact,
            duration: d(amount, unit),
            anchor: if events.is_empty() {
                Anchor::Collection
            } else {
                Anchor::Events(events.iter().map(|e| e.to_string()).collect())
            },
        }
    }

    fn expires(cs: Vec<Clock>) -> Rule {
        Rule::Expires { while_state: None, clocks: cs }
    }

    #[test]
    fn rules() {
        let seven = expires(vec![clock(7, Unit::Days, &[])]);
        let week = expires(vec![clock(1, Unit::Weeks, &[])]);
        assert_eq!(compare_rules(&seven, &week), Cmp::Equal);
        // A redundant later clock changes nothing.
        let redundant = expires(vec![clock(1, Unit::Years, &[]), clock(7, Unit::Days, &[])]);
        assert_eq!(compare_rules(&seven, &redundant), Cmp::Equal);
        // Starting after an event instead of at collection keeps data at least as long.
        let after = expires(vec![clock(7, Unit::Days, &["closed"])]);
        assert_eq!(compare_rules(&seven, &after), Cmp::Longer);
        // More alternative events start the clock earlier.
        let either = expires(vec![clock(7, Unit::Days, &["closed", "expired"])]);
        assert_eq!(compare_rules(&after, &either), Cmp::Shorter);
        let other = expires(vec![clock(7, Unit::Days, &["expired"])]);
        assert_eq!(compare_rules(&after, &other), Cmp::Incomparable);
        // Adding a cap shortens; indefinite and not stored are the extremes.
        let capped = expires(vec![clock(7, Unit::Days, &["closed"]), clock(1, Unit::Years, &[])]);
        assert_eq!(compare_rules(&after, &capped), Cmp::Shorter);
        let forever = Rule::Indefinite { justification: Default::default() };
        assert_eq!(compare_rules(&seven, &forever), Cmp::Longer);
        assert_eq!(compare_rules(&forever, &forever), Cmp::Equal);
        assert_eq!(compare_rules(&seven, &Rule::NotStored), Cmp::Shorter);
        assert_eq!(compare_rules(&Rule::NotStored, &forever), Cmp::Longer);
    }
}
