//! The policy in the W3C Data Privacy Vocabulary (DPV 2), as JSON-LD and as Turtle.
//!
//! Each category is a `dpv:PersonalDataHandling` with its personal data, purposes, legal bases,
//! recipients and storage conditions: where it is stored (`dpv:StorageLocation`), how long
//! (`dpv:StorageDuration` with an `xsd:duration` value per clock) and how it ends
//! (`dpv:StorageDeletion`). Both formats are written from one list of triples, so they carry the
//! same graph. Items are named `urn:policyc:<policy>:<kind>:<name>`; names are identifiers, so
//! minted IRIs need no escaping, while terms from `maps to dpv` and all literals go through
//! [`crate::escape::turtle_iri`] and [`crate::escape::turtle_string`].

use super::iso_duration;
use crate::backend::OutputFile;
use crate::backend::docs::wording_of_retention;
use crate::escape::{turtle_iri as iri, turtle_string};
use crate::model::{Anchor, BasisKind, Category, EndAction, Mapping, Policy, Rule, Taxonomy, Text};
use std::fmt::Write;

/// Prefixes used in both formats (DPV 2 namespaces).
const PREFIXES: &[(&str, &str)] = &[
    ("dpv", "https://w3id.org/dpv#"),
    ("pd", "https://w3id.org/dpv/pd#"),
    ("eu-gdpr", "https://w3id.org/dpv/legal/eu/gdpr#"),
    ("tech", "https://w3id.org/dpv/tech#"),
    ("risk", "https://w3id.org/dpv/risk#"),
    ("loc", "https://w3id.org/dpv/loc#"),
    ("justifications", "https://w3id.org/dpv/justifications#"),
    ("dct", "http://purl.org/dc/terms/"),
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
];

/// An RDF term in object position.
#[derive(Debug, Clone, PartialEq)]
enum Object {
    /// A full IRI.
    Iri(String),
    /// A literal with a language tag.
    Lang(String, String),
    /// A literal with a datatype IRI.
    Typed(String, String),
}

/// One subject with its properties, predicates as `prefix:local` of [`PREFIXES`].
#[derive(Debug, Default)]
struct Node {
    id: String,
    props: Vec<(&'static str, Object)>,
}

impl Node {
    fn new(id: String, types: &[&str]) -> Self {
        let mut n = Node { id, props: Vec::new() };
        for t in types {
            n.props.push(("rdf:type", Object::Iri(expand(t))));
        }
        n
    }
    fn iri(&mut self, p: &'static str, o: String) {
        self.props.push((p, Object::Iri(o)));
    }
    fn text(&mut self, p: &'static str, t: &Text) {
        for (locale, v) in &t.0 {
            self.props.push((p, Object::Lang(v.clone(), language_tag(locale))));
        }
    }
    fn literal(&mut self, p: &'static str, v: &str, datatype: &str) {
        self.props.push((p, Object::Typed(v.to_string(), expand(datatype))));
    }
}

/// `zh_hant` → `zh-hant` (BCP 47 separates subtags with `-`).
fn language_tag(locale: &str) -> String {
    locale.replace('_', "-")
}

/// A `prefix:local` term as a full IRI (terms of an unknown prefix are kept as written).
fn expand(curie: &str) -> String {
    match curie.split_once(':') {
        Some((p, local)) => match PREFIXES.iter().find(|(n, _)| *n == p) {
            Some((_, ns)) => format!("{ns}{local}"),
            None => curie.to_string(),
        },
        None => curie.to_string(),
    }
}

fn dpv_terms(mappings: &[Mapping]) -> impl Iterator<Item = String> + '_ {
    mappings.iter().filter(|m| m.scheme == Taxonomy::Dpv).map(|m| expand(&m.term))
}

/// The DPV class of a legal-basis kind, where DPV has one.
fn basis_class(kind: BasisKind) -> Option<&'static str> {
    Some(match kind {
        BasisKind::Consent => "dpv:Consent",
        BasisKind::Contract => "dpv:Contract",
        BasisKind::LegalObligation => "dpv:LegalObligation",
        BasisKind::VitalInterests => "dpv:VitalInterest",
        BasisKind::PublicTask | BasisKind::PublicInterestReporting => "dpv:PublicInterest",
        BasisKind::LegitimateInterests => "dpv:LegitimateInterest",
        BasisKind::PublicInformation | BasisKind::OtherLegal => return None,
    })
}

struct Graph<'p> {
    policy: &'p Policy,
    nodes: Vec<Node>,
}

