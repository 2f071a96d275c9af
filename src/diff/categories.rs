//! Categories of personal information: the category itself, its fields and its uses.

use super::{
    CategoryItem, Change, Differ, Editorial, FieldItem, Kind, Material, Minor, Subject, Value, matching::match_items,
};
use crate::model::{self, Category, Policy};
use std::collections::{BTreeMap, BTreeSet};

impl<'a> Differ<'a> {
    pub(super) fn categories(&mut self) {
        let m = match_items(&self.old.categories, &self.new.categories, |c| &c.name, |c| c.renamed_from.as_deref());
        for c in &m.added {
            self.push(
                Change::new(
                    Kind::CategoryAdded,
                    Subject::category(&c.name, CategoryItem::Whole),
                    Material,
                    "a new category of personal information is collected",
                )
                .consent(rests_on_consent(self.new, c)),
            );
        }
        for (a, b) in m.pairs {
            self.category(a, b);
        }
        for c in m.removed {
            self.push(Change::new(
                Kind::CategoryRemoved,
                Subject::category(&c.name, CategoryItem::Whole),
                Minor,
                "this category of personal information is no longer collected",
            ));
        }
    }

    pub(super) fn category(&mut self, a: &'a Category, b: &'a Category) {
        if self.stable_refs && a == b {
            return; // same text, and every name it references means the same in both versions
        }
        let cat = b.name.as_str();
        let at = |item| Subject::category(cat, item);
        let consent = rests_on_consent(self.new, b);
        if a.name != b.name {
            self.push(
                Change::new(
                    Kind::CategoryRenamed,
                    at(CategoryItem::Whole),
                    Editorial,
                    "the category is renamed (`renamed from`)",
                )
                .values(Value::Name(a.name.clone()), Value::Name(b.name.clone())),
            );
        }
        self.text(|| at(CategoryItem::Label), "a category's label", &a.label, &b.label);
        self.opt_text(
            || at(CategoryItem::Description),
            "a category's description",
            a.description.as_ref(),
            b.description.as_ref(),
        );
        match (&a.only_if, &b.only_if) {
            (Some(_), None) => self.push(
                Change::new(
                    Kind::ScopeChanged,
                    at(CategoryItem::OnlyIf),
                    Material,
                    "the category was collected only under a condition and is now collected in every case",
                )
                .consent(consent),
            ),
            (None, Some(_)) => self.push(Change::new(
                Kind::ScopeChanged,
                at(CategoryItem::OnlyIf),
                Minor,
                "the category is now collected only under a condition",
            )),
            (Some(x), Some(y)) if x != y => self.push(Change::new(
                Kind::ScopeChanged,
                at(CategoryItem::OnlyIf),
                Minor,
                "the condition under which the category is collected is reworded; review whether it now covers more cases",
            )),
            _ => {}
        }
        if a.role != b.role {
            self.push(
                Change::new(
                    Kind::RoleChanged,
                    at(CategoryItem::Role),
                    Material,
                    "the organisation's role for this category changed, which changes who decides how it is used",
                )
                .values(Value::Role(a.role), Value::Role(b.role)),
            );
        }
        let fields = self.fields(cat, a, b, consent);
        self.uses(cat, a, b, consent);
        self.systems(cat, a, b);
        self.shares(cat, a, b, &fields);
        self.retention(cat, &a.retention, &b.retention, consent);
    }

