//! Name resolution and validation: syntax tree to [`model::Policy`], with every problem of the
//! policy reported at once.

pub mod builtins;
pub mod taxonomy;

use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::load::Loaded;
use crate::model::{self, Text};
use crate::names;
use crate::source::{FileId, Span};
use crate::syntax::ast::{self, Attr, CategoryStmt, HeaderStmt, Ident, LText};
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

    // ------------------------------------------------------------------ names

    fn name(&mut self, id: &Ident) {
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

    fn declare(&mut self, kind: Kind, id: &Ident) {
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
    fn resolve(&mut self, kind: Kind, id: &Ident) -> bool {
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

    // ------------------------------------------------------------------ text

    fn text(&mut self, lt: &LText, what: &str) -> Text {
        let mut map = BTreeMap::new();
        for (loc, val) in &lt.entries {
            if !self.locales.contains(&loc.name) {
                let help = did_you_mean(&loc.name, self.locales.iter().map(String::as_str))
                    .unwrap_or_else(|| format!("declared locales are {}", self.locales.join(", ")));
                self.push(
                    err(Code::UnknownLocale, loc.span, format!("locale `{}` is not declared by the policy", loc.name))
                        .label("unknown locale")
                        .help(help),
                );
                continue;
            }
            if map.insert(loc.name.clone(), val.value.clone()).is_some() {
                self.push(
                    err(Code::Duplicate, loc.span, format!("{what} has two `{}` texts", loc.name))
                        .label("second text")
                        .help("keep one text per locale; adjacent strings are joined, so long text can span lines"),
                );
            }
        }
        let missing: Vec<String> = self.locales.iter().filter(|l| !map.contains_key(*l)).cloned().collect();
        if !missing.is_empty() {
            let list = missing.iter().map(|l| format!("`{l}`")).collect::<Vec<_>>().join(", ");
            match self.fallback.clone().and_then(|f| map.get(&f).cloned()) {
                Some(text) => {
                    self.push(
                        err(
                            Code::Fallback,
                            lt.span,
                            format!("{what} has no {list} text; the default locale's text is used"),
                        )
                        .label("translation missing")
                        .help(format!("add {} here to replace the fallback", missing_example(&missing))),
                    );
                    for l in missing {
                        map.insert(l, text.clone());
                    }
                }
                None => self.push(
                    err(Code::MissingTranslation, lt.span, format!("{what} lacks a translation for {list}"))
                        .label("missing translation")
                        .help(format!(
                            "add {} here, or declare `fallback to default` in the policy header",
                            missing_example(&missing)
                        )),
                ),
            }
        }
        Text(map.into_iter().collect())
    }

    // ------------------------------------------------------------------ run

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

    fn header_ast(&mut self) -> Option<&'a ast::Header> {
        let mut found: Option<&'a ast::Header> = None;
        let items: Vec<_> = self.items().collect();
        for (file, item) in items {
            if let ast::Item::Policy(h) = item {
                if file != self.root {
                    self.push(
                        err(Code::Mismatch, h.span, "an imported file cannot have a `policy` header")
                            .label("header in an imported file")
                            .help("keep shared declarations in a file without a header"),
                    );
                } else if let Some(first) = found {
                    let (l, c) = self.loaded.sources.line_col(first.span.file, first.span.start);
                    self.push(
                        err(Code::Duplicate, h.id.span, "a file has one `policy` header")
                            .label("second header")
                            .help(format!("the first is at line {l}, column {c}")),
                    );
                } else {
                    found = Some(h);
                }
            }
        }
        if found.is_none() {
            self.push(
                err(Code::Missing, crate::load::file_start(self.root), "the file has no `policy` header")
                    .label("expected `policy name { … }`")
                    .help("start the file with `policy my_module { version \"1.0\" effective 2024-01-01 locales en title { en \"…\" } feature { en \"…\" } }`"),
            );
        }
        found
    }

    fn declare_all(&mut self) {
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
    fn collisions(&mut self) {
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

    fn header(&mut self, h: Option<&'a ast::Header>, default_locale: String) -> model::Policy {
        let root_path = &self.loaded.sources.file(self.root).path;
        let file_name = |p: &std::path::Path| {
            p.file_name().map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into_owned())
        };
        let mut p = model::Policy {
            format_version: model::FORMAT_VERSION,
            source: file_name(root_path),
            imports: self
                .loaded
                .files
                .iter()
                .skip(1)
                .map(|(id, _)| file_name(&self.loaded.sources.file(*id).path))
                .collect(),
            id: h.map(|h| h.id.name.clone()).unwrap_or_default(),
            version: String::new(),
            effective: String::new(),
            locales: self.locales.clone(),
            default_locale,
            role: model::Role::Controller,
            title: Text::default(),
            feature: Text::default(),
            parent: None,
            controller: model::Controller::AsParent,
            availability: model::Availability::default(),
            schedule: "0 3 * * *".into(),
            stores: Vec::new(),
            purposes: Vec::new(),
            bases: Vec::new(),
            recipients: Vec::new(),
            conditions: Vec::new(),
            states: Vec::new(),
            events: Vec::new(),
            categories: Vec::new(),
            use_statements: Vec::new(),
            storage_statements: Vec::new(),
            rights: model::Rights::default(),
            sections: BTreeMap::new(),
            acknowledges: None,
        };
        let Some(h) = h else { return p };
        self.name(&h.id);
        let (mut version, mut effective, mut title, mut feature, mut controller) = (false, false, false, false, false);
        for s in &h.stmts {
            match s {
                HeaderStmt::Version(v) => {
                    version = true;
                    if v.value.trim().is_empty() {
                        self.push(
                            err(Code::BadValue, v.span, "the version cannot be empty")
                                .label("empty version")
                                .help("write e.g. `version \"1.0.0\"`"),
                        );
                    } else if v.value.chars().any(char::is_control) {
                        self.push(
                            err(Code::BadValue, v.span, "the version must be one line without control characters")
                                .label("line break or control character in the version")
                                .help("write e.g. `version \"1.0.0\"`"),
                        );
                    }
                    p.version = v.value.clone();
                }
                HeaderStmt::Effective(d) => {
                    effective = true;
                    // From the Unix epoch on: every backend counts time from it.
                    let year = d.value.get(..4).and_then(|y| y.parse::<u32>().ok());
                    if year.is_some_and(|y| y < 1970) && crate::semantics::parse_instant(&d.value).is_some() {
                        self.push(
                            err(Code::BadValue, d.span, format!("`{}` is before 1970", d.value))
                                .label("too early")
                                .help("an effective date is from 1970-01-01 on"),
                        );
                    } else if crate::semantics::parse_instant(&d.value).is_none() {
                        self.push(
                            err(Code::BadValue, d.span, format!("`{}` is not a calendar date", d.value))
                                .label("no such date")
                                .help("dates are `YYYY-MM-DD` with a real month and day"),
                        );
                    }
                    p.effective = d.value.clone();
                }
                HeaderStmt::Role(r) => p.role = role(&r.name),
                HeaderStmt::Title(t) => {
                    title = true;
                    p.title = self.text(t, "the title");
                }
                HeaderStmt::Feature(t) => {
                    feature = true;
                    p.feature = self.text(t, "the feature");
                }
                HeaderStmt::PartOf { title, url, precedence, span } => {
                    let t = match title {
                        Some(t) => self.text(t, "the parent policy's title"),
                        None => {
                            self.push(
                                err(Code::Missing, *span, "`part of` needs the parent policy's `title`")
                                    .label("no title")
                                    .help("add `title { … }` naming the parent policy"),
                            );
                            Text::default()
                        }
                    };
                    let u = match url {
                        Some(u) => {
                            if !valid_url(&u.value) {
                                self.push(
                                    err(Code::BadValue, u.span, format!("`{}` is not an http(s) URL", u.value))
                                        .label("invalid URL")
                                        .help("write the full address, e.g. `https://example.com/privacy`"),
                                );
                            }
                            u.value.clone()
                        }
                        None => {
                            self.push(
                                err(Code::Missing, *span, "`part of` needs the parent policy's `url`")
                                    .label("no url")
                                    .help("add `url \"https://…\"` pointing at the parent policy"),
                            );
                            String::new()
                        }
                    };
                    let prec = match precedence.as_ref().map(|p| p.name.as_str()) {
                        Some("parent") => model::Precedence::Parent,
                        Some(_) => model::Precedence::Module,
                        None => {
                            self.push(
                                err(Code::Missing, *span, "`part of` must say which document prevails on conflict")
                                    .label("no precedence")
                                    .help("add `precedence module` (this module prevails) or `precedence parent`"),
                            );
                            model::Precedence::Module
                        }
                    };
                    p.parent = Some(model::Parent { title: t, url: u, precedence: prec });
                }
                HeaderStmt::ControllerParent(span) => {
                    controller = true;
                    if !h.stmts.iter().any(|s| matches!(s, HeaderStmt::PartOf { .. })) {
                        self.push(
                            err(
                                Code::Mismatch,
                                *span,
                                "the controller is `as parent` but the policy has no `part of` parent",
                            )
                            .label("no parent policy")
                            .help("add a `part of { … }` block or name the controller explicitly"),
                        );
                    }
                    p.controller = model::Controller::AsParent;
                }
                HeaderStmt::ControllerEntity { name, contact, span } => {
                    controller = true;
                    let n = match name {
                        Some(n) => self.text(n, "the controller's name"),
                        None => {
                            self.push(
                                err(Code::Missing, *span, "the controller needs a `name`")
                                    .label("no name")
                                    .help("add `name { … }` with the controller's legal name"),
                            );
                            Text::default()
                        }
                    };
                    p.controller =
                        model::Controller::Entity { name: n, contact: contact.as_ref().map(|c| c.value.clone()) };
                }
                HeaderStmt::Availability { regions, note } => {
                    for r in regions {
                        self.name(r);
                    }
                    p.availability.regions = regions.iter().map(|r| r.name.clone()).collect();
                    p.availability.note = note.as_ref().map(|n| self.text(n, "the availability note"));
                }
                HeaderStmt::Schedule(s) => {
                    self.cron(s);
                    p.schedule = s.value.clone();
                }
                HeaderStmt::Acknowledges(a) => p.acknowledges = Some(a.value.clone()),
                HeaderStmt::Locales(_) | HeaderStmt::Default(_) | HeaderStmt::Fallback(_) => {}
            }
        }
        self.acknowledgement(h, &p);
        let missing: Vec<&str> = [
            (version, "version \"1.0\""),
            (effective, "effective 2024-01-01"),
            (title, "title { … }"),
            (feature, "feature { … }"),
            (controller || p.role == model::Role::Processor, "controller as parent"),
        ]
        .iter()
        .filter(|(ok, _)| !ok)
        .map(|(_, s)| *s)
        .collect();
        for m in missing {
            let what = m.split_whitespace().next().unwrap_or(m);
            self.push(
                err(Code::Missing, h.id.span, format!("the policy header has no `{what}`"))
                    .label(format!("needs `{what}`"))
                    .help(format!("add `{m}` to the header")),
            );
        }
        p
    }

    /// `acknowledges` names an earlier version: not empty, and not the policy's own version.
    fn acknowledgement(&mut self, h: &ast::Header, p: &model::Policy) {
        for s in &h.stmts {
            let HeaderStmt::Acknowledges(a) = s else { continue };
            if a.value.trim().is_empty() || a.value.chars().any(char::is_control) {
                self.push(
                    err(Code::BadValue, a.span, "the acknowledged version cannot be empty")
                        .label("empty version")
                        .help("name the earlier version whose changes are announced, e.g. `acknowledges \"1.0.0\"`"),
                );
            } else if a.value == p.version {
                self.push(
                    err(Code::Mismatch, a.span, format!("the policy acknowledges its own version `{}`", a.value))
                        .label("same as `version`")
                        .help("name the earlier version whose material changes this version announces"),
                );
            }
        }
    }

    fn cron(&mut self, s: &ast::Str) {
        if let Err(why) = crate::schedule::parse(&s.value) {
            self.push(
                err(Code::BadValue, s.span, format!("`{}` is not a cron schedule", s.value))
                    .label(why)
                    .help("write minute hour day-of-month month day-of-week, e.g. `0 3 * * *` for daily at 03:00 UTC"),
            );
        }
    }

    fn attrs(&mut self, d: &ast::Decl, what: &str) -> DeclAttrs {
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

    fn require_text(&mut self, t: Option<Text>, span: Span, what: &str, attr: &str) -> Text {
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

    fn declarations(&mut self, p: &mut model::Policy) {
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

    fn categories(&mut self, p: &mut model::Policy) {
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
    fn repeated_share(&mut self, seen: &mut BTreeSet<String>, recipient: &Ident, what: &str) {
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
    fn variant_collisions(&mut self, variants: &[Ident], what: &str) {
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

    fn field(&mut self, f: &ast::Field, what: &str) -> model::Field {
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

    fn duration(&mut self, d: &ast::Duration, allow_zero: bool) -> model::Duration {
        let unit = match d.unit.name.trim_end_matches('s') {
            "hour" => model::Unit::Hours,
            "day" => model::Unit::Days,
            "week" => model::Unit::Weeks,
            "month" => model::Unit::Months,
            _ => model::Unit::Years,
        };
        let amount = match d.amount.value.parse::<u32>() {
            Ok(n) if n <= 100_000 && (n > 0 || allow_zero) => n,
            Ok(0) => {
                self.push(err(Code::BadValue, d.span, "a retention period cannot be zero").label("zero").help(
                    "for deletion when an event happens write `until EVENT`; for data never stored, `not stored`",
                ));
                0
            }
            _ => {
                self.push(
                    err(Code::BadValue, d.amount.span, format!("`{}` is too large for a duration", d.amount.value))
                        .label("at most 100000")
                        .help("use a larger unit, or `indefinitely because { … }`"),
                );
                1
            }
        };
        model::Duration { amount, unit }
    }

    fn clock(&mut self, c: &ast::Clock) -> model::Clock {
        let duration = self.duration(&c.duration, false);
        let anchor = if c.after.is_empty() { model::Anchor::Collection } else { self.event_alts(&c.after) };
        model::Clock { bound: if c.at_most { model::Bound::AtMost } else { model::Bound::Exact }, duration, anchor }
    }

    fn event_alts(&mut self, es: &[Ident]) -> model::Anchor {
        let mut names: Vec<String> = Vec::new();
        for e in es {
            self.resolve(Kind::Event, e);
            if names.contains(&e.name) {
                self.push(
                    err(Code::Duplicate, e.span, format!("event `{}` is listed twice", e.name))
                        .label("repeated")
                        .help("remove the repetition"),
                );
            } else {
                names.push(e.name.clone());
            }
        }
        model::Anchor::Events(names)
    }

    fn retention(&mut self, r: &ast::Retention) -> model::Retention {
        let rule = match &r.rule {
            ast::Rule::Indefinite(t) => model::Rule::Indefinite { justification: self.text(t, "the justification") },
            ast::Rule::While(state, clock) => {
                self.resolve(Kind::State, state);
                let c = self.clock(clock);
                if c.anchor == model::Anchor::Collection {
                    self.push(
                        err(Code::Mismatch, clock.span, "a `while` rule needs the event that ends the state")
                            .label("no `after EVENT`")
                            .help(format!("write e.g. `retain while {}, then 2 months after termination`", state.name)),
                    );
                }
                model::Rule::Expires { while_state: Some(state.name.clone()), clocks: vec![c] }
            }
            ast::Rule::Until(es) => {
                let anchor = self.event_alts(es);
                model::Rule::Expires {
                    while_state: None,
                    clocks: vec![model::Clock {
                        bound: model::Bound::Exact,
                        duration: model::Duration { amount: 0, unit: model::Unit::Days },
                        anchor,
                    }],
                }
            }
            ast::Rule::Earliest(cs) => {
                if cs.len() < 2 {
                    self.push(
                        err(Code::Missing, r.span, "`earliest of` needs at least two clocks")
                            .label("only one clock")
                            .help("write a single clock without `earliest of`, e.g. `retain 7 days`"),
                    );
                }
                model::Rule::Expires { while_state: None, clocks: cs.iter().map(|c| self.clock(c)).collect() }
            }
            ast::Rule::Clock(c) => model::Rule::Expires { while_state: None, clocks: vec![self.clock(c)] },
        };
        let mut wording = BTreeMap::new();
        if let Some(w) = &r.wording {
            for (loc, val) in &w.entries {
                if self.locales.contains(&loc.name) {
                    wording.insert(loc.name.clone(), val.value.clone());
                } else {
                    self.push(
                        err(
                            Code::UnknownLocale,
                            loc.span,
                            format!("locale `{}` is not declared by the policy", loc.name),
                        )
                        .label("unknown locale")
                        .help(format!("declared locales are {}", self.locales.join(", "))),
                    );
                }
            }
        }
        let backups = r.backups.as_ref().map(|d| self.duration(d, false));
        let tolerance = r.tolerance.as_ref().map(|d| self.duration(d, false));
        self.retention_range(r, &rule, backups, tolerance);
        model::Retention {
            rule,
            action: if r.anonymise { model::EndAction::Anonymise } else { model::EndAction::Delete },
            backups,
            tolerance,
            wording,
        }
    }

    /// Every clock's period plus backups and tolerance stays within
    /// [`semantics::MAX_RETENTION_SECS`], so every engine computes each expiry in range.
    fn retention_range(
        &mut self,
        r: &ast::Retention,
        rule: &model::Rule,
        backups: Option<model::Duration>,
        tolerance: Option<model::Duration>,
    ) {
        use crate::semantics::{MAX_RETENTION_SECS, nominal_secs};
        let ast_clocks: Vec<&ast::Clock> = match &r.rule {
            ast::Rule::While(_, c) | ast::Rule::Clock(c) => vec![c],
            ast::Rule::Earliest(cs) => cs.iter().collect(),
            ast::Rule::Indefinite(_) | ast::Rule::Until(_) => Vec::new(),
        };
        let model::Rule::Expires { clocks, .. } = rule else { return };
        let extra = backups.map_or(0, nominal_secs) + tolerance.map_or(0, nominal_secs);
        for (a, c) in ast_clocks.iter().zip(clocks) {
            if nominal_secs(c.duration) + extra > MAX_RETENTION_SECS {
                let with = if extra > 0 { " with its backups and tolerance" } else { "" };
                self.push(
                    err(
                        Code::RetentionRange,
                        a.duration.span,
                        format!(
                            "a retention of `{} {}`{with} exceeds 1000 years",
                            a.duration.amount.value, a.duration.unit.name
                        ),
                    )
                    .label("more than 1000 years in total")
                    .help("expiry dates beyond that are out of range for the SQL engines; for data kept for good write `retain indefinitely because { … }`"),
                );
            }
        }
    }

    fn rule_refs(&mut self, r: &ast::Retention, m: model::Retention) -> model::Retention {
        if let (model::Rule::Indefinite { .. }, true) = (&m.rule, r.anonymise) {
            self.push(
                err(Code::Mismatch, r.span, "data kept indefinitely is never anonymised at the end of retention")
                    .label("`anonymise` has no effect")
                    .help("remove `anonymise`, or give the rule a period"),
            );
        }
        m
    }

    fn binding(
        &mut self,
        b: &ast::Binding,
        what: &str,
        fields: &[model::Field],
        p: &model::Policy,
        retention: Option<&model::Retention>,
    ) -> Option<model::Binding> {
        if !self.resolve(Kind::Store, &b.store) {
            return None;
        }
        let store = p.store(&b.store.name)?;
        let kind = store.kind;
        use model::StoreKind as K;
        let expected = match kind {
            K::Postgres | K::Mysql | K::Sqlite => "table",
            K::Mongodb => "collection",
            K::Redis => "keys",
            K::Kafka => "topic",
            K::ObjectStorage => "bucket",
            K::LoadBalancer => {
                self.push(
                    err(
                        Code::Mismatch,
                        b.store.span,
                        format!("store `{}` is a load balancer, which does not store data", b.store.name),
                    )
                    .label("cannot hold data")
                    .help("list it under `systems` instead"),
                );
                return None;
            }
            K::Other => "",
        };
        let location = match b.locations.as_slice() {
            [] => {
                self.push(
                    err(
                        Code::Missing,
                        b.span,
                        format!("the binding to `{}` does not say where the data is", b.store.name),
                    )
                    .label("no location")
                    .help(if expected.is_empty() {
                        "add `table NAME`, `collection NAME`, `keys \"pattern\"`, `topic NAME` or `bucket NAME`"
                            .to_string()
                    } else {
                        format!("add `{expected} …`")
                    }),
                );
                return None;
            }
            [(kw, value, prefix)] => {
                if !expected.is_empty() && kw.name != expected {
                    self.push(
                        err(
                            Code::Mismatch,
                            kw.span,
                            format!("a {} store holds `{expected}`s, not `{}`s", kind_word(kind), kw.name),
                        )
                        .label("wrong kind of location")
                        .help(format!("write `{expected} …`")),
                    );
                }
                match kw.name.as_str() {
                    "table" => {
                        if let Err(why) = names::check_sql_path(&value.value) {
                            self.push(
                                err(
                                    Code::BadIdentifier,
                                    value.span,
                                    format!("`{}` cannot be a SQL table name", value.value),
                                )
                                .label(why)
                                .help("write `table name` or `table schema.name`, each part at most 63 bytes"),
                            );
                        }
                        let (schema, name) = match value.value.split_once('.') {
                            Some((s, n)) => (Some(s.to_string()), n.to_string()),
                            None => (None, value.value.clone()),
                        };
                        model::Location::Table { schema, name }
                    }
                    "collection" => model::Location::Collection { name: value.value.clone() },
                    "keys" => {
                        if value.value.is_empty() || value.value.chars().any(|c| c.is_whitespace() || c.is_control()) {
                            self.push(
                                err(Code::BadValue, value.span, "a key pattern cannot be empty or contain spaces")
                                    .label("invalid pattern")
                                    .help("write a glob such as `\"app:log:*\"`"),
                            );
                        }
                        model::Location::Keys { pattern: value.value.clone() }
                    }
                    "topic" => {
                        if !value.value.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
                            || value.value.len() > 249
                        {
                            self.push(
                                err(Code::BadValue, value.span, format!("`{}` is not a valid topic name", value.value))
                                    .label("invalid topic")
                                    .help("Kafka topics are 1 to 249 letters, digits, `.`, `_` and `-`"),
                            );
                        }
                        model::Location::Topic { name: value.value.clone() }
                    }
                    _ => {
                        if !valid_bucket(&value.value) {
                            self.push(
                                err(
                                    Code::BadValue,
                                    value.span,
                                    format!("`{}` is not a valid bucket name", value.value),
                                )
                                .label("invalid bucket")
                                .help(
                                    "bucket names (S3 rules) are 3 to 63 lowercase letters, digits, `-` and `.`, \
                                     start and end with a letter or digit, have no `..` and are not an IP address",
                                ),
                            );
                        }
                        if let Some(pf) = prefix
                            && (pf.value.contains('<')
                                || pf.value.contains('&')
                                || pf.value.chars().any(char::is_control))
                        {
                            self.push(
                                err(
                                    Code::BadValue,
                                    pf.span,
                                    "an object-key prefix cannot contain `<`, `&` or control characters",
                                )
                                .label("invalid prefix")
                                .help("use a plain key prefix such as `\"logs/\"`"),
                            );
                        }
                        model::Location::Bucket {
                            name: value.value.clone(),
                            prefix: prefix.as_ref().map(|p| p.value.clone()),
                        }
                    }
                }
            }
            [_, (kw, _, _), ..] => {
                self.push(
                    err(Code::Duplicate, kw.span, "a binding names one place")
                        .label("second location")
                        .help("bind the category again with another `stored in` for another place"),
                );
                return None;
            }
        };

        let check_column = |cx: &mut Self, col: &Ident, role: &str| match fields.iter().find(|f| f.name == col.name) {
            Some(f) if matches!(f.ty, model::FieldType::Timestamp | model::FieldType::Date) => {}
            Some(_) => cx.push(
                err(
                    Code::Mismatch,
                    col.span,
                    format!("field `{}` holds the {role} but is not a `timestamp`", col.name),
                )
                .label("not a timestamp")
                .help("declare it `field NAME: timestamp`"),
            ),
            None => {
                let help = did_you_mean(&col.name, fields.iter().map(|f| f.name.as_str()))
                    .unwrap_or_else(|| format!("declare `field {}: timestamp {{ … internal }}` in {what}", col.name));
                cx.push(
                    err(Code::Undefined, col.span, format!("{what} has no field `{}`", col.name))
                        .label("not a field")
                        .help(help),
                );
            }
        };
        if let Some(col) = &b.collected_at {
            check_column(self, col, "collection time");
        }
        let mut events = BTreeMap::new();
        for (e, col) in &b.events {
            self.resolve(Kind::Event, e);
            check_column(self, col, &format!("time of `{}`", e.name));
            if events.insert(e.name.clone(), col.name.clone()).is_some() {
                self.push(
                    err(Code::Duplicate, e.span, format!("event `{}` is bound twice", e.name))
                        .label("repeated")
                        .help("one field holds the time of each event"),
                );
            }
        }
        if let Some(k) = &b.key
            && !fields.iter().any(|f| f.name == k.name)
        {
            self.push(
                err(Code::Undefined, k.span, format!("{what} has no field `{}`", k.name)).label("not a field").help(
                    did_you_mean(&k.name, fields.iter().map(|f| f.name.as_str()))
                        .unwrap_or_else(|| "the key must be one of the category's fields".into()),
                ),
            );
        }

        // What the rule needs from this store.
        let needs_collected = matches!(kind, K::Postgres | K::Mysql | K::Sqlite | K::Mongodb);
        let rule_events: Vec<String> = match retention.map(|r| &r.rule) {
            Some(model::Rule::Expires { clocks, .. }) => clocks
                .iter()
                .flat_map(|c| match &c.anchor {
                    model::Anchor::Events(es) => es.clone(),
                    model::Anchor::Collection => Vec::new(),
                })
                .collect(),
            _ => Vec::new(),
        };
        let uses_collection = match retention.map(|r| &r.rule) {
            Some(model::Rule::Expires { clocks, .. }) => clocks.iter().any(|c| c.anchor == model::Anchor::Collection),
            _ => false,
        };
        if needs_collected && uses_collection && b.collected_at.is_none() {
            self.push(
                err(
                    Code::Missing,
                    b.span,
                    format!("the binding to `{}` does not say which field holds the collection time", b.store.name),
                )
                .label("needs `collected at FIELD`")
                .help("the retention job measures age from that field"),
            );
        }
        if !rule_events.is_empty() {
            match kind {
                K::Kafka => self.push(
                    err(Code::Unenforceable, b.span, format!("a Kafka topic cannot enforce the event-based retention of {what}"))
                        .label("retention.ms counts from the write, not from an event")
                        .help("bind the category to a store that can hold the event's time (a table or collection), or give the topic data a fixed period"),
                ),
                K::ObjectStorage => self.push(
                    err(Code::Unenforceable, b.span, format!("an object-storage lifecycle rule cannot enforce the event-based retention of {what}"))
                        .label("lifecycle expiration counts from object creation")
                        .help("keep event-based data in a table or collection"),
                ),
                K::Postgres | K::Mysql | K::Sqlite | K::Mongodb => {
                    for e in &rule_events {
                        // An undefined event is reported where it is named.
                        let declared = self.declared.get(&Kind::Event).is_some_and(|t| t.contains_key(e));
                        if declared && !events.contains_key(e) {
                            self.push(
                                err(Code::Missing, b.span, format!("the binding to `{}` does not say which field holds the time of `{e}`", b.store.name))
                                    .label(format!("needs `event {e} at FIELD`"))
                                    .help("the retention job starts the grace period at that time; rows without it are kept"),
                            );
                        }
                    }
                }
                _ => {}
            }
        }
        Some(model::Binding {
            store: b.store.name.clone(),
            location,
            collected_at: b.collected_at.as_ref().map(|c| c.name.clone()),
            events,
            key: b.key.as_ref().map(|k| k.name.clone()),
        })
    }

    /// What the stores that expire data themselves (Redis, MongoDB, Kafka, object storage) can
    /// enforce of the rule, per [`crate::backend::stores::convert`]: a store may delete later
    /// than the rule only by the rule's tolerance, and an exact period never early.
    fn ttl_store_checks(
        &mut self,
        b: &ast::Binding,
        m: &model::Binding,
        what: &str,
        fields: &[model::Field],
        p: &model::Policy,
        retention: Option<&model::Retention>,
    ) {
        use crate::backend::stores::{PURGE_AT, convert};
        use model::StoreKind as K;
        let (Some(store), Some(r)) = (p.store(&m.store), retention) else { return };
        let kind = store.kind;
        if matches!(kind, K::Postgres | K::Mysql | K::Sqlite) {
            self.sql_schedule_check(b, store, what, p, r);
            return;
        }
        if !matches!(kind, K::Redis | K::Mongodb | K::Kafka | K::ObjectStorage) {
            return;
        }
        if r.action == model::EndAction::Anonymise && !matches!(r.rule, model::Rule::Indefinite { .. }) {
            self.push(
                err(
                    Code::Unenforceable,
                    b.span,
                    format!("a {} store deletes expired data; it cannot anonymise {what}", kind_word(kind)),
                )
                .label("expiry deletes the whole record")
                .help("anonymise in a table (the SQL job can), or drop `anonymise` if deletion is acceptable"),
            );
        }
        let event_based = convert::has_event_clock(r);
        match kind {
            K::Mongodb => {
                let needs = event_based
                    || convert::has_calendar_clock(r)
                    || convert::window(r)
                        .is_some_and(|w| w.hi > crate::backend::stores::mongodb::MAX_EXPIRE_AFTER_SECONDS);
                let has = fields.iter().any(|f| {
                    f.name == PURGE_AT && matches!(f.ty, model::FieldType::Timestamp | model::FieldType::Date)
                });
                if needs && !matches!(r.rule, model::Rule::Indefinite { .. }) && !has {
                    let why = if event_based {
                        "an event-based rule"
                    } else if convert::has_calendar_clock(r) {
                        "a calendar-month rule"
                    } else {
                        "a period longer than `expireAfterSeconds` allows"
                    };
                    self.push(
                        err(
                            Code::Missing,
                            b.span,
                            format!("a MongoDB collection needs a `{PURGE_AT}` field to enforce {why} of {what}"),
                        )
                        .label(format!("TTL index on `{PURGE_AT}` with expireAfterSeconds 0"))
                        .help(format!(
                            "declare `field {PURGE_AT}: timestamp {{ … internal }}`; the application sets it to the \
                             record's end when it writes the record or when the event happens"
                        )),
                    );
                }
            }
            K::Kafka | K::ObjectStorage if !event_based => {
                let Some(w) = convert::window(r) else { return };
                let (res, engine, why) = if kind == K::Kafka {
                    (
                        convert::kafka(w).map(|_| ()),
                        "a Kafka topic",
                        "retention.ms + segment.ms (the active segment is never deleted) exceeds the rule",
                    )
                } else {
                    (
                        convert::ttl(w, convert::DAY).map(|_| ()),
                        "an object-storage lifecycle rule",
                        "expiration counts whole days",
                    )
                };
                if let Err(e) = res {
                    let months = if w.lo != w.hi { " (calendar months vary in length)" } else { "" };
                    self.push(
                        err(
                            Code::Unenforceable,
                            b.span,
                            format!(
                                "{engine} cannot enforce the retention of {what} within its tolerance: it would delete up to {} late{months}",
                                convert::human(e.late_by)
                            ),
                        )
                        .label(why)
                        .help(format!(
                            "allow it with `retain … {{ tolerance {} }}`, or bind the data to a store that deletes exactly",
                            convert::tolerance_hint(e.tolerance)
                        )),
                    );
                }
            }
            _ => {}
        }
    }

    /// The same bound for SQL stores as for the stores that expire data themselves: a purge job
    /// deletes a record at its first run after the record's end, so the longest gap between
    /// runs is how late it may act. That may exceed the rule's tolerance by no more than a day,
    /// the default daily schedule every SQL store is expected to keep up with.
    fn sql_schedule_check(
        &mut self,
        b: &ast::Binding,
        store: &model::Store,
        what: &str,
        p: &model::Policy,
        r: &model::Retention,
    ) {
        use crate::backend::stores::convert;
        const DAY: u64 = 86_400;
        if matches!(r.rule, model::Rule::Indefinite { .. }) {
            return;
        }
        let cron = store.schedule.as_deref().unwrap_or(&p.schedule);
        let Ok(parsed) = crate::schedule::parse(cron) else { return };
        let late_by = parsed.longest_gap_secs().max(0) as u64;
        let allowed = convert::tolerance_secs(r).max(DAY);
        if late_by <= allowed {
            return;
        }
        self.push(
            err(
                Code::Unenforceable,
                b.span,
                format!(
                    "the purge job of `{}` (schedule `{cron}`) cannot enforce the retention of {what} within its \
                     tolerance: it would delete up to {} late",
                    store.name,
                    convert::human(late_by)
                ),
            )
            .label("runs are further apart than the rule allows")
            .help(format!(
                "run the purge more often (`schedule` on the store or in the header), or allow it with \
                 `retain … {{ tolerance {} }}`",
                convert::tolerance_hint(late_by)
            )),
        );
    }

    fn consent_checks(&mut self, p: &model::Policy, items: &[(FileId, &ast::Item)]) {
        let is_consent = |name: &str| p.basis(name).is_some_and(|b| b.kind == model::BasisKind::Consent);
        for (_, item) in items {
            let ast::Item::Category(c) = item else { continue };
            for s in &c.stmts {
                match s {
                    CategoryStmt::Use { purpose, basis: Some(b), span } if is_consent(&b.name) => {
                        let has = p.purpose(&purpose.name).is_some_and(|pu| pu.withdrawal.is_some())
                            || p.basis(&b.name).is_some_and(|bb| bb.withdrawal.is_some());
                        if !has {
                            self.push(
                                err(
                                    Code::Consent,
                                    *span,
                                    format!(
                                        "purpose `{}` rests on consent but says nowhere how consent is withdrawn",
                                        purpose.name
                                    ),
                                )
                                .label("consent without a withdrawal statement")
                                .help(format!(
                                    "add `withdrawal {{ … }}` to purpose `{}` or to basis `{}`",
                                    purpose.name, b.name
                                )),
                            );
                        }
                    }
                    CategoryStmt::Share(sh) => {
                        if let Some(b) = &sh.basis
                            && is_consent(&b.name)
                            && sh.requires.is_empty()
                        {
                            self.push(
                                err(
                                    Code::Consent,
                                    sh.span,
                                    format!(
                                        "sharing with `{}` rests on consent but states no condition",
                                        sh.recipient.name
                                    ),
                                )
                                .label("consent-based sharing without a condition")
                                .help("add `requires consent` (and any further condition) to the `share` block"),
                            );
                        }
                    }
                    _ => {}
                }
            }
        }
        for (_, item) in items {
            let ast::Item::Use(u) = item else { continue };
            if let Some(b) = &u.basis
                && is_consent(&b.name)
                && p.purpose(&u.purpose.name).is_none_or(|pu| pu.withdrawal.is_none())
                && p.basis(&b.name).is_none_or(|bb| bb.withdrawal.is_none())
            {
                self.push(
                    err(
                        Code::Consent,
                        u.span,
                        format!(
                            "purpose `{}` rests on consent but says nowhere how consent is withdrawn",
                            u.purpose.name
                        ),
                    )
                    .label("consent without a withdrawal statement")
                    .help("add `withdrawal { … }` to the purpose or the basis"),
                );
            }
        }
    }

    fn others(&mut self, p: &mut model::Policy) {
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

    fn unused(&mut self) {
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

#[derive(Default)]
struct DeclAttrs {
    name: Option<Text>,
    label: Option<Text>,
    description: Option<Text>,
    withdrawal: Option<Text>,
    citation: Option<String>,
    schedule: Option<String>,
    renamed: Option<String>,
    subject: Option<model::EventSubject>,
}

fn role(s: &str) -> model::Role {
    if s == "processor" { model::Role::Processor } else { model::Role::Controller }
}

fn kind_keyword(kind: Kind) -> &'static str {
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

fn kind_word(kind: model::StoreKind) -> &'static str {
    model::StoreKind::ALL.iter().find(|(_, k)| *k == kind).map_or("", |(n, _)| n)
}

fn valid_locale(s: &str) -> bool {
    let mut parts = s.split('_');
    parts.next().is_some_and(|l| (2..=3).contains(&l.len()) && l.chars().all(|c| c.is_ascii_lowercase()))
        && parts.all(|p| (2..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// An `http(s)` address with a real host: no user info (`https://@/`, `https://a@evil`), a host
/// of letters, digits, `-` and `.` (or a bracketed IPv6 address), an optional numeric port.
fn valid_url(s: &str) -> bool {
    let rest = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://"));
    rest.is_some_and(|r| {
        let authority = r.split(['/', '?', '#']).next().unwrap_or("");
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, _)) if !h.ends_with(']') && h.contains(':') => (authority, None), // bare IPv6: invalid below
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        };
        let host_ok = if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
            !v6.is_empty() && v6.chars().all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
        } else {
            !host.is_empty()
                && host.split('.').all(|l| {
                    !l.is_empty()
                        && !l.starts_with('-')
                        && !l.ends_with('-')
                        && l.chars().all(|c| c.is_alphanumeric() || c == '-')
                })
        };
        let port_ok = port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
        host_ok
            && port_ok
            && !s.chars().any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>')
    })
}

/// S3 bucket naming rules (COS names are a subset).
fn valid_bucket(b: &str) -> bool {
    let is_ip =
        b.split('.').count() == 4 && b.split('.').all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()));
    (3..=63).contains(&b.len())
        && b.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-' || c == b'.')
        && b.starts_with(|c: char| c.is_ascii_alphanumeric())
        && b.ends_with(|c: char| c.is_ascii_alphanumeric())
        && !b.contains("..")
        && !b.contains(".-")
        && !b.contains("-.")
        && !is_ip
        && !["xn--", "sthree-", "amzn-s3-demo-"].iter().any(|p| b.starts_with(p))
        && !["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"].iter().any(|p| b.ends_with(p))
}

fn list(names: &[&str]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

fn missing_example(missing: &[String]) -> String {
    missing.iter().map(|l| format!("`{l} \"…\"`")).collect::<Vec<_>>().join(" and ")
}
