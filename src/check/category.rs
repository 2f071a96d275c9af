//! Categories: shared use statements, fields, uses, shares, systems and bindings in one category.

use super::names::did_you_mean;
use super::{Checker, Kind, err};
use super::{builtins, taxonomy};
use crate::diagnostics::Code;
use crate::model::{self, Text};
use crate::names;
use crate::source::Span;
use crate::syntax::ast::{self, Attr, CategoryStmt, Ident};
use std::collections::{BTreeMap, BTreeSet};

impl<'a> Checker<'a> {
    pub(super) fn categories(&mut self, p: &mut model::Policy) {
        let items: Vec<_> = self.items().collect();
        // Shared use statements first, so categories can list them.
        let mut shared: BTreeMap<String, Vec<model::Use>> = BTreeMap::new();
        for (_, item) in &items {
            if let ast::Item::Use(u) = item {
                let index = p.use_statements.len();
                self.resolve(Kind::Purpose, &u.purpose);
                if let Some(b) = &u.basis {
                    self.resolve(Kind::Basis, b);
                }
                for c in &u.categories {
                    self.resolve(Kind::Category, c);
                    shared.entry(c.name.clone()).or_default().push(model::Use {
                        purpose: u.purpose.name.clone(),
                        basis: u.basis.as_ref().map(|b| b.name.clone()),
                        statement: Some(index),
                    });
                }
                p.use_statements.push(model::UseStatement {
                    purpose: u.purpose.name.clone(),
                    basis: u.basis.as_ref().map(|b| b.name.clone()),
                    categories: u.categories.iter().map(|c| c.name.clone()).collect(),
                });
            }
        }
        for (_, item) in &items {
            if let ast::Item::Category(c) = item {
                let cat = self.category(c, p, shared.remove(&c.name.name).unwrap_or_default());
                p.categories.push(cat);
            }
        }
        // Built-in bases the policy uses, in first-use order.
        let mut used_builtins = Vec::new();
        for u in p
            .categories
            .iter()
            .flat_map(|c| &c.uses)
            .filter_map(|u| u.basis.as_ref())
            .chain(p.categories.iter().flat_map(|c| &c.shares).filter_map(|s| s.basis.as_ref()))
        {
            if let Some(b) = builtins::find(u)
                && !used_builtins.contains(&b.name)
                && p.basis(u).is_none()
            {
                used_builtins.push(b.name);
            }
        }
        for name in used_builtins {
            if let Some(b) = builtins::find(name) {
                let label = Text(
                    self.locales
                        .iter()
                        .map(|l| (l.clone(), if l.starts_with("zh") { b.zh } else { b.en }.to_string()))
                        .collect(),
                );
                p.bases.push(model::Basis {
                    name: b.name.into(),
                    kind: b.kind,
                    label,
                    citation: b.citation.into(),
                    builtin: true,
                    withdrawal: None,
                    mappings: Vec::new(),
                });
            }
        }
        self.consent_checks(p, &items);
    }

