//! The resolved, validated policy: what every backend reads.
//!
//! Invariants the checker guarantees (backends rely on them and never re-check):
//! - every name reference (purpose, basis, store, recipient, condition, state, event, field)
//!   resolves to an item of this model;
//! - every [`Text`] has a value for every locale in [`Policy::locales`];
//! - names are valid identifiers (`[a-z_][a-z0-9_]*`, at most 63 bytes) and distinct after
//!   mapping to Rust's CamelCase / snake_case;
//! - SQL binding identifiers (tables, columns) are plain identifiers, safe to quote;
//! - items keep the author's order, so output follows the source.
//!
//! Serialised as `policy.json` (see `docs/policy-json.md`); [`FORMAT_VERSION`] changes whenever
//! a field is removed or changes meaning.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Version of the `policy.json` format.
pub const FORMAT_VERSION: u32 = 1;

/// A locale tag as declared in the policy header, e.g. `zh` or `en`.
pub type Locale = String;

/// Localised text: one value per declared locale.
// (Not in the doc comment, which the JSON Schema quotes.) A map kept as one sorted vector: a
// policy holds a text per field, and a `BTreeMap` node costs about 540 bytes for the two or
// three locales a text has (a quarter of a large policy's peak). Serialised like a `BTreeMap`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct Text(#[cfg_attr(feature = "schema", schemars(with = "BTreeMap<Locale, String>"))] pub TextMap);

/// The map inside a [`Text`]: locale → text, sorted by locale.
pub type TextMap = litemap::LiteMap<Locale, String>;

impl Text {
    /// The text in `locale` (empty if absent, which the checker rules out).
    pub fn get(&self, locale: &str) -> &str {
        self.0.get(locale).map_or("", String::as_str)
    }
}

/// A compiled policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Policy {
    /// [`FORMAT_VERSION`].
    pub format_version: u32,
    /// File name of the root source (no directories, so output does not depend on the machine).
    pub source: String,
    /// File names of imported sources, in load order.
    pub imports: Vec<String>,
    /// The policy id.
    pub id: String,
    /// The policy's version string.
    pub version: String,
    /// Effective date, `YYYY-MM-DD`.
    pub effective: String,
    /// Declared locales, in declared order.
    pub locales: Vec<Locale>,
    /// The default locale (one of `locales`).
    pub default_locale: Locale,
    /// The organisation's role for this module.
    pub role: Role,
    /// Title of the module.
    pub title: Text,
    /// The feature the module covers.
    pub feature: Text,
    /// The parent policy this module is part of.
    pub parent: Option<Parent>,
    /// Who controls the data.
    pub controller: Controller,
    /// Where the feature is offered.
    pub availability: Availability,
    /// Default cron schedule for retention jobs (`0 3 * * *` unless declared).
    pub schedule: String,
    /// Storage systems.
    pub stores: Vec<Store>,
    /// Purposes of processing.
    pub purposes: Vec<Purpose>,
    /// Legal bases referenced by the policy (built-in ones only if used).
    pub bases: Vec<Basis>,
    /// Recipients data is shared with.
    pub recipients: Vec<Recipient>,
    /// Conditions for sharing (besides consent).
    pub conditions: Vec<Named>,
    /// States a retention rule can depend on ("while you use the Feature").
    pub states: Vec<Named>,
    /// Lifecycle events that start retention clocks.
    pub events: Vec<Event>,
    /// Data categories.
    pub categories: Vec<Category>,
    /// Purpose/basis statements declared once for several categories.
    pub use_statements: Vec<UseStatement>,
    /// Storage statements not tied to a category ("APPID and UIN are stored in MySQL").
    pub storage_statements: Vec<StorageStatement>,
    /// Data-subject clauses.
    pub rights: Rights,
    /// Free Markdown text per document section.
    pub sections: BTreeMap<Section, Text>,
    /// `acknowledges "1.0.0"`: material changes since that version are announced, so the
    /// `diff --fail-on` gate lets them pass.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acknowledges: Option<String>,
}

/// Role of the organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Decides purposes and means; needs a legal basis for each use.
    Controller,
    /// Acts on the customer's instructions; no legal basis of its own.
    Processor,
}

