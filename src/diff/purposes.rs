//! Purposes: added, removed, renamed, reworded.

use super::{Change, Differ, Editorial, Kind, Material, Minor, PurposeItem, Subject, Value, matching::match_items};

impl<'a> Differ<'a> {
    pub(super) fn purposes(&mut self) {
        let m = match_items(&self.old.purposes, &self.new.purposes, |p| &p.name, |p| p.renamed_from.as_deref());
        let purpose = |name: &str, item| Subject::Purpose { purpose: name.to_string(), item };
        for p in &m.added {
            self.push(Change::new(
                Kind::PurposeAdded,
                purpose(&p.name, PurposeItem::Whole),
                Material,
                "personal information is used for a new purpose, which must be announced (and may need fresh consent)",
            ));
        }
        for (a, b) in m.pairs {
            self.purposes.insert(&a.name, &b.name);
            if a.name != b.name {
                self.push(
                    Change::new(
                        Kind::PurposeRenamed,
                        purpose(&b.name, PurposeItem::Whole),
                        Editorial,
                        "the purpose is renamed (`renamed from`)",
                    )
                    .values(Value::Name(a.name.clone()), Value::Name(b.name.clone())),
                );
            }
            self.text(|| purpose(&b.name, PurposeItem::Label), "a purpose's label", &a.label, &b.label);
            self.opt_text(
                || purpose(&b.name, PurposeItem::Description),
                "a purpose's description",
                a.description.as_ref(),
                b.description.as_ref(),
            );
            self.opt_text(
                || purpose(&b.name, PurposeItem::Withdrawal),
                "how consent for a purpose is withdrawn",
                a.withdrawal.as_ref(),
                b.withdrawal.as_ref(),
            );
        }
        for p in m.removed {
            self.push(Change::new(
                Kind::PurposeRemoved,
                purpose(&p.name, PurposeItem::Whole),
                Minor,
                "personal information is no longer used for this purpose; nothing new is processed",
            ));
        }
    }
}
