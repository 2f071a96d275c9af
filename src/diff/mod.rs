//! Semantic diff of two versions of a policy: what changed in meaning, and how much it matters.
//!
//! [`diff`] compares two validated models (never their text), so rewrites that keep the meaning
//! (reordered items, `1 week` for `7 days`, other whitespace) produce no change. Each [`Change`]
//! carries a [`Severity`]:
//! - **material**: the processing grows in a way the law expects to be announced, and, for
//!   consent-based processing, may need fresh consent: a new category, field, purpose or
//!   recipient; a category used for a new purpose or shared with someone new; a changed legal
//!   basis; longer retention (or one neither always longer nor always shorter); a loosened
//!   sharing condition; weaker rights;
//! - **minor**: the processing shrinks or changes without growing: removals, shorter retention,
//!   tightened sharing conditions, storage systems;
//! - **editorial**: wording only (labels, descriptions, free sections), and renames marked with
//!   `renamed from`.
//!
//! A change names its item with a typed [`Subject`] and carries the values before and after as
//! model values ([`Value`]), so notices match on types; the path (`category/x/retention`) and the
//! values in source syntax are derived for output only.
//!
//! Technical settings that do not change what the reader is told (job schedules, table, column,
//! key and topic names) are not reported.

mod change;
pub mod notice;
pub mod retention;

pub use change::{
    BasisItem, CategoryItem, Change, EventItem, FieldItem, HeaderItem, PurposeItem, RecipientItem, RetentionItem,
    RightsItem, ShareItem, StorageItem, StoreItem, Subject, Value,
};

use crate::model::{self, Category, Duration, Policy, Requirement, Rule, Text, Unit};
use retention::Cmp;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// How much a change matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Wording only.
    Editorial,
    /// A change that does not extend the processing.
    Minor,
    /// A change that must be announced before it applies.
    Material,
}

impl Severity {
    /// The lowercase word.
    pub fn word(self) -> &'static str {
        match self {
            Severity::Editorial => "editorial",
            Severity::Minor => "minor",
            Severity::Material => "material",
        }
    }
}

/// What kind of change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)] // the names say it
pub enum Kind {
    CategoryAdded,
    CategoryRemoved,
    CategoryRenamed,
    ScopeChanged,
    RoleChanged,
    FieldAdded,
    FieldRemoved,
    FieldRenamed,
    FieldTypeChanged,
    FieldSensitivityChanged,
    FieldVisibilityChanged,
    PurposeAdded,
    PurposeRemoved,
    PurposeRenamed,
    UseAdded,
    UseRemoved,
    BasisChanged,
    RecipientAdded,
    RecipientRemoved,
    RecipientRenamed,
    ShareAdded,
    ShareRemoved,
    SharedFieldsAdded,
    SharedFieldsRemoved,
    SharingLoosened,
    SharingTightened,
    RetentionLonger,
    RetentionShorter,
    RetentionChanged,
    RetentionBoundChanged,
    RetentionActionChanged,
    StoreAdded,
    StoreRemoved,
    StoreChanged,
    StorageChanged,
    ControllerChanged,
    RightsReduced,
    RightsExtended,
    TextChanged,
}

impl Kind {
    /// The snake_case name used in JSON.
    pub fn name(self) -> String {
        serde_json::to_value(self).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
    }
}

/// The highest severity among `changes`, if any.
pub fn max_severity(changes: &[Change]) -> Option<Severity> {
    changes.iter().map(|c| c.severity).max()
}

/// The CI gate: why the changes at or above `threshold` are not announced, or `None` when they
/// are. Any such change needs a new version string; a material change also needs the new file to
/// state `acknowledges "<old version>"`, an explicit statement that it has been announced (a
/// version bump alone is routine and says nothing about announcing).
pub fn gate(old: &Policy, new: &Policy, changes: &[Change], threshold: Severity) -> Option<String> {
    let count = changes.iter().filter(|c| c.severity >= threshold).count();
    if count == 0 {
        return None;
    }
    if old.version == new.version {
        return Some(format!(
            "{count} change(s) at or above `{}`, but the version is still `{}`",
            threshold.word(),
            new.version
        ));
    }
    let material = changes.iter().filter(|c| c.severity == Severity::Material).count();
    if material > 0 && new.acknowledges.as_deref() != Some(old.version.as_str()) {
        return Some(match &new.acknowledges {
            Some(a) => format!(
                "{material} material change(s) since version `{}`, but the new version acknowledges `{a}`",
                old.version
            ),
            None => format!(
                "{material} material change(s) since version `{}` are not acknowledged by the new version",
                old.version
            ),
        });
    }
    None
}

