//! How much a change matters, and the CI gate that checks the changes are announced.

use super::Change;
use crate::model::Policy;
use serde::Serialize;

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