impl Graph<'_> {
    fn id(&self, kind: &str, name: &str) -> String {
        format!("urn:policyc:{}:{kind}:{name}", self.policy.id)
    }

    fn category(&mut self, c: &Category) {
        let p = self.policy;
        let mut h = Node::new(self.id("handling", &c.name), &["dpv:PersonalDataHandling"]);
        h.literal("dct:identifier", &c.name, "xsd:string");
        h.text("dct:title", &c.label);
        h.iri("dct:isPartOf", format!("urn:policyc:{}", p.id));

        let mut data = Node::new(self.id("data", &c.name), &["dpv:PersonalData"]);
        data.text("dct:title", &c.label);
        h.iri("dpv:hasPersonalData", data.id.clone());
        for t in dpv_terms(&c.mappings) {
            h.iri("dpv:hasPersonalData", t);
        }
        for f in c.fields.iter().filter(|f| !f.internal) {
            let types: &[&str] =
                if f.sensitive { &["dpv:PersonalData", "dpv:SensitivePersonalData"] } else { &["dpv:PersonalData"] };
            let mut field = Node::new(self.id("data", &format!("{}.{}", c.name, f.name)), types);
            field.text("dct:title", &f.label);
            for t in dpv_terms(&f.mappings) {
                field.iri("rdf:type", t);
            }
            h.iri("dpv:hasPersonalData", field.id.clone());
            self.nodes.push(field);
        }
        self.nodes.push(data);

        for u in &c.uses {
            h.iri("dpv:hasPurpose", self.id("purpose", &u.purpose));
            if let Some(b) = &u.basis {
                h.iri("dpv:hasLegalBasis", self.id("basis", b));
            }
        }
        for s in &c.shares {
            h.iri("dpv:hasRecipient", self.id("recipient", &s.recipient));
        }
        let mut stores: Vec<&str> = c.bindings.iter().map(|b| b.store.as_str()).collect();
        stores.dedup();
        for s in stores {
            h.iri("dpv:hasStorageCondition", self.id("store", s));
        }
        let words = wording_of_retention(p, &c.retention, super::export_locale(p));
        match &c.retention.rule {
            Rule::NotStored => {}
            Rule::Indefinite { justification } => {
                let mut d = Node::new(self.id("retention", &c.name), &["dpv:StorageDuration"]);
                let mut none =
                    Node::new(self.id("retention", &format!("{}.duration", c.name)), &["dpv:IndeterminateDuration"]);
                none.text("dct:description", justification);
                d.iri("dpv:hasDuration", none.id.clone());
                d.literal("dct:description", &words, "xsd:string");
                h.iri("dpv:hasStorageCondition", d.id.clone());
                self.nodes.push(none);
                self.nodes.push(d);
            }
            Rule::Expires { clocks, .. } => {
                for (i, k) in clocks.iter().enumerate() {
                    let mut d =
                        Node::new(self.id("retention", &format!("{}.{}", c.name, i + 1)), &["dpv:StorageDuration"]);
                    let value = iso_duration(k.duration);
                    d.literal("rdf:value", &value, "xsd:duration");
                    let mut dur = Node::new(format!("{}.duration", d.id), &["dpv:Duration"]);
                    dur.literal("rdf:value", &value, "xsd:duration");
                    d.iri("dpv:hasDuration", dur.id.clone());
                    if let Anchor::Events(events) = &k.anchor {
                        for e in events {
                            d.iri("dct:temporal", self.id("event", e));
                        }
                    }
                    h.iri("dpv:hasStorageCondition", d.id.clone());
                    self.nodes.push(dur);
                    self.nodes.push(d);
                }
                let end = if c.retention.action == EndAction::Delete {
                    "dpv:StorageDeletion"
                } else {
                    "dpv:StorageCondition"
                };
                let mut del = Node::new(self.id("retention", &format!("{}.end", c.name)), &[end]);
                del.literal("dct:description", &words, "xsd:string");
                h.iri("dpv:hasStorageCondition", del.id.clone());
                self.nodes.push(del);
            }
        }
        self.nodes.push(h);
    }

    fn build(mut self) -> Vec<Node> {
        let p = self.policy;
        let mut notice = Node::new(format!("urn:policyc:{}", p.id), &["dpv:PrivacyNotice"]);
        notice.literal("dct:identifier", &p.id, "xsd:string");
        notice.text("dct:title", &p.title);
        notice.literal("dct:valid", &p.effective, "xsd:date");
        if let crate::model::Controller::Entity { name, .. } = &p.controller {
            let mut ctl = Node::new(self.id("controller", "controller"), &["dpv:DataController"]);
            ctl.text("dct:title", name);
            notice.iri("dpv:hasDataController", ctl.id.clone());
            self.nodes.push(ctl);
        }
        self.nodes.push(notice);
        for purpose in &p.purposes {
            let mut n = Node::new(self.id("purpose", &purpose.name), &["dpv:Purpose"]);
            for t in dpv_terms(&purpose.mappings) {
                n.iri("rdf:type", t);
            }
            n.text("dct:title", &purpose.label);
            self.nodes.push(n);
        }
        for b in &p.bases {
            let mut n = Node::new(self.id("basis", &b.name), &["dpv:LegalBasis"]);
            if let Some(class) = basis_class(b.kind) {
                n.iri("rdf:type", expand(class));
            }
            for t in dpv_terms(&b.mappings) {
                n.iri("rdf:type", t);
            }
            n.text("dct:title", &b.label);
            n.literal("dct:bibliographicCitation", &b.citation, "xsd:string");
            self.nodes.push(n);
        }
        for r in &p.recipients {
            let mut n = Node::new(self.id("recipient", &r.name), &["dpv:Recipient"]);
            n.text("dct:title", &r.display);
            self.nodes.push(n);
        }
        for s in &p.stores {
            let mut n = Node::new(self.id("store", &s.name), &["dpv:StorageLocation"]);
            n.text("dct:title", &s.display);
            self.nodes.push(n);
        }
        for e in &p.events {
            let mut n = Node::new(self.id("event", &e.name), &["dpv:Context"]);
            n.text("dct:title", &e.label);
            self.nodes.push(n);
        }
        for c in &p.categories {
            self.category(c);
        }
        self.nodes
    }
}

