//! S3-compatible object storage (S3, COS): one lifecycle configuration per bucket, as the XML
//! the S3 API takes (`stores/s3-lifecycle/<bucket>.xml`) and as the JSON of
//! `aws s3api put-bucket-lifecycle-configuration` (`stores/s3-lifecycle/<bucket>.json`).
//!
//! Each bound prefix gets a rule with `Expiration` in whole days (rounded per
//! [`convert::ttl`]), `NoncurrentVersionExpiration` (on a versioned bucket expiration only adds
//! a delete marker; the data stays as a noncurrent version until this removes it) and
//! `AbortIncompleteMultipartUpload`. Rule IDs start with `policyc:<policy>:`
//! ([`owner_prefix`]) so that `policyc lifecycle merge` can replace this policy's rules and keep
//! every other rule, other policies' included: a PUT replaces the bucket's whole configuration.
//!
//! Legal hold: lifecycle filters cannot exclude a tag, so held objects are protected by the
//! engine's Object Lock legal hold (`PutObjectLegalHold`), which lifecycle actions never
//! override (on COS: object lock / retention). Objects under legal hold are then kept as
//! noncurrent versions until the hold is lifted.

use super::{OutputFile, RULE_ID_PREFIX, bound, describe, owner_prefix};
use crate::capability::convert::{self, DAY, Ttl};
use crate::model::{Location, Policy, Rule, StoreKind};
use std::collections::BTreeMap;

/// Days after which noncurrent versions (left by expiration on a versioned bucket) are removed.
pub const NONCURRENT_DAYS: u64 = 1;
/// Days after which incomplete multipart uploads are aborted (their parts hold data too).
pub const ABORT_MULTIPART_DAYS: u64 = 1;

/// One lifecycle rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LifecycleRule {
    /// `policyc:<policy>:<category>` (with `:<n>` for a second prefix of the same category).
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
        let base = format!("{}{}", owner_prefix(&policy.id), c.name);
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
pub fn generate(policy: &Policy) -> crate::backend::Result<Vec<OutputFile>> {
    let mut files = Vec::new();
    for (bucket, rules) in buckets(policy) {
        files.push(OutputFile::text(format!("stores/s3-lifecycle/{bucket}.xml"), xml_document(&xml_rules(&rules))));
        let notes: Vec<String> = rules.iter().map(LifecycleRule::note).collect();
        // The JSON is the exact request input, so the notes go to a sibling file.
        let what = format!("stores/s3-lifecycle/{bucket}.json");
        let js = crate::backend::json_text(&what, &serde_json::json!({ "Rules": json_rules(&rules) }))?;
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
    Ok(files)
}

/// Why an existing lifecycle configuration cannot be merged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MergeError {
    /// Not a lifecycle configuration this merge understands.
    #[error("not a lifecycle configuration: {0}")]
    Malformed(String),
}

/// The namespace of S3 lifecycle configurations.
pub const S3_NS: &str = "http://s3.amazonaws.com/doc/2006-03-01/";

/// True when the rule with this ID is the policy's: its ID starts with the policy's
/// [`owner_prefix`], or it is a rule written before IDs named the policy (`policyc:<category>`
/// or `policyc:<category>:<n>`) for a category whose rules this merge brings.
fn owned(id: &str, policy_id: &str, rules: &[LifecycleRule]) -> bool {
    if id.starts_with(&owner_prefix(policy_id)) {
        return true;
    }
    let Some(rest) = id.strip_prefix(RULE_ID_PREFIX) else { return false };
    let (category, n) = rest.split_once(':').unwrap_or((rest, "2"));
    !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && rules.iter().any(|r| r.category == category)
}

