//! The syntax tree: what the author wrote, with spans, before names are resolved.

use crate::source::Span;

/// A name as written, with its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ident {
    /// The name.
    pub name: String,
    /// Where it is written.
    pub span: Span,
}

/// A string literal (adjacent literals joined), with its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Str {
    /// The value with escapes resolved.
    pub value: String,
    /// Where it is written.
    pub span: Span,
}

/// Localised text: `{ zh "…" en "…" }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LText {
    /// Entries in source order.
    pub entries: Vec<(Ident, Str)>,
    /// The whole braced block.
    pub span: Span,
}

/// A duration such as `2 months`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duration {
    /// The number as written.
    pub amount: Str,
    /// The unit keyword, singular or plural.
    pub unit: Ident,
    /// The whole duration.
    pub span: Span,
}

/// A parsed file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct File {
    /// Every item, in source order.
    pub items: Vec<Item>,
}

/// A top-level item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// `import "path"`.
    Import(Str),
    /// `policy id { … }`.
    Policy(Header),
    /// `store name: kind { … }`.
    Store(Decl),
    /// `purpose name { … }`.
    Purpose(Decl),
    /// `basis name: kind { … }`.
    Basis(Decl),
    /// `recipient name { … }`.
    Recipient(Decl),
    /// `condition name { … }`.
    Condition(Decl),
    /// `state name { … }`.
    State(Decl),
    /// `event name { … }`.
    Event(Decl),
    /// `category name { … }`.
    Category(Category),
    /// `storage name { … }`.
    Storage(Storage),
    /// `use purpose under basis for c1, c2`.
    Use(UseStmt),
    /// `rights { … }`.
    Rights(Rights),
    /// `section name { … }`.
    Section(Ident, LText),
}

/// The policy header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The policy id.
    pub id: Ident,
    /// Header statements in source order.
    pub stmts: Vec<HeaderStmt>,
    /// The `policy` keyword and id.
    pub span: Span,
}

/// One statement of the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderStmt {
    /// `version "1.0.0"`.
    Version(Str),
    /// `effective 2024-01-01`.
    Effective(Str),
    /// `locales zh, en`.
    Locales(Vec<Ident>),
    /// `default zh`.
    Default(Ident),
    /// `fallback to default`.
    Fallback(Span),
    /// `role controller`.
    Role(Ident),
    /// `title { … }`.
    Title(LText),
    /// `feature { … }`.
    Feature(LText),
    /// `part of { … }`.
    PartOf {
        /// Parent policy title.
        title: Option<LText>,
        /// Parent policy URL.
        url: Option<Str>,
        /// `module` or `parent`.
        precedence: Option<Ident>,
        /// The block.
        span: Span,
    },
    /// `controller as parent`.
    ControllerParent(Span),
    /// `controller { name {…} contact "…" }`.
    ControllerEntity {
        /// Name.
        name: Option<LText>,
        /// Contact.
        contact: Option<Str>,
        /// The block.
        span: Span,
    },
    /// `availability { regions … note {…} }`.
    Availability {
        /// Region names.
        regions: Vec<Ident>,
        /// Free text.
        note: Option<LText>,
    },
    /// `schedule "cron"`.
    Schedule(Str),
    /// `acknowledges "1.0.0"`.
    Acknowledges(Str),
}

/// A simple declaration: a name, an optional `: kind`, and attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decl {
    /// The declared name.
    pub name: Ident,
    /// `: kind` where the item has one.
    pub kind: Option<Ident>,
    /// Attributes in source order.
    pub attrs: Vec<Attr>,
    /// The whole declaration.
    pub span: Span,
}

/// An attribute of a declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attr {
    /// `name { … }`.
    Name(LText),
    /// `label { … }`.
    Label(LText),
    /// `description { … }`.
    Description(LText),
    /// `withdrawal { … }`.
    Withdrawal(LText),
    /// `citation "…"`.
    Citation(Str),
    /// `schedule "…"`.
    Schedule(Str),
    /// `renamed from old`.
    Renamed(Ident),
    /// `maps to scheme "term"`.
    Maps {
        /// The taxonomy (`fides`, `dpv`).
        scheme: Ident,
        /// The term in it.
        term: Str,
    },
    /// `of account`.
    OfAccount(Span),
    /// `of resource name`.
    OfResource(Ident),
}