/// The parent policy a module is incorporated into.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Parent {
    /// Its title.
    pub title: Text,
    /// Its URL (http or https).
    pub url: String,
    /// Which prevails on conflict.
    pub precedence: Precedence,
}

/// Which document prevails on conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Precedence {
    /// This module prevails.
    Module,
    /// The parent policy prevails.
    Parent,
}

/// Who the controller is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Controller {
    /// As specified in the parent policy.
    AsParent,
    /// A named entity.
    Entity {
        /// Its name.
        name: Text,
        /// How to reach it.
        contact: Option<String>,
    },
}

/// Where the feature is offered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Availability {
    /// Region names (e.g. `worldwide`).
    pub regions: Vec<String>,
    /// Free text.
    pub note: Option<Text>,
}

/// A storage system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Store {
    /// Identifier.
    pub name: String,
    /// Engine.
    pub kind: StoreKind,
    /// Display name.
    pub display: Text,
    /// Cron schedule for this store's jobs, overriding the policy's.
    pub schedule: Option<String>,
}

/// Storage engines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum StoreKind {
    /// PostgreSQL.
    Postgres,
    /// MySQL or MariaDB.
    Mysql,
    /// SQLite.
    Sqlite,
    /// MongoDB.
    Mongodb,
    /// Redis.
    Redis,
    /// Kafka.
    Kafka,
    /// S3-compatible object storage (S3, COS).
    ObjectStorage,
    /// A load balancer (processes, does not store).
    LoadBalancer,
    /// Anything else.
    Other,
}

impl StoreKind {
    /// All kinds with their source keyword.
    pub const ALL: &'static [(&'static str, StoreKind)] = &[
        ("postgres", StoreKind::Postgres),
        ("mysql", StoreKind::Mysql),
        ("sqlite", StoreKind::Sqlite),
        ("mongodb", StoreKind::Mongodb),
        ("redis", StoreKind::Redis),
        ("kafka", StoreKind::Kafka),
        ("object_storage", StoreKind::ObjectStorage),
        ("load_balancer", StoreKind::LoadBalancer),
        ("other", StoreKind::Other),
    ];

    /// True for the engines the SQL backend serves.
    pub fn is_sql(self) -> bool {
        matches!(self, StoreKind::Postgres | StoreKind::Mysql | StoreKind::Sqlite)
    }
}

/// A purpose of processing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Purpose {
    /// Identifier.
    pub name: String,
    /// Short label.
    pub label: Text,
    /// Longer description.
    pub description: Option<Text>,
    /// How consent is withdrawn (required when any use of it rests on consent).
    pub withdrawal: Option<Text>,
    /// Former name, for version diffs.
    pub renamed_from: Option<String>,
    /// Terms of exchange taxonomies this item maps to (`maps to fides "…"`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mappings: Vec<Mapping>,
}

/// A term of an exchange taxonomy that a policy item maps to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Mapping {
    /// The taxonomy.
    pub scheme: Taxonomy,
    /// The term: a Fides key (`user.contact.email`) or a DPV concept (`dpv:ServiceProvision`).
    pub term: String,
}

/// Exchange taxonomies a policy can map its items to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Taxonomy {
    /// The Fides taxonomy (fideslang): data categories, data uses.
    Fides,
    /// The W3C Data Privacy Vocabulary.
    Dpv,
}

impl Taxonomy {
    /// All taxonomies with their source keyword.
    pub const ALL: &'static [(&'static str, Taxonomy)] = &[("fides", Taxonomy::Fides), ("dpv", Taxonomy::Dpv)];
}

/// A legal basis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Basis {
    /// Identifier.
    pub name: String,
    /// The ground it rests on.
    pub kind: BasisKind,
    /// How it is stated to the reader.
    pub label: Text,
    /// Legal citation.
    pub citation: String,
    /// True for the built-in GDPR / PIPL grounds.
    pub builtin: bool,
    /// How consent is withdrawn (consent bases).
    pub withdrawal: Option<Text>,
    /// Terms of exchange taxonomies this item maps to (`maps to fides "…"`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mappings: Vec<Mapping>,
}

