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
//! Technical settings that do not change what the reader is told (job schedules, table, column,
//! key and topic names) are not reported.

pub mod notice;
pub mod retention;

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

/// One change between two versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// What kind of change.
    pub kind: Kind,
    /// Where: `/`-separated item kinds and names of the new version (the old one for removals),
    /// e.g. `category/log_data/retention`.
    pub path: String,
    /// How much it matters.
    pub severity: Severity,
    /// Why it has that severity, in words.
    pub reason: String,
    /// The old value, in source syntax, where there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<String>,
    /// The new value, in source syntax, where there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<String>,
    /// The changed processing rests on consent in the new version, so consent may have to be
    /// asked again.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub consent: bool,
}

impl Change {
    fn new(kind: Kind, path: impl Into<String>, severity: Severity, reason: impl Into<String>) -> Self {
        Change { kind, path: path.into(), severity, reason: reason.into(), old: None, new: None, consent: false }
    }

    fn values(mut self, old: impl Into<Option<String>>, new: impl Into<Option<String>>) -> Self {
        self.old = old.into();
        self.new = new.into();
        self
    }

    fn consent(mut self, c: bool) -> Self {
        self.consent = c;
        self
    }

    /// The path split into its segments.
    pub fn segments(&self) -> Vec<&str> {
        self.path.split('/').collect()
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
    fn text(&mut self, path: impl FnOnce() -> String, what: &str, old: &Text, new: &Text) {
        if old != new {
            self.push(Change::new(Kind::TextChanged, path(), Editorial, format!("the wording of {what} changed")));
        }
    }

    fn opt_text(&mut self, path: impl FnOnce() -> String, what: &str, old: Option<&Text>, new: Option<&Text>) {
        let empty = Text::default();
        self.text(path, what, old.unwrap_or(&empty), new.unwrap_or(&empty));
    }

    fn basis_kind(&self, p: &Policy, name: Option<&str>) -> Option<model::BasisKind> {
        name.and_then(|n| p.basis(n)).map(|b| b.kind)
    }

    fn header(&mut self) {
        let (o, n) = (self.old, self.new);
        self.text(|| "title".into(), "the title", &o.title, &n.title);
        self.text(|| "feature".into(), "the feature's name", &o.feature, &n.feature);
        if o.role != n.role {
            self.push(
                Change::new(
                    Kind::RoleChanged,
                    "role",
                    Material,
                    "the organisation's role changed, which changes who decides how the data is used",
                )
                .values(role_word(o.role).to_string(), role_word(n.role).to_string()),
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
                        "controller/contact",
                        Minor,
                        "the controller's contact changed",
                    )
                    .values(ca.clone(), cb.clone()),
                );
            }
            (a, b) if a != b => self.push(
                Change::new(
                    Kind::ControllerChanged,
                    "controller",
                    Material,
                    "a different controller is responsible for the data",
                )
                .values(controller_src(a), controller_src(b)),
            ),
            _ => {}
        }
        match (&o.parent, &n.parent) {
            (Some(a), Some(b)) => {
                self.text(|| "parent/title".into(), "the parent policy's title", &a.title, &b.title);
                if a.url != b.url {
                    self.push(
                        Change::new(Kind::TextChanged, "parent/url", Editorial, "the parent policy's address changed")
                            .values(a.url.clone(), b.url.clone()),
                    );
                }
                if a.precedence != b.precedence {
                    self.push(
                        Change::new(
                            Kind::ScopeChanged,
                            "parent/precedence",
                            Minor,
                            "a different document now prevails when the module and the parent policy conflict",
                        )
                        .values(precedence_word(a.precedence).to_string(), precedence_word(b.precedence).to_string()),
                    );
                }
            }
            (None, Some(b)) => self.push(
                Change::new(Kind::ScopeChanged, "parent", Minor, "the module is now part of a parent policy")
                    .values(None, b.url.clone()),
            ),
            (Some(a), None) => self.push(
                Change::new(Kind::ScopeChanged, "parent", Minor, "the module is no longer part of a parent policy")
                    .values(a.url.clone(), None),
            ),
            (None, None) => {}
        }
        let (ra, rb) = (&o.availability.regions, &n.availability.regions);
        if ra.iter().collect::<BTreeSet<_>>() != rb.iter().collect::<BTreeSet<_>>() {
            self.push(
                Change::new(
                    Kind::ScopeChanged,
                    "availability/regions",
                    Minor,
                    "the feature is offered in other regions",
                )
                .values(ra.join(", "), rb.join(", ")),
            );
        }
        self.opt_text(
            || "availability/note".into(),
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
                Change::new(Kind::TextChanged, "locales", severity, reason)
                    .values(o.locales.join(", "), n.locales.join(", ")),
            );
        }
    }

    fn stores(&mut self) {
        let m = match_items(&self.old.stores, &self.new.stores, |s| &s.name, |_| None);
        for s in m.added {
            self.push(
                Change::new(
                    Kind::StoreAdded,
                    format!("store/{}", s.name),
                    Minor,
                    "a new storage system of ours; it adds no recipient",
                )
                .values(None, kind_word(s.kind).to_string()),
            );
        }
        for (a, b) in m.pairs {
            if a.kind != b.kind {
                self.push(
                    Change::new(
                        Kind::StoreChanged,
                        format!("store/{}", b.name),
                        Minor,
                        "the storage system runs on a different engine; it adds no recipient",
                    )
                    .values(kind_word(a.kind).to_string(), kind_word(b.kind).to_string()),
                );
            }
            self.text(|| format!("store/{}/name", b.name), "a storage system's name", &a.display, &b.display);
        }
        for s in m.removed {
            self.push(Change::new(
                Kind::StoreRemoved,
                format!("store/{}", s.name),
                Minor,
                "a storage system is no longer used, so the data is kept in fewer places",
            ));
        }
    }

    fn purposes(&mut self) {
        let m = match_items(&self.old.purposes, &self.new.purposes, |p| &p.name, |p| p.renamed_from.as_deref());
        for p in &m.added {
            self.push(Change::new(
                Kind::PurposeAdded,
                format!("purpose/{}", p.name),
                Material,
                "personal information is used for a new purpose, which must be announced (and may need fresh consent)",
            ));
        }
        for (a, b) in m.pairs {
            self.purposes.insert(&a.name, &b.name);
            let path = format!("purpose/{}", b.name);
            if a.name != b.name {
                self.push(
                    Change::new(
                        Kind::PurposeRenamed,
                        path.clone(),
                        Editorial,
                        "the purpose is renamed (`renamed from`)",
                    )
                    .values(a.name.clone(), b.name.clone()),
                );
            }
            self.text(|| format!("{path}/label"), "a purpose's label", &a.label, &b.label);
            self.opt_text(
                || format!("{path}/description"),
                "a purpose's description",
                a.description.as_ref(),
                b.description.as_ref(),
            );
            self.opt_text(
                || format!("{path}/withdrawal"),
                "how consent for a purpose is withdrawn",
                a.withdrawal.as_ref(),
                b.withdrawal.as_ref(),
            );
        }
        for p in m.removed {
            self.push(Change::new(
                Kind::PurposeRemoved,
                format!("purpose/{}", p.name),
                Minor,
                "personal information is no longer used for this purpose; nothing new is processed",
            ));
        }
    }

    fn recipients(&mut self) {
        let m = match_items(&self.old.recipients, &self.new.recipients, |r| &r.name, |r| r.renamed_from.as_deref());
        for r in &m.added {
            let consent =
                self.new.categories.iter().any(|c| {
                    c.shares.iter().any(|s| s.recipient == r.name && s.requires.contains(&Requirement::Consent))
                });
            self.push(
                Change::new(
                    Kind::RecipientAdded,
                    format!("recipient/{}", r.name),
                    Material,
                    "personal information is shared with a new recipient, which must be announced",
                )
                .consent(consent),
            );
        }
        for (a, b) in m.pairs {
            self.recipients.insert(&a.name, &b.name);
            let path = format!("recipient/{}", b.name);
            if a.name != b.name {
                self.push(
                    Change::new(
                        Kind::RecipientRenamed,
                        path.clone(),
                        Editorial,
                        "the recipient is renamed (`renamed from`)",
                    )
                    .values(a.name.clone(), b.name.clone()),
                );
            }
            self.text(|| format!("{path}/name"), "a recipient's name", &a.display, &b.display);
            self.opt_text(
                || format!("{path}/description"),
                "a recipient's description",
                a.description.as_ref(),
                b.description.as_ref(),
            );
        }
        for r in m.removed {
            self.push(Change::new(
                Kind::RecipientRemoved,
                format!("recipient/{}", r.name),
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
                let path = format!("basis/{}", b.name);
                self.text(|| format!("{path}/label"), "how a legal basis is stated", &a.label, &b.label);
                if a.citation != b.citation {
                    self.push(
                        Change::new(
                            Kind::TextChanged,
                            format!("{path}/citation"),
                            Editorial,
                            "a legal basis cites other provisions",
                        )
                        .values(a.citation.clone(), b.citation.clone()),
                    );
                }
                self.opt_text(
                    || format!("{path}/withdrawal"),
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
                    format!("condition/{}/label", c.name),
                    Minor,
                    "a condition of sharing is reworded; its wording is what the condition means, so review whether it now covers more cases",
                ));
            }
        }
        for s in &n.states {
            if let Some(a) = o.state(&s.name) {
                self.text(|| format!("state/{}/label", s.name), "a state", &a.label, &s.label);
            }
        }
        for e in &n.events {
            if let Some(a) = o.event(&e.name) {
                if a.label != e.label {
                    self.push(Change::new(
                        Kind::TextChanged,
                        format!("event/{}/label", e.name),
                        Minor,
                        "an event that starts a retention period is reworded; review whether it now happens later",
                    ));
                }
                if a.subject != e.subject {
                    self.push(Change::new(
                        Kind::ScopeChanged,
                        format!("event/{}/subject", e.name),
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
                    format!("category/{}", c.name),
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
                format!("category/{}", c.name),
                Minor,
                "this category of personal information is no longer collected",
            ));
        }
    }

    fn category(&mut self, a: &'a Category, b: &'a Category) {
        if self.stable_refs && a == b {
            return; // same text, and every name it references means the same in both versions
        }
        let path = format!("category/{}", b.name);
        let consent = rests_on_consent(self.new, b);
        if a.name != b.name {
            self.push(
                Change::new(Kind::CategoryRenamed, path.clone(), Editorial, "the category is renamed (`renamed from`)")
                    .values(a.name.clone(), b.name.clone()),
            );
        }
        self.text(|| format!("{path}/label"), "a category's label", &a.label, &b.label);
        self.opt_text(
            || format!("{path}/description"),
            "a category's description",
            a.description.as_ref(),
            b.description.as_ref(),
        );
        match (&a.only_if, &b.only_if) {
            (Some(_), None) => self.push(
                Change::new(
                    Kind::ScopeChanged,
                    format!("{path}/only_if"),
                    Material,
                    "the category was collected only under a condition and is now collected in every case",
                )
                .consent(consent),
            ),
            (None, Some(_)) => self.push(Change::new(
                Kind::ScopeChanged,
                format!("{path}/only_if"),
                Minor,
                "the category is now collected only under a condition",
            )),
            (Some(x), Some(y)) if x != y => self.push(Change::new(
                Kind::ScopeChanged,
                format!("{path}/only_if"),
                Minor,
                "the condition under which the category is collected is reworded; review whether it now covers more cases",
            )),
            _ => {}
        }
        if a.role != b.role {
            self.push(
                Change::new(
                    Kind::RoleChanged,
                    format!("{path}/role"),
                    Material,
                    "the organisation's role for this category changed, which changes who decides how it is used",
                )
                .values(role_word(a.role).to_string(), role_word(b.role).to_string()),
            );
        }
        let fields = self.fields(&path, a, b, consent);
        self.uses(&path, a, b, consent);
        self.systems(&path, a, b);
        self.shares(&path, a, b, &fields);
        self.retention(&path, &a.retention, &b.retention, consent);
    }

    /// Returns old field name → new field name.
    fn fields(&mut self, path: &str, a: &'a Category, b: &'a Category, consent: bool) -> BTreeMap<&'a str, &'a str> {
        let m = match_items(&a.fields, &b.fields, |f| &f.name, |f| f.renamed_from.as_deref());
        let mut map = BTreeMap::new();
        for f in &m.added {
            let p = format!("{path}/field/{}", f.name);
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
            self.push(c.values(None, type_src(&f.ty)));
        }
        for (x, y) in m.pairs {
            map.insert(x.name.as_str(), y.name.as_str());
            if x == y {
                continue;
            }
            let p = format!("{path}/field/{}", y.name);
            if x.name != y.name {
                self.push(
                    Change::new(Kind::FieldRenamed, p.clone(), Editorial, "the field is renamed (`renamed from`)")
                        .values(x.name.clone(), y.name.clone()),
                );
            }
            if x.ty != y.ty {
                self.push(
                    Change::new(
                        Kind::FieldTypeChanged,
                        p.clone(),
                        Minor,
                        "the field holds the same information in another form",
                    )
                    .values(type_src(&x.ty), type_src(&y.ty)),
                );
            }
            if x.sensitive != y.sensitive {
                let reason = if y.sensitive {
                    "the field is now treated as sensitive personal information, which needs separate consent or another special ground"
                } else {
                    "the field is no longer treated as sensitive personal information, so it loses the extra protection"
                };
                self.push(
                    Change::new(Kind::FieldSensitivityChanged, p.clone(), Material, reason)
                        .values(flag(x.sensitive, "sensitive"), flag(y.sensitive, "sensitive"))
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
                    Change::new(Kind::FieldVisibilityChanged, p.clone(), severity, reason)
                        .values(flag(x.internal, "internal"), flag(y.internal, "internal")),
                );
            }
            self.text(|| format!("{p}/label"), "a field's label", &x.label, &y.label);
        }
        for f in m.removed {
            self.push(Change::new(
                Kind::FieldRemoved,
                format!("{path}/field/{}", f.name),
                Minor,
                "less personal information is collected in this category",
            ));
        }
        map
    }

    fn uses(&mut self, path: &str, a: &Category, b: &Category, consent: bool) {
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
        for (purpose, bases) in &new {
            let p = format!("{path}/use/{purpose}");
            let Some(old_bases) = old.remove(purpose) else {
                let consent = bases.iter().any(|b| self.basis_kind(self.new, *b) == Some(model::BasisKind::Consent));
                self.push(
                    Change::new(
                        Kind::UseAdded,
                        p,
                        Material,
                        "the category is used for a purpose it was not used for before",
                    )
                    .values(None, bases_src(bases))
                    .consent(consent),
                );
                continue;
            };
            let kinds = |pol: &Policy, bs: &[Option<&str>]| -> BTreeSet<Option<model::BasisKind>> {
                bs.iter().map(|b| self.basis_kind(pol, *b)).collect()
            };
            if kinds(self.old, &old_bases) != kinds(self.new, bases) {
                self.push(
                    Change::new(
                        Kind::BasisChanged,
                        p,
                        Material,
                        "the legal basis for this use changed, which changes the data subject's rights over it",
                    )
                    .values(bases_src(&old_bases), bases_src(bases))
                    .consent(consent),
                );
            } else if old_bases.iter().collect::<BTreeSet<_>>() != bases.iter().collect::<BTreeSet<_>>() {
                self.push(
                    Change::new(
                        Kind::TextChanged,
                        p,
                        Editorial,
                        "the use rests on the same legal ground, stated by another basis declaration",
                    )
                    .values(bases_src(&old_bases), bases_src(bases)),
                );
            }
        }
        for (purpose, bases) in old {
            self.push(
                Change::new(
                    Kind::UseRemoved,
                    format!("{path}/use/{purpose}"),
                    Minor,
                    "the category is no longer used for this purpose",
                )
                .values(bases_src(&bases), None),
            );
        }
    }

    fn systems(&mut self, path: &str, a: &Category, b: &Category) {
        fn stores(c: &Category) -> BTreeSet<&str> {
            c.systems.iter().map(String::as_str).chain(c.bindings.iter().map(|b| b.store.as_str())).collect()
        }
        let (x, y) = (stores(a), stores(b));
        for s in y.difference(&x) {
            self.push(Change::new(
                Kind::StorageChanged,
                format!("{path}/system/{s}"),
                Minor,
                "the data is also processed or stored in another of our systems; it adds no recipient",
            ));
        }
        for s in x.difference(&y) {
            self.push(Change::new(
                Kind::StorageChanged,
                format!("{path}/system/{s}"),
                Minor,
                "the data is no longer processed or stored in this system",
            ));
        }
    }

    fn shares(&mut self, path: &str, a: &Category, b: &Category, fields: &BTreeMap<&str, &str>) {
        let mut old: Vec<Option<&model::Share>> = a.shares.iter().map(Some).collect();
        for s in &b.shares {
            let p = format!("{path}/share/{}", s.recipient);
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
                        p,
                        Material,
                        "the category is shared with a recipient it was not shared with before",
                    )
                    .values(None, share_src(&s.fields, &s.requires))
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
            let fv = (Some(fields_src(&o.fields)), Some(fields_src(&s.fields)));
            if wider {
                self.push(
                    Change::new(
                        Kind::SharedFieldsAdded,
                        format!("{p}/fields"),
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
                        format!("{p}/fields"),
                        Minor,
                        "less data is shared with this recipient",
                    )
                    .values(fv.0, fv.1),
                );
            }
            let or: BTreeSet<&Requirement> = o.requires.iter().collect();
            let nr: BTreeSet<&Requirement> = s.requires.iter().collect();
            let rv = (requires_src(&o.requires), requires_src(&s.requires));
            if !or.is_subset(&nr) {
                self.push(
                    Change::new(
                        Kind::SharingLoosened,
                        format!("{p}/requires"),
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
                        format!("{p}/requires"),
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
                    Change::new(Kind::BasisChanged, format!("{p}/basis"), severity, reason)
                        .values(o.basis.clone(), s.basis.clone())
                        .consent(consent),
                );
            }
            self.opt_text(
                || format!("{p}/description"),
                "a sharing description",
                o.description.as_ref(),
                s.description.as_ref(),
            );
        }
        for o in old.into_iter().flatten() {
            self.push(Change::new(
                Kind::ShareRemoved,
                format!("{path}/share/{}", o.recipient),
                Minor,
                "the category is no longer shared with this recipient",
            ));
        }
    }

    fn retention(&mut self, path: &str, a: &model::Retention, b: &model::Retention, consent: bool) {
        let p = format!("{path}/retention");
        let values = (Some(rule_src(&a.rule)), Some(rule_src(&b.rule)));
        let cmp = retention::compare_rules(&a.rule, &b.rule);
        let stored = |r: &Rule| !matches!(r, Rule::NotStored);
        let change = match cmp {
            Cmp::Longer => Some(Change::new(
                Kind::RetentionLonger,
                p.clone(),
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
                p.clone(),
                Minor,
                if !stored(&b.rule) {
                    "the data is no longer stored"
                } else {
                    "the data is deleted sooner, in no case later than before"
                },
            )),
            Cmp::Incomparable => {
                Some(Change::new(Kind::RetentionChanged, p.clone(), Material, incomparable_reason(&a.rule, &b.rule)))
            }
            Cmp::Equal => {
                if retention::bounds(&a.rule) != retention::bounds(&b.rule) {
                    Some(Change::new(
                        Kind::RetentionBoundChanged,
                        p.clone(),
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
                        self.text(|| format!("{p}/justification"), "why data is kept indefinitely", x, y);
                    }
                    let while_state = |r: &Rule| match r {
                        Rule::Expires { while_state, .. } => while_state.clone(),
                        _ => None,
                    };
                    if while_state(&a.rule) != while_state(&b.rule) {
                        Some(Change::new(
                            Kind::TextChanged,
                            p.clone(),
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
                    format!("{p}/action"),
                    Minor,
                    "what happens at the end of retention changed (deleted or anonymised); either way the data no longer identifies anyone",
                )
                .values(action_word(a.action).to_string(), action_word(b.action).to_string()),
            );
        }
        self.extra_period(format!("{p}/backups"), "backups", a.backups, b.backups, consent);
        self.extra_period(format!("{p}/tolerance"), "the enforcement tolerance", a.tolerance, b.tolerance, consent);
        if a.wording != b.wording {
            self.push(Change::new(
                Kind::TextChanged,
                format!("{p}/wording"),
                Editorial,
                "the author's wording of the retention rule changed",
            ));
        }
    }

    /// Backups and tolerance: time added after the rule ends (absent means none stated).
    fn extra_period(&mut self, path: String, what: &str, a: Option<Duration>, b: Option<Duration>, consent: bool) {
        let zero = Duration { amount: 0, unit: Unit::Days };
        let cmp = retention::compare_durations(a.unwrap_or(zero), b.unwrap_or(zero));
        let values = (a.map(duration_src), b.map(duration_src));
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
        for s in m.added {
            self.push(
                Change::new(
                    Kind::StorageChanged,
                    format!("storage/{}", s.name),
                    Minor,
                    "a new statement of where data is stored; it adds no recipient",
                )
                .values(None, s.stores.join(", ")),
            );
        }
        for (a, b) in m.pairs {
            let path = format!("storage/{}", b.name);
            let (x, y): (BTreeSet<_>, BTreeSet<_>) = (a.stores.iter().collect(), b.stores.iter().collect());
            if x != y || a.backed_up != b.backed_up {
                self.push(
                    Change::new(
                        Kind::StorageChanged,
                        path.clone(),
                        Minor,
                        "the data is stored or backed up in other systems of ours; it adds no recipient",
                    )
                    .values(storage_src(a), storage_src(b)),
                );
            }
            self.text(|| format!("{path}/data"), "a storage statement", &a.data, &b.data);
        }
        for s in m.removed {
            self.push(Change::new(
                Kind::StorageChanged,
                format!("storage/{}", s.name),
                Minor,
                "a storage statement was removed",
            ));
        }
    }

    fn rights(&mut self) {
        let (a, b) = (&self.old.rights, &self.new.rights);
        if a.deletion_on_request != b.deletion_on_request {
            let c = if b.deletion_on_request {
                Change::new(Kind::RightsExtended, "rights/deletion", Minor, "deletion on request is now offered")
            } else {
                Change::new(
                    Kind::RightsReduced,
                    "rights/deletion",
                    Material,
                    "deletion on request is no longer offered",
                )
            };
            self.push(c);
        } else if b.deletion_on_request && a.deletion_deadline != b.deletion_deadline {
            let path = "rights/deletion/deadline";
            let values = (a.deletion_deadline.map(duration_src), b.deletion_deadline.map(duration_src));
            let c = match (a.deletion_deadline, b.deletion_deadline) {
                (Some(x), Some(y)) => match retention::compare_durations(x, y) {
                    Cmp::Equal => None,
                    Cmp::Longer => {
                        Some(Change::new(Kind::RightsReduced, path, Material, "deletion on request may take longer"))
                    }
                    Cmp::Shorter => {
                        Some(Change::new(Kind::RightsExtended, path, Minor, "deletion on request is done sooner"))
                    }
                    Cmp::Incomparable => Some(Change::new(
                        Kind::RightsReduced,
                        path,
                        Material,
                        "the deadline for deletion on request is longer for some start dates",
                    )),
                },
                (None, Some(_)) => {
                    Some(Change::new(Kind::RightsExtended, path, Minor, "deletion on request now has a deadline"))
                }
                _ => Some(Change::new(
                    Kind::RightsReduced,
                    path,
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
                "rights/self_service",
                Material,
                "users can no longer delete data themselves as described",
            )),
            (None, Some(_)) => self.push(Change::new(
                Kind::RightsExtended,
                "rights/self_service",
                Minor,
                "users can now delete data themselves",
            )),
            (Some(x), Some(y)) => self.text(|| "rights/self_service".into(), "what users can delete themselves", x, y),
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
                    "rights/minimum_age",
                    Material,
                    "younger users may now use the feature, so more children's data may be processed",
                )
            } else {
                Change::new(Kind::RightsExtended, "rights/minimum_age", Minor, "the minimum age of users is raised")
            };
            self.push(c.values(a.minimum_age.map(|n| n.to_string()), b.minimum_age.map(|n| n.to_string())));
        }
    }

    fn sections(&mut self) {
        let keys: BTreeSet<_> = self.old.sections.keys().chain(self.new.sections.keys()).collect();
        for k in keys {
            let name = model::Section::ALL.iter().find(|(_, s)| s == k).map_or("section", |(n, _)| n);
            self.opt_text(
                || format!("section/{name}"),
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

fn bases_src(bs: &[Option<&str>]) -> String {
    bs.iter().map(|b| b.unwrap_or("(none)")).collect::<Vec<_>>().join(", ")
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

fn share_src(fs: &[String], rs: &[Requirement]) -> String {
    format!("fields {}; requires {}", fields_src(fs), requires_src(rs))
}

fn storage_src(s: &model::StorageStatement) -> String {
    format!("stored in {}{}", s.stores.join(", "), if s.backed_up { ", backed up" } else { "" })
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