/// Keeps the `<Rule>` elements of `existing` (S3 XML) that are not the policy's (see
/// [`owner_prefix`]), unchanged in meaning, and appends `rules`: the result replaces the bucket's
/// configuration without losing other rules, other policies' included.
///
/// The document is parsed as XML (namespaces, CDATA, comments and character references as XML
/// defines them) and written anew. Input it cannot write back faithfully is refused: a DTD,
/// processing instructions, a root other than `LifecycleConfiguration`, elements outside its
/// namespace, attributes, mixed content, or anything but `Rule` elements in the root. Comments
/// are dropped (a commented-out rule stays out).
pub fn merge_xml(existing: &str, policy_id: &str, rules: &[LifecycleRule]) -> Result<String, MergeError> {
    let bad = |m: &str| MergeError::Malformed(m.to_string());
    let opts = roxmltree::ParsingOptions { allow_dtd: false, ..Default::default() };
    let doc = roxmltree::Document::parse_with_options(existing, opts).map_err(|e| bad(&e.to_string()))?;
    let root = doc.root_element();
    // roxmltree accepts an empty `<!DOCTYPE>`; any DTD is refused here.
    if existing[..root.range().start].contains("<!DOCTYPE") {
        return Err(bad("a DTD is not supported"));
    }
    if let Some(pi) = doc.descendants().find(|n| n.is_pi()) {
        let target = pi.pi().map_or("", |p| p.target);
        return Err(bad(&format!("processing instruction `<?{target}` is not supported")));
    }
    let ns = root.tag_name().namespace();
    if root.tag_name().name() != "LifecycleConfiguration" || !matches!(ns, None | Some(S3_NS)) {
        return Err(bad(&format!(
            "the root element is `{}`, not an S3 `LifecycleConfiguration`",
            root.tag_name().name()
        )));
    }
    for n in root.descendants().filter(|n| n.is_element()) {
        if n.tag_name().namespace() != ns {
            return Err(bad(&format!("element `{}` is outside the lifecycle namespace", n.tag_name().name())));
        }
        if let Some(a) = n.attributes().next() {
            return Err(bad(&format!("attribute `{}` of `{}` is not supported", a.name(), n.tag_name().name())));
        }
    }
    let mut kept = String::new();
    for child in root.children() {
        if child.is_comment() || (child.is_text() && child.text().is_some_and(|t| t.trim().is_empty())) {
            continue;
        }
        if !child.is_element() || child.tag_name().name() != "Rule" {
            return Err(bad("the configuration holds something other than `Rule` elements"));
        }
        let ids: Vec<String> = child
            .children()
            .filter(|n| n.is_element() && n.tag_name().name() == "ID")
            .map(|n| n.children().filter(|t| t.is_text()).filter_map(|t| t.text()).collect())
            .collect();
        if ids.len() > 1 {
            return Err(bad("a `Rule` has several `ID` elements"));
        }
        if ids.first().is_some_and(|id| owned(id, policy_id, rules)) {
            continue;
        }
        write_element(&mut kept, child, 1)?;
    }
    kept.push_str(&xml_rules(rules));
    Ok(xml_document(&kept))
}

/// Writes an element (by its local name; the document's one namespace is declared on the root)
/// with its element children indented, or its text when it has none. Comments are dropped.
fn write_element(out: &mut String, n: roxmltree::Node<'_, '_>, depth: usize) -> Result<(), MergeError> {
    let name = n.tag_name().name();
    let indent = "  ".repeat(depth);
    let elements: Vec<_> = n.children().filter(|c| c.is_element()).collect();
    let text: String = n.children().filter(|c| c.is_text()).filter_map(|c| c.text()).collect();
    if elements.is_empty() {
        out.push_str(&format!("{indent}<{name}>{}</{name}>\n", xml_escape(&text)));
        return Ok(());
    }
    if !text.trim().is_empty() {
        return Err(MergeError::Malformed(format!("`{name}` mixes text and elements")));
    }
    out.push_str(&format!("{indent}<{name}>\n"));
    for e in elements {
        write_element(out, e, depth + 1)?;
    }
    out.push_str(&format!("{indent}</{name}>\n"));
    Ok(())
}

