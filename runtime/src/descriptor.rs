//! The static description of a policy that generated code carries (`POLICY`, each type's
//! `DESCRIPTOR`), for inventories, schema checks and audits.

use crate::time::{Duration, Timestamp};

/// Localised text: `(locale, text)` pairs in the policy's locale order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Text(pub &'static [(&'static str, &'static str)]);

impl Text {
    /// The text in `locale`, if the policy has that locale.
    pub fn get(&self, locale: &str) -> Option<&'static str> {
        self.0.iter().find(|(l, _)| *l == locale).map(|(_, t)| *t)
    }
}

/// The whole policy, for introspection.
#[derive(Debug, Clone, Copy)]
pub struct PolicyDescriptor {
    /// Policy id.
    pub id: &'static str,
    /// Version string.
    pub version: &'static str,
    /// Effective date, `YYYY-MM-DD`.
    pub effective: &'static str,
    /// File name of the policy source.
    pub source: &'static str,
    /// Declared locales.
    pub locales: &'static [&'static str],
    /// The default locale.
    pub default_locale: &'static str,
    /// Title.
    pub title: Text,
    /// Storage systems.
    pub stores: &'static [StoreDescriptor],
    /// Purposes.
    pub purposes: &'static [PurposeDescriptor],
    /// Legal bases.
    pub bases: &'static [BasisDescriptor],
    /// Recipients of shared data.
    pub recipients: &'static [NamedDescriptor],
    /// Conditions of sharing.
    pub conditions: &'static [NamedDescriptor],
    /// Lifecycle events.
    pub events: &'static [NamedDescriptor],
    /// Data categories.
    pub categories: &'static [CategoryDescriptor],
}

impl PolicyDescriptor {
    /// The category named `name`.
    pub fn category(&self, name: &str) -> Option<&'static CategoryDescriptor> {
        self.categories.iter().find(|c| c.name == name)
    }
}

/// A named item with a label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NamedDescriptor {
    /// Identifier in the policy.
    pub name: &'static str,
    /// Label.
    pub label: Text,
}

/// A storage system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreDescriptor {
    /// Identifier in the policy.
    pub name: &'static str,
    /// Engine keyword (`postgres`, `mysql`, `redis`, ...).
    pub kind: &'static str,
    /// Display name.
    pub display: Text,
}

/// A purpose of processing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PurposeDescriptor {
    /// Identifier in the policy.
    pub name: &'static str,
    /// Label.
    pub label: Text,
}

/// A legal basis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BasisDescriptor {
    /// Identifier in the policy.
    pub name: &'static str,
    /// The ground it rests on.
    pub kind: BasisKind,
    /// How it is stated to the reader.
    pub label: Text,
    /// Legal citation.
    pub citation: &'static str,
}

/// Grounds of processing (GDPR Art. 6(1), PIPL Art. 13).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BasisKind {
    /// Consent.
    Consent,
    /// Necessary for a contract with the data subject.
    Contract,
    /// A legal obligation.
    LegalObligation,
    /// Vital interests.
    VitalInterests,
    /// A task in the public interest.
    PublicTask,
    /// Legitimate interests.
    LegitimateInterests,
    /// News reporting in the public interest.
    PublicInterestReporting,
    /// Information already lawfully made public.
    PublicInformation,
    /// Other grounds set by law.
    OtherLegal,
}

/// The organisation's role for a category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Decides purposes and means.
    Controller,
    /// Acts on the customer's instructions.
    Processor,
}

/// A data category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CategoryDescriptor {
    /// Identifier in the policy.
    pub name: &'static str,
    /// Label.
    pub label: Text,
    /// The organisation's role.
    pub role: Role,
    /// Fields.
    pub fields: &'static [FieldDescriptor],
    /// Purposes with their legal bases.
    pub uses: &'static [UseDescriptor],
    /// Sharing.
    pub shares: &'static [ShareDescriptor],
    /// Stores holding the data.
    pub stores: &'static [&'static str],
    /// How long the data is kept.
    pub retention: Retention,
}

/// A field of a category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldDescriptor {
    /// Identifier in the policy.
    pub name: &'static str,
    /// Type.
    pub kind: FieldKind,
    /// Label.
    pub label: Text,
    /// A special category of personal information.
    pub sensitive: bool,
    /// Technical field not listed in documents.
    pub internal: bool,
}

impl FieldDescriptor {
    /// A field that is neither sensitive nor internal.
    pub const fn new(name: &'static str, kind: FieldKind, label: Text) -> Self {
        FieldDescriptor { name, kind, label, sensitive: false, internal: false }
    }

    /// This field, marked sensitive.
    pub const fn sensitive(self) -> Self {
        FieldDescriptor { sensitive: true, ..self }
    }

    /// This field, marked internal.
    pub const fn internal(self) -> Self {
        FieldDescriptor { internal: true, ..self }
    }
}

/// Field types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// Text.
    String,
    /// An IP address.
    Ip,
    /// An instant.
    Timestamp,
    /// A date.
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
    /// A secret.
    Secret,
    /// One of these variants.
    Enum(&'static [&'static str]),
}

/// A purpose a category is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UseDescriptor {
    /// The purpose.
    pub purpose: &'static str,
    /// The legal basis (`None` when the organisation is a processor).
    pub basis: Option<&'static str>,
}

/// Sharing with a recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShareDescriptor {
    /// The recipient.
    pub recipient: &'static str,
    /// Fields shared; empty means the whole category.
    pub fields: &'static [&'static str],
    /// All of these must hold before data is shared.
    pub requires: &'static [Requirement],
}

/// A condition of sharing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requirement {
    /// The data subject consents.
    Consent,
    /// The named condition holds.
    Condition(&'static str),
}

/// A retention rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retention {
    /// Processed in transit only: gone at collection.
    NotStored,
    /// Kept without limit.
    Indefinite,
    /// Gone when the earliest clock ends.
    Expires {
        /// At least one clock.
        clocks: &'static [Clock],
    },
}

/// One clock of a retention rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    /// How long it runs.
    pub duration: Duration,
    /// What starts it.
    pub anchor: Anchor,
    /// True if the duration is an upper bound rather than an exact period.
    pub at_most: bool,
}

/// What starts a retention clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// The collection instant.
    Collection,
    /// The earliest of these lifecycle events that has happened.
    Events(&'static [&'static str]),
}

impl Retention {
    /// The instant after which a record collected at `collected_at` must be gone, `event`
    /// giving the instant of each of its lifecycle events that has happened; `None` while it
    /// may be kept. The earliest end of the clocks that run; an event clock runs from the
    /// earliest of its events.
    pub fn expires_at(&self, collected_at: Timestamp, event: impl Fn(&str) -> Option<Timestamp>) -> Option<Timestamp> {
        match self {
            Retention::NotStored => Some(collected_at),
            Retention::Indefinite => None,
            Retention::Expires { clocks } => clocks
                .iter()
                .filter_map(|c| {
                    let start = match c.anchor {
                        Anchor::Collection => Some(collected_at),
                        Anchor::Events(names) => names.iter().filter_map(|e| event(e)).min(),
                    }?;
                    Some(start.plus(c.duration))
                })
                .min(),
        }
    }
}