/// The ground a legal basis rests on (GDPR Art. 6(1) and PIPL Art. 13 grounds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum BasisKind {
    /// Consent.
    Consent,
    /// Necessary for a contract with the data subject.
    Contract,
    /// Necessary for a legal obligation.
    LegalObligation,
    /// Vital interests / public-health emergencies.
    VitalInterests,
    /// A task in the public interest.
    PublicTask,
    /// Legitimate interests.
    LegitimateInterests,
    /// News reporting and supervision in the public interest (PIPL 13(5)).
    PublicInterestReporting,
    /// Information already lawfully made public (PIPL 13(6)).
    PublicInformation,
    /// Other grounds set by law (PIPL 13(7)).
    OtherLegal,
}

impl BasisKind {
    /// All kinds with their source keyword.
    pub const ALL: &'static [(&'static str, BasisKind)] = &[
        ("consent", BasisKind::Consent),
        ("contract", BasisKind::Contract),
        ("legal_obligation", BasisKind::LegalObligation),
        ("vital_interests", BasisKind::VitalInterests),
        ("public_task", BasisKind::PublicTask),
        ("legitimate_interests", BasisKind::LegitimateInterests),
        ("public_interest_reporting", BasisKind::PublicInterestReporting),
        ("public_information", BasisKind::PublicInformation),
        ("other_legal", BasisKind::OtherLegal),
    ];
}

/// A recipient of shared data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Recipient {
    /// Identifier.
    pub name: String,
    /// Display name.
    pub display: Text,
    /// Description.
    pub description: Option<Text>,
    /// Former name, for version diffs.
    pub renamed_from: Option<String>,
}

/// A named, labelled item (conditions, states).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Named {
    /// Identifier.
    pub name: String,
    /// Label.
    pub label: Text,
}

/// A lifecycle event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Event {
    /// Identifier.
    pub name: String,
    /// Label, phrased as a clause ("you stop using the Feature").
    pub label: Text,
    /// What the event happens to.
    pub subject: EventSubject,
}

/// What a lifecycle event happens to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "kind", content = "name")]
pub enum EventSubject {
    /// The customer's account or subscription.
    Account,
    /// A sub-resource such as an instance or a cluster.
    Resource(String),
}

/// A data category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Category {
    /// Identifier.
    pub name: String,
    /// Label.
    pub label: Text,
    /// Description.
    pub description: Option<Text>,
    /// Former name, for version diffs.
    pub renamed_from: Option<String>,
    /// The category applies only under this condition.
    pub only_if: Option<Text>,
    /// The organisation's role for this category.
    pub role: Role,
    /// Fields.
    pub fields: Vec<Field>,
    /// Purposes with their bases, own uses first, then shared statements.
    pub uses: Vec<Use>,
    /// Systems the data is integrated with.
    pub systems: Vec<String>,
    /// Sharing.
    pub shares: Vec<Share>,
    /// Where the data is stored; empty for transit-only data.
    pub bindings: Vec<Binding>,
    /// How long it is kept.
    pub retention: Retention,
    /// Terms of exchange taxonomies this item maps to (`maps to fides "…"`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mappings: Vec<Mapping>,
}

impl Category {
    /// The field with this name.
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }
}

/// A field of a category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Field {
    /// Identifier.
    pub name: String,
    /// Type.
    #[serde(rename = "type")]
    pub ty: FieldType,
    /// Label.
    pub label: Text,
    /// A special category of personal information.
    pub sensitive: bool,
    /// Technical field not listed in documents.
    pub internal: bool,
    /// Former name, for version diffs.
    pub renamed_from: Option<String>,
    /// Terms of exchange taxonomies this item maps to (`maps to fides "…"`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mappings: Vec<Mapping>,
}

/// Field types.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "kind", content = "variants")]
pub enum FieldType {
    /// Text.
    String,
    /// An IPv4 or IPv6 address.
    Ip,
    /// An instant (UTC).
    Timestamp,
    /// A date without time.
    Date,
    /// True or false.
    Bool,
    /// A whole number.
    Integer,
    /// A decimal number.
    Decimal,
    /// A URL.
    Url,
    /// An e-mail address.
    Email,
    /// A secret value (keys, passwords), never printed.
    Secret,
    /// One of the listed variants.
    Enum(Vec<String>),
}