/// Every change from `old` to `new`, in the new version's order (removals where the old item
/// stood, after the items of the new version of the same kind).
pub fn diff(old: &Policy, new: &Policy) -> Vec<Change> {
    let mut d = Differ {
        old,
        new,
        out: Vec::new(),
        purposes: BTreeMap::new(),
        recipients: BTreeMap::new(),
        stable_refs: false,
    };
    d.header();
    d.stores();
    d.purposes();
    d.recipients();
    d.named();
    d.stable_refs = d.purposes.iter().all(|(a, b)| a == b)
        && d.recipients.iter().all(|(a, b)| a == b)
        && old.bases.iter().all(|a| new.basis(&a.name).is_none_or(|b| b.kind == a.kind));
    d.categories();
    d.storage_statements();
    d.rights();
    d.sections();
    d.out
}

/// Items of two versions matched by name, or by `renamed from` in the new version.
struct Matching<'a, T> {
    pairs: Vec<(&'a T, &'a T)>,
    added: Vec<&'a T>,
    removed: Vec<&'a T>,
}

fn match_items<'a, T>(
    old: &'a [T],
    new: &'a [T],
    name: impl Fn(&T) -> &str,
    renamed: impl Fn(&T) -> Option<&str>,
) -> Matching<'a, T> {
    let index: BTreeMap<&str, usize> = old.iter().enumerate().map(|(i, o)| (name(o), i)).collect();
    let mut used = vec![false; old.len()];
    let mut matched: Vec<Option<usize>> = vec![None; new.len()];
    // Explicit renames first, so a new item reusing an old name does not steal the old item.
    for (j, n) in new.iter().enumerate() {
        if let Some(&i) = renamed(n).and_then(|r| index.get(r))
            && !used[i]
        {
            used[i] = true;
            matched[j] = Some(i);
        }
    }
    for (j, n) in new.iter().enumerate() {
        if matched[j].is_none()
            && let Some(&i) = index.get(name(n))
            && !used[i]
        {
            used[i] = true;
            matched[j] = Some(i);
        }
    }
    let mut pairs = Vec::new();
    let mut added = Vec::new();
    for (j, n) in new.iter().enumerate() {
        match matched[j] {
            Some(i) => pairs.push((&old[i], n)),
            None => added.push(n),
        }
    }
    let removed = old.iter().enumerate().filter(|(i, _)| !used[*i]).map(|(_, o)| o).collect();
    Matching { pairs, added, removed }
}

struct Differ<'a> {
    old: &'a Policy,
    new: &'a Policy,
    out: Vec<Change>,
    /// Old purpose name → new purpose name.
    purposes: BTreeMap<&'a str, &'a str>,
    /// Old recipient name → new recipient name.
    recipients: BTreeMap<&'a str, &'a str>,
    /// No purpose or recipient is renamed and no basis changed its ground, so an item whose
    /// text is unchanged means the same.
    stable_refs: bool,
}

use Severity::{Editorial, Material, Minor};

impl<'a> Differ<'a> {
    fn push(&mut self, c: Change) {
        self.out.push(c);
    }

    /// Reports a wording change of a text attribute (compared in the locales both versions have).
    fn text(&mut self, subject: impl FnOnce() -> Subject, what: &str, old: &Text, new: &Text) {
        if old != new {
            self.push(Change::new(Kind::TextChanged, subject(), Editorial, format!("the wording of {what} changed")));
        }
    }