    fn category(&mut self, c: &ast::Category, p: &model::Policy, shared: Vec<model::Use>) -> model::Category {
        let what = format!("category `{}`", c.name.name);
        let mut label = None;
        let mut description = None;
        let mut renamed_from = None;
        let mut only_if = None;
        let mut role = p.role;
        let mut fields: Vec<model::Field> = Vec::new();
        let mut field_spans: BTreeMap<String, Span> = BTreeMap::new();
        let mut uses = Vec::new();
        let mut systems = Vec::new();
        let mut shares = Vec::new();
        let mut bindings = Vec::new();
        let mut binding_asts = Vec::new();
        let mut not_stored: Option<Span> = None;
        let mut retention: Option<(&ast::Retention, model::Retention)> = None;

        for s in &c.stmts {
            match s {
                CategoryStmt::Attr(Attr::Label(t)) => label = Some(self.text(t, &format!("the label of {what}"))),
                CategoryStmt::Attr(Attr::Description(t)) => {
                    description = Some(self.text(t, &format!("the description of {what}")))
                }
                CategoryStmt::Attr(Attr::Renamed(r)) => {
                    self.name(r);
                    renamed_from = Some(r.name.clone())
                }
                CategoryStmt::Attr(_) => {}
                CategoryStmt::OnlyIf(t) => only_if = Some(self.text(t, &format!("the condition of {what}"))),
                CategoryStmt::Role(r) => role = self::role(&r.name),
                CategoryStmt::Field(f) => {
                    if let Some(first) = field_spans.get(&f.name.name) {
                        let (l, col) = self.loaded.sources.line_col(first.file, first.start);
                        self.push(
                            err(
                                Code::Duplicate,
                                f.name.span,
                                format!("field `{}` is declared twice in {what}", f.name.name),
                            )
                            .label("second declaration")
                            .help(format!("the first is at line {l}, column {col}")),
                        );
                        continue;
                    }
                    self.name(&f.name);
                    field_spans.insert(f.name.name.clone(), f.name.span);
                    fields.push(self.field(f, &what));
                }
                CategoryStmt::Use { purpose, basis, span } => {
                    self.resolve(Kind::Purpose, purpose);
                    if let Some(b) = basis {
                        self.resolve(Kind::Basis, b);
                    }
                    if uses.iter().any(|(u, _): &(model::Use, Span)| {
                        u.purpose == purpose.name && u.basis == basis.as_ref().map(|b| b.name.clone())
                    }) {
                        self.push(
                            err(Code::Duplicate, *span, format!("{what} states this use twice"))
                                .label("repeated")
                                .help("remove the repetition"),
                        );
                    }
                    uses.push((
                        model::Use {
                            purpose: purpose.name.clone(),
                            basis: basis.as_ref().map(|b| b.name.clone()),
                            statement: None,
                        },
                        *span,
                    ));
                }
                CategoryStmt::Systems(list) => {
                    for s in list {
                        if self.resolve(Kind::Store, s) && systems.contains(&s.name) {
                            self.push(
                                err(Code::Duplicate, s.span, format!("system `{}` is listed twice", s.name))
                                    .label("repeated")
                                    .help("remove the repetition"),
                            );
                        }
                        if !systems.contains(&s.name) {
                            systems.push(s.name.clone());
                        }
                    }
                }
                CategoryStmt::Share(sh) => shares.push(sh),
                CategoryStmt::Stored(b) => binding_asts.push(b),
                CategoryStmt::NotStored(span) => not_stored = Some(*span),
                CategoryStmt::Retain(r) => {
                    if let Some((first, _)) = &retention {
                        let (l, col) = self.loaded.sources.line_col(first.span.file, first.span.start);
                        self.push(
                            err(Code::Duplicate, r.span, format!("{what} has two retention rules"))
                                .label("second rule")
                                .help(format!("the first is at line {l}, column {col}; combine clocks with `retain earliest of (…)`")),
                        );
                    } else {
                        let m = self.retention(r);
                        retention = Some((r, m));
                    }
                }
            }
        }

        let label = self.require_text(label, c.name.span, &what, "label");
        if fields.is_empty() {
            self.push(
                err(Code::Missing, c.name.span, format!("{what} has no fields"))
                    .label("no `field`")
                    .help("list the personal information it holds, e.g. `field public_ip: ip { label { … } }`"),
            );
        }
        let mut all_uses: Vec<model::Use> = Vec::new();
        for (u, span) in &uses {
            match (&u.basis, role) {
                (None, model::Role::Controller) => self.push(
                    err(Code::Missing, *span, format!("purpose `{}` of {what} has no legal basis", u.purpose))
                        .label("needs `under BASIS`")
                        .help("a controller states the legal basis of every use, e.g. `under gdpr_contract`; a processor declares `role processor`"),
                ),
                (Some(b), model::Role::Processor) => self.push(
                    err(Code::Mismatch, *span, format!("{what} is processed as a processor, which has no legal basis of its own"))
                        .label(format!("`under {b}` does not apply"))
                        .help("remove `under …`: the customer, as controller, determines the basis"),
                ),
                _ => {}
            }
            all_uses.push(u.clone());
        }
        for u in shared {
            if u.basis.is_none() && role == model::Role::Controller {
                self.push(
                    err(
                        Code::Missing,
                        c.name.span,
                        format!("a shared `use {}` statement for {what} has no legal basis", u.purpose),
                    )
                    .label("needs a legal basis")
                    .help("add `under BASIS` to the `use … for …` statement"),
                );
            }
            all_uses.push(u);
        }
        if all_uses.is_empty() {
            self.push(
                err(Code::Missing, c.name.span, format!("{what} has no purpose"))
                    .label("no `use`")
                    .help("state why the data is processed: `use PURPOSE under BASIS`"),
            );
        }

        let field_names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
        let mut model_shares = Vec::new();
        let mut shared_with = BTreeSet::new();
        for sh in shares {
            self.repeated_share(&mut shared_with, &sh.recipient, &what);
            self.resolve(Kind::Recipient, &sh.recipient);
            for f in &sh.fields {
                if !field_names.contains(&f.name.as_str()) {
                    let help = did_you_mean(&f.name, field_names.iter().copied());
                    self.push(
                        err(Code::Undefined, f.span, format!("{what} has no field `{}`", f.name))
                            .label("not a field of this category")
                            .help(help.unwrap_or_else(|| format!("the fields of {what} are {}", list(&field_names)))),
                    );
                }
            }
            let mut requires = Vec::new();
            for r in &sh.requires {
                let req = if r.name == "consent" {
                    model::Requirement::Consent
                } else {
                    self.resolve(Kind::Condition, r);
                    model::Requirement::Condition(r.name.clone())
                };
                if requires.contains(&req) {
                    self.push(
                        err(Code::Duplicate, r.span, format!("`{}` is required twice", r.name))
                            .label("repeated")
                            .help("remove the repetition"),
                    );
                } else {
                    requires.push(req);
                }
            }
            if let Some(b) = &sh.basis {
                self.resolve(Kind::Basis, b);
            }
            model_shares.push(model::Share {
                recipient: sh.recipient.name.clone(),
                fields: sh.fields.iter().map(|f| f.name.clone()).collect(),
                requires,
                basis: sh.basis.as_ref().map(|b| b.name.clone()),
                description: sh.description.as_ref().map(|d| self.text(d, "the sharing description")),
            });
        }

        let retention = match (not_stored, retention) {
            (Some(span), Some((r, _))) => {
                self.push(
                    err(Code::Mismatch, r.span, format!("{what} is `not stored` but has a retention rule"))
                        .label("nothing to retain")
                        .help(format!(
                            "remove one of them (`not stored` is at line {})",
                            self.loaded.sources.line_col(span.file, span.start).0
                        )),
                );
                None
            }
            (Some(_), None) => Some(model::Retention {
                rule: model::Rule::NotStored,
                action: model::EndAction::Delete,
                backups: None,
                tolerance: None,
                wording: BTreeMap::new(),
            }),
            (None, Some((r, m))) => Some(self.rule_refs(r, m)),
            (None, None) => {
                self.push(
                    err(Code::Missing, c.name.span, format!("{what} has no retention rule")).label("no `retain`").help(
                        "say how long it is kept, e.g. `retain 7 days`, or `not stored` for data processed in transit",
                    ),
                );
                None
            }
        };

        for b in binding_asts {
            if not_stored.is_some() {
                self.push(
                    err(Code::Mismatch, b.span, format!("{what} is `not stored` but is bound to a store"))
                        .label("stored here")
                        .help("remove `not stored`, or remove this binding"),
                );
            }
            if let Some(m) = self.binding(b, &what, &fields, p, retention.as_ref()) {
                self.ttl_store_checks(b, &m, &what, &fields, p, retention.as_ref());
                if bindings.iter().any(|x: &model::Binding| x.store == m.store && x.location == m.location) {
                    self.push(
                        err(Code::Duplicate, b.span, format!("{what} is bound to the same place twice"))
                            .label("repeated binding")
                            .help("remove one of the `stored in` statements"),
                    );
                }
                bindings.push(m);
            }
        }

        let mappings = self.mappings(
            c.stmts.iter().filter_map(|s| match s {
                CategoryStmt::Attr(a) => Some(a),
                _ => None,
            }),
            taxonomy::Target::Data,
            &what,
        );
        model::Category {
            name: c.name.name.clone(),
            mappings,
            label,
            description,
            renamed_from,
            only_if,
            role,
            fields,
            uses: all_uses,
            systems,
            shares: model_shares,
            bindings,
            retention: retention.unwrap_or(model::Retention {
                rule: model::Rule::NotStored,
                action: model::EndAction::Delete,
                backups: None,
                tolerance: None,
                wording: BTreeMap::new(),
            }),
        }
    }