impl FieldType {
    /// Type keywords without payload.
    pub const SIMPLE: &'static [(&'static str, FieldType)] = &[
        ("string", FieldType::String),
        ("ip", FieldType::Ip),
        ("timestamp", FieldType::Timestamp),
        ("date", FieldType::Date),
        ("bool", FieldType::Bool),
        ("integer", FieldType::Integer),
        ("decimal", FieldType::Decimal),
        ("url", FieldType::Url),
        ("email", FieldType::Email),
        ("secret", FieldType::Secret),
    ];
}

/// A purpose a category is used for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Use {
    /// The purpose.
    pub purpose: String,
    /// The legal basis (`None` for a processor).
    pub basis: Option<String>,
    /// Index into [`Policy::use_statements`] when declared there.
    pub statement: Option<usize>,
}

/// Sharing with a recipient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Share {
    /// The recipient.
    pub recipient: String,
    /// Fields shared; empty means the whole category.
    pub fields: Vec<String>,
    /// All of these must hold before data is shared.
    pub requires: Vec<Requirement>,
    /// Legal basis of the sharing, if stated.
    pub basis: Option<String>,
    /// Description.
    pub description: Option<Text>,
}

/// A condition of sharing.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "kind", content = "name")]
pub enum Requirement {
    /// The data subject (customer) consents.
    Consent,
    /// A declared condition holds.
    Condition(String),
}

/// Where a category is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Binding {
    /// The store.
    pub store: String,
    /// The place in the store.
    pub location: Location,
    /// Column / field holding the collection instant (required for SQL and MongoDB).
    pub collected_at: Option<String>,
    /// Column / field holding each lifecycle event's instant, by event.
    pub events: BTreeMap<String, String>,
    /// Primary-key column, if declared.
    pub key: Option<String>,
}

/// A place inside a store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Location {
    /// A SQL table.
    Table {
        /// Schema, if qualified.
        schema: Option<String>,
        /// Table name.
        name: String,
    },
    /// A MongoDB collection.
    Collection {
        /// Collection name.
        name: String,
    },
    /// Redis keys matching a glob pattern.
    Keys {
        /// The pattern, e.g. `im:log:*`.
        pattern: String,
    },
    /// A Kafka topic.
    Topic {
        /// Topic name.
        name: String,
    },
    /// Objects in a bucket, optionally under a prefix.
    Bucket {
        /// Bucket name.
        name: String,
        /// Key prefix.
        prefix: Option<String>,
    },
}

/// A retention statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Retention {
    /// The rule.
    pub rule: Rule,
    /// What happens at the end.
    pub action: EndAction,
    /// Backups are deleted this long after the primary copy.
    pub backups: Option<Duration>,
    /// A store may enforce the rule up to this much later (rounding to its granularity).
    pub tolerance: Option<Duration>,
    /// Author's wording per locale, replacing the generated sentence (may cover only some
    /// locales).
    pub wording: BTreeMap<Locale, String>,
}

/// A retention rule.
///
/// Semantics (one definition, shared by every backend, see [`crate::semantics`]): a record
/// governed by [`Rule::Expires`] must be gone at the earliest instant any of its clocks ends;
/// a clock anchored on events starts at the earliest of those events that has happened, and
/// does not run while none has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Rule {
    /// Processed in transit only, never stored.
    NotStored,
    /// Kept without limit, for the stated reason.
    Indefinite {
        /// Why.
        justification: Text,
    },
    /// Kept until the earliest clock ends.
    Expires {
        /// "while you use the Feature": the state the record is kept in (wording only; the
        /// clocks carry the semantics).
        while_state: Option<String>,
        /// At least one clock.
        clocks: Vec<Clock>,
    },
}

/// One clock of a retention rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Clock {
    /// Exact period or an upper bound.
    pub bound: Bound,
    /// How long.
    pub duration: Duration,
    /// From when.
    pub anchor: Anchor,
}

/// Exact period or upper bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    /// "stored for 7 days".
    Exact,
    /// "stored for at most 7 days".
    AtMost,
}

/// What starts a clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "kind", content = "events")]
pub enum Anchor {
    /// The collection instant.
    Collection,
    /// The earliest of these events (alternatives: "after the account expires or the feature
    /// stops").
    Events(Vec<String>),
}

/// What happens at the end of retention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum EndAction {
    /// The record is deleted.
    Delete,
    /// The record is anonymised.
    Anonymise,
}

