//! Declarations other than categories: stores, purposes, bases, recipients, conditions, states
//! and events.

use super::names::did_you_mean;
use super::taxonomy;
use super::{Checker, err};
use crate::diagnostics::Code;
use crate::model::{self, Text};
use crate::source::Span;
use crate::syntax::ast::{self, Attr};

impl<'a> Checker<'a> {
    pub(super) fn attrs(&mut self, d: &ast::Decl, what: &str) -> DeclAttrs {
        let mut out = DeclAttrs::default();
        for a in &d.attrs {
            match a {
                Attr::Name(t) => out.name = Some(self.text(t, &format!("the name of {what}"))),
                Attr::Label(t) => out.label = Some(self.text(t, &format!("the label of {what}"))),
                Attr::Description(t) => out.description = Some(self.text(t, &format!("the description of {what}"))),
                Attr::Withdrawal(t) => {
                    out.withdrawal = Some(self.text(t, &format!("the withdrawal statement of {what}")))
                }
                Attr::Citation(c) => out.citation = Some(c.value.clone()),
                Attr::Schedule(s) => {
                    self.cron(s);
                    out.schedule = Some(s.value.clone())
                }
                Attr::Renamed(r) => {
                    self.name(r);
                    out.renamed = Some(r.name.clone())
                }
                // Checked where the item is built, against the taxonomy its kind maps to.
                Attr::Maps { .. } => {}
                Attr::OfAccount(_) => out.subject = Some(model::EventSubject::Account),
                Attr::OfResource(r) => {
                    self.name(r);
                    out.subject = Some(model::EventSubject::Resource(r.name.clone()))
                }
            }
        }
        out
    }

    pub(super) fn require_text(&mut self, t: Option<Text>, span: Span, what: &str, attr: &str) -> Text {
        t.unwrap_or_else(|| {
            self.push(
                err(Code::Missing, span, format!("{what} has no `{attr}`")).label(format!("needs `{attr}`")).help(
                    format!(
                        "add `{attr} {{ {} }}`",
                        self.locales.iter().map(|l| format!("{l} \"…\"")).collect::<Vec<_>>().join(" ")
                    ),
                ),
            );
            Text::default()
        })
    }

    pub(super) fn declarations(&mut self, p: &mut model::Policy) {
        let items: Vec<_> = self.items().collect();
        for (_, item) in items {
            match item {
                ast::Item::Store(d) => {
                    let what = format!("store `{}`", d.name.name);
                    let a = self.attrs(d, &what);
                    let kind = d.kind.as_ref().and_then(|k| {
                        let found = model::StoreKind::ALL.iter().find(|(n, _)| *n == k.name).map(|(_, k)| *k);
                        if found.is_none() {
                            let help = did_you_mean(&k.name, model::StoreKind::ALL.iter().map(|(n, _)| *n))
                                .unwrap_or_else(|| {
                                    format!(
                                        "store kinds are {}",
                                        model::StoreKind::ALL
                                            .iter()
                                            .map(|(n, _)| format!("`{n}`"))
                                            .collect::<Vec<_>>()
                                            .join(", ")
                                    )
                                });
                            self.push(
                                err(Code::Undefined, k.span, format!("unknown store kind `{}`", k.name))
                                    .label("not a store kind")
                                    .help(help),
                            );
                        }
                        found
                    });
                    let display = self.require_text(a.name, d.name.span, &what, "name");
                    p.stores.push(model::Store {
                        name: d.name.name.clone(),
                        kind: kind.unwrap_or(model::StoreKind::Other),
                        display,
                        schedule: a.schedule,
                    });
                }
                ast::Item::Purpose(d) => {
                    let what = format!("purpose `{}`", d.name.name);
                    let a = self.attrs(d, &what);
                    let label = self.require_text(a.label, d.name.span, &what, "label");
                    let mappings = self.mappings(&d.attrs, taxonomy::Target::Purpose, &what);
                    p.purposes.push(model::Purpose {
                        name: d.name.name.clone(),
                        label,
                        description: a.description,
                        withdrawal: a.withdrawal,
                        renamed_from: a.renamed,
                        mappings,
                    });
                }
                ast::Item::Basis(d) => {
                    let what = format!("legal basis `{}`", d.name.name);
                    let a = self.attrs(d, &what);
                    let kind = d.kind.as_ref().and_then(|k| {
                        let found = model::BasisKind::ALL.iter().find(|(n, _)| *n == k.name).map(|(_, k)| *k);
                        if found.is_none() {
                            let help = did_you_mean(&k.name, model::BasisKind::ALL.iter().map(|(n, _)| *n))
                                .unwrap_or_else(|| {
                                    format!(
                                        "kinds are {}",
                                        model::BasisKind::ALL
                                            .iter()
                                            .map(|(n, _)| format!("`{n}`"))
                                            .collect::<Vec<_>>()
                                            .join(", ")
                                    )
                                });
                            self.push(
                                err(Code::Undefined, k.span, format!("unknown kind of legal basis `{}`", k.name))
                                    .label("not a kind of basis")
                                    .help(help),
                            );
                        }
                        found
                    });
                    let label = self.require_text(a.label, d.name.span, &what, "label");
                    let citation = a.citation.unwrap_or_else(|| {
                        self.push(
                            err(Code::Missing, d.name.span, format!("{what} has no `citation`"))
                                .label("needs `citation`")
                                .help("cite the provision, e.g. `citation \"GDPR Art. 6(1)(b)\"`"),
                        );
                        String::new()
                    });
                    let mappings = self.mappings(&d.attrs, taxonomy::Target::Basis, &what);
                    p.bases.push(model::Basis {
                        name: d.name.name.clone(),
                        kind: kind.unwrap_or(model::BasisKind::OtherLegal),
                        label,
                        citation,
                        builtin: false,
                        withdrawal: a.withdrawal,
                        mappings,
                    });
                }
                ast::Item::Recipient(d) => {
                    let what = format!("recipient `{}`", d.name.name);
                    let a = self.attrs(d, &what);
                    let display = self.require_text(a.name, d.name.span, &what, "name");
                    p.recipients.push(model::Recipient {
                        name: d.name.name.clone(),
                        display,
                        description: a.description,
                        renamed_from: a.renamed,
                    });
                }
                ast::Item::Condition(d) | ast::Item::State(d) => {
                    let is_cond = matches!(item, ast::Item::Condition(_));
                    let what = format!("{} `{}`", if is_cond { "condition" } else { "state" }, d.name.name);
                    let a = self.attrs(d, &what);
                    let label = self.require_text(a.label, d.name.span, &what, "label");
                    let n = model::Named { name: d.name.name.clone(), label };
                    if is_cond { p.conditions.push(n) } else { p.states.push(n) }
                }
                ast::Item::Event(d) => {
                    let what = format!("event `{}`", d.name.name);
                    let a = self.attrs(d, &what);
                    let label = self.require_text(a.label, d.name.span, &what, "label");
                    p.events.push(model::Event {
                        name: d.name.name.clone(),
                        label,
                        subject: a.subject.unwrap_or(model::EventSubject::Account),
                    });
                }
                _ => {}
            }
        }
    }
}

#[derive(Default)]
pub(super) struct DeclAttrs {
    name: Option<Text>,
    label: Option<Text>,
    description: Option<Text>,
    withdrawal: Option<Text>,
    citation: Option<String>,
    schedule: Option<String>,
    renamed: Option<String>,
    subject: Option<model::EventSubject>,
}