    /// One `share with` per recipient: the Rust backend gives each (category, recipient) pair
    /// one set of proof requirements.
    pub(super) fn repeated_share(&mut self, seen: &mut BTreeSet<String>, recipient: &Ident, what: &str) {
        if !seen.insert(recipient.name.clone()) {
            self.push(
                err(Code::Duplicate, recipient.span, format!("{what} is shared with `{}` twice", recipient.name))
                    .label("second `share with`")
                    .help("merge the two blocks: list the fields and requirements once"),
            );
        }
    }

    /// Enum variants become Rust variant names (`self_service` → `SelfService`), so they must
    /// stay distinct after that mapping.
    pub(super) fn variant_collisions(&mut self, variants: &[Ident], what: &str) {
        let mut seen: BTreeMap<String, &str> = BTreeMap::new();
        for v in variants {
            let mapped = names::camel(&v.name);
            match seen.get(&mapped) {
                Some(other) if *other != v.name => self.push(
                    err(
                        Code::NameCollision,
                        v.span,
                        format!("variants `{other}` and `{}` of {what} both become `{mapped}` in Rust", v.name),
                    )
                    .label("collides after mapping")
                    .help("rename one of them"),
                ),
                Some(_) => {}
                None => {
                    seen.insert(mapped, &v.name);
                }
            }
        }
    }