/// A duration in one calendar unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Duration {
    /// How many units.
    pub amount: u32,
    /// Which unit.
    pub unit: Unit,
}

/// Calendar units. Months and years are calendar units (see [`crate::semantics`]); the others
/// are fixed lengths of time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// 3,600 seconds.
    Hours,
    /// 86,400 seconds (UTC has no DST).
    Days,
    /// 7 days.
    Weeks,
    /// Calendar months.
    Months,
    /// 12 calendar months.
    Years,
}

impl Duration {
    /// The duration as (calendar months, seconds); two durations mean the same iff these are
    /// equal ("7 days" == "1 week", "12 months" == "1 year").
    pub fn normalized(self) -> (u64, u64) {
        let n = u64::from(self.amount);
        match self.unit {
            Unit::Hours => (0, n * 3_600),
            Unit::Days => (0, n * 86_400),
            Unit::Weeks => (0, n * 7 * 86_400),
            Unit::Months => (n, 0),
            Unit::Years => (n * 12, 0),
        }
    }
}

/// Purpose/basis declared once for several categories.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UseStatement {
    /// The purpose.
    pub purpose: String,
    /// The basis.
    pub basis: Option<String>,
    /// The categories it covers.
    pub categories: Vec<String>,
}

/// A storage statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StorageStatement {
    /// Identifier.
    pub name: String,
    /// What is stored ("your APPID and UIN").
    pub data: Text,
    /// Where.
    pub stores: Vec<String>,
    /// Also backed up there.
    pub backed_up: bool,
}

/// Data-subject clauses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Rights {
    /// Deletion on request is offered.
    pub deletion_on_request: bool,
    /// Deadline for deletion on request.
    pub deletion_deadline: Option<Duration>,
    /// What users can delete themselves.
    pub self_service: Option<Text>,
    /// Minimum age of users.
    pub minimum_age: Option<u32>,
}

/// Document sections that accept free text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Section {
    /// Scope and incorporation.
    Introduction,
    /// The controller.
    Controller,
    /// Availability.
    Availability,
    /// How personal information is used.
    Use,
    /// Sharing and storage.
    Sharing,
    /// Retention.
    Retention,
    /// Data-subject rights.
    Rights,
}

impl Section {
    /// All sections with their source keyword.
    pub const ALL: &'static [(&'static str, Section)] = &[
        ("introduction", Section::Introduction),
        ("controller", Section::Controller),
        ("availability", Section::Availability),
        ("use", Section::Use),
        ("sharing", Section::Sharing),
        ("retention", Section::Retention),
        ("rights", Section::Rights),
    ];
}

impl Policy {
    /// Every (category, binding) pair stored in a store of this kind, in source order.
    pub fn bound_to(&self, kind: StoreKind) -> Vec<(&Category, &Binding)> {
        self.categories
            .iter()
            .flat_map(|c| c.bindings.iter().map(move |b| (c, b)))
            .filter(|(_, b)| self.store(&b.store).is_some_and(|s| s.kind == kind))
            .collect()
    }
    /// The store with this name.
    pub fn store(&self, name: &str) -> Option<&Store> {
        self.stores.iter().find(|s| s.name == name)
    }
    /// The purpose with this name.
    pub fn purpose(&self, name: &str) -> Option<&Purpose> {
        self.purposes.iter().find(|s| s.name == name)
    }
    /// The basis with this name.
    pub fn basis(&self, name: &str) -> Option<&Basis> {
        self.bases.iter().find(|s| s.name == name)
    }
    /// The recipient with this name.
    pub fn recipient(&self, name: &str) -> Option<&Recipient> {
        self.recipients.iter().find(|s| s.name == name)
    }
    /// The condition with this name.
    pub fn condition(&self, name: &str) -> Option<&Named> {
        self.conditions.iter().find(|s| s.name == name)
    }
    /// The state with this name.
    pub fn state(&self, name: &str) -> Option<&Named> {
        self.states.iter().find(|s| s.name == name)
    }
    /// The event with this name.
    pub fn event(&self, name: &str) -> Option<&Event> {
        self.events.iter().find(|s| s.name == name)
    }
    /// The category with this name.
    pub fn category(&self, name: &str) -> Option<&Category> {
        self.categories.iter().find(|s| s.name == name)
    }
}
