//! S3-compatible object storage (S3, COS): one lifecycle configuration per bucket, as the XML
//! the S3 API takes (`stores/s3-lifecycle/<bucket>.xml`) and as the JSON of
//! `aws s3api put-bucket-lifecycle-configuration` (`stores/s3-lifecycle/<bucket>.json`).
//!
//! Each bound prefix gets a rule with `Expiration` in whole days (rounded per
//! [`convert::ttl`]), `NoncurrentVersionExpiration` (on a versioned bucket expiration only adds
//! a delete marker; the data stays as a noncurrent version until this removes it) and
//! `AbortIncompleteMultipartUpload`. Rule IDs start with [`RULE_ID_PREFIX`] so that
//! `policyc lifecycle merge` can replace them and keep every other rule: a PUT replaces the
//! bucket's whole configuration.
//!
//! Legal hold: lifecycle filters cannot exclude a tag, so held objects are protected by the
//! engine's Object Lock legal hold (`PutObjectLegalHold`), which lifecycle actions never
//! override (on COS: object lock / retention). Objects under legal hold are then kept as
//! noncurrent versions until the hold is lifted.

use super::convert::{self, DAY, Ttl};
use super::{OutputFile, RULE_ID_PREFIX, bound, describe};
use crate::model::{Location, Policy, Rule, StoreKind};
use std::collections::BTreeMap;

/// Days after which noncurrent versions (left by expiration on a versioned bucket) are removed.
pub const NONCURRENT_DAYS: u64 = 1;
/// Days after which incomplete multipart uploads are aborted (their parts hold data too).
pub const ABORT_MULTIPART_DAYS: u64 = 1;

/// One lifecycle rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LifecycleRule {
    /// `policyc:<category>` (with `:<n>` for a second prefix of the same category).
    pub id: String,
    /// The category.
    pub category: String,
    /// Key prefix (empty: the whole bucket).
    pub prefix: String,
    /// Expiration; `None` for indefinite retention (only multipart cleanup then).
    pub ttl: Option<Ttl>,
    /// The rule in words.
    pub rule: String,
}

impl LifecycleRule {
    /// Notes stated next to the rule: rounding and worst-case deletion lag.
    pub fn note(&self) -> String {
        match self.ttl {
            Some(t) => {
                let mut s = format!("{}: {}. Expiration {} days", self.category, self.rule, t.value);
                if t.late_by > 0 {
                    s.push_str(&format!(" (rounded up to whole days: up to {} later)", convert::human(t.late_by)));
                } else if t.early_by > 0 {
                    s.push_str(&format!(" (rounded down: up to {} earlier)", convert::human(t.early_by)));
                }
                s.push_str(&format!(
                    "; worst case about {} days + 1 day after upload: S3 rounds the expiry to the next \
                     midnight UTC and runs daily; on a versioned bucket +{} day(s) for the noncurrent version",
                    t.value, NONCURRENT_DAYS
                ));
                s
            }
            None => format!("{}: {}. No expiration; incomplete uploads are aborted", self.category, self.rule),
        }
    }
}

/// Lifecycle rules per bucket, buckets sorted by name, rules in source order.
pub fn buckets(policy: &Policy) -> BTreeMap<String, Vec<LifecycleRule>> {
    let mut out: BTreeMap<String, Vec<LifecycleRule>> = BTreeMap::new();
    for (c, b) in bound(policy, StoreKind::ObjectStorage) {
        let Location::Bucket { name, prefix } = &b.location else { continue };
        let ttl = match c.retention.rule {
            Rule::Indefinite { .. } => None,
            _ => convert::window(&c.retention).and_then(|w| convert::ttl(w, DAY).ok()),
        };
        let rules = out.entry(name.clone()).or_default();
        let base = format!("{RULE_ID_PREFIX}{}", c.name);
        let n = rules.iter().filter(|r| r.category == c.name).count();
        let id = if n == 0 { base } else { format!("{base}:{}", n + 1) };
        rules.push(LifecycleRule {
            id,
            category: c.name.clone(),
            prefix: prefix.clone().unwrap_or_default(),
            ttl,
            rule: describe(c),
        });
    }
    out
}

/// Escapes text for XML content.
pub fn xml_escape(s: &str) -> String {
    crate::escape::xml_text(s)
}