    pub(super) fn field(&mut self, f: &ast::Field, what: &str) -> model::Field {
        let fwhat = format!("field `{}` of {what}", f.name.name);
        let ty = if f.ty.name == "enum" {
            let mut seen = BTreeSet::new();
            for v in &f.variants {
                self.name(v);
                if !seen.insert(v.name.clone()) {
                    self.push(
                        err(Code::Duplicate, v.span, format!("variant `{}` is listed twice", v.name))
                            .label("repeated")
                            .help("remove the repetition"),
                    );
                }
            }
            self.variant_collisions(&f.variants, &fwhat);
            model::FieldType::Enum(f.variants.iter().map(|v| v.name.clone()).collect())
        } else {
            match model::FieldType::SIMPLE.iter().find(|(n, _)| *n == f.ty.name) {
                Some((_, t)) => t.clone(),
                None => {
                    let help = did_you_mean(&f.ty.name, model::FieldType::SIMPLE.iter().map(|(n, _)| *n))
                        .unwrap_or_else(|| {
                            format!(
                                "types are {}, and `enum(a, b)`",
                                model::FieldType::SIMPLE
                                    .iter()
                                    .map(|(n, _)| format!("`{n}`"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )
                        });
                    self.push(
                        err(Code::Undefined, f.ty.span, format!("unknown field type `{}`", f.ty.name))
                            .label("not a type")
                            .help(help),
                    );
                    model::FieldType::String
                }
            }
        };
        let mut label = None;
        let mut renamed_from = None;
        for a in &f.attrs {
            match a {
                Attr::Label(t) => label = Some(self.text(t, &format!("the label of {fwhat}"))),
                Attr::Renamed(r) => {
                    self.name(r);
                    renamed_from = Some(r.name.clone())
                }
                _ => {}
            }
        }
        let label = self.require_text(label, f.name.span, &fwhat, "label");
        let mappings = self.mappings(&f.attrs, taxonomy::Target::Data, &fwhat);
        model::Field {
            mappings,
            name: f.name.name.clone(),
            ty,
            label,
            sensitive: f.sensitive,
            internal: f.internal,
            renamed_from,
        }
    }
}

pub(super) fn list(names: &[&str]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

pub(super) fn role(s: &str) -> model::Role {
    if s == "processor" { model::Role::Processor } else { model::Role::Controller }
}
