//! Statements for the documents: storage statements, rights and free-text sections.

use super::names::did_you_mean;
use super::{Checker, Kind, err};
use crate::diagnostics::Code;
use crate::model;
use crate::syntax::ast;

impl<'a> Checker<'a> {
    pub(super) fn others(&mut self, p: &mut model::Policy) {
        let items: Vec<_> = self.items().collect();
        let mut rights_seen = false;
        for (_, item) in items {
            match item {
                ast::Item::Storage(s) => {
                    let what = format!("storage statement `{}`", s.name.name);
                    for st in &s.stores {
                        self.resolve(Kind::Store, st);
                    }
                    if s.stores.is_empty() {
                        self.push(
                            err(Code::Missing, s.name.span, format!("{what} names no store"))
                                .label("needs `stored in STORE`")
                                .help("add `stored in STORE, …`"),
                        );
                    }
                    let data = match &s.data {
                        Some(d) => self.text(d, &format!("the data of {what}")),
                        None => self.require_text(None, s.name.span, &what, "data"),
                    };
                    p.storage_statements.push(model::StorageStatement {
                        name: s.name.name.clone(),
                        data,
                        stores: s.stores.iter().map(|s| s.name.clone()).collect(),
                        backed_up: s.backed_up,
                    });
                }
                ast::Item::Rights(r) => {
                    if rights_seen {
                        self.push(
                            err(Code::Duplicate, r.span, "the policy has two `rights` blocks")
                                .label("second block")
                                .help("merge them"),
                        );
                    }
                    rights_seen = true;
                    if let Some((_, d)) = &r.deletion {
                        p.rights.deletion_on_request = true;
                        p.rights.deletion_deadline = d.as_ref().map(|d| self.duration(d, false));
                    }
                    p.rights.self_service = r.self_service.as_ref().map(|t| self.text(t, "the self-service statement"));
                    if let Some(a) = &r.minimum_age {
                        match a.value.parse::<u32>() {
                            Ok(n) if (1..=120).contains(&n) => p.rights.minimum_age = Some(n),
                            _ => self.push(
                                err(Code::BadValue, a.span, format!("`{}` is not a plausible minimum age", a.value))
                                    .label("expected 1 to 120")
                                    .help("write the age in years, e.g. `minimum age 14`"),
                            ),
                        }
                    }
                }
                ast::Item::Section(name, text) => match model::Section::ALL.iter().find(|(n, _)| *n == name.name) {
                    Some((_, s)) => {
                        let t = self.text(text, &format!("section `{}`", name.name));
                        if p.sections.insert(*s, t).is_some() {
                            self.push(
                                err(Code::Duplicate, name.span, format!("section `{}` has text twice", name.name))
                                    .label("second text")
                                    .help("merge the two texts"),
                            );
                        }
                    }
                    None => {
                        let help = did_you_mean(&name.name, model::Section::ALL.iter().map(|(n, _)| *n))
                            .unwrap_or_else(|| {
                                format!(
                                    "sections are {}",
                                    model::Section::ALL
                                        .iter()
                                        .map(|(n, _)| format!("`{n}`"))
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                )
                            });
                        self.push(
                            err(Code::Undefined, name.span, format!("unknown document section `{}`", name.name))
                                .label("not a section")
                                .help(help),
                        );
                    }
                },
                _ => {}
            }
        }
    }
}