/// The `<Rule>` elements of a bucket, each preceded by its note as a comment, indented two
/// spaces.
pub fn xml_rules(rules: &[LifecycleRule]) -> String {
    let mut s = String::new();
    for r in rules {
        // `--` may not appear in an XML comment.
        s.push_str(&format!("  <!-- {} -->\n", crate::escape::xml_comment(&r.note())));
        s.push_str("  <Rule>\n");
        s.push_str(&format!("    <ID>{}</ID>\n", xml_escape(&r.id)));
        s.push_str(&format!("    <Filter>\n      <Prefix>{}</Prefix>\n    </Filter>\n", xml_escape(&r.prefix)));
        s.push_str("    <Status>Enabled</Status>\n");
        if let Some(t) = r.ttl {
            s.push_str(&format!("    <Expiration>\n      <Days>{}</Days>\n    </Expiration>\n", t.value));
            s.push_str(&format!(
                "    <NoncurrentVersionExpiration>\n      <NoncurrentDays>{NONCURRENT_DAYS}</NoncurrentDays>\n    </NoncurrentVersionExpiration>\n"
            ));
        }
        s.push_str(&format!(
            "    <AbortIncompleteMultipartUpload>\n      <DaysAfterInitiation>{ABORT_MULTIPART_DAYS}</DaysAfterInitiation>\n    </AbortIncompleteMultipartUpload>\n"
        ));
        s.push_str("  </Rule>\n");
    }
    s
}

/// A whole lifecycle configuration document around `rules_xml`.
pub fn xml_document(rules_xml: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LifecycleConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\n{rules_xml}</LifecycleConfiguration>\n"
    )
}

/// The JSON form of the rules (`Rules` of `PutBucketLifecycleConfiguration`).
pub fn json_rules(rules: &[LifecycleRule]) -> Vec<serde_json::Value> {
    rules
        .iter()
        .map(|r| {
            let mut m = serde_json::Map::new();
            m.insert("ID".into(), r.id.clone().into());
            m.insert("Filter".into(), serde_json::json!({ "Prefix": r.prefix }));
            m.insert("Status".into(), "Enabled".into());
            if let Some(t) = r.ttl {
                m.insert("Expiration".into(), serde_json::json!({ "Days": t.value }));
                m.insert(
                    "NoncurrentVersionExpiration".into(),
                    serde_json::json!({ "NoncurrentDays": NONCURRENT_DAYS }),
                );
            }
            m.insert(
                "AbortIncompleteMultipartUpload".into(),
                serde_json::json!({ "DaysAfterInitiation": ABORT_MULTIPART_DAYS }),
            );
            serde_json::Value::Object(m)
        })
        .collect()
}

/// Per bucket: `stores/s3-lifecycle/<bucket>.xml`, `.json` and `.notes.txt` (rounding and lag).
pub fn generate(policy: &Policy) -> Vec<OutputFile> {
    let mut files = Vec::new();
    for (bucket, rules) in buckets(policy) {
        files.push(OutputFile::text(format!("stores/s3-lifecycle/{bucket}.xml"), xml_document(&xml_rules(&rules))));
        let notes: Vec<String> = rules.iter().map(LifecycleRule::note).collect();
        // The JSON is the exact request input, so the notes go to a sibling file.
        let mut js =
            serde_json::to_string_pretty(&serde_json::json!({ "Rules": json_rules(&rules) })).unwrap_or_default();
        js.push('\n');
        files.push(OutputFile::text(format!("stores/s3-lifecycle/{bucket}.json"), js));
        let mut txt = format!(
            "Lifecycle rules of bucket {bucket} (policy {} {}).\n\
             Apply: aws s3api put-bucket-lifecycle-configuration --bucket {bucket} --lifecycle-configuration file://{bucket}.json\n\
             A PUT replaces the whole configuration: merge first with `policyc lifecycle merge EXISTING.xml POLICY`.\n\
             Legal hold: use Object Lock legal hold on held objects; lifecycle rules never remove them.\n\n",
            policy.id,
            crate::escape::line_comment(&policy.version)
        );
        for n in notes {
            txt.push_str(&format!("- {n}\n"));
        }
        files.push(OutputFile::text(format!("stores/s3-lifecycle/{bucket}.notes.txt"), txt));
    }
    files
}

/// Why an existing lifecycle configuration cannot be merged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MergeError {
    /// Not a lifecycle configuration this merge understands.
    #[error("not a lifecycle configuration: {0}")]
    Malformed(String),
}

