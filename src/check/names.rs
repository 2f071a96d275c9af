//! Declared names: each kind its own namespace, duplicates, names that collide in Rust,
//! undefined references (with the closest name as a suggestion) and unused declarations.

use super::builtins;
use super::{Checker, Kind, err};
use crate::diagnostics::Code;
use crate::names;
use crate::syntax::ast::{self, Ident};
use std::collections::BTreeMap;

impl<'a> Checker<'a> {
    pub(super) fn name(&mut self, id: &Ident) {
        if let Err(why) = names::check_name(&id.name) {
            let suggestion = names::suggest_snake(&id.name);
            let mut d = err(Code::BadIdentifier, id.span, format!("`{}` cannot be used as a name", id.name)).label(why);
            d = if suggestion != id.name && names::check_name(&suggestion).is_ok() {
                d.help(format!("write it as `{suggestion}`"))
            } else {
                d.help("choose another name: it must become a SQL and a Rust identifier")
            };
            self.push(d);
        }
    }

    pub(super) fn declare(&mut self, kind: Kind, id: &Ident) {
        self.name(id);
        let in_root = id.span.file == self.root;
        let table = self.declared.entry(kind).or_default();
        if let Some((first, _)) = table.get(&id.name) {
            let (l, c) = self.loaded.sources.line_col(first.file, first.start);
            let file = self.loaded.sources.file(first.file).path.display().to_string();
            let d = err(Code::Duplicate, id.span, format!("{} `{}` is declared twice", kind.word(), id.name))
                .label("second declaration")
                .help(format!("the first is at {file}:{l}:{c}; rename or remove one"));
            self.push(d);
        } else {
            table.insert(id.name.clone(), (id.span, in_root));
        }
    }

    /// Resolves a reference; reports an undefined name with a suggestion.
    pub(super) fn resolve(&mut self, kind: Kind, id: &Ident) -> bool {
        let found = self.declared.get(&kind).is_some_and(|t| t.contains_key(&id.name))
            || (kind == Kind::Basis && builtins::find(&id.name).is_some());
        if found {
            self.used.insert((kind, id.name.clone()));
            return true;
        }
        if self.partial {
            return false;
        }
        let mut candidates: Vec<&str> =
            self.declared.get(&kind).map(|t| t.keys().map(String::as_str).collect()).unwrap_or_default();
        if kind == Kind::Basis {
            candidates.extend(builtins::BUILTINS.iter().map(|b| b.name));
        }
        let suggestion = closest(&id.name, candidates.iter().copied()).map(str::to_string);
        // The item the author most likely meant is used, misspelt: no "never used" warning for it.
        if let Some(c) = &suggestion {
            self.used.insert((kind, c.clone()));
        }
        let help = suggestion.as_ref().map(|c| format!("did you mean `{c}`?")).or_else(|| {
            Some(match kind {
                Kind::Basis => {
                    "declare it with `basis name: kind { … }` or use a built-in such as `gdpr_contract`".into()
                }
                Kind::Store => format!("declare it with `store {}: KIND {{ name {{ … }} }}`", id.name),
                _ => format!("declare it with `{} {} {{ … }}`", kind_keyword(kind), id.name),
            })
        });
        let mut d = err(Code::Undefined, id.span, format!("undefined {} `{}`", kind.word(), id.name))
            .label(format!("no {} has this name", kind.word()))
            .maybe_help(help);
        if let Some(c) = suggestion {
            d = d.fix(c);
        }
        self.push(d);
        false
    }

    pub(super) fn declare_all(&mut self) {
        let items: Vec<_> = self.items().collect();
        for (_, item) in items {
            match item {
                ast::Item::Store(d) => self.declare(Kind::Store, &d.name),
                ast::Item::Purpose(d) => self.declare(Kind::Purpose, &d.name),
                ast::Item::Basis(d) => {
                    if builtins::find(&d.name.name).is_some() {
                        self.push(
                            err(Code::Duplicate, d.name.span, format!("`{}` is a built-in legal basis", d.name.name))
                                .label("already defined")
                                .help("use the built-in directly, or give your own basis another name"),
                        );
                    }
                    self.declare(Kind::Basis, &d.name)
                }
                ast::Item::Recipient(d) => self.declare(Kind::Recipient, &d.name),
                ast::Item::Condition(d) => {
                    if d.name.name == "consent" {
                        self.push(
                            err(Code::Duplicate, d.name.span, "`consent` is a built-in condition")
                                .label("reserved")
                                .help("`requires consent` already means the customer's consent"),
                        );
                    }
                    self.declare(Kind::Condition, &d.name)
                }
                ast::Item::State(d) => self.declare(Kind::State, &d.name),
                ast::Item::Event(d) => self.declare(Kind::Event, &d.name),
                ast::Item::Category(c) => self.declare(Kind::Category, &c.name),
                ast::Item::Storage(s) => self.declare(Kind::Storage, &s.name),
                _ => {}
            }
        }
        self.collisions();
    }

    /// Names that differ in the source but map to the same Rust type name.
    pub(super) fn collisions(&mut self) {
        let mut found = Vec::new();
        for (kind, table) in &self.declared {
            let mut seen: BTreeMap<String, &String> = BTreeMap::new();
            let mut ordered: Vec<_> = table.iter().collect();
            ordered.sort_by_key(|(_, (s, _))| (s.file, s.start));
            for (name, (span, _)) in ordered {
                let mapped = names::camel(name);
                match seen.get(&mapped) {
                    Some(other) => found.push(
                        err(
                            Code::NameCollision,
                            *span,
                            format!("{} `{name}` and `{other}` both become `{mapped}` in Rust", kind.word()),
                        )
                        .label("collides after mapping")
                        .help("rename one of them"),
                    ),
                    None => {
                        seen.insert(mapped, name);
                    }
                }
            }
        }
        for d in found {
            self.push(d);
        }
    }

    pub(super) fn unused(&mut self) {
        if self.partial {
            return;
        }
        let mut warnings = Vec::new();
        for (kind, table) in &self.declared {
            if matches!(kind, Kind::Category | Kind::Storage) {
                continue;
            }
            for (name, (span, in_root)) in table {
                if *in_root && !self.used.contains(&(*kind, name.clone())) {
                    warnings.push(
                        err(Code::Unused, *span, format!("{} `{name}` is never used", kind.word()))
                            .label("declared here")
                            .help("remove it, or reference it from a category"),
                    );
                }
            }
        }
        for w in warnings {
            self.push(w);
        }
    }
}

/// The closest candidate to `name`, if close enough to be a likely typo.
pub fn closest<'c>(name: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = strsim::levenshtein(name, c);
        let limit = (name.len().max(c.len()) / 3).max(1);
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// "did you mean `x`?" for the closest candidate to `name`, if close enough to be a typo.
pub fn did_you_mean<'c>(name: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<String> {
    closest(name, candidates).map(|c| format!("did you mean `{c}`?"))
}

pub(super) fn kind_keyword(kind: Kind) -> &'static str {
    match kind {
        Kind::Store => "store",
        Kind::Purpose => "purpose",
        Kind::Basis => "basis",
        Kind::Recipient => "recipient",
        Kind::Condition => "condition",
        Kind::State => "state",
        Kind::Event => "event",
        Kind::Category => "category",
        Kind::Storage => "storage",
    }
}
