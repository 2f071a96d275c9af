//! `policy.json`: the validated model, serialised. Stable: keys follow the model's field order,
//! maps are sorted, and the format is versioned by [`crate::model::FORMAT_VERSION`]. See
//! `docs/policy-json.md`.

use super::OutputFile;
use crate::model::Policy;

/// The model as pretty JSON with a final newline.
pub fn generate(policy: &Policy) -> OutputFile {
    let mut s = serde_json::to_string_pretty(policy).unwrap_or_default();
    s.push('\n');
    OutputFile::text("policy.json", s)
}