/// Keeps the `<Rule>` elements of `existing` (S3 XML) whose `<ID>` does not start with
/// [`RULE_ID_PREFIX`], verbatim, and appends `rules`: the result replaces the bucket's
/// configuration without losing rules the policy does not own.
pub fn merge_xml(existing: &str, rules: &[LifecycleRule]) -> Result<String, MergeError> {
    if !existing.contains("<LifecycleConfiguration") {
        return Err(MergeError::Malformed("no `<LifecycleConfiguration>` element".into()));
    }
    let mut kept = String::new();
    let mut rest = existing;
    while let Some(start) = rest.find("<Rule>") {
        let Some(len) = rest[start..].find("</Rule>") else {
            return Err(MergeError::Malformed("a `<Rule>` is not closed".into()));
        };
        let block = &rest[start..start + len + "</Rule>".len()];
        let id = block
            .split_once("<ID>")
            .and_then(|(_, after)| after.split_once("</ID>"))
            .map(|(id, _)| id.trim())
            .unwrap_or("");
        if !id.starts_with(RULE_ID_PREFIX) {
            kept.push_str("  ");
            kept.push_str(block);
            kept.push('\n');
        }
        rest = &rest[start + block.len()..];
    }
    kept.push_str(&xml_rules(rules));
    Ok(xml_document(&kept))
}

/// [`merge_xml`] for the JSON form (`{"Rules": [...]}` as `aws s3api
/// get-bucket-lifecycle-configuration` prints it).
pub fn merge_json(existing: &str, rules: &[LifecycleRule]) -> Result<String, MergeError> {
    let v: serde_json::Value = serde_json::from_str(existing).map_err(|e| MergeError::Malformed(e.to_string()))?;
    let Some(old) = v.get("Rules").and_then(|r| r.as_array()) else {
        return Err(MergeError::Malformed("no `Rules` array".into()));
    };
    let mut out: Vec<serde_json::Value> = old
        .iter()
        .filter(|r| !r.get("ID").and_then(|i| i.as_str()).is_some_and(|i| i.starts_with(RULE_ID_PREFIX)))
        .cloned()
        .collect();
    out.extend(json_rules(rules));
    let mut s = serde_json::to_string_pretty(&serde_json::json!({ "Rules": out }))
        .map_err(|e| MergeError::Malformed(e.to_string()))?;
    s.push('\n');
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ours() -> Vec<LifecycleRule> {
        vec![LifecycleRule {
            id: "policyc:log_data".into(),
            category: "log_data".into(),
            prefix: "logs/".into(),
            ttl: Some(Ttl { value: 7, seconds: 7 * DAY, late_by: 0, early_by: 0 }),
            rule: "7 days".into(),
        }]
    }

    #[test]
    fn merge_keeps_foreign_rules_and_replaces_ours() {
        let existing = r#"<?xml version="1.0" encoding="UTF-8"?>
<LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Rule><ID>archive</ID><Filter><Prefix>old/</Prefix></Filter><Status>Enabled</Status><Transition><Days>30</Days><StorageClass>GLACIER</StorageClass></Transition></Rule><Rule><ID>policyc:log_data</ID><Filter><Prefix>logs/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>90</Days></Expiration></Rule></LifecycleConfiguration>"#;
        let merged = merge_xml(existing, &ours()).unwrap();
        assert!(merged.contains("<ID>archive</ID>"));
        assert!(merged.contains("<StorageClass>GLACIER</StorageClass>"));
        assert_eq!(merged.matches("<ID>policyc:log_data</ID>").count(), 1);
        assert!(merged.contains("<Days>7</Days>") && !merged.contains("<Days>90</Days>"));
        // Merging again changes nothing.
        assert_eq!(merge_xml(&merged, &ours()).unwrap(), merged);
        assert!(merge_xml("<Other/>", &ours()).is_err());
        assert!(merge_xml("<LifecycleConfiguration><Rule><ID>x</ID>", &ours()).is_err());
    }

    #[test]
    fn merge_json_form() {
        let existing = r#"{"Rules":[{"ID":"archive","Status":"Enabled","Filter":{"Prefix":"old/"}},{"ID":"policyc:old","Status":"Enabled","Filter":{"Prefix":"x/"}}]}"#;
        let merged: serde_json::Value = serde_json::from_str(&merge_json(existing, &ours()).unwrap()).unwrap();
        let ids: Vec<&str> = merged["Rules"].as_array().unwrap().iter().map(|r| r["ID"].as_str().unwrap()).collect();
        assert_eq!(ids, ["archive", "policyc:log_data"]);
    }

    #[test]
    fn prefixes_are_escaped() {
        let mut r = ours();
        r[0].prefix = "a>b\"'".into();
        assert!(xml_rules(&r).contains("<Prefix>a&gt;b&quot;&apos;</Prefix>"));
    }
}
