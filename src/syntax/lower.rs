//! Lowering pest pairs to the typed syntax tree.

use super::Rule;
use super::ast::*;
use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::source::{FileId, Span};
use pest::iterators::Pair;

struct Cx<'d> {
    file: FileId,
    /// The whole file (spans are offsets into it).
    text: &'d str,
    base: usize,
    diags: &'d mut Diagnostics,
}

impl Cx<'_> {
    fn span(&self, p: &Pair<'_, Rule>) -> Span {
        let s = p.as_span();
        Span::new(self.file, self.base + s.start(), self.base + s.end())
    }

    fn ident(&self, p: Pair<'_, Rule>) -> Ident {
        Ident { name: p.as_str().to_string(), span: self.span(&p) }
    }

    fn idents(&self, p: Pair<'_, Rule>) -> Vec<Ident> {
        p.into_inner().map(|i| self.ident(i)).collect()
    }

    fn string(&mut self, p: Pair<'_, Rule>) -> Str {
        let span = self.span(&p);
        let value = self.unescape(p);
        Str { value, span }
    }

    /// `p` is a `string` pair; resolves escapes and reports bad ones.
    fn unescape(&mut self, p: Pair<'_, Rule>) -> String {
        let outer = self.span(&p);
        let raw = p.as_str();
        let inner = raw.get(1..raw.len().saturating_sub(1)).unwrap_or("");
        let mut out = String::with_capacity(inner.len());
        let mut chars = inner.char_indices();
        while let Some((i, c)) = chars.next() {
            if c != '\\' {
                if forbidden_in_text(c) {
                    self.forbidden(outer, 1 + i, c.len_utf8(), c);
                }
                out.push(c);
                continue;
            }
            let bad = |cx: &mut Self, len: usize, what: &str| {
                let at = outer.start + 1 + i;
                cx.diags.push(
                    Diagnostic::new(
                        Code::Syntax,
                        Span::new(outer.file, at, at + len),
                        format!("invalid escape {what}"),
                    )
                    .label("not a valid escape")
                    .help("escapes are `\\\"`, `\\\\`, `\\n`, `\\t` and `\\u{…}`"),
                );
            };
            match chars.next() {
                Some((_, 'n')) => out.push('\n'),
                Some((_, 't')) => out.push('\t'),
                Some((_, '"')) => out.push('"'),
                Some((_, '\\')) => out.push('\\'),
                Some((_, 'u')) => {
                    let rest = &inner[i + 2..];
                    // Only hex digits: `from_str_radix` would also take a sign (`\u{+41}`).
                    let parsed = rest
                        .strip_prefix('{')
                        .and_then(|r| r.find('}').map(|e| &r[..e]))
                        .filter(|hex| (1..=6).contains(&hex.len()) && hex.bytes().all(|b| b.is_ascii_hexdigit()))
                        .and_then(|hex| u32::from_str_radix(hex, 16).ok().map(|v| (hex.len(), v)))
                        .and_then(|(n, v)| char::from_u32(v).map(|c| (n, c)));
                    match parsed {
                        Some((n, ch)) => {
                            if ch != '\n' && forbidden_in_text(ch) {
                                self.forbidden(outer, 1 + i, n + 4, ch);
                            }
                            out.push(ch);
                            for _ in 0..n + 2 {
                                chars.next();
                            }
                        }
                        None => bad(self, 2, "`\\u`"),
                    }
                }
                Some((_, other)) => bad(self, 1 + other.len_utf8(), &format!("`\\{other}`")),
                None => bad(self, 1, "at end of string"),
            }
        }
        out
    }

    /// Reports each repeat of a single-valued statement among the statements of `block` (E102
    /// at the repeat, naming the first): the one place that rules out "the last one wins".
    fn once(&mut self, block: &Pair<'_, Rule>) {
        let mut seen: Vec<(&'static str, Span)> = Vec::new();
        for s in block.clone().into_inner() {
            let Some(word) = single_valued(s.as_rule()) else { continue };
            let span = self.span(&s);
            match seen.iter().find(|(w, _)| *w == word) {
                Some((_, first)) => {
                    let before = &self.text[..first.start.min(self.text.len())];
                    let line = before.matches('\n').count() + 1;
                    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                    self.diags.push(
                        Diagnostic::new(Code::Duplicate, span, format!("`{word}` is stated twice"))
                            .label("second statement")
                            .help(format!("the first is at line {line}, column {col}; keep one")),
                    );
                }
                None => seen.push((word, span)),
            }
        }
    }

    /// Reports a character no policy text may hold, at `offset..offset + len` of the string.
    fn forbidden(&mut self, outer: Span, offset: usize, len: usize, c: char) {
        let at = outer.start + offset;
        let what = if crate::escape::is_bidi_control(c) { "bidirectional control" } else { "control character" };
        self.diags.push(
            Diagnostic::new(
                Code::Syntax,
                Span::new(outer.file, at, at + len),
                format!("a text cannot contain the {what} U+{:04X}", c as u32),
            )
            .label("not allowed in policy text")
            .help(
                "it would be invisible or reorder what readers see, and can break generated code; \
                 remove it (write line breaks as `\\n`)",
            ),
        );
    }

    fn ltext(&mut self, p: Pair<'_, Rule>) -> LText {
        let span = self.span(&p);
        let mut entries = Vec::new();
        for e in p.into_inner() {
            let mut it = e.into_inner();
            if let Some(loc) = it.next() {
                let loc = self.ident(loc);
                // Adjacent strings, joined.
                let mut val: Option<Str> = None;
                for part in it {
                    let s = self.string(part);
                    val = Some(match val {
                        None => s,
                        Some(mut v) => {
                            v.value.push_str(&s.value);
                            v.span.end = s.span.end;
                            v
                        }
                    });
                }
                if let Some(val) = val {
                    entries.push((loc, val));
                }
            }
        }
        entries.shrink_to_fit();
        LText { entries, span }
    }

    fn duration(&mut self, p: Pair<'_, Rule>) -> Duration {
        let span = self.span(&p);
        let mut it = p.into_inner();
        let amount = it.next().map(|n| Str { value: n.as_str().to_string(), span: self.span(&n) });
        let unit = it.next().map(|u| self.ident(u));
        Duration {
            amount: amount.unwrap_or(Str { value: String::new(), span }),
            unit: unit.unwrap_or(Ident { name: String::new(), span }),
            span,
        }
    }

    fn attr(&mut self, p: Pair<'_, Rule>) -> Option<Attr> {
        let rule = p.as_rule();
        let span = self.span(&p);
        let mut inner = p.into_inner();
        let first = inner.next();
        let p_next = inner.next();
        Some(match (rule, first) {
            (Rule::d_name, Some(t)) => Attr::Name(self.ltext(t)),
            (Rule::d_label, Some(t)) => Attr::Label(self.ltext(t)),
            (Rule::d_description, Some(t)) => Attr::Description(self.ltext(t)),
            (Rule::d_withdrawal, Some(t)) => Attr::Withdrawal(self.ltext(t)),
            (Rule::d_citation, Some(s)) => Attr::Citation(self.string(s)),
            (Rule::d_schedule, Some(s)) => Attr::Schedule(self.string(s)),
            (Rule::d_renamed, Some(i)) => Attr::Renamed(self.ident(i)),
            (Rule::d_maps, Some(i)) => {
                let scheme = self.ident(i);
                let term = p_next.map(|s| self.string(s))?;
                Attr::Maps { scheme, term }
            }
            (Rule::d_of, Some(o)) if o.as_rule() == Rule::of_account => Attr::OfAccount(span),
            (Rule::d_of, Some(o)) => Attr::OfResource(self.ident(o.into_inner().next()?)),
            _ => return None,
        })
    }

    fn decl(&mut self, p: Pair<'_, Rule>, has_kind: bool) -> Decl {
        self.once(&p);
        let span = self.span(&p);
        let mut it = p.into_inner();
        let name = it.next().map(|n| self.ident(n)).unwrap_or(Ident { name: String::new(), span });
        let kind = if has_kind { it.next().map(|k| self.ident(k)) } else { None };
        let attrs = it.filter_map(|a| self.attr(a)).collect();
        Decl { name, kind, attrs, span }
    }

    fn header(&mut self, p: Pair<'_, Rule>) -> Header {
        self.once(&p);
        let span = self.span(&p);
        let mut it = p.into_inner();
        let id = it.next().map(|n| self.ident(n)).unwrap_or(Ident { name: String::new(), span });
        let mut stmts = Vec::new();
        for s in it {
            let rule = s.as_rule();
            let sspan = self.span(&s);
            let s_block = s.clone();
            let mut inner = s.into_inner();
            let stmt = match rule {
                Rule::h_version => inner.next().map(|x| HeaderStmt::Version(self.string(x))),
                Rule::h_effective => {
                    inner.next().map(|x| HeaderStmt::Effective(Str { value: x.as_str().into(), span: self.span(&x) }))
                }
                Rule::h_locales => inner.next().map(|x| HeaderStmt::Locales(self.idents(x))),
                Rule::h_default => inner.next().map(|x| HeaderStmt::Default(self.ident(x))),
                Rule::h_fallback => Some(HeaderStmt::Fallback(sspan)),
                Rule::h_role => inner.next().map(|x| HeaderStmt::Role(self.ident(x))),
                Rule::h_title => inner.next().map(|x| HeaderStmt::Title(self.ltext(x))),
                Rule::h_feature => inner.next().map(|x| HeaderStmt::Feature(self.ltext(x))),
                Rule::h_schedule => inner.next().map(|x| HeaderStmt::Schedule(self.string(x))),
                Rule::h_acknowledges => inner.next().map(|x| HeaderStmt::Acknowledges(self.string(x))),
                Rule::h_part_of => {
                    self.once(&s_block);
                    let (mut title, mut url, mut precedence) = (None, None, None);
                    for x in inner {
                        let r = x.as_rule();
                        let Some(v) = x.into_inner().next() else { continue };
                        match r {
                            Rule::p_title => title = Some(self.ltext(v)),
                            Rule::p_url => url = Some(self.string(v)),
                            _ => precedence = Some(self.ident(v)),
                        }
                    }
                    Some(HeaderStmt::PartOf { title, url, precedence, span: sspan })
                }
                Rule::h_controller => inner.next().map(|x| {
                    if x.as_rule() == Rule::controller_parent {
                        HeaderStmt::ControllerParent(sspan)
                    } else {
                        self.once(&x);
                        let (mut name, mut contact) = (None, None);
                        for y in x.into_inner() {
                            let r = y.as_rule();
                            let Some(v) = y.into_inner().next() else { continue };
                            if r == Rule::c_name {
                                name = Some(self.ltext(v));
                            } else {
                                contact = Some(self.string(v));
                            }
                        }
                        HeaderStmt::ControllerEntity { name, contact, span: sspan }
                    }
                }),
                Rule::h_availability => {
                    self.once(&s_block);
                    let (mut regions, mut note) = (Vec::new(), None);
                    for x in inner {
                        let r = x.as_rule();
                        let Some(v) = x.into_inner().next() else { continue };
                        if r == Rule::a_regions {
                            regions.extend(self.idents(v));
                        } else {
                            note = Some(self.ltext(v));
                        }
                    }
                    Some(HeaderStmt::Availability { regions, note })
                }
                _ => None,
            };
            stmts.extend(stmt);
        }
        Header { id, stmts, span }
    }

    fn clock(&mut self, p: Pair<'_, Rule>) -> Clock {
        let span = self.span(&p);
        let mut at_most = false;
        let mut duration = None;
        let mut after = Vec::new();
        for x in p.into_inner() {
            match x.as_rule() {
                Rule::at_most => at_most = true,
                Rule::duration => duration = Some(self.duration(x)),
                Rule::event_alts => after = self.idents(x),
                _ => {}
            }
        }
        let duration = duration.unwrap_or(Duration {
            amount: Str { value: String::new(), span },
            unit: Ident { name: String::new(), span },
            span,
        });
        Clock { at_most, duration, after, span }
    }

    fn retention(&mut self, p: Pair<'_, Rule>) -> Option<Retention> {
        let span = self.span(&p);
        let mut it = p.into_inner();
        let r = it.next()?;
        let rule = match r.as_rule() {
            Rule::r_indefinite => Rule_::Indefinite(self.ltext(r.into_inner().next()?)),
            Rule::r_while => {
                let mut x = r.into_inner();
                let state = self.ident(x.next()?);
                Rule_::While(state, self.clock(x.next()?))
            }
            Rule::r_until => Rule_::Until(self.idents(r.into_inner().next()?)),
            Rule::r_earliest => Rule_::Earliest(r.into_inner().map(|c| self.clock(c)).collect()),
            _ => Rule_::Clock(self.clock(r.into_inner().next()?)),
        };
        let mut ret = Retention { rule, anonymise: false, backups: None, tolerance: None, wording: None, span };
        if let Some(opts) = it.next() {
            self.once(&opts);
            for o in opts.into_inner() {
                match o.as_rule() {
                    Rule::o_anonymise => ret.anonymise = true,
                    Rule::o_backups => ret.backups = o.into_inner().next().map(|d| self.duration(d)),
                    Rule::o_tolerance => ret.tolerance = o.into_inner().next().map(|d| self.duration(d)),
                    Rule::o_wording => ret.wording = o.into_inner().next().map(|t| self.ltext(t)),
                    _ => {}
                }
            }
        }
        Some(ret)
    }

    fn category(&mut self, p: Pair<'_, Rule>) -> Category {
        self.once(&p);
        let span = self.span(&p);
        let mut it = p.into_inner();
        let name = it.next().map(|n| self.ident(n)).unwrap_or(Ident { name: String::new(), span });
        let mut stmts = Vec::new();
        for s in it {
            let sspan = self.span(&s);
            let stmt = match s.as_rule() {
                Rule::c_only_if => s.into_inner().next().map(|t| CategoryStmt::OnlyIf(self.ltext(t))),
                Rule::c_role => s.into_inner().next().map(|t| CategoryStmt::Role(self.ident(t))),
                Rule::field_decl => Some(CategoryStmt::Field(self.field(s))),
                Rule::c_use => {
                    let mut x = s.into_inner();
                    x.next().map(|pu| CategoryStmt::Use {
                        purpose: self.ident(pu),
                        basis: x.next().map(|b| self.ident(b)),
                        span: sspan,
                    })
                }
                Rule::c_systems => s.into_inner().next().map(|l| CategoryStmt::Systems(self.idents(l))),
                Rule::c_share => Some(CategoryStmt::Share(Box::new(self.share(s)))),
                Rule::c_stored => Some(CategoryStmt::Stored(Box::new(self.binding(s)))),
                Rule::c_not_stored => Some(CategoryStmt::NotStored(sspan)),
                Rule::c_retain => self.retention(s).map(|r| CategoryStmt::Retain(Box::new(r))),
                _ => self.attr(s).map(CategoryStmt::Attr),
            };
            stmts.extend(stmt);
        }
        // The tree of a large file lives until it is checked: no spare capacity per item.
        stmts.shrink_to_fit();
        Category { name, stmts, span }
    }

    fn field(&mut self, p: Pair<'_, Rule>) -> Field {
        let span = self.span(&p);
        let mut it = p.into_inner();
        let name = it.next().map(|n| self.ident(n)).unwrap_or(Ident { name: String::new(), span });
        let mut f = Field {
            name,
            ty: Ident { name: String::new(), span },
            variants: Vec::new(),
            attrs: Vec::new(),
            sensitive: false,
            internal: false,
            span,
        };
        if let Some(ty) = it.next().and_then(|t| t.into_inner().next()) {
            if ty.as_rule() == Rule::enum_type {
                f.ty = Ident { name: "enum".into(), span: self.span(&ty) };
                f.variants = ty.into_inner().next().map(|l| self.idents(l)).unwrap_or_default();
            } else {
                f.ty = self.ident(ty);
            }
        }
        if let Some(body) = it.next() {
            self.once(&body);
            for a in body.into_inner() {
                match a.as_rule() {
                    Rule::f_sensitive => f.sensitive = true,
                    Rule::f_internal => f.internal = true,
                    _ => f.attrs.extend(self.attr(a)),
                }
            }
        }
        f.attrs.shrink_to_fit();
        f
    }

    fn share(&mut self, p: Pair<'_, Rule>) -> Share {
        self.once(&p);
        let span = self.span(&p);
        let mut it = p.into_inner();
        let recipient = it.next().map(|n| self.ident(n)).unwrap_or(Ident { name: String::new(), span });
        let mut s = Share { recipient, fields: Vec::new(), requires: Vec::new(), description: None, basis: None, span };
        for x in it {
            let r = x.as_rule();
            let Some(v) = x.into_inner().next() else { continue };
            match r {
                Rule::s_fields => s.fields.extend(self.idents(v)),
                Rule::s_requires => s.requires.extend(self.idents(v)),
                Rule::s_under => s.basis = Some(self.ident(v)),
                _ => s.description = Some(self.ltext(v)),
            }
        }
        s
    }

    fn binding(&mut self, p: Pair<'_, Rule>) -> Binding {
        self.once(&p);
        let span = self.span(&p);
        let mut it = p.into_inner();
        let store = it.next().map(|n| self.ident(n)).unwrap_or(Ident { name: String::new(), span });
        let mut b = Binding { store, locations: Vec::new(), collected_at: None, events: Vec::new(), key: None, span };
        for x in it {
            let r = x.as_rule();
            let xspan = self.span(&x);
            let keyword = x.as_str().split_whitespace().next().unwrap_or("").to_string();
            let mut inner = x.into_inner();
            match r {
                Rule::b_collected => b.collected_at = inner.next().map(|c| self.ident(c)),
                Rule::b_key => b.key = inner.next().map(|c| self.ident(c)),
                Rule::b_event => {
                    if let (Some(e), Some(c)) = (inner.next(), inner.next()) {
                        let e = self.ident(e);
                        let c = self.ident(c);
                        b.events.push((e, c));
                    }
                }
                _ => {
                    let Some(v) = inner.next() else { continue };
                    let value = if v.as_rule() == Rule::string {
                        self.string(v)
                    } else {
                        Str { value: v.as_str().to_string(), span: self.span(&v) }
                    };
                    let prefix = inner.next().map(|s| self.string(s));
                    let kw = Ident { name: keyword, span: Span::new(xspan.file, xspan.start, value.span.start) };
                    b.locations.push((kw, value, prefix));
                }
            }
        }
        b
    }
}