    /// Returns old field name → new field name.
    pub(super) fn fields(
        &mut self,
        cat: &str,
        a: &'a Category,
        b: &'a Category,
        consent: bool,
    ) -> BTreeMap<&'a str, &'a str> {
        let m = match_items(&a.fields, &b.fields, |f| &f.name, |f| f.renamed_from.as_deref());
        let field = |name: &str, item| Subject::category(cat, CategoryItem::field(name, item));
        let mut map = BTreeMap::new();
        for f in &m.added {
            let p = field(&f.name, FieldItem::Whole);
            let c = if f.internal {
                Change::new(
                    Kind::FieldAdded,
                    p,
                    Minor,
                    "a technical field is added; it is not listed in the documents and records when the data was collected or processed",
                )
            } else if f.sensitive {
                Change::new(
                    Kind::FieldAdded,
                    p,
                    Material,
                    "more personal information is collected, and it is sensitive",
                )
                .consent(true)
            } else {
                Change::new(Kind::FieldAdded, p, Material, "more personal information is collected in this category")
                    .consent(consent)
            };
            self.push(c.values(None, Value::FieldType(f.ty.clone())));
        }
        for (x, y) in m.pairs {
            map.insert(x.name.as_str(), y.name.as_str());
            if x == y {
                continue;
            }
            let p = || field(&y.name, FieldItem::Whole);
            if x.name != y.name {
                self.push(
                    Change::new(Kind::FieldRenamed, p(), Editorial, "the field is renamed (`renamed from`)")
                        .values(Value::Name(x.name.clone()), Value::Name(y.name.clone())),
                );
            }
            if x.ty != y.ty {
                self.push(
                    Change::new(
                        Kind::FieldTypeChanged,
                        p(),
                        Minor,
                        "the field holds the same information in another form",
                    )
                    .values(Value::FieldType(x.ty.clone()), Value::FieldType(y.ty.clone())),
                );
            }
            if x.sensitive != y.sensitive {
                let reason = if y.sensitive {
                    "the field is now treated as sensitive personal information, which needs separate consent or another special ground"
                } else {
                    "the field is no longer treated as sensitive personal information, so it loses the extra protection"
                };
                self.push(
                    Change::new(Kind::FieldSensitivityChanged, p(), Material, reason)
                        .values(Value::Sensitive(x.sensitive), Value::Sensitive(y.sensitive))
                        .consent(y.sensitive),
                );
            }
            if x.internal != y.internal {
                let (severity, reason) = if y.internal {
                    (Minor, "the field is still collected but no longer listed in the documents")
                } else {
                    (Editorial, "the field is now listed in the documents")
                };
                self.push(
                    Change::new(Kind::FieldVisibilityChanged, p(), severity, reason)
                        .values(Value::Internal(x.internal), Value::Internal(y.internal)),
                );
            }
            self.text(|| field(&y.name, FieldItem::Label), "a field's label", &x.label, &y.label);
        }
        for f in m.removed {
            self.push(Change::new(
                Kind::FieldRemoved,
                field(&f.name, FieldItem::Whole),
                Minor,
                "less personal information is collected in this category",
            ));
        }
        map
    }

    pub(super) fn uses(&mut self, cat: &str, a: &Category, b: &Category, consent: bool) {
        // Purpose (new name) → bases, old and new.
        let mut old: BTreeMap<&str, Vec<Option<&str>>> = BTreeMap::new();
        for u in &a.uses {
            let p = self.purposes.get(u.purpose.as_str()).copied().unwrap_or(u.purpose.as_str());
            old.entry(p).or_default().push(u.basis.as_deref());
        }
        let mut new: Vec<(&str, Vec<Option<&str>>)> = Vec::new();
        for u in &b.uses {
            match new.iter_mut().find(|(p, _)| *p == u.purpose) {
                Some((_, bs)) => bs.push(u.basis.as_deref()),
                None => new.push((&u.purpose, vec![u.basis.as_deref()])),
            }
        }
        let at = |purpose: &str| Subject::category(cat, CategoryItem::Use { purpose: purpose.to_string() });
        let bases = |bs: &[Option<&str>]| Value::Bases(bs.iter().map(|b| b.map(str::to_string)).collect());
        for (purpose, new_bases) in &new {
            let p = at(purpose);
            let Some(old_bases) = old.remove(purpose) else {
                let consent =
                    new_bases.iter().any(|b| self.basis_kind(self.new, *b) == Some(model::BasisKind::Consent));
                self.push(
                    Change::new(
                        Kind::UseAdded,
                        p,
                        Material,
                        "the category is used for a purpose it was not used for before",
                    )
                    .values(None, bases(new_bases))
                    .consent(consent),
                );
                continue;
            };
            let kinds = |pol: &Policy, bs: &[Option<&str>]| -> BTreeSet<Option<model::BasisKind>> {
                bs.iter().map(|b| self.basis_kind(pol, *b)).collect()
            };
            if kinds(self.old, &old_bases) != kinds(self.new, new_bases) {
                self.push(
                    Change::new(
                        Kind::BasisChanged,
                        p,
                        Material,
                        "the legal basis for this use changed, which changes the data subject's rights over it",
                    )
                    .values(bases(&old_bases), bases(new_bases))
                    .consent(consent),
                );
            } else if old_bases.iter().collect::<BTreeSet<_>>() != new_bases.iter().collect::<BTreeSet<_>>() {
                self.push(
                    Change::new(
                        Kind::TextChanged,
                        p,
                        Editorial,
                        "the use rests on the same legal ground, stated by another basis declaration",
                    )
                    .values(bases(&old_bases), bases(new_bases)),
                );
            }
        }
        for (purpose, old_bases) in old {
            self.push(
                Change::new(Kind::UseRemoved, at(purpose), Minor, "the category is no longer used for this purpose")
                    .values(bases(&old_bases), None),
            );
        }
    }
}

/// Whether the category's use rests on consent in `p` (a use under a consent basis). Sharing
/// that requires consent is judged on the share itself.
fn rests_on_consent(p: &Policy, c: &Category) -> bool {
    c.uses
        .iter()
        .any(|u| u.basis.as_deref().and_then(|b| p.basis(b)).is_some_and(|b| b.kind == model::BasisKind::Consent))
}
