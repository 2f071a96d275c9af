//! What a change is: its kind, the item it concerns ([`Subject`]) and the values before and after
//! ([`Value`]), all typed. The `/`-separated path and the values in source syntax exist only for
//! output (JSON and the terminal report).

use super::Severity;
use crate::model::{self, Duration, Requirement, Rule};
use crate::syntax::print;
use serde::Serialize;
use std::fmt;

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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// What kind of change.
    pub kind: Kind,
    /// The item it concerns, named as in the new version (the old one for removals).
    pub subject: Subject,
    /// How much it matters.
    pub severity: Severity,
    /// Why it has that severity, in words.
    pub reason: String,
    /// The old value, where there is one.
    pub old: Option<Value>,
    /// The new value, where there is one.
    pub new: Option<Value>,
    /// The changed processing rests on consent in the new version, so consent may have to be
    /// asked again.
    pub consent: bool,
}

impl Change {
    pub(super) fn new(kind: Kind, subject: Subject, severity: Severity, reason: impl Into<String>) -> Self {
        Change { kind, subject, severity, reason: reason.into(), old: None, new: None, consent: false }
    }

    pub(super) fn values(mut self, old: impl Into<Option<Value>>, new: impl Into<Option<Value>>) -> Self {
        self.old = old.into();
        self.new = new.into();
        self
    }

    pub(super) fn consent(mut self, c: bool) -> Self {
        self.consent = c;
        self
    }

    /// Where, for output: `/`-separated item kinds and names, e.g. `category/log_data/retention`.
    pub fn path(&self) -> String {
        self.subject.to_string()
    }

    /// The old value in source syntax, where there is one.
    pub fn old_src(&self) -> Option<String> {
        self.old.as_ref().map(Value::src)
    }

    /// The new value in source syntax, where there is one.
    pub fn new_src(&self) -> Option<String> {
        self.new.as_ref().map(Value::src)
    }
}

/// The JSON form of a change: the path and the values as text.
#[derive(Serialize)]
struct ChangeJson<'a> {
    kind: Kind,
    path: String,
    severity: Severity,
    reason: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    old: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    new: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    consent: bool,
}

impl Serialize for Change {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        ChangeJson {
            kind: self.kind,
            path: self.path(),
            severity: self.severity,
            reason: &self.reason,
            old: self.old_src(),
            new: self.new_src(),
            consent: self.consent,
        }
        .serialize(s)
    }
}

/// The item a change concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// A statement of the policy header.
    Header(HeaderItem),
    /// A storage system (`store`).
    Store {
        /// Its name.
        store: String,
        /// Which part.
        item: StoreItem,
    },
    /// A purpose.
    Purpose {
        /// Its name.
        purpose: String,
        /// Which part.
        item: PurposeItem,
    },
    /// A recipient.
    Recipient {
        /// Its name.
        recipient: String,
        /// Which part.
        item: RecipientItem,
    },
    /// A basis declaration.
    Basis {
        /// Its name.
        basis: String,
        /// Which part.
        item: BasisItem,
    },
    /// The label of a condition.
    ConditionLabel {
        /// The condition's name.
        condition: String,
    },
    /// The label of a state.
    StateLabel {
        /// The state's name.
        state: String,
    },
    /// An event.
    Event {
        /// Its name.
        event: String,
        /// Which part.
        item: EventItem,
    },
    /// A category of personal information.
    Category {
        /// Its name.
        category: String,
        /// Which part.
        item: CategoryItem,
    },
    /// A storage statement (`storage`).
    Storage {
        /// Its name.
        statement: String,
        /// Which part.
        item: StorageItem,
    },
    /// The rights statement.
    Rights(RightsItem),
    /// A free-text section.
    Section(model::Section),
}

/// A statement of the policy header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)] // the names say it
pub enum HeaderItem {
    Title,
    Feature,
    Role,
    Controller,
    ControllerContact,
    Parent,
    ParentTitle,
    ParentUrl,
    ParentPrecedence,
    Regions,
    AvailabilityNote,
    Locales,
}

/// A part of a storage system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)] // the names say it
pub enum StoreItem {
    Whole,
    Name,
}

/// A part of a purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)] // the names say it
pub enum PurposeItem {
    Whole,
    Label,
    Description,
    Withdrawal,
}

/// A part of a recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)] // the names say it
pub enum RecipientItem {
    Whole,
    Name,
    Description,
}

/// A part of a basis declaration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)] // the names say it
pub enum BasisItem {
    Label,
    Citation,
    Withdrawal,
}

/// A part of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)] // the names say it
pub enum EventItem {
    Label,
    Subject,
}