/// [`merge_xml`] for the JSON form (`{"Rules": [...]}` as `aws s3api
/// get-bucket-lifecycle-configuration` prints it).
pub fn merge_json(existing: &str, policy_id: &str, rules: &[LifecycleRule]) -> Result<String, MergeError> {
    let v: serde_json::Value = serde_json::from_str(existing).map_err(|e| MergeError::Malformed(e.to_string()))?;
    let Some(old) = v.get("Rules").and_then(|r| r.as_array()) else {
        return Err(MergeError::Malformed("no `Rules` array".into()));
    };
    let mut out: Vec<serde_json::Value> = old
        .iter()
        .filter(|r| !r.get("ID").and_then(|i| i.as_str()).is_some_and(|i| owned(i, policy_id, rules)))
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
            id: "policyc:im:log_data".into(),
            category: "log_data".into(),
            prefix: "logs/".into(),
            ttl: Some(Ttl { value: 7, seconds: 7 * DAY, late_by: 0, early_by: 0 }),
            rule: "7 days".into(),
        }]
    }

    fn ids(xml: &str) -> Vec<String> {
        let doc = roxmltree::Document::parse(xml).unwrap();
        doc.descendants().filter(|n| n.tag_name().name() == "ID").map(|n| n.text().unwrap_or("").to_string()).collect()
    }

    #[test]
    fn merge_keeps_foreign_rules_and_replaces_ours() {
        let existing = r#"<?xml version="1.0" encoding="UTF-8"?>
<LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Rule><ID>archive</ID><Filter><Prefix>old/</Prefix></Filter><Status>Enabled</Status><Transition><Days>30</Days><StorageClass>GLACIER</StorageClass></Transition></Rule><Rule><ID>policyc:im:log_data</ID><Filter><Prefix>logs/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>90</Days></Expiration></Rule></LifecycleConfiguration>"#;
        let merged = merge_xml(existing, "im", &ours()).unwrap();
        assert!(merged.contains("<ID>archive</ID>"));
        assert!(merged.contains("<StorageClass>GLACIER</StorageClass>"));
        assert_eq!(merged.matches("<ID>policyc:im:log_data</ID>").count(), 1);
        assert!(merged.contains("<Days>7</Days>") && !merged.contains("<Days>90</Days>"));
        // Merging again changes nothing.
        assert_eq!(merge_xml(&merged, "im", &ours()).unwrap(), merged);
        assert!(merge_xml("<Other/>", "im", &ours()).is_err());
        assert!(merge_xml("<LifecycleConfiguration><Rule><ID>x</ID>", "im", &ours()).is_err());
    }

    #[test]
    fn merge_reads_xml_as_xml() {
        let existing = r#"<?xml version="1.0"?>
<!-- <Rule><ID>resurrected</ID></Rule> -->
<LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"
    xmlns:s3="http://s3.amazonaws.com/doc/2006-03-01/">
  <Rule ><ID>spaced</ID><Status>Enabled</Status></Rule >
  <s3:Rule><s3:ID>prefixed</s3:ID><s3:Status>Enabled</s3:Status></s3:Rule>
  <!-- <Rule><ID>commented</ID></Rule> -->
  <Rule><ID><![CDATA[cdata-id]]></ID><Status>Enabled</Status></Rule>
  <Rule><ID>policyc:other:log_data</ID><Status>Enabled</Status></Rule>
  <Rule><ID>policyc:log_data</ID><Status>Enabled</Status></Rule>
  <Rule><ID>a &amp; b</ID><Status>Enabled</Status></Rule>
</LifecycleConfiguration>"#;
        let merged = merge_xml(existing, "im", &ours()).unwrap();
        assert_eq!(
            ids(&merged),
            ["spaced", "prefixed", "cdata-id", "policyc:other:log_data", "a & b", "policyc:im:log_data"],
            "{merged}"
        );
        assert!(!merged.contains("commented") && !merged.contains("resurrected"));
        assert_eq!(merge_xml(&merged, "im", &ours()).unwrap(), merged);
    }

    #[test]
    fn merge_refuses_what_it_cannot_write_back() {
        let rule = "<Rule><ID>x</ID><Status>Enabled</Status></Rule>";
        for bad in [
            format!("<!DOCTYPE LifecycleConfiguration><LifecycleConfiguration>{rule}</LifecycleConfiguration>"),
            "<!DOCTYPE l [<!ENTITY e \"x\">]><LifecycleConfiguration><Rule><ID>&e;</ID></Rule></LifecycleConfiguration>"
                .to_string(),
            format!("<?xml-stylesheet href=\"a\"?><LifecycleConfiguration>{rule}</LifecycleConfiguration>"),
            format!("<LifecycleConfiguration>{rule}<?pi x?></LifecycleConfiguration>"),
            format!("<ReplicationConfiguration>{rule}</ReplicationConfiguration>"),
            format!("<LifecycleConfiguration xmlns=\"urn:other\">{rule}</LifecycleConfiguration>"),
            format!("<LifecycleConfiguration><Other/>{rule}</LifecycleConfiguration>"),
            format!("<LifecycleConfiguration>text{rule}</LifecycleConfiguration>"),
            "<LifecycleConfiguration><Rule a=\"1\"><ID>x</ID></Rule></LifecycleConfiguration>".to_string(),
            "<LifecycleConfiguration><Rule><ID>x</ID><ID>y</ID></Rule></LifecycleConfiguration>".to_string(),
            "<LifecycleConfiguration><Rule>t<ID>x</ID></Rule></LifecycleConfiguration>".to_string(),
        ] {
            assert!(merge_xml(&bad, "im", &ours()).is_err(), "accepted: {bad}");
        }
    }

    #[test]
    fn merge_json_form() {
        let existing = r#"{"Rules":[{"ID":"archive","Status":"Enabled","Filter":{"Prefix":"old/"}},{"ID":"policyc:im:old","Status":"Enabled","Filter":{"Prefix":"x/"}},{"ID":"policyc:other:log_data","Status":"Enabled","Filter":{"Prefix":"y/"}}]}"#;
        let merged: serde_json::Value = serde_json::from_str(&merge_json(existing, "im", &ours()).unwrap()).unwrap();
        let ids: Vec<&str> = merged["Rules"].as_array().unwrap().iter().map(|r| r["ID"].as_str().unwrap()).collect();
        assert_eq!(ids, ["archive", "policyc:other:log_data", "policyc:im:log_data"]);
    }

    #[test]
    fn prefixes_are_escaped() {
        let mut r = ours();
        r[0].prefix = "a>b\"'".into();
        assert!(xml_rules(&r).contains("<Prefix>a&gt;b&quot;&apos;</Prefix>"));
    }
}
