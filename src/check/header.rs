//! The `policy` header: one per policy, in the root file; its statements and acknowledgement.

use super::category::role;
use super::{Checker, err};
use crate::diagnostics::Code;
use crate::model::{self, Text};
use crate::syntax::ast::{self, HeaderStmt};
use std::collections::BTreeMap;

impl<'a> Checker<'a> {
    pub(super) fn header_ast(&mut self) -> Option<&'a ast::Header> {
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

    pub(super) fn header(&mut self, h: Option<&'a ast::Header>, default_locale: String) -> model::Policy {
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
    pub(super) fn acknowledgement(&mut self, h: &ast::Header, p: &model::Policy) {
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

    pub(super) fn cron(&mut self, s: &ast::Str) {
        if let Err(why) = crate::schedule::parse(&s.value) {
            self.push(
                err(Code::BadValue, s.span, format!("`{}` is not a cron schedule", s.value))
                    .label(why)
                    .help("write minute hour day-of-month month day-of-week, e.g. `0 3 * * *` for daily at 03:00 UTC"),
            );
        }
    }
}

pub(super) fn valid_locale(s: &str) -> bool {
    let mut parts = s.split('_');
    parts.next().is_some_and(|l| (2..=3).contains(&l.len()) && l.chars().all(|c| c.is_ascii_lowercase()))
        && parts.all(|p| (2..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// An `http(s)` address with a real host: no user info (`https://@/`, `https://a@evil`), a host
/// of letters, digits, `-` and `.` (or a bracketed IPv6 address), an optional numeric port.
pub(super) fn valid_url(s: &str) -> bool {
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
