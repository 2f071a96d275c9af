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

mod categories;
mod change;
mod gate;
mod header;
mod matching;
mod named;
pub mod notice;
mod purposes;
mod recipients;
pub mod retention;
mod retention_diff;
mod rights;
mod stores;
mod text;

pub use change::{
    BasisItem, CategoryItem, Change, EventItem, FieldItem, HeaderItem, Kind, PurposeItem, RecipientItem, RetentionItem,
    RightsItem, ShareItem, StorageItem, StoreItem, Subject, Value,
};
pub use gate::{Severity, gate, max_severity};

use crate::model::{self, Policy};
use Severity::{Editorial, Material, Minor};
use std::collections::BTreeMap;

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

/// The state of one comparison: both versions, the changes found so far, and how renamed
/// purposes and recipients map (needed where categories refer to them).
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

impl<'a> Differ<'a> {
    fn push(&mut self, c: Change) {
        self.out.push(c);
    }

    fn basis_kind(&self, p: &Policy, name: Option<&str>) -> Option<model::BasisKind> {
        name.and_then(|n| p.basis(n)).map(|b| b.kind)
    }
}