    fn opt_text(&mut self, subject: impl FnOnce() -> Subject, what: &str, old: Option<&Text>, new: Option<&Text>) {
        let empty = Text::default();
        self.text(subject, what, old.unwrap_or(&empty), new.unwrap_or(&empty));
    }

    fn basis_kind(&self, p: &Policy, name: Option<&str>) -> Option<model::BasisKind> {
        name.and_then(|n| p.basis(n)).map(|b| b.kind)
    }

    fn header(&mut self) {
        let (o, n) = (self.old, self.new);
        let header = Subject::Header;
        self.text(|| header(HeaderItem::Title), "the title", &o.title, &n.title);
        self.text(|| header(HeaderItem::Feature), "the feature's name", &o.feature, &n.feature);
        if o.role != n.role {
            self.push(
                Change::new(
                    Kind::RoleChanged,
                    header(HeaderItem::Role),
                    Material,
                    "the organisation's role changed, which changes who decides how the data is used",
                )
                .values(Value::Role(o.role), Value::Role(n.role)),
            );
        }
        match (&o.controller, &n.controller) {
            (
                model::Controller::Entity { name: a, contact: ca },
                model::Controller::Entity { name: b, contact: cb },
            ) if a == b && ca != cb => {
                self.push(
                    Change::new(
                        Kind::ControllerChanged,
                        header(HeaderItem::ControllerContact),
                        Minor,
                        "the controller's contact changed",
                    )
                    .values(ca.clone().map(Value::Contact), cb.clone().map(Value::Contact)),
                );
            }
            (a, b) if a != b => self.push(
                Change::new(
                    Kind::ControllerChanged,
                    header(HeaderItem::Controller),
                    Material,
                    "a different controller is responsible for the data",
                )
                .values(Value::Controller(a.clone()), Value::Controller(b.clone())),
            ),
            _ => {}
        }
        match (&o.parent, &n.parent) {
            (Some(a), Some(b)) => {
                self.text(|| header(HeaderItem::ParentTitle), "the parent policy's title", &a.title, &b.title);
                if a.url != b.url {
                    self.push(
                        Change::new(
                            Kind::TextChanged,
                            header(HeaderItem::ParentUrl),
                            Editorial,
                            "the parent policy's address changed",
                        )
                        .values(Value::Url(a.url.clone()), Value::Url(b.url.clone())),
                    );
                }
                if a.precedence != b.precedence {
                    self.push(
                        Change::new(
                            Kind::ScopeChanged,
                            header(HeaderItem::ParentPrecedence),
                            Minor,
                            "a different document now prevails when the module and the parent policy conflict",
                        )
                        .values(Value::Precedence(a.precedence), Value::Precedence(b.precedence)),
                    );
                }
            }
            (None, Some(b)) => self.push(
                Change::new(
                    Kind::ScopeChanged,
                    header(HeaderItem::Parent),
                    Minor,
                    "the module is now part of a parent policy",
                )
                .values(None, Value::Url(b.url.clone())),
            ),
            (Some(a), None) => self.push(
                Change::new(
                    Kind::ScopeChanged,
                    header(HeaderItem::Parent),
                    Minor,
                    "the module is no longer part of a parent policy",
                )
                .values(Value::Url(a.url.clone()), None),
            ),
            (None, None) => {}
        }
        let (ra, rb) = (&o.availability.regions, &n.availability.regions);
        if ra.iter().collect::<BTreeSet<_>>() != rb.iter().collect::<BTreeSet<_>>() {
            self.push(
                Change::new(
                    Kind::ScopeChanged,
                    header(HeaderItem::Regions),
                    Minor,
                    "the feature is offered in other regions",
                )
                .values(Value::Regions(ra.clone()), Value::Regions(rb.clone())),
            );
        }
        self.opt_text(
            || header(HeaderItem::AvailabilityNote),
            "the availability note",
            o.availability.note.as_ref(),
            n.availability.note.as_ref(),
        );
        let (la, lb): (BTreeSet<_>, BTreeSet<_>) = (o.locales.iter().collect(), n.locales.iter().collect());
        if la != lb {
            let severity = if la.is_subset(&lb) { Editorial } else { Minor };
            let reason = if severity == Editorial {
                "the policy is published in more languages"
            } else {
                "the policy is no longer published in some languages"
            };
            self.push(
                Change::new(Kind::TextChanged, header(HeaderItem::Locales), severity, reason)
                    .values(Value::Locales(o.locales.clone()), Value::Locales(n.locales.clone())),
            );
        }
    }

