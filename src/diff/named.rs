//! Bases, conditions, states and events, compared by their wording.

use super::{BasisItem, Change, Differ, Editorial, EventItem, Kind, Minor, Subject, Value};

impl<'a> Differ<'a> {
    /// Bases, conditions, states and events: matched by name; their use is compared where they
    /// are referenced, so only their wording is reported here.
    pub(super) fn named(&mut self) {
        let (o, n) = (self.old, self.new);
        for b in &n.bases {
            if let Some(a) = o.basis(&b.name) {
                let basis = |item| Subject::Basis { basis: b.name.clone(), item };
                self.text(|| basis(BasisItem::Label), "how a legal basis is stated", &a.label, &b.label);
                if a.citation != b.citation {
                    self.push(
                        Change::new(
                            Kind::TextChanged,
                            basis(BasisItem::Citation),
                            Editorial,
                            "a legal basis cites other provisions",
                        )
                        .values(Value::Citation(a.citation.clone()), Value::Citation(b.citation.clone())),
                    );
                }
                self.opt_text(
                    || basis(BasisItem::Withdrawal),
                    "how consent is withdrawn",
                    a.withdrawal.as_ref(),
                    b.withdrawal.as_ref(),
                );
            }
        }
        for c in &n.conditions {
            if let Some(a) = o.condition(&c.name)
                && a.label != c.label
            {
                self.push(Change::new(
                    Kind::TextChanged,
                    Subject::ConditionLabel { condition: c.name.clone() },
                    Minor,
                    "a condition of sharing is reworded; its wording is what the condition means, so review whether it now covers more cases",
                ));
            }
        }
        for s in &n.states {
            if let Some(a) = o.state(&s.name) {
                self.text(|| Subject::StateLabel { state: s.name.clone() }, "a state", &a.label, &s.label);
            }
        }
        for e in &n.events {
            if let Some(a) = o.event(&e.name) {
                let event = |item| Subject::Event { event: e.name.clone(), item };
                if a.label != e.label {
                    self.push(Change::new(
                        Kind::TextChanged,
                        event(EventItem::Label),
                        Minor,
                        "an event that starts a retention period is reworded; review whether it now happens later",
                    ));
                }
                if a.subject != e.subject {
                    self.push(Change::new(
                        Kind::ScopeChanged,
                        event(EventItem::Subject),
                        Minor,
                        "an event that starts a retention period now concerns something else",
                    ));
                }
            }
        }
    }
}
