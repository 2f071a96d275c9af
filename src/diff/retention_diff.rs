//! How long a category is kept: the rule (compared with [`super::retention`]), the action at
//! its end, backups and tolerance.

use super::{
    CategoryItem, Change, Differ, Editorial, Kind, Material, Minor, RetentionItem, Subject, Value, retention,
    retention::Cmp,
};
use crate::model::{self, Duration, Rule, Unit};
use crate::syntax::print;

impl<'a> Differ<'a> {
    pub(super) fn retention(&mut self, cat: &str, a: &model::Retention, b: &model::Retention, consent: bool) {
        let at = |item| Subject::category(cat, CategoryItem::Retention(item));
        let p = || at(RetentionItem::Rule);
        let values = (Value::Rule(a.rule.clone()), Value::Rule(b.rule.clone()));
        let cmp = retention::compare_rules(&a.rule, &b.rule);
        let stored = |r: &Rule| !matches!(r, Rule::NotStored);
        let change = match cmp {
            Cmp::Longer => Some(Change::new(
                Kind::RetentionLonger,
                p(),
                Material,
                if !stored(&a.rule) {
                    "the data was processed in transit only and is now stored"
                } else if matches!(b.rule, Rule::Indefinite { .. }) {
                    "the data is now kept indefinitely"
                } else {
                    "the data is kept longer, in every case at least as long as before"
                },
            )),
            Cmp::Shorter => Some(Change::new(
                Kind::RetentionShorter,
                p(),
                Minor,
                if !stored(&b.rule) {
                    "the data is no longer stored"
                } else {
                    "the data is deleted sooner, in no case later than before"
                },
            )),
            Cmp::Incomparable => {
                Some(Change::new(Kind::RetentionChanged, p(), Material, incomparable_reason(&a.rule, &b.rule)))
            }
            Cmp::Equal => {
                if retention::bounds(&a.rule) != retention::bounds(&b.rule) {
                    Some(Change::new(
                        Kind::RetentionBoundChanged,
                        p(),
                        Minor,
                        if retention::bounds(&b.rule).1 {
                            "the period is now an upper bound (`at most`): data may be deleted earlier, never later"
                        } else {
                            "the period is now exact instead of an upper bound: the longest time is unchanged"
                        },
                    ))
                } else {
                    if let (Rule::Indefinite { justification: x }, Rule::Indefinite { justification: y }) =
                        (&a.rule, &b.rule)
                    {
                        self.text(|| at(RetentionItem::Justification), "why data is kept indefinitely", x, y);
                    }
                    let while_state = |r: &Rule| match r {
                        Rule::Expires { while_state, .. } => while_state.clone(),
                        _ => None,
                    };
                    if while_state(&a.rule) != while_state(&b.rule) {
                        Some(Change::new(
                            Kind::TextChanged,
                            p(),
                            Editorial,
                            "the retention rule is worded differently; the periods are the same",
                        ))
                    } else {
                        None
                    }
                }
            }
        };
        if let Some(c) = change {
            let material = c.severity == Material;
            self.push(c.values(values.0, values.1).consent(material && consent));
        }
        if a.action != b.action {
            self.push(
                Change::new(
                    Kind::RetentionActionChanged,
                    at(RetentionItem::Action),
                    Minor,
                    "what happens at the end of retention changed (deleted or anonymised); either way the data no longer identifies anyone",
                )
                .values(Value::EndAction(a.action), Value::EndAction(b.action)),
            );
        }
        self.extra_period(at(RetentionItem::Backups), "backups", a.backups, b.backups, consent);
        self.extra_period(at(RetentionItem::Tolerance), "the enforcement tolerance", a.tolerance, b.tolerance, consent);
        if a.wording != b.wording {
            self.push(Change::new(
                Kind::TextChanged,
                at(RetentionItem::Wording),
                Editorial,
                "the author's wording of the retention rule changed",
            ));
        }
    }

    /// Backups and tolerance: time added after the rule ends (absent means none stated).
    pub(super) fn extra_period(
        &mut self,
        path: Subject,
        what: &str,
        a: Option<Duration>,
        b: Option<Duration>,
        consent: bool,
    ) {
        let zero = Duration { amount: 0, unit: Unit::Days };
        let cmp = retention::compare_durations(a.unwrap_or(zero), b.unwrap_or(zero));
        let values = (a.map(Value::Duration), b.map(Value::Duration));
        let c = match cmp {
            Cmp::Equal => return,
            Cmp::Longer => Change::new(
                Kind::RetentionLonger,
                path,
                Material,
                format!("{what}: the data may be kept longer after the end of retention"),
            )
            .consent(consent),
            Cmp::Shorter => Change::new(
                Kind::RetentionShorter,
                path,
                Minor,
                format!("{what}: the data is kept for less time after the end of retention"),
            ),
            Cmp::Incomparable => Change::new(
                Kind::RetentionChanged,
                path,
                Material,
                format!("{what}: the new period is longer for some start dates and shorter for others"),
            )
            .consent(consent),
        };
        self.push(c.values(values.0, values.1));
    }
}

fn incomparable_reason(a: &Rule, b: &Rule) -> String {
    let one_clock = |r: &Rule| match r {
        Rule::Expires { clocks, .. } if clocks.len() == 1 => clocks.first().cloned(),
        _ => None,
    };
    if let (Some(x), Some(y)) = (one_clock(a), one_clock(b))
        && x.anchor == y.anchor
    {
        return format!(
            "`{}` is longer than `{}` for some start dates and shorter for others (months have 28 to 31 days), so it is treated as a material change",
            print::duration(y.duration),
            print::duration(x.duration)
        );
    }
    "the new rule keeps some records longer and others shorter (different events or periods), so it is treated as a material change"
        .to_string()
}
