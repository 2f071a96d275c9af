//! The retention comparison is sound against the one definition of time in `semantics`: when it
//! says the new rule is longer (or equal, or shorter), the expiry instants computed by
//! `semantics::expiry` agree in every sampled scenario.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test fails by panicking")]

use policyc::diff::retention::{Cmp, compare_rules};
use policyc::model::{Anchor, Bound, Clock, Duration, Rule, Text, Unit};
use policyc::semantics::{self, Instant};
use proptest::prelude::*;

const EVENTS: [&str; 2] = ["closed", "expired"];

fn duration() -> impl Strategy<Value = Duration> {
    let unit =
        prop_oneof![Just(Unit::Hours), Just(Unit::Days), Just(Unit::Weeks), Just(Unit::Months), Just(Unit::Years)];
    (0u32..40, unit).prop_map(|(amount, unit)| Duration { amount, unit })
}

fn clock() -> impl Strategy<Value = Clock> {
    let anchor = prop_oneof![
        Just(Anchor::Collection),
        Just(Anchor::Events(vec!["closed".into()])),
        Just(Anchor::Events(vec!["expired".into()])),
        Just(Anchor::Events(vec!["closed".into(), "expired".into()])),
    ];
    (duration(), anchor, any::<bool>()).prop_map(|(duration, anchor, at_most)| Clock {
        bound: if at_most { Bound::AtMost } else { Bound::Exact },
        duration,
        anchor,
    })
}

fn rule() -> impl Strategy<Value = Rule> {
    prop_oneof![
        1 => Just(Rule::NotStored),
        1 => Just(Rule::Indefinite { justification: Text::default() }),
        8 => prop::collection::vec(clock(), 1..4).prop_map(|clocks| Rule::Expires { while_state: None, clocks }),
    ]
}

/// A record: collection instant (over a leap cycle, at any time of day) and, for each event,
/// whether and how long after collection it happened.
fn scenario() -> impl Strategy<Value = (Instant, [Option<i64>; 2])> {
    let start = semantics::days_from_civil(2023, 1, 1) * 86_400;
    let after = prop::option::of(0i64..(800 * 86_400));
    (start..start + 4 * 366 * 86_400, after.clone(), after).prop_map(|(t, a, b)| (t, [a, b]))
}

fn expiry(rule: &Rule, (t, events): (Instant, [Option<i64>; 2])) -> Option<Instant> {
    semantics::expiry(rule, t, &|e| EVENTS.iter().position(|x| *x == e).and_then(|i| events[i]).map(|d| t + d))
}

/// `None` (kept without limit) is later than any instant.
fn le(a: Option<Instant>, b: Option<Instant>) -> bool {
    match (a, b) {
        (_, None) => true,
        (None, Some(_)) => false,
        (Some(x), Some(y)) => x <= y,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    #[test]
    fn comparison_agrees_with_semantics(old in rule(), new in rule(), scenarios in prop::collection::vec(scenario(), 16)) {
        let cmp = compare_rules(&old, &new);
        for s in scenarios {
            let (o, n) = (expiry(&old, s), expiry(&new, s));
            match cmp {
                Cmp::Equal => prop_assert_eq!(o, n, "{:?} vs {:?}", old, new),
                Cmp::Longer => prop_assert!(le(o, n), "{:?} -> {:?} said longer; {:?} vs {:?}", old, new, o, n),
                Cmp::Shorter => prop_assert!(le(n, o), "{:?} -> {:?} said shorter; {:?} vs {:?}", old, new, o, n),
                Cmp::Incomparable => {}
            }
        }
    }

    #[test]
    fn comparison_is_antisymmetric(old in rule(), new in rule()) {
        let expected = match compare_rules(&old, &new) {
            Cmp::Longer => Cmp::Shorter,
            Cmp::Shorter => Cmp::Longer,
            other => other,
        };
        prop_assert_eq!(compare_rules(&new, &old), expected);
    }
}