    fn stores(&mut self) {
        let m = match_items(&self.old.stores, &self.new.stores, |s| &s.name, |_| None);
        let store = |name: &str, item| Subject::Store { store: name.to_string(), item };
        for s in m.added {
            self.push(
                Change::new(
                    Kind::StoreAdded,
                    store(&s.name, StoreItem::Whole),
                    Minor,
                    "a new storage system of ours; it adds no recipient",
                )
                .values(None, Value::StoreKind(s.kind)),
            );
        }
        for (a, b) in m.pairs {
            if a.kind != b.kind {
                self.push(
                    Change::new(
                        Kind::StoreChanged,
                        store(&b.name, StoreItem::Whole),
                        Minor,
                        "the storage system runs on a different engine; it adds no recipient",
                    )
                    .values(Value::StoreKind(a.kind), Value::StoreKind(b.kind)),
                );
            }
            self.text(|| store(&b.name, StoreItem::Name), "a storage system's name", &a.display, &b.display);
        }
        for s in m.removed {
            self.push(Change::new(
                Kind::StoreRemoved,
                store(&s.name, StoreItem::Whole),
                Minor,
                "a storage system is no longer used, so the data is kept in fewer places",
            ));
        }
    }

    fn purposes(&mut self) {
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

    fn recipients(&mut self) {
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

    /// Bases, conditions, states and events: matched by name; their use is compared where they
    /// are referenced, so only their wording is reported here.
    fn named(&mut self) {
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

    fn categories(&mut self) {
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

    fn category(&mut self, a: &'a Category, b: &'a Category) {
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
    fn fields(&mut self, cat: &str, a: &'a Category, b: &'a Category, consent: bool) -> BTreeMap<&'a str, &'a str> {
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

    fn uses(&mut self, cat: &str, a: &Category, b: &Category, consent: bool) {
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

    fn systems(&mut self, cat: &str, a: &Category, b: &Category) {
        fn stores(c: &Category) -> BTreeSet<&str> {
            c.systems.iter().map(String::as_str).chain(c.bindings.iter().map(|b| b.store.as_str())).collect()
        }
        let at = |store: &str| Subject::category(cat, CategoryItem::System { store: store.to_string() });
        let (x, y) = (stores(a), stores(b));
        for s in y.difference(&x) {
            self.push(Change::new(
                Kind::StorageChanged,
                at(s),
                Minor,
                "the data is also processed or stored in another of our systems; it adds no recipient",
            ));
        }
        for s in x.difference(&y) {
            self.push(Change::new(
                Kind::StorageChanged,
                at(s),
                Minor,
                "the data is no longer processed or stored in this system",
            ));
        }
    }

    fn shares(&mut self, cat: &str, a: &Category, b: &Category, fields: &BTreeMap<&str, &str>) {
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

    fn retention(&mut self, cat: &str, a: &model::Retention, b: &model::Retention, consent: bool) {
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
    fn extra_period(&mut self, path: Subject, what: &str, a: Option<Duration>, b: Option<Duration>, consent: bool) {
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

    fn storage_statements(&mut self) {
        let m = match_items(&self.old.storage_statements, &self.new.storage_statements, |s| &s.name, |_| None);
        let at = |name: &str, item| Subject::Storage { statement: name.to_string(), item };
        let value = |s: &model::StorageStatement| Value::Storage { stores: s.stores.clone(), backed_up: s.backed_up };
        for s in m.added {
            self.push(
                Change::new(
                    Kind::StorageChanged,
                    at(&s.name, StorageItem::Whole),
                    Minor,
                    "a new statement of where data is stored; it adds no recipient",
                )
                .values(None, Value::Stores(s.stores.clone())),
            );
        }
        for (a, b) in m.pairs {
            let (x, y): (BTreeSet<_>, BTreeSet<_>) = (a.stores.iter().collect(), b.stores.iter().collect());
            if x != y || a.backed_up != b.backed_up {
                self.push(
                    Change::new(
                        Kind::StorageChanged,
                        at(&b.name, StorageItem::Whole),
                        Minor,
                        "the data is stored or backed up in other systems of ours; it adds no recipient",
                    )
                    .values(value(a), value(b)),
                );
            }
            self.text(|| at(&b.name, StorageItem::Data), "a storage statement", &a.data, &b.data);
        }
        for s in m.removed {
            self.push(Change::new(
                Kind::StorageChanged,
                at(&s.name, StorageItem::Whole),
                Minor,
                "a storage statement was removed",
            ));
        }
    }

    fn rights(&mut self) {
        let (a, b) = (&self.old.rights, &self.new.rights);
        let at = Subject::Rights;
        if a.deletion_on_request != b.deletion_on_request {
            let c = if b.deletion_on_request {
                Change::new(Kind::RightsExtended, at(RightsItem::Deletion), Minor, "deletion on request is now offered")
            } else {
                Change::new(
                    Kind::RightsReduced,
                    at(RightsItem::Deletion),
                    Material,
                    "deletion on request is no longer offered",
                )
            };
            self.push(c);
        } else if b.deletion_on_request && a.deletion_deadline != b.deletion_deadline {
            let path = || at(RightsItem::DeletionDeadline);
            let values = (a.deletion_deadline.map(Value::Duration), b.deletion_deadline.map(Value::Duration));
            let c = match (a.deletion_deadline, b.deletion_deadline) {
                (Some(x), Some(y)) => match retention::compare_durations(x, y) {
                    Cmp::Equal => None,
                    Cmp::Longer => {
                        Some(Change::new(Kind::RightsReduced, path(), Material, "deletion on request may take longer"))
                    }
                    Cmp::Shorter => {
                        Some(Change::new(Kind::RightsExtended, path(), Minor, "deletion on request is done sooner"))
                    }
                    Cmp::Incomparable => Some(Change::new(
                        Kind::RightsReduced,
                        path(),
                        Material,
                        "the deadline for deletion on request is longer for some start dates",
                    )),
                },
                (None, Some(_)) => {
                    Some(Change::new(Kind::RightsExtended, path(), Minor, "deletion on request now has a deadline"))
                }
                _ => Some(Change::new(
                    Kind::RightsReduced,
                    path(),
                    Material,
                    "deletion on request no longer has a stated deadline",
                )),
            };
            if let Some(c) = c {
                self.push(c.values(values.0, values.1));
            }
        }
        match (&a.self_service, &b.self_service) {
            (Some(_), None) => self.push(Change::new(
                Kind::RightsReduced,
                at(RightsItem::SelfService),
                Material,
                "users can no longer delete data themselves as described",
            )),
            (None, Some(_)) => self.push(Change::new(
                Kind::RightsExtended,
                at(RightsItem::SelfService),
                Minor,
                "users can now delete data themselves",
            )),
            (Some(x), Some(y)) => self.text(|| at(RightsItem::SelfService), "what users can delete themselves", x, y),
            (None, None) => {}
        }
        if a.minimum_age != b.minimum_age {
            let lowered = match (a.minimum_age, b.minimum_age) {
                (Some(x), Some(y)) => y < x,
                (Some(_), None) => true,
                _ => false,
            };
            let c = if lowered {
                Change::new(
                    Kind::RightsReduced,
                    at(RightsItem::MinimumAge),
                    Material,
                    "younger users may now use the feature, so more children's data may be processed",
                )
            } else {
                Change::new(
                    Kind::RightsExtended,
                    at(RightsItem::MinimumAge),
                    Minor,
                    "the minimum age of users is raised",
                )
            };
            self.push(c.values(a.minimum_age.map(Value::Age), b.minimum_age.map(Value::Age)));
        }
    }

    fn sections(&mut self) {
        let keys: BTreeSet<_> = self.old.sections.keys().chain(self.new.sections.keys()).collect();
        for k in keys {
            let name = model::Section::ALL.iter().find(|(_, s)| s == k).map_or("section", |(n, _)| n);
            self.opt_text(
                || Subject::Section(*k),
                &format!("the free text of the {name} section"),
                self.old.sections.get(k),
                self.new.sections.get(k),
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
            duration_src(y.duration),
            duration_src(x.duration)
        );
    }
    "the new rule keeps some records longer and others shorter (different events or periods), so it is treated as a material change"
        .to_string()
}

// ------------------------------------------------------------------ values in source syntax

fn role_word(r: model::Role) -> &'static str {
    match r {
        model::Role::Controller => "controller",
        model::Role::Processor => "processor",
    }
}

fn precedence_word(p: model::Precedence) -> &'static str {
    match p {
        model::Precedence::Module => "module",
        model::Precedence::Parent => "parent",
    }
}

fn action_word(a: model::EndAction) -> &'static str {
    match a {
        model::EndAction::Delete => "delete",
        model::EndAction::Anonymise => "anonymise",
    }
}

fn kind_word(k: model::StoreKind) -> &'static str {
    model::StoreKind::ALL.iter().find(|(_, x)| *x == k).map_or("other", |(n, _)| n)
}

fn flag(on: bool, word: &str) -> String {
    if on { word.to_string() } else { format!("not {word}") }
}

fn controller_src(c: &model::Controller) -> String {
    match c {
        model::Controller::AsParent => "as parent".into(),
        model::Controller::Entity { name, contact } => {
            let first = name.0.values().next().map_or("", String::as_str);
            match contact {
                Some(ct) => format!("{first} <{ct}>"),
                None => first.to_string(),
            }
        }
    }
}

fn type_src(t: &model::FieldType) -> String {
    match t {
        model::FieldType::Enum(vs) => format!("enum({})", vs.join(", ")),
        other => model::FieldType::SIMPLE.iter().find(|(_, x)| x == other).map_or("string", |(n, _)| n).to_string(),
    }
}

fn bases_src(bs: &[Option<String>]) -> String {
    bs.iter().map(|b| b.as_deref().unwrap_or("(none)")).collect::<Vec<_>>().join(", ")
}

fn fields_src(fs: &[String]) -> String {
    if fs.is_empty() { "(whole category)".into() } else { fs.join(", ") }
}

fn requires_src(rs: &[Requirement]) -> String {
    if rs.is_empty() {
        return "(nothing)".into();
    }
    rs.iter()
        .map(|r| match r {
            Requirement::Consent => "consent".to_string(),
            Requirement::Condition(c) => c.clone(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A duration in source syntax: `1 day`, `7 days`.
pub fn duration_src(d: Duration) -> String {
    let unit = match d.unit {
        Unit::Hours => "hour",
        Unit::Days => "day",
        Unit::Weeks => "week",
        Unit::Months => "month",
        Unit::Years => "year",
    };
    format!("{} {unit}{}", d.amount, if d.amount == 1 { "" } else { "s" })
}

fn clock_src(c: &model::Clock) -> String {
    let mut s = String::new();
    if c.bound == model::Bound::AtMost {
        s.push_str("at most ");
    }
    s.push_str(&duration_src(c.duration));
    if let model::Anchor::Events(es) = &c.anchor {
        s.push_str(" after ");
        s.push_str(&es.join(" or "));
    }
    s
}

/// A retention rule in source syntax (`7 days`, `while s, then 2 months after e`, …).
pub fn rule_src(r: &Rule) -> String {
    match r {
        Rule::NotStored => "not stored".into(),
        Rule::Indefinite { .. } => "indefinitely".into(),
        Rule::Expires { while_state, clocks } => {
            if let [c] = clocks.as_slice() {
                if let (0, model::Anchor::Events(es)) = (c.duration.amount, &c.anchor) {
                    return format!("until {}", es.join(" or "));
                }
                return match while_state {
                    Some(s) => format!("while {s}, then {}", clock_src(c)),
                    None => clock_src(c),
                };
            }
            format!("earliest of ({})", clocks.iter().map(clock_src).collect::<Vec<_>>().join(", "))
        }
    }
}
