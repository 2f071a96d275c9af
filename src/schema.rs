//! JSON Schemas of policyc's machine formats, derived from the types that write them, so the
//! schemas cannot drift from the output. Published as `schema/*.schema.json` (a test keeps the
//! committed files fresh).

use crate::diagnostics::JsonDiagnostic;
use crate::model::Policy;
use serde_json::Value;

/// The `$id` of the `policy.json` schema, which every `policy.json` names in `$schema`.
pub fn policy_schema_id() -> String {
    crate::backend::json::schema_id()
}

/// The `$id` of the schema of `--format json` diagnostics.
pub const DIAGNOSTICS_SCHEMA_ID: &str = "urn:policyc:schema:diagnostics:1";

/// The JSON Schema of `policy.json`.
pub fn policy_schema() -> Value {
    let mut s = schemars::schema_for!(Policy).to_value();
    if let Some(o) = s.as_object_mut() {
        o.insert("$id".into(), Value::String(policy_schema_id()));
        if let Some(Value::Object(props)) = o.get_mut("properties") {
            props.insert(
                "$schema".into(),
                serde_json::json!({ "description": "The schema this document follows.", "const": policy_schema_id() }),
            );
        }
    }
    s
}

/// The JSON Schema of `--format json` diagnostics: an array of diagnostics.
pub fn diagnostics_schema() -> Value {
    let mut s = schemars::schema_for!(Vec<JsonDiagnostic<'static>>).to_value();
    if let Some(o) = s.as_object_mut() {
        o.insert("$id".into(), Value::String(DIAGNOSTICS_SCHEMA_ID.into()));
    }
    s
}

/// A schema as committed: pretty JSON with a final newline.
pub fn to_file_text(schema: &Value) -> crate::backend::Result<String> {
    crate::backend::json_text("a JSON Schema", schema)
}