/// A part of a category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CategoryItem {
    /// The category itself.
    Whole,
    /// Its label.
    Label,
    /// Its description.
    Description,
    /// The condition under which it is collected.
    OnlyIf,
    /// The organisation's role for it.
    Role,
    /// A field.
    Field {
        /// The field's name.
        field: String,
        /// Which part.
        item: FieldItem,
    },
    /// Its use for a purpose.
    Use {
        /// The purpose's name.
        purpose: String,
    },
    /// A system it is processed or stored in.
    System {
        /// The store's name.
        store: String,
    },
    /// Its sharing with a recipient.
    Share {
        /// The recipient's name.
        recipient: String,
        /// Which part.
        item: ShareItem,
    },
    /// Its retention.
    Retention(RetentionItem),
}

/// A part of a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)] // the names say it
pub enum FieldItem {
    Whole,
    Label,
}

/// A part of a share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)] // the names say it
pub enum ShareItem {
    Whole,
    Fields,
    Requires,
    Basis,
    Description,
}

/// A part of a retention statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)] // the names say it
pub enum RetentionItem {
    Rule,
    Justification,
    Action,
    Backups,
    Tolerance,
    Wording,
}

/// A part of a storage statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)] // the names say it
pub enum StorageItem {
    Whole,
    Data,
}

/// A part of the rights statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)] // the names say it
pub enum RightsItem {
    Deletion,
    DeletionDeadline,
    SelfService,
    MinimumAge,
}

impl Subject {
    /// A part of the category `category`.
    pub fn category(category: &str, item: CategoryItem) -> Subject {
        Subject::Category { category: category.to_string(), item }
    }
}

impl CategoryItem {
    /// A part of the field `field`.
    pub fn field(field: &str, item: FieldItem) -> CategoryItem {
        CategoryItem::Field { field: field.to_string(), item }
    }

    /// A part of the share with `recipient`.
    pub fn share(recipient: &str, item: ShareItem) -> CategoryItem {
        CategoryItem::Share { recipient: recipient.to_string(), item }
    }
}

/// The path: `/`-separated item kinds and names.
impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Header(h) => f.write_str(match h {
                HeaderItem::Title => "title",
                HeaderItem::Feature => "feature",
                HeaderItem::Role => "role",
                HeaderItem::Controller => "controller",
                HeaderItem::ControllerContact => "controller/contact",
                HeaderItem::Parent => "parent",
                HeaderItem::ParentTitle => "parent/title",
                HeaderItem::ParentUrl => "parent/url",
                HeaderItem::ParentPrecedence => "parent/precedence",
                HeaderItem::Regions => "availability/regions",
                HeaderItem::AvailabilityNote => "availability/note",
                HeaderItem::Locales => "locales",
            }),
            Subject::Store { store, item } => {
                write!(f, "store/{store}")?;
                match item {
                    StoreItem::Whole => Ok(()),
                    StoreItem::Name => f.write_str("/name"),
                }
            }
            Subject::Purpose { purpose, item } => {
                write!(f, "purpose/{purpose}")?;
                f.write_str(match item {
                    PurposeItem::Whole => "",
                    PurposeItem::Label => "/label",
                    PurposeItem::Description => "/description",
                    PurposeItem::Withdrawal => "/withdrawal",
                })
            }
            Subject::Recipient { recipient, item } => {
                write!(f, "recipient/{recipient}")?;
                f.write_str(match item {
                    RecipientItem::Whole => "",
                    RecipientItem::Name => "/name",
                    RecipientItem::Description => "/description",
                })
            }
            Subject::Basis { basis, item } => {
                write!(f, "basis/{basis}")?;
                f.write_str(match item {
                    BasisItem::Label => "/label",
                    BasisItem::Citation => "/citation",
                    BasisItem::Withdrawal => "/withdrawal",
                })
            }
            Subject::ConditionLabel { condition } => write!(f, "condition/{condition}/label"),
            Subject::StateLabel { state } => write!(f, "state/{state}/label"),
            Subject::Event { event, item } => {
                write!(f, "event/{event}")?;
                f.write_str(match item {
                    EventItem::Label => "/label",
                    EventItem::Subject => "/subject",
                })
            }
            Subject::Category { category, item } => {
                write!(f, "category/{category}")?;
                match item {
                    CategoryItem::Whole => Ok(()),
                    CategoryItem::Label => f.write_str("/label"),
                    CategoryItem::Description => f.write_str("/description"),
                    CategoryItem::OnlyIf => f.write_str("/only_if"),
                    CategoryItem::Role => f.write_str("/role"),
                    CategoryItem::Field { field, item } => {
                        write!(f, "/field/{field}")?;
                        match item {
                            FieldItem::Whole => Ok(()),
                            FieldItem::Label => f.write_str("/label"),
                        }
                    }
                    CategoryItem::Use { purpose } => write!(f, "/use/{purpose}"),
                    CategoryItem::System { store } => write!(f, "/system/{store}"),
                    CategoryItem::Share { recipient, item } => {
                        write!(f, "/share/{recipient}")?;
                        f.write_str(match item {
                            ShareItem::Whole => "",
                            ShareItem::Fields => "/fields",
                            ShareItem::Requires => "/requires",
                            ShareItem::Basis => "/basis",
                            ShareItem::Description => "/description",
                        })
                    }
                    CategoryItem::Retention(r) => f.write_str(match r {
                        RetentionItem::Rule => "/retention",
                        RetentionItem::Justification => "/retention/justification",
                        RetentionItem::Action => "/retention/action",
                        RetentionItem::Backups => "/retention/backups",
                        RetentionItem::Tolerance => "/retention/tolerance",
                        RetentionItem::Wording => "/retention/wording",
                    }),
                }
            }
            Subject::Storage { statement, item } => {
                write!(f, "storage/{statement}")?;
                match item {
                    StorageItem::Whole => Ok(()),
                    StorageItem::Data => f.write_str("/data"),
                }
            }
            Subject::Rights(r) => f.write_str(match r {
                RightsItem::Deletion => "rights/deletion",
                RightsItem::DeletionDeadline => "rights/deletion/deadline",
                RightsItem::SelfService => "rights/self_service",
                RightsItem::MinimumAge => "rights/minimum_age",
            }),
            Subject::Section(s) => {
                let name = model::Section::ALL.iter().find(|(_, x)| x == s).map_or("section", |(n, _)| n);
                write!(f, "section/{name}")
            }
        }
    }
}