fn graph(policy: &Policy) -> Vec<Node> {
    Graph { policy, nodes: Vec::new() }.build()
}

/// The graph as JSON-LD (`dpv.jsonld`).
pub fn jsonld(policy: &Policy) -> crate::backend::Result<OutputFile> {
    use serde_json::{Map, Value, json};
    let mut context = Map::new();
    for (p, ns) in PREFIXES {
        context.insert((*p).to_string(), Value::String((*ns).to_string()));
    }
    let nodes: Vec<Value> = graph(policy)
        .into_iter()
        .map(|n| {
            let mut m = Map::new();
            m.insert("@id".into(), Value::String(n.id));
            for (p, o) in n.props {
                let v = match o {
                    Object::Iri(i) => json!({ "@id": i }),
                    Object::Lang(v, l) => json!({ "@value": v, "@language": l }),
                    Object::Typed(v, t) => json!({ "@value": v, "@type": t }),
                };
                let key = if p == "rdf:type" { "@type" } else { p };
                let entry = m.entry(key.to_string()).or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(a) = entry {
                    // `@type` takes IRIs as plain strings.
                    a.push(if key == "@type" { v.get("@id").cloned().unwrap_or(v) } else { v });
                }
            }
            Value::Object(m)
        })
        .collect();
    let doc = json!({ "@context": context, "@graph": nodes });
    Ok(OutputFile::text("dpv.jsonld", crate::backend::json_text("dpv.jsonld", &doc)?))
}

/// The graph as Turtle (`dpv.ttl`).
pub fn turtle(policy: &Policy) -> OutputFile {
    let mut out = String::new();
    let _ = writeln!(out, "# Policy `{}` in the W3C Data Privacy Vocabulary; generated by policyc.", policy.id);
    for (p, ns) in PREFIXES {
        let _ = writeln!(out, "@prefix {p}: {} .", iri(ns));
    }
    for n in graph(policy) {
        let _ = write!(out, "\n{}", iri(&n.id));
        let last = n.props.len();
        for (i, (p, o)) in n.props.iter().enumerate() {
            let obj = match o {
                Object::Iri(i) => iri(i),
                Object::Lang(v, l) => format!("{}@{l}", turtle_string(v)),
                Object::Typed(v, t) => format!("{}^^{}", turtle_string(v), iri(t)),
            };
            let pred = if *p == "rdf:type" { "a" } else { p };
            let _ = write!(out, "\n    {pred} {obj}{}", if i + 1 == last { " ." } else { " ;" });
        }
        out.push('\n');
    }
    OutputFile::text("dpv.ttl", out)
}

#[cfg(test)]
mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Any string as a Turtle literal, and a minted IRI, parse back as one triple holding
        /// exactly them.
        #[test]
        fn literals_and_iris_read_back(s in any::<String>(), tail in "[a-zA-Z0-9_.:-]{0,20}") {
            let subject = format!("urn:x:{tail}");
            let doc = format!("{} <urn:p> {} .\n", iri(&subject), turtle_string(&s));
            let triples: Vec<_> = oxttl::TurtleParser::new()
                .for_slice(doc.as_bytes())
                .collect::<Result<_, _>>()
                .map_err(|e| TestCaseError::fail(format!("{e}: {doc:?}")))?;
            prop_assert_eq!(triples.len(), 1);
            match &triples[0].object {
                oxrdf::Term::Literal(l) => prop_assert_eq!(l.value(), s.as_str()),
                other => prop_assert!(false, "not a literal: {other}"),
            }
            match &triples[0].subject {
                oxrdf::NamedOrBlankNode::NamedNode(n) => prop_assert_eq!(n.as_str(), subject.as_str()),
                other => prop_assert!(false, "not an IRI: {other}"),
            }
        }
    }
}