// `Rule` is pest's rule enum here; the AST's rule enum is imported under another name.
use super::ast::Rule as Rule_;

pub(super) fn lower_file(
    file: FileId,
    text: &str,
    base: usize,
    p: Pair<'_, Rule>,
    out: &mut File,
    diags: &mut Diagnostics,
) {
    super::separation::check(file, base, &p, diags);
    let mut cx = Cx { file, text, base, diags };
    for item in p.into_inner() {
        let span = cx.span(&item);
        let lowered = match item.as_rule() {
            Rule::import_decl => item.into_inner().next().map(|s| Item::Import(cx.string(s))),
            Rule::policy_decl => Some(Item::Policy(cx.header(item))),
            Rule::store_decl => Some(Item::Store(cx.decl(item, true))),
            Rule::purpose_decl => Some(Item::Purpose(cx.decl(item, false))),
            Rule::basis_decl => Some(Item::Basis(cx.decl(item, true))),
            Rule::recipient_decl => Some(Item::Recipient(cx.decl(item, false))),
            Rule::condition_decl => Some(Item::Condition(cx.decl(item, false))),
            Rule::state_decl => Some(Item::State(cx.decl(item, false))),
            Rule::event_decl => Some(Item::Event(cx.decl(item, false))),
            Rule::category_decl => Some(Item::Category(cx.category(item))),
            Rule::storage_decl => {
                cx.once(&item);
                let mut it = item.into_inner();
                it.next().map(|n| {
                    let mut st = Storage { name: cx.ident(n), data: None, stores: Vec::new(), backed_up: false, span };
                    for x in it {
                        match x.as_rule() {
                            Rule::st_backed => st.backed_up = true,
                            Rule::st_data => st.data = x.into_inner().next().map(|t| cx.ltext(t)),
                            _ => st.stores.extend(x.into_inner().next().map(|l| cx.idents(l)).unwrap_or_default()),
                        }
                    }
                    Item::Storage(st)
                })
            }
            Rule::use_decl => {
                let mut parts: Vec<_> = item.into_inner().collect();
                let cats = parts.pop().map(|l| cx.idents(l)).unwrap_or_default();
                let mut it = parts.into_iter();
                it.next().map(|pu| {
                    Item::Use(UseStmt {
                        purpose: cx.ident(pu),
                        basis: it.next().map(|b| cx.ident(b)),
                        categories: cats,
                        span,
                    })
                })
            }
            Rule::rights_decl => {
                cx.once(&item);
                let mut r = Rights { deletion: None, self_service: None, minimum_age: None, span };
                for x in item.into_inner() {
                    let xs = cx.span(&x);
                    match x.as_rule() {
                        Rule::rt_deletion => r.deletion = Some((xs, x.into_inner().next().map(|d| cx.duration(d)))),
                        Rule::rt_self => r.self_service = x.into_inner().next().map(|t| cx.ltext(t)),
                        _ => {
                            r.minimum_age =
                                x.into_inner().next().map(|n| Str { value: n.as_str().into(), span: cx.span(&n) })
                        }
                    }
                }
                Some(Item::Rights(r))
            }
            Rule::section_decl => {
                let mut it = item.into_inner();
                match (it.next(), it.next()) {
                    (Some(n), Some(t)) => {
                        let n = cx.ident(n);
                        Some(Item::Section(n, cx.ltext(t)))
                    }
                    _ => None,
                }
            }
            _ => None,
        };
        out.items.extend(lowered);
    }
}

