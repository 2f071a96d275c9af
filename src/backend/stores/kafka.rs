//! Kafka: per bound topic `retention.ms`, `segment.ms` and `cleanup.policy=delete`, as a
//! `kafka-configs.sh --alter` script (`stores/kafka.sh`), as JSON (`stores/kafka.json`) and as
//! one properties file per topic (`stores/kafka/<topic>.properties`, for `--add-config-file`).
//!
//! A record lives at least `retention.ms` and at most `retention.ms + segment.ms` (the active
//! segment is never deleted), plus the broker's `log.retention.check.interval.ms` (5 minutes by
//! default); [`convert::kafka`] keeps that sum within the rule and its tolerance.

use super::{OutputFile, bound, describe};
use crate::capability::convert::{self, KafkaTtl};
use crate::escape;
use crate::model::{Category, Location, Policy, Rule, StoreKind};
use std::collections::BTreeMap;

/// Settings of one topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicSettings {
    /// The categories written to it (a topic shared by several takes the shortest rule).
    pub categories: Vec<String>,
    /// Rules in words, one per category.
    pub rules: Vec<String>,
    /// The settings; `None` means kept indefinitely (`retention.ms=-1`).
    pub ttl: Option<KafkaTtl>,
}

/// The settings of one category, or `None` for indefinite retention. The checker has rejected
/// rules Kafka cannot express, so an unexpressible rule here is treated as indefinite only in a
/// model the checker did not produce.
pub fn ttl_of(c: &Category) -> Option<KafkaTtl> {
    if matches!(c.retention.rule, Rule::Indefinite { .. }) {
        return None;
    }
    convert::window(&c.retention).and_then(|w| convert::kafka(w).ok())
}

/// Settings per topic, sorted by topic name.
pub fn topics(policy: &Policy) -> BTreeMap<String, TopicSettings> {
    let mut out: BTreeMap<String, TopicSettings> = BTreeMap::new();
    for (c, b) in bound(policy, StoreKind::Kafka) {
        let Location::Topic { name } = &b.location else { continue };
        let ttl = ttl_of(c);
        match out.get_mut(name) {
            Some(t) => {
                t.categories.push(c.name.clone());
                t.rules.push(describe(c));
                // The shorter setting wins: it keeps both categories within their rules.
                t.ttl = match (t.ttl, ttl) {
                    (Some(a), Some(b)) => Some(if b.worst_ms < a.worst_ms { b } else { a }),
                    (a, b) => a.or(b),
                };
            }
            None => {
                out.insert(
                    name.clone(),
                    TopicSettings { categories: vec![c.name.clone()], rules: vec![describe(c)], ttl },
                );
            }
        }
    }
    out
}

fn config_pairs(t: &TopicSettings) -> Vec<(&'static str, String)> {
    match t.ttl {
        Some(k) => vec![
            ("cleanup.policy", "delete".into()),
            ("retention.ms", k.retention_ms.to_string()),
            ("segment.ms", k.segment_ms.to_string()),
        ],
        None => vec![("cleanup.policy", "delete".into()), ("retention.ms", "-1".into())],
    }
}

fn worst(t: &TopicSettings) -> String {
    match t.ttl {
        Some(k) => format!(
            "worst case {} ms ({}) after the write, plus the broker's retention check interval (5 min by default)",
            k.worst_ms,
            convert::human(k.worst_ms / 1000)
        ),
        None => "kept indefinitely".into(),
    }
}

/// `stores/kafka.sh`, `stores/kafka.json` and `stores/kafka/<topic>.properties`.
pub fn generate(policy: &Policy) -> crate::backend::Result<Vec<OutputFile>> {
    let topics = topics(policy);
    let mut sh = String::from(
        "#!/bin/sh\n# Kafka topic retention: run with KAFKA_BOOTSTRAP=host:port sh stores/kafka.sh\n\
         # (KAFKA_CONFIGS overrides the path of kafka-configs.sh; extra arguments such as\n\
         # --command-config FILE are passed on).\n\
         #\n\
         # A record is kept at least retention.ms and at most retention.ms + segment.ms, since the\n\
         # active segment is never deleted; the broker checks every log.retention.check.interval.ms.\n\
         set -eu\n: \"${KAFKA_BOOTSTRAP:?set KAFKA_BOOTSTRAP to host:port}\"\nKAFKA_CONFIGS=\"${KAFKA_CONFIGS:-kafka-configs.sh}\"\n",
    );
    let mut files = Vec::new();
    let mut json = Vec::new();
    for (topic, t) in &topics {
        let pairs = config_pairs(t);
        sh.push_str(&format!(
            "\n# {} ({}): {}.\n# {}.\n",
            escape::line_comment(topic),
            t.categories.join(", "),
            t.rules.join("; "),
            worst(t)
        ));
        let cfg = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(",");
        sh.push_str(&format!(
            "\"$KAFKA_CONFIGS\" --bootstrap-server \"$KAFKA_BOOTSTRAP\" \"$@\" --alter --entity-type topics \
             --entity-name {} --add-config {}\n",
            escape::shell(topic),
            escape::shell(&cfg)
        ));
        let mut props = format!("# {}: {}.\n# {}.\n", escape::line_comment(topic), t.rules.join("; "), worst(t));
        for (k, v) in &pairs {
            props.push_str(&format!("{}={}\n", escape::properties_key(k), escape::properties_value(v)));
        }
        files.push(OutputFile::text(format!("stores/kafka/{topic}.properties"), props));
        let mut config = serde_json::Map::new();
        config.insert("cleanup.policy".into(), "delete".into());
        match t.ttl {
            Some(k) => {
                config.insert("retention.ms".into(), k.retention_ms.into());
                config.insert("segment.ms".into(), k.segment_ms.into());
            }
            None => {
                config.insert("retention.ms".into(), (-1).into());
            }
        }
        json.push(serde_json::json!({
            "topic": topic,
            "categories": t.categories,
            "rules": t.rules,
            "config": config,
            "worst_case_ms": t.ttl.map(|k| k.worst_ms),
            "late_by_ms": t.ttl.map(|k| k.late_by_ms),
            "worst_case": worst(t),
        }));
    }
    let doc = serde_json::json!({ "generated_by": "policyc", "policy": policy.id, "version": policy.version, "topics": json });
    files.push(OutputFile::text("stores/kafka.json", crate::backend::json_text("stores/kafka.json", &doc)?));
    files.push(OutputFile::text("stores/kafka.sh", sh));
    Ok(files)
}
