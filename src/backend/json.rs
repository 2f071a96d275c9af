//! `policy.json`: the validated model, serialised. Stable: keys follow the model's field order,
//! maps are sorted, and the format is versioned by [`crate::model::FORMAT_VERSION`]. See
//! `docs/policy-json.md`.

use super::OutputFile;
use crate::model::Policy;

/// The `$schema` every `policy.json` names: the schema's id and, with it, the format version.
pub fn schema_id() -> String {
    format!("urn:policyc:schema:policy-json:{}", crate::model::FORMAT_VERSION)
}

/// The model as pretty JSON with a final newline, naming its schema first.
pub fn generate(policy: &Policy) -> super::Result<OutputFile> {
    let body = super::json_text("policy.json", policy)?;
    let schema = super::json_text("the schema id", &schema_id())?;
    // The model serialises as an object, so its text starts with `{`: the schema goes first.
    let s = match body.strip_prefix('{') {
        Some(rest) => format!("{{\n  \"$schema\": {},{rest}", schema.trim_end()),
        None => body,
    };
    Ok(OutputFile::text("policy.json", s))
}