/// Characters refused in every string: controls (a raw tab excepted; a line break is written
/// `\n`), bidi controls, line/paragraph separators and byte-order marks.
fn forbidden_in_text(c: char) -> bool {
    c != '\t' && crate::escape::is_hazard(c)
}

/// The word of a statement that a block may hold at most once, by grammar rule.
fn single_valued(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::h_version => "version",
        Rule::h_effective => "effective",
        Rule::h_locales => "locales",
        Rule::h_default => "default",
        Rule::h_fallback => "fallback to default",
        Rule::h_role | Rule::c_role => "role",
        Rule::h_title | Rule::p_title => "title",
        Rule::h_feature => "feature",
        // `controller as parent` and `controller { … }` are one statement in two forms.
        Rule::h_controller => "controller",
        Rule::h_part_of => "part of",
        Rule::h_availability => "availability",
        Rule::h_schedule | Rule::d_schedule => "schedule",
        Rule::h_acknowledges => "acknowledges",
        Rule::p_url => "url",
        Rule::p_precedence => "precedence",
        Rule::c_name | Rule::d_name => "name",
        Rule::c_contact => "contact",
        Rule::a_note => "note",
        Rule::a_regions => "regions",
        Rule::d_label => "label",
        Rule::d_description => "description",
        Rule::d_withdrawal => "withdrawal",
        Rule::d_citation => "citation",
        Rule::d_renamed => "renamed from",
        Rule::d_of => "of",
        Rule::c_only_if => "only if",
        Rule::c_not_stored => "not stored",
        Rule::f_sensitive => "sensitive",
        Rule::f_internal => "internal",
        Rule::s_under => "under",
        Rule::b_collected => "collected at",
        Rule::b_key => "key",
        Rule::o_anonymise => "anonymise",
        Rule::o_backups => "backups",
        Rule::o_tolerance => "tolerance",
        Rule::o_wording => "wording",
        Rule::rt_deletion => "deletion",
        Rule::rt_self => "self service",
        Rule::rt_age => "minimum age",
        Rule::st_backed => "backed up",
        Rule::st_data => "data",
        _ => return None,
    })
}