/// A value before or after a change, as in the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// The organisation's role.
    Role(model::Role),
    /// Who the controller is.
    Controller(model::Controller),
    /// The controller's contact.
    Contact(String),
    /// The parent policy's address.
    Url(String),
    /// Which document prevails over the other.
    Precedence(model::Precedence),
    /// Regions the feature is offered in.
    Regions(Vec<String>),
    /// Locales the policy is published in.
    Locales(Vec<model::Locale>),
    /// The engine of a storage system.
    StoreKind(model::StoreKind),
    /// The name of a renamed item.
    Name(String),
    /// The provisions a basis cites.
    Citation(String),
    /// The type of a field.
    FieldType(model::FieldType),
    /// Whether a field is sensitive.
    Sensitive(bool),
    /// Whether a field is internal (not listed in documents).
    Internal(bool),
    /// The bases of a category's uses for one purpose (`None`: no basis stated).
    Bases(Vec<Option<String>>),
    /// A share: its fields (empty: the whole category) and requirements.
    Share {
        /// Fields shared; empty means the whole category.
        fields: Vec<String>,
        /// What must hold before sharing.
        requires: Vec<Requirement>,
    },
    /// Fields shared; empty means the whole category.
    SharedFields(Vec<String>),
    /// What must hold before sharing.
    Requires(Vec<Requirement>),
    /// The basis of a share.
    Basis(String),
    /// A retention rule.
    Rule(Rule),
    /// What happens at the end of retention.
    EndAction(model::EndAction),
    /// A period.
    Duration(Duration),
    /// Storage systems.
    Stores(Vec<String>),
    /// Where a storage statement says data is stored.
    Storage {
        /// The stores.
        stores: Vec<String>,
        /// Whether it is backed up there.
        backed_up: bool,
    },
    /// A minimum age in years.
    Age(u32),
}

impl Value {
    /// The value in source syntax (or a short description where there is none).
    pub fn src(&self) -> String {
        match self {
            Value::Role(r) => print::role(*r).to_string(),
            Value::Controller(c) => print::controller(c),
            Value::Contact(s) | Value::Url(s) | Value::Name(s) | Value::Citation(s) | Value::Basis(s) => s.clone(),
            Value::Precedence(p) => print::precedence(*p).to_string(),
            Value::Regions(v) | Value::Locales(v) | Value::Stores(v) => v.join(", "),
            Value::StoreKind(k) => print::store_kind(*k).to_string(),
            Value::FieldType(t) => print::field_type(t),
            Value::Sensitive(b) => flag(*b, "sensitive"),
            Value::Internal(b) => flag(*b, "internal"),
            Value::Bases(bs) => bases_src(bs),
            Value::Share { fields, requires } => {
                format!("fields {}; requires {}", fields_src(fields), requires_src(requires))
            }
            Value::SharedFields(fs) => fields_src(fs),
            Value::Requires(rs) => requires_src(rs),
            Value::Rule(r) => print::rule(r),
            Value::EndAction(a) => print::end_action(*a).to_string(),
            Value::Duration(d) => print::duration(*d),
            Value::Storage { stores, backed_up } => {
                format!("stored in {}{}", stores.join(", "), if *backed_up { ", backed up" } else { "" })
            }
            Value::Age(n) => n.to_string(),
        }
    }
}

// ------------------------------------------------ values without a source form of their own

fn flag(on: bool, word: &str) -> String {
    if on { word.to_string() } else { format!("not {word}") }
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
