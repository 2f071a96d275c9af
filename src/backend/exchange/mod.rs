//! Exchange formats for other privacy tools: Fides resources (fideslang YAML) and the W3C Data
//! Privacy Vocabulary (JSON-LD and Turtle). Like every backend they read only the model; terms
//! come from the policy's `maps to` statements, which the checker validated, and items without a
//! mapping are exported under the policy's own namespace rather than guessed.

pub mod dpv;
pub mod fides;
mod yaml;

use crate::model::{Duration, Policy, Text, Unit};

/// The locale exported texts are taken from: English when declared, else the default.
pub(crate) fn export_locale(policy: &Policy) -> &str {
    policy.locales.iter().find(|l| l.as_str() == "en" || l.starts_with("en_")).unwrap_or(&policy.default_locale)
}

/// A text in the export locale.
pub(crate) fn text<'p>(policy: &'p Policy, t: &'p Text) -> &'p str {
    t.get(export_locale(policy))
}

/// An ISO 8601 duration (`P7D`, `PT12H`, `P2M`, `P1Y`), as `xsd:duration` writes it.
pub fn iso_duration(d: Duration) -> String {
    let n = d.amount;
    match d.unit {
        Unit::Hours => format!("PT{n}H"),
        Unit::Days => format!("P{n}D"),
        Unit::Weeks => format!("P{}D", u64::from(n) * 7),
        Unit::Months => format!("P{n}M"),
        Unit::Years => format!("P{n}Y"),
    }
}
