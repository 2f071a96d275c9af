//! Name resolution and validation: syntax tree to [`model::Policy`], with every problem of the
//! policy reported at once.

mod bindings;
pub mod builtins;
mod category;
mod consent;
mod declarations;
mod documents;
mod header;
mod names;
mod retention;
pub mod taxonomy;
mod text;

pub use names::{closest, did_you_mean};

use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::load::Loaded;
use crate::model;
use crate::source::{FileId, Span};
use crate::syntax::ast::{self, HeaderStmt};
use header::valid_locale;
use std::collections::{BTreeMap, BTreeSet};

/// Checks a loaded policy. Returns the model if there are no errors (warnings may remain).
pub fn check(loaded: &Loaded) -> (Option<model::Policy>, Diagnostics) {
    let mut diags = loaded.diags.clone();
    let Some((root, root_file)) = loaded.files.first() else {
        return (None, diags);
    };
    // After a syntax or import error some declarations are missing. The items that did parse
    // are still checked, so one typo does not hide the other problems, but references to
    // names (which may have been declared in the lost text) and unused warnings are not
    // reported. Without the header even the locales are unknown: then syntax errors come alone.
    let partial = diags.has_errors();
    if partial && !root_file.items.iter().any(|i| matches!(i, ast::Item::Policy(_))) {
        diags.sort();
        return (None, diags);
    }
    let mut cx = Checker::new(*root, loaded);
    cx.partial = partial;
    let policy = cx.run();
    diags.extend(cx.diags);
    diags.sort();
    if diags.has_errors() { (None, diags) } else { (policy, diags) }
}

/// Kinds of named declarations, each its own namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Store,
    Purpose,
    Basis,
    Recipient,
    Condition,
    State,
    Event,
    Category,
    Storage,
}

impl Kind {
    fn word(self) -> &'static str {
        match self {
            Kind::Store => "store",
            Kind::Purpose => "purpose",
            Kind::Basis => "legal basis",
            Kind::Recipient => "recipient",
            Kind::Condition => "condition",
            Kind::State => "state",
            Kind::Event => "event",
            Kind::Category => "category",
            Kind::Storage => "storage statement",
        }
    }
}

struct Checker<'a> {
    root: FileId,
    loaded: &'a Loaded,
    diags: Diagnostics,
    locales: Vec<String>,
    fallback: Option<String>,
    /// Declared names per kind: name → (span of the name, declared in the root file).
    declared: BTreeMap<Kind, BTreeMap<String, (Span, bool)>>,
    used: BTreeSet<(Kind, String)>,
    /// Parts of the policy failed to parse: do not report undefined or unused names.
    partial: bool,
}

fn err(code: Code, span: Span, msg: impl Into<String>) -> Diagnostic {
    Diagnostic::new(code, span, msg)
}

impl<'a> Checker<'a> {
    fn new(root: FileId, loaded: &'a Loaded) -> Self {
        Checker {
            root,
            loaded,
            diags: Diagnostics::default(),
            locales: Vec::new(),
            fallback: None,
            declared: BTreeMap::new(),
            used: BTreeSet::new(),
            partial: false,
        }
    }

    fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    fn items(&self) -> impl Iterator<Item = (FileId, &'a ast::Item)> + use<'a> {
        self.loaded.files.iter().flat_map(|(id, f)| f.items.iter().map(move |i| (*id, i)))
    }

    fn run(&mut self) -> Option<model::Policy> {
        let header = self.header_ast();
        // Locales first: every text check depends on them.
        let mut default = None;
        if let Some(h) = header {
            for s in &h.stmts {
                match s {
                    HeaderStmt::Locales(ls) => {
                        for l in ls {
                            if !valid_locale(&l.name) {
                                self.push(
                                    err(Code::BadValue, l.span, format!("`{}` is not a locale tag", l.name))
                                        .label("expected a language tag")
                                        .help("use a lowercase language code such as `en`, `zh` or `zh_hant`"),
                                );
                            }
                            if self.locales.contains(&l.name) {
                                self.push(
                                    err(Code::Duplicate, l.span, format!("locale `{}` is listed twice", l.name))
                                        .label("repeated")
                                        .help("remove the repetition"),
                                );
                            } else {
                                self.locales.push(l.name.clone());
                            }
                        }
                    }
                    HeaderStmt::Default(d) => default = Some(d.clone()),
                    _ => {}
                }
            }
        }
        let default_locale = match (&default, self.locales.first()) {
            (Some(d), _) if self.locales.contains(&d.name) => d.name.clone(),
            (Some(d), _) => {
                self.push(
                    err(
                        Code::Undefined,
                        d.span,
                        format!("default locale `{}` is not among the declared locales", d.name),
                    )
                    .label("not declared")
                    .help("add it to `locales` or pick one of them"),
                );
                d.name.clone()
            }
            (None, Some(first)) => first.clone(),
            (None, None) => "en".to_string(),
        };
        if self.locales.is_empty() {
            if let Some(h) = header {
                self.push(
                    err(Code::Missing, h.id.span, "the policy declares no locales")
                        .label("needs `locales`")
                        .help("add `locales en` (or several: `locales zh, en`) to the header"),
                );
            }
            self.locales.push(default_locale.clone());
        }
        if header.is_some_and(|h| h.stmts.iter().any(|s| matches!(s, HeaderStmt::Fallback(_)))) {
            self.fallback = Some(default_locale.clone());
        }

        self.declare_all();
        let mut policy = self.header(header, default_locale);
        self.declarations(&mut policy);
        self.categories(&mut policy);
        // A policy with no category declares no processing: nothing to enforce or tell anyone.
        // (After a syntax error the categories may be in the text that did not parse.)
        if let Some(h) = header
            && !self.partial
            && !self.items().any(|(_, i)| matches!(i, ast::Item::Category(_)))
        {
            self.push(
                err(Code::Missing, h.id.span, "the policy declares no category of personal information")
                    .label("no `category`")
                    .help("declare what the module processes: `category NAME { label { … } field … use … retain … }`"),
            );
        }
        self.others(&mut policy);
        self.unused();
        Some(policy)
    }
}