/// A data category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    /// Its name.
    pub name: Ident,
    /// Statements in source order.
    pub stmts: Vec<CategoryStmt>,
    /// The whole declaration.
    pub span: Span,
}

/// One statement of a category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CategoryStmt {
    /// `label`, `description`, `renamed from`.
    Attr(Attr),
    /// `only if { … }`.
    OnlyIf(LText),
    /// `role processor`.
    Role(Ident),
    /// `field …`.
    Field(Field),
    /// `use purpose under basis`.
    Use {
        /// The purpose.
        purpose: Ident,
        /// The basis.
        basis: Option<Ident>,
        /// The statement.
        span: Span,
    },
    /// `systems a, b`.
    Systems(Vec<Ident>),
    /// `share with …` (boxed, as are the other large statements: every statement of a large
    /// policy's tree is as large as the largest kind).
    Share(Box<Share>),
    /// `stored in …`.
    Stored(Box<Binding>),
    /// `not stored`.
    NotStored(Span),
    /// `retain …`.
    Retain(Box<Retention>),
}

/// A field of a category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Its name.
    pub name: Ident,
    /// Its type name (`string`, `ip`, …), or `enum`.
    pub ty: Ident,
    /// Variants of an `enum(…)` type.
    pub variants: Vec<Ident>,
    /// `label`, `renamed from`.
    pub attrs: Vec<Attr>,
    /// `sensitive` flag.
    pub sensitive: bool,
    /// `internal` flag.
    pub internal: bool,
    /// The whole field.
    pub span: Span,
}

/// `share with recipient { … }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Share {
    /// The recipient.
    pub recipient: Ident,
    /// `fields a, b` (empty: all).
    pub fields: Vec<Ident>,
    /// `requires consent, cond`.
    pub requires: Vec<Ident>,
    /// `description { … }`.
    pub description: Option<LText>,
    /// `under basis`.
    pub basis: Option<Ident>,
    /// The whole statement.
    pub span: Span,
}

/// `stored in store { … }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    /// The store.
    pub store: Ident,
    /// `table`, `collection`, `keys`, `topic` or `bucket` (keyword, value, optional prefix).
    pub locations: Vec<(Ident, Str, Option<Str>)>,
    /// `collected at column`.
    pub collected_at: Option<Ident>,
    /// `event name at column`.
    pub events: Vec<(Ident, Ident)>,
    /// `key column`.
    pub key: Option<Ident>,
    /// The whole statement.
    pub span: Span,
}

/// A retention statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retention {
    /// The rule.
    pub rule: Rule,
    /// `anonymise`.
    pub anonymise: bool,
    /// `backups N after primary`.
    pub backups: Option<Duration>,
    /// `tolerance N`.
    pub tolerance: Option<Duration>,
    /// `wording { … }`.
    pub wording: Option<LText>,
    /// The whole statement.
    pub span: Span,
}

/// A retention rule as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// `indefinitely because { … }`.
    Indefinite(LText),
    /// `while state, then clock`.
    While(Ident, Clock),
    /// `until e1 or e2`.
    Until(Vec<Ident>),
    /// `earliest of (c1, c2, …)`.
    Earliest(Vec<Clock>),
    /// A single clock.
    Clock(Clock),
}

/// `[at most] N unit [after e1 or e2]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clock {
    /// `at most`.
    pub at_most: bool,
    /// The duration.
    pub duration: Duration,
    /// Events that start the clock (empty: collection).
    pub after: Vec<Ident>,
    /// The whole clock.
    pub span: Span,
}

/// `storage name { data {…} stored in a, b backed up }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Storage {
    /// Its name.
    pub name: Ident,
    /// What is stored.
    pub data: Option<LText>,
    /// Where.
    pub stores: Vec<Ident>,
    /// `backed up`.
    pub backed_up: bool,
    /// The whole declaration.
    pub span: Span,
}

/// `use purpose under basis for c1, c2`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UseStmt {
    /// The purpose.
    pub purpose: Ident,
    /// The basis.
    pub basis: Option<Ident>,
    /// The categories.
    pub categories: Vec<Ident>,
    /// The statement.
    pub span: Span,
}

/// `rights { … }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rights {
    /// `deletion on request [within N]`: the statement and its deadline.
    pub deletion: Option<(Span, Option<Duration>)>,
    /// `self service { … }`.
    pub self_service: Option<LText>,
    /// `minimum age N`.
    pub minimum_age: Option<Str>,
    /// The block.
    pub span: Span,
}
