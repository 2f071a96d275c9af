//! Recipients, and what each category shares with them.

use super::{
    CategoryItem, Change, Differ, Editorial, Kind, Material, Minor, RecipientItem, ShareItem, Subject, Value,
    matching::match_items,
};
use crate::model::{self, Category, Requirement};
use std::collections::{BTreeMap, BTreeSet};

impl<'a> Differ<'a> {
    pub(super) fn recipients(&mut self) {
        let m = match_items(&self.old.recipients, &self.new.recipients, |r| &r.name, |r| r.renamed_from.as_deref());
        let recipient = |name: &str, item| Subject::Recipient { recipient: name.to_string(), item };
        for r in &m.added {
            let consent =
                self.new.categories.iter().any(|c| {
                    c.shares.iter().any(|s| s.recipient == r.name && s.requires.contains(&Requirement::Consent))
                });
            self.push(
                Change::new(
                    Kind::RecipientAdded,
                    recipient(&r.name, RecipientItem::Whole),
                    Material,
                    "personal information is shared with a new recipient, which must be announced",
                )
                .consent(consent),
            );
        }
        for (a, b) in m.pairs {
            self.recipients.insert(&a.name, &b.name);
            if a.name != b.name {
                self.push(
                    Change::new(
                        Kind::RecipientRenamed,
                        recipient(&b.name, RecipientItem::Whole),
                        Editorial,
                        "the recipient is renamed (`renamed from`)",
                    )
                    .values(Value::Name(a.name.clone()), Value::Name(b.name.clone())),
                );
            }
            self.text(|| recipient(&b.name, RecipientItem::Name), "a recipient's name", &a.display, &b.display);
            self.opt_text(
                || recipient(&b.name, RecipientItem::Description),
                "a recipient's description",
                a.description.as_ref(),
                b.description.as_ref(),
            );
        }
        for r in m.removed {
            self.push(Change::new(
                Kind::RecipientRemoved,
                recipient(&r.name, RecipientItem::Whole),
                Minor,
                "personal information is no longer shared with this recipient",
            ));
        }
    }

    pub(super) fn shares(&mut self, cat: &str, a: &Category, b: &Category, fields: &BTreeMap<&str, &str>) {
        let mut old: Vec<Option<&model::Share>> = a.shares.iter().map(Some).collect();
        let at = |recipient: &str, item| Subject::category(cat, CategoryItem::share(recipient, item));
        for s in &b.shares {
            let p = |item| at(&s.recipient, item);
            let consent = s.requires.contains(&Requirement::Consent);
            let found = old.iter_mut().find(|o| {
                o.is_some_and(|o| {
                    self.recipients.get(o.recipient.as_str()).copied().unwrap_or(&o.recipient) == s.recipient
                })
            });
            let Some(o) = found.and_then(Option::take) else {
                self.push(
                    Change::new(
                        Kind::ShareAdded,
                        p(ShareItem::Whole),
                        Material,
                        "the category is shared with a recipient it was not shared with before",
                    )
                    .values(None, Value::Share { fields: s.fields.clone(), requires: s.requires.clone() })
                    .consent(consent),
                );
                continue;
            };
            // Fields: empty means the whole category.
            let of: BTreeSet<&str> =
                o.fields.iter().map(|f| fields.get(f.as_str()).copied().unwrap_or(f.as_str())).collect();
            let nf: BTreeSet<&str> = s.fields.iter().map(String::as_str).collect();
            let (wider, narrower) = match (of.is_empty(), nf.is_empty()) {
                (true, true) => (false, false),
                (false, true) => (true, false),
                (true, false) => (false, true),
                (false, false) => (!nf.is_subset(&of), !of.is_subset(&nf)),
            };
            let fv = (Value::SharedFields(o.fields.clone()), Value::SharedFields(s.fields.clone()));
            if wider {
                self.push(
                    Change::new(
                        Kind::SharedFieldsAdded,
                        p(ShareItem::Fields),
                        Material,
                        "more data is shared with this recipient",
                    )
                    .values(fv.0.clone(), fv.1.clone())
                    .consent(consent),
                );
            }
            if narrower {
                self.push(
                    Change::new(
                        Kind::SharedFieldsRemoved,
                        p(ShareItem::Fields),
                        Minor,
                        "less data is shared with this recipient",
                    )
                    .values(fv.0, fv.1),
                );
            }
            let or: BTreeSet<&Requirement> = o.requires.iter().collect();
            let nr: BTreeSet<&Requirement> = s.requires.iter().collect();
            let rv = (Value::Requires(o.requires.clone()), Value::Requires(s.requires.clone()));
            if !or.is_subset(&nr) {
                self.push(
                    Change::new(
                        Kind::SharingLoosened,
                        p(ShareItem::Requires),
                        Material,
                        "a condition that had to hold before the data is shared was removed",
                    )
                    .values(rv.0.clone(), rv.1.clone())
                    .consent(consent),
                );
            }
            if !nr.is_subset(&or) {
                self.push(
                    Change::new(
                        Kind::SharingTightened,
                        p(ShareItem::Requires),
                        Minor,
                        "an additional condition must hold before the data is shared",
                    )
                    .values(rv.0, rv.1),
                );
            }
            let (ob, nb) =
                (self.basis_kind(self.old, o.basis.as_deref()), self.basis_kind(self.new, s.basis.as_deref()));
            if ob != nb {
                let (severity, reason) = match (ob, nb) {
                    (Some(_), Some(_)) => (Material, "the legal basis for sharing changed"),
                    (None, _) => (Minor, "the legal basis for sharing is now stated"),
                    (_, None) => (Minor, "the legal basis for sharing is no longer stated separately"),
                };
                self.push(
                    Change::new(Kind::BasisChanged, p(ShareItem::Basis), severity, reason)
                        .values(o.basis.clone().map(Value::Basis), s.basis.clone().map(Value::Basis))
                        .consent(consent),
                );
            }
            self.opt_text(
                || p(ShareItem::Description),
                "a sharing description",
                o.description.as_ref(),
                s.description.as_ref(),
            );
        }
        for o in old.into_iter().flatten() {
            self.push(Change::new(
                Kind::ShareRemoved,
                at(&o.recipient, ShareItem::Whole),
                Minor,
                "the category is no longer shared with this recipient",
            ));
        }
    }
}
