//! Policy documents: for each declared locale a Markdown document and a standalone HTML page,
//! plus a record of processing activities (see [`ropa`]). See `docs/docs.md`.
//!
//! Files (relative to the output directory):
//! - `docs/<locale>.md`, `docs/<locale>.html`: the privacy notice;
//! - `docs/ropa.csv`: record of processing activities (labels in the default locale);
//! - `docs/ropa.<locale>.html`: the same record as an HTML table, per locale.
//!
//! The generator first builds a format-neutral document ([`Doc`]: sections of paragraphs,
//! lists and tables made of text spans); the askama templates under `templates/docs/` then
//! render it. Policy text is escaped by the templates' escaper (HTML escaping for `.html`,
//! [`markdown::Markdown`] for `.md`); only author sections (Markdown, sanitised for both
//! formats) and validated identifiers are inserted unescaped.

pub mod markdown;
pub mod ropa;
mod wording;
mod words;

use super::OutputFile;
use crate::model::{
    BasisKind, Category, Controller, Field, Policy, Precedence, Requirement, Role, Rule, Section, Text,
};
use askama::Template;
use wording::{and_list, sentence};
use words::Words;
pub use words::{Lang, is_rtl};

/// Every document file of the policy, in a fixed order.
pub fn generate(policy: &Policy) -> super::Result<Vec<OutputFile>> {
    let mut files = Vec::new();
    for locale in &policy.locales {
        let doc = build(policy, locale);
        files.push(OutputFile::text(format!("docs/{locale}.md"), render_md(&doc)?));
        files.push(OutputFile::text(format!("docs/{locale}.html"), render_html(&doc)?));
        files.push(OutputFile::text(format!("docs/ropa.{locale}.html"), ropa::html(policy, locale)?));
    }
    files.push(OutputFile::text("docs/ropa.csv", ropa::csv(policy)));
    Ok(files)
}

/// The Markdown document of `policy` in `locale`.
pub fn markdown(policy: &Policy, locale: &str) -> super::Result<String> {
    render_md(&build(policy, locale))
}

/// The HTML page of `policy` in `locale`.
pub fn html(policy: &Policy, locale: &str) -> super::Result<String> {
    render_html(&build(policy, locale))
}

/// The error of a template that failed to render `what`.
fn render_error(what: String) -> impl FnOnce(askama::Error) -> super::Error {
    move |source| super::Error::Render { what, source }
}

fn render_md(doc: &Doc) -> super::Result<String> {
    // Author Markdown (already sanitised and re-emitted) goes in after tidying, unchanged (its
    // blank lines and trailing spaces can matter); markers hold its place meanwhile.
    let mut marked = doc.clone();
    let mut authors = Vec::new();
    for b in marked.sections.iter_mut().flat_map(|s| s.blocks.iter_mut()) {
        if let Block::Author(a) = b {
            let marker = format!("\u{1}author{}\u{1}", authors.len());
            authors.push((marker.clone(), std::mem::replace(&mut a.md, marker)));
        }
    }
    let mut s = MdDoc { d: &marked }.render().map_err(render_error(format!("the Markdown document ({})", doc.lang)))?;
    tidy_md(&mut s);
    for (marker, md) in authors {
        // A marker-like sequence inside author text must not capture a later marker.
        s = s.replacen(&marker, &md.replace('\u{1}', ""), 1);
    }
    Ok(s)
}

fn render_html(doc: &Doc) -> super::Result<String> {
    let mut s = HtmlDoc { d: doc }.render().map_err(render_error(format!("the HTML page ({})", doc.lang)))?;
    if !s.ends_with('\n') {
        s.push('\n');
    }
    Ok(s)
}

/// Collapses the blank-line runs that template control flow leaves, and trailing spaces, so
/// the Markdown is tidy whatever the policy contains.
fn tidy_md(s: &mut String) {
    let mut out = String::with_capacity(s.len());
    let mut blank = 0;
    for line in s.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank += 1;
            if blank > 1 || out.is_empty() {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    *s = out;
}

// ------------------------------------------------------------------ document model

/// A run of text: plain, strong, or a link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// The text, unescaped.
    pub text: String,
    /// Link target.
    pub href: Option<String>,
    /// Emphasised.
    pub strong: bool,
}

impl Span {
    /// True for a link.
    pub fn is_link(&self) -> bool {
        self.href.is_some()
    }
    /// The link target as written in HTML (escaped by the template).
    pub fn href(&self) -> &str {
        self.href.as_deref().unwrap_or("")
    }
    /// The link target encoded for a Markdown link destination (inserted unescaped).
    pub fn md_href(&self) -> String {
        markdown::url(self.href())
    }
}

/// A paragraph of spans.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rich {
    /// The spans.
    pub spans: Vec<Span>,
}

impl Rich {
    fn text(s: impl Into<String>) -> Rich {
        Rich { spans: vec![Span { text: s.into(), href: None, strong: false }] }
    }
    fn strong(s: impl Into<String>) -> Rich {
        Rich { spans: vec![Span { text: s.into(), href: None, strong: true }] }
    }
    fn link(s: impl Into<String>, href: impl Into<String>) -> Rich {
        Rich { spans: vec![Span { text: s.into(), href: Some(href.into()), strong: false }] }
    }
    fn then(mut self, other: Rich) -> Rich {
        for s in other.spans {
            self.push_span(s);
        }
        self
    }
    fn push_span(&mut self, s: Span) {
        if s.text.is_empty() {
            return;
        }
        match self.spans.last_mut() {
            Some(last) if last.href.is_none() && !last.strong && s.href.is_none() && !s.strong => {
                last.text.push_str(&s.text)
            }
            _ => self.spans.push(s),
        }
    }
    /// The text without markup.
    pub fn plain(&self) -> String {
        self.spans.iter().map(|s| s.text.as_str()).collect()
    }
}

/// Fills `{name}` placeholders of a fixed phrase with rich values.
fn fill(template: &str, args: &[(&str, Rich)]) -> Rich {
    let mut out = Rich::default();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else { break };
        out.push_span(Span { text: rest[..open].to_string(), href: None, strong: false });
        let name = &rest[open + 1..close];
        match args.iter().find(|(n, _)| *n == name) {
            Some((_, v)) => {
                for s in &v.spans {
                    out.push_span(s.clone());
                }
            }
            None => out.push_span(Span { text: rest[open..=close].to_string(), href: None, strong: false }),
        }
        rest = &rest[close + 1..];
    }
    out.push_span(Span { text: rest.to_string(), href: None, strong: false });
    out
}

/// Fills placeholders with plain text.
fn fill_str(template: &str, args: &[(&str, &str)]) -> String {
    let rich: Vec<(&str, Rich)> = args.iter().map(|(n, v)| (*n, Rich::text(*v))).collect();
    fill(template, &rich).plain()
}

/// A table cell: paragraphs, and its column's title (shown beside it on narrow screens).
#[derive(Debug, Clone)]
pub struct Cell {
    /// Column title.
    pub label: String,
    /// Paragraphs.
    pub paras: Vec<Rich>,
}

/// A table row.
#[derive(Debug, Clone)]
pub struct Row {
    /// Cells, one per column.
    pub cells: Vec<Cell>,
}

/// A table.
#[derive(Debug, Clone)]
pub struct Table {
    /// Column titles.
    pub headers: Vec<String>,
    /// Rows.
    pub rows: Vec<Row>,
    /// Column widths in percent (HTML only), so long text wraps instead of squeezing a column.
    pub widths: Vec<u8>,
}

impl Table {
    pub(crate) fn new(headers: Vec<String>, widths: &[u8]) -> Table {
        Table { headers, rows: Vec::new(), widths: widths.to_vec() }
    }
    fn row(&mut self, cells: Vec<Vec<Rich>>) {
        let cells = cells
            .into_iter()
            .zip(&self.headers)
            .map(|(paras, h)| Cell {
                label: h.clone(),
                paras: if paras.is_empty() { vec![Rich::text("—")] } else { paras },
            })
            .collect();
        self.rows.push(Row { cells });
    }
}

/// Author Markdown: as written (for `.md`) and rendered to sanitised HTML (for `.html`).
#[derive(Debug, Clone)]
pub struct Author {
    /// The Markdown.
    pub md: String,
    /// Safe HTML.
    pub html: String,
}

/// A block of a section.
#[derive(Debug, Clone)]
pub enum Block {
    /// A paragraph.
    Para(Rich),
    /// A bulleted list.
    List(Vec<Rich>),
    /// A table.
    Table(Table),
    /// Author text.
    Author(Author),
}

/// A subsection with a stable anchor.
#[derive(Debug, Clone)]
pub struct Sub {
    /// Anchor id.
    pub id: String,
    /// Heading.
    pub heading: String,
    /// Content.
    pub blocks: Vec<Block>,
}

/// A numbered section.
#[derive(Debug, Clone)]
pub struct SectionView {
    /// Anchor id.
    pub id: String,
    /// Section number.
    pub number: usize,
    /// Heading.
    pub heading: String,
    /// Content.
    pub blocks: Vec<Block>,
    /// Subsections, after the content.
    pub subs: Vec<Sub>,
}

/// A table-of-contents entry.
#[derive(Debug, Clone)]
pub struct TocEntry {
    /// Target id.
    pub id: String,
    /// Section number, empty for subsections.
    pub number: String,
    /// Text.
    pub text: String,
    /// Subsections.
    pub children: Vec<TocEntry>,
}

/// A document in one locale, ready to render.
#[derive(Debug, Clone)]
pub struct Doc {
    /// BCP 47 language tag.
    pub lang: String,
    /// `ltr` or `rtl`.
    pub dir: &'static str,
    /// Title.
    pub title: String,
    /// Version and effective date.
    pub meta: String,
    /// "Contents".
    pub contents: String,
    /// Table of contents.
    pub toc: Vec<TocEntry>,
    /// Sections.
    pub sections: Vec<SectionView>,
}

#[derive(Template)]
#[template(path = "docs/policy.html")]
struct HtmlDoc<'a> {
    d: &'a Doc,
}

#[derive(Template)]
#[template(path = "docs/policy.md")]
struct MdDoc<'a> {
    d: &'a Doc,
}

/// An anchor id built from a validated identifier; anything outside `[a-z0-9_-]` is dropped so
/// the id is safe unescaped in Markdown and HTML whatever reaches it.
pub(crate) fn anchor(prefix: &str, name: &str) -> String {
    format!("{prefix}{name}")
        .chars()
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_' || *c == '-')
        .collect()
}

/// The id of a category's heading.
pub fn category_anchor(name: &str) -> String {
    anchor("category-", name)
}

// ------------------------------------------------------------------ building

/// Shared state while building one locale's document.
pub(crate) struct Ctx<'a> {
    pub policy: &'a Policy,
    pub locale: &'a str,
    pub lang: Lang,
    pub w: &'static Words,
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(policy: &'a Policy, locale: &'a str) -> Self {
        let lang = Lang::of(locale);
        Ctx { policy, locale, lang, w: lang.words() }
    }

    pub(crate) fn t(&self, t: &Text) -> String {
        t.get(self.locale).to_string()
    }

    fn parent(&self) -> Option<Rich> {
        self.policy.parent.as_ref().map(|p| Rich::link(self.t(&p.title), p.url.clone()))
    }

    fn parent_plain(&self) -> Option<Rich> {
        self.policy.parent.as_ref().map(|p| Rich::text(self.t(&p.title)))
    }

    pub(crate) fn store(&self, name: &str) -> String {
        self.policy.store(name).map_or_else(|| name.to_string(), |s| self.t(&s.display))
    }

    pub(crate) fn stores<'s>(&self, names: impl IntoIterator<Item = &'s String>) -> String {
        let mut v: Vec<String> = Vec::new();
        for n in names {
            let s = self.store(n);
            if !v.contains(&s) {
                v.push(s);
            }
        }
        and_list(self.lang, &v)
    }

    pub(crate) fn purpose_label(&self, name: &str) -> String {
        self.policy.purpose(name).map_or_else(|| name.to_string(), |p| self.t(&p.label))
    }

    fn purpose_text(&self, name: &str) -> String {
        match self.policy.purpose(name) {
            Some(p) => match &p.description {
                Some(d) => self.t(d),
                None => sentence(self.lang, &self.t(&p.label)),
            },
            None => name.to_string(),
        }
    }

    pub(crate) fn basis_label(&self, name: &str) -> String {
        self.policy.basis(name).map_or_else(|| name.to_string(), |b| self.t(&b.label))
    }

    pub(crate) fn recipient(&self, name: &str) -> String {
        self.policy.recipient(name).map_or_else(|| name.to_string(), |r| self.t(&r.display))
    }

    /// The fields as the documents list them: labels in order, consecutive labels sharing a
    /// `Prefix: ` (or `前缀：`) grouped as `Prefix (a, b)`, sensitive ones marked.
    pub(crate) fn field_list<'f>(&self, fields: impl IntoIterator<Item = &'f Field>) -> String {
        // (shared prefix, [(whole label, label without the prefix)])
        type Group = (Option<String>, Vec<(String, String)>);
        let mut groups: Vec<Group> = Vec::new();
        for f in fields {
            let label = self.t(&f.label);
            let mark = if f.sensitive { self.w.sensitive } else { "" };
            let split = split_prefix(&label);
            let item = (format!("{label}{mark}"), split.map_or_else(String::new, |(_, r)| format!("{r}{mark}")));
            match (split, groups.last_mut()) {
                (Some((p, _)), Some((Some(q), items))) if p == q => items.push(item),
                (Some((p, _)), _) => groups.push((Some(p.to_string()), vec![item])),
                (None, _) => groups.push((None, vec![item])),
            }
        }
        let parts: Vec<String> = groups
            .into_iter()
            .flat_map(|(prefix, items)| match prefix {
                Some(p) if items.len() > 1 => {
                    let inner: Vec<String> = items.into_iter().map(|(_, rest)| rest).collect();
                    vec![fill_str(self.w.group, &[("prefix", &p), ("items", &inner.join(self.w.group_sep))])]
                }
                _ => items.into_iter().map(|(whole, _)| whole).collect(),
            })
            .collect();
        parts.join(self.w.field_sep)
    }

    fn visible_fields(&self, c: &'a Category) -> String {
        self.field_list(c.fields.iter().filter(|f| !f.internal))
    }

    /// "you agree to the sharing and you subscribe to …".
    pub(crate) fn conditions(&self, reqs: &[Requirement]) -> String {
        let parts: Vec<String> = reqs
            .iter()
            .map(|r| match r {
                Requirement::Consent => self.w.consent_condition.to_string(),
                Requirement::Condition(c) => self.policy.condition(c).map_or_else(|| c.clone(), |c| self.t(&c.label)),
            })
            .collect();
        match self.lang {
            Lang::Zh => parts.join("，并且"),
            Lang::En => and_list(self.lang, &parts),
        }
    }

    pub(crate) fn retention(&self, c: &Category) -> String {
        wording::retention(self.policy, &c.retention, self.lang, self.locale)
    }

    /// Stores a category is kept in, by display name.
    pub(crate) fn category_stores(&self, c: &Category) -> String {
        if c.retention.rule == Rule::NotStored {
            return self.w.not_stored.to_string();
        }
        self.stores(c.bindings.iter().map(|b| &b.store))
    }

    fn share_sentences(&self, c: &Category) -> Vec<Rich> {
        c.shares
            .iter()
            .map(|s| {
                let recipient = self.recipient(&s.recipient);
                let fields: Vec<&Field> = s.fields.iter().filter_map(|f| c.field(f)).collect();
                let conds = self.conditions(&s.requires);
                let mut text = match (fields.is_empty(), s.requires.is_empty()) {
                    (true, true) => fill_str(self.w.share_whole, &[("recipient", &recipient)]),
                    (true, false) => {
                        fill_str(self.w.share_whole_if, &[("recipient", &recipient), ("conditions", &conds)])
                    }
                    (false, true) => fill_str(
                        self.w.share_fields,
                        &[("recipient", &recipient), ("fields", &self.field_list(fields))],
                    ),
                    (false, false) => fill_str(
                        self.w.share_fields_if,
                        &[("recipient", &recipient), ("conditions", &conds), ("fields", &self.field_list(fields))],
                    ),
                };
                if self.lang == Lang::En && text.starts_with("If ") {
                    text = wording::capitalise(&text);
                }
                if let Some(d) = &s.description {
                    self.push_text(&mut text, &sentence(self.lang, &self.t(d)));
                }
                if let Some(b) = &s.basis {
                    let b = fill_str(self.w.share_basis, &[("basis", &self.basis_label(b))]);
                    self.push_text(&mut text, &sentence(self.lang, &b));
                }
                Rich::text(text)
            })
            .collect()
    }

    fn push_text(&self, text: &mut String, more: &str) {
        if self.lang == Lang::En && !text.is_empty() {
            text.push(' ');
        }
        text.push_str(more);
    }

    /// The legal-basis cell of a category's own uses.
    fn basis_cell(&self, c: &Category, uses: &[&crate::model::Use]) -> Vec<Rich> {
        if c.role == Role::Processor {
            return vec![Rich::text(self.w.processor_basis)];
        }
        let mut distinct: Vec<&str> = Vec::new();
        for u in uses {
            if let Some(b) = &u.basis
                && !distinct.contains(&b.as_str())
            {
                distinct.push(b);
            }
        }
        let mut out: Vec<Rich> = if distinct.len() <= 1 {
            distinct.iter().map(|b| Rich::text(self.basis_label(b))).collect()
        } else {
            uses.iter()
                .filter_map(|u| {
                    u.basis.as_ref().map(|b| {
                        Rich::text(fill_str(
                            self.w.basis_for,
                            &[("purpose", &self.purpose_label(&u.purpose)), ("basis", &self.basis_label(b))],
                        ))
                    })
                })
                .collect()
        };
        for u in uses {
            if let Some(w) = self.withdrawal(&u.purpose, u.basis.as_deref()) {
                out.push(Rich::text(w));
            }
        }
        out
    }

    /// How consent to a use is withdrawn, when the use rests on consent.
    pub(crate) fn withdrawal(&self, purpose: &str, basis: Option<&str>) -> Option<String> {
        let b = self.policy.basis(basis?)?;
        if b.kind != BasisKind::Consent {
            return None;
        }
        let text = self.policy.purpose(purpose).and_then(|p| p.withdrawal.as_ref()).or(b.withdrawal.as_ref())?;
        Some(fill_str(self.w.withdrawal, &[("text", &self.t(text))]))
    }
}

fn split_prefix(label: &str) -> Option<(&str, &str)> {
    let (i, sep) = [": ", "："].iter().filter_map(|s| label.find(s).map(|i| (i, s.len()))).min()?;
    let (p, r) = (label[..i].trim(), label[i + sep..].trim());
    (!p.is_empty() && !r.is_empty()).then_some((p, r))
}

fn build(policy: &Policy, locale: &str) -> Doc {
    let cx = Ctx::new(policy, locale);
    let w = cx.w;
    let mut sections: Vec<SectionView> = Vec::new();
    let mut add = |id: &str, heading: &str, blocks: Vec<Block>, subs: Vec<Sub>, section: Option<Section>| {
        let mut blocks = blocks;
        if let Some(t) = section.and_then(|s| policy.sections.get(&s)) {
            let md = t.get(locale).trim().to_string();
            if !md.is_empty() {
                blocks.push(Block::Author(Author {
                    html: markdown::to_safe_html(&md),
                    md: markdown::to_safe_markdown(&md),
                }));
            }
        }
        if blocks.is_empty() && subs.is_empty() {
            return;
        }
        let number = sections.len() + 1;
        sections.push(SectionView { id: id.to_string(), number, heading: heading.to_string(), blocks, subs });
    };

    add("introduction", w.h_introduction, introduction(&cx), Vec::new(), Some(Section::Introduction));
    add("controller", w.h_controller, controller(&cx), Vec::new(), Some(Section::Controller));
    add("availability", w.h_availability, availability(&cx), Vec::new(), Some(Section::Availability));
    add("use", w.h_use, uses(&cx), Vec::new(), Some(Section::Use));
    add("sharing", w.h_sharing, sharing(&cx), Vec::new(), Some(Section::Sharing));
    add("retention", w.h_retention, retention(&cx), Vec::new(), Some(Section::Retention));
    add("rights", w.h_rights, rights(&cx), Vec::new(), Some(Section::Rights));
    add("details", w.h_details, vec![Block::Para(Rich::text(w.details_intro))], details(&cx), None);

    let toc = sections
        .iter()
        .map(|s| TocEntry {
            id: s.id.clone(),
            number: s.number.to_string(),
            text: s.heading.clone(),
            children: s
                .subs
                .iter()
                .map(|sub| TocEntry {
                    id: sub.id.clone(),
                    number: String::new(),
                    text: sub.heading.clone(),
                    children: Vec::new(),
                })
                .collect(),
        })
        .collect();
    Doc {
        lang: locale.replace('_', "-"),
        dir: if is_rtl(locale) { "rtl" } else { "ltr" },
        title: cx.t(&policy.title),
        meta: format!("{}{}{} · {}{}{}", w.version, w.colon, policy.version, w.effective, w.colon, policy.effective),
        contents: w.contents.to_string(),
        toc,
        sections,
    }
}

fn introduction(cx: &Ctx) -> Vec<Block> {
    let w = cx.w;
    let feature = Rich::text(cx.t(&cx.policy.feature));
    let mut p = fill(w.intro_scope, &[("feature", feature)]);
    if let (Some(parent), Some(link), Some(plain)) = (&cx.policy.parent, cx.parent(), cx.parent_plain()) {
        let sep = if cx.lang == Lang::En { " " } else { "" };
        p = p
            .then(Rich::text(sep))
            .then(fill(w.intro_incorporated, &[("parent", link)]))
            .then(Rich::text(sep))
            .then(fill(w.intro_terms, &[("parent", plain.clone())]))
            .then(Rich::text(sep));
        let prec = match parent.precedence {
            Precedence::Module => w.precedence_module,
            Precedence::Parent => w.precedence_parent,
        };
        p = p.then(fill(prec, &[("parent", plain)]));
    }
    vec![Block::Para(p)]
}

fn controller(cx: &Ctx) -> Vec<Block> {
    let w = cx.w;
    match &cx.policy.controller {
        Controller::AsParent => match cx.parent_plain() {
            Some(parent) => vec![Block::Para(fill(w.controller_as_parent, &[("parent", parent)]))],
            None => Vec::new(),
        },
        Controller::Entity { name, contact } => {
            let mut v = vec![Block::Para(fill(w.controller_entity, &[("name", Rich::text(cx.t(name)))]))];
            if let Some(c) = contact {
                v.push(Block::Para(fill(w.controller_contact, &[("contact", Rich::text(c.clone()))])));
            }
            v
        }
    }
}

fn availability(cx: &Ctx) -> Vec<Block> {
    let w = cx.w;
    let mut v = Vec::new();
    let a = &cx.policy.availability;
    if !a.regions.is_empty() {
        let names: Vec<String> = a.regions.iter().map(|r| region(w, r)).collect();
        v.push(Block::Para(Rich::text(fill_str(w.regions, &[("regions", &and_list(cx.lang, &names))]))));
    }
    if let Some(n) = &a.note {
        v.push(Block::Para(Rich::text(cx.t(n))));
    }
    v
}

/// A region identifier for readers: `worldwide` in words, short codes (`eu`) in capitals.
fn region(w: &Words, r: &str) -> String {
    match r {
        "worldwide" => w.region_worldwide.to_string(),
        r if r.len() <= 3 => r.to_ascii_uppercase(),
        r => r.replace('_', " "),
    }
}

fn uses(cx: &Ctx) -> Vec<Block> {
    let w = cx.w;
    let p = cx.policy;
    let with_basis = p.categories.iter().any(|c| c.role == Role::Controller);
    let mut headers = vec![w.col_information.to_string(), w.col_purpose.to_string()];
    if with_basis {
        headers.push(w.col_basis.to_string());
    }
    let widths: &[u8] = if with_basis { &[38, 37, 25] } else { &[45, 55] };
    let mut t = Table::new(headers, widths);
    for c in &p.categories {
        let own: Vec<&crate::model::Use> = c.uses.iter().filter(|u| u.statement.is_none()).collect();
        // Personal information: label, description and fields, condition.
        let fields = cx.visible_fields(c);
        let body = match (&c.description, fields.is_empty()) {
            (Some(d), false) => fill_str(w.including, &[("description", &cx.t(d)), ("fields", &fields)]),
            (Some(d), true) => cx.t(d),
            (None, _) => fields,
        };
        let mut info = vec![Rich::strong(cx.t(&c.label)).then(Rich::text(format!("{}{body}", w.colon)))];
        if let Some(cond) = &c.only_if {
            info.push(Rich::text(fill_str(w.only_if, &[("condition", &cx.t(cond))])));
        }
        // Purposes, integrated systems, sharing.
        // A purpose resting on several bases is described once; the basis cell lists each basis.
        let mut seen = std::collections::BTreeSet::new();
        let mut purpose: Vec<Rich> = own
            .iter()
            .filter(|u| seen.insert(u.purpose.as_str()))
            .map(|u| Rich::text(cx.purpose_text(&u.purpose)))
            .collect();
        if !c.systems.is_empty() {
            purpose.push(Rich::text(fill_str(w.systems, &[("systems", &cx.stores(&c.systems))])));
        }
        let shared: Vec<String> =
            c.uses.iter().filter(|u| u.statement.is_some()).map(|u| cx.purpose_label(&u.purpose)).fold(
                Vec::new(),
                |mut v, l| {
                    if !v.contains(&l) {
                        v.push(l);
                    }
                    v
                },
            );
        if !shared.is_empty() {
            purpose.push(Rich::text(fill_str(w.shared_purposes, &[("purposes", &and_list(cx.lang, &shared))])));
        }
        purpose.extend(cx.share_sentences(c));
        let mut cells = vec![info, purpose];
        if with_basis {
            cells.push(cx.basis_cell(c, &own));
        }
        t.row(cells);
    }
    // Purposes declared once for several categories are stated once.
    for s in &p.use_statements {
        let labels: Vec<String> =
            s.categories.iter().map(|n| p.category(n).map_or_else(|| n.clone(), |c| cx.t(&c.label))).collect();
        let mut cells =
            vec![vec![Rich::strong(and_list(cx.lang, &labels))], vec![Rich::text(cx.purpose_text(&s.purpose))]];
        if with_basis {
            let mut b: Vec<Rich> = match &s.basis {
                Some(b) => vec![Rich::text(cx.basis_label(b))],
                None => vec![Rich::text(w.processor_basis)],
            };
            if let Some(wd) = cx.withdrawal(&s.purpose, s.basis.as_deref()) {
                b.push(Rich::text(wd));
            }
            cells.push(b);
        }
        t.row(cells);
    }
    let intro = if with_basis { w.use_intro_controller } else { w.use_intro_processor };
    vec![Block::Para(Rich::text(intro)), Block::Table(t)]
}

fn sharing(cx: &Ctx) -> Vec<Block> {
    let w = cx.w;
    let p = cx.policy;
    let mut v = Vec::new();
    if let Some(parent) = cx.parent_plain() {
        v.push(Block::Para(fill(w.sharing_as_parent, &[("parent", parent)])));
    }
    if !p.storage_statements.is_empty() {
        if p.parent.is_some() {
            v.push(Block::Para(Rich::text(w.in_addition)));
        }
        let items = p
            .storage_statements
            .iter()
            .map(|s| {
                let tpl = if s.backed_up { w.storage_backed_up } else { w.storage_stored };
                Rich::text(fill_str(tpl, &[("data", &cx.t(&s.data)), ("stores", &cx.stores(&s.stores))]))
            })
            .collect();
        v.push(Block::List(items));
    }
    let shares: Vec<(&Category, &crate::model::Share)> =
        p.categories.iter().flat_map(|c| c.shares.iter().map(move |s| (c, s))).collect();
    if !shares.is_empty() {
        v.push(Block::Para(Rich::text(w.recipients_intro)));
        let mut t =
            Table::new(vec![w.col_recipient.into(), w.col_information.into(), w.col_condition.into()], &[25, 45, 30]);
        for (c, s) in shares {
            let mut who = vec![Rich::text(cx.recipient(&s.recipient))];
            if let Some(d) = p.recipient(&s.recipient).and_then(|r| r.description.as_ref()) {
                who.push(Rich::text(cx.t(d)));
            }
            let fields: Vec<&Field> = s.fields.iter().filter_map(|f| c.field(f)).collect();
            let what = if fields.is_empty() { cx.visible_fields(c) } else { cx.field_list(fields) };
            let info = vec![Rich::strong(cx.t(&c.label)).then(Rich::text(format!("{}{what}", w.colon)))];
            let cond = if s.requires.is_empty() {
                w.unconditional.to_string()
            } else {
                fill_str(w.condition_if, &[("conditions", &cx.conditions(&s.requires))])
            };
            t.row(vec![who, info, vec![Rich::text(wording::capitalise(&cond))]]);
        }
        v.push(Block::Table(t));
    }
    if !p.categories.is_empty() {
        v.push(Block::Para(Rich::text(w.storage_intro)));
        let mut t = Table::new(vec![w.col_information.into(), w.col_stores.into()], &[30, 70]);
        for c in &p.categories {
            let stores = cx.category_stores(c);
            t.row(vec![
                vec![Rich::strong(cx.t(&c.label))],
                if stores.is_empty() { vec![] } else { vec![Rich::text(stores)] },
            ]);
        }
        v.push(Block::Table(t));
    }
    v
}

fn retention(cx: &Ctx) -> Vec<Block> {
    let w = cx.w;
    let mut t = Table::new(vec![w.col_information.into(), w.col_retention.into()], &[30, 70]);
    for c in &cx.policy.categories {
        t.row(vec![vec![Rich::strong(cx.t(&c.label))], vec![Rich::text(cx.retention(c))]]);
    }
    vec![Block::Para(Rich::text(w.retention_intro)), Block::Table(t)]
}

fn rights(cx: &Ctx) -> Vec<Block> {
    let w = cx.w;
    let r = &cx.policy.rights;
    let mut v = Vec::new();
    if r.deletion_on_request {
        let mut text = w.rights_deletion.to_string();
        if let Some(d) = r.deletion_deadline {
            let d = fill_str(w.rights_deadline, &[("duration", &wording::duration(cx.lang, d))]);
            cx.push_text(&mut text, &d);
        }
        v.push(Block::Para(Rich::text(text)));
    }
    if let Some(s) = &r.self_service {
        v.push(Block::Para(Rich::text(fill_str(w.rights_self_service, &[("text", &sentence(cx.lang, &cx.t(s)))]))));
    }
    if let Some(age) = r.minimum_age {
        v.push(Block::Para(Rich::text(fill_str(w.rights_minimum_age, &[("age", &age.to_string())]))));
    }
    v
}

fn details(cx: &Ctx) -> Vec<Sub> {
    let w = cx.w;
    let item = |label: &str, value: String| Rich::strong(label).then(Rich::text(format!("{}{value}", w.colon)));
    cx.policy
        .categories
        .iter()
        .map(|c| {
            let mut blocks = Vec::new();
            if let Some(d) = &c.description {
                blocks.push(Block::Para(Rich::text(sentence(cx.lang, &cx.t(d)))));
            }
            if let Some(cond) = &c.only_if {
                blocks.push(Block::Para(Rich::text(fill_str(w.only_if, &[("condition", &cx.t(cond))]))));
            }
            let mut items = Vec::new();
            let fields = cx.visible_fields(c);
            if !fields.is_empty() {
                items.push(item(w.d_fields, fields));
            }
            let mut purposes: Vec<String> = Vec::new();
            for u in &c.uses {
                let l = cx.purpose_label(&u.purpose);
                if !purposes.contains(&l) {
                    purposes.push(l);
                }
            }
            if !purposes.is_empty() {
                items.push(item(w.d_purposes, and_list(cx.lang, &purposes)));
            }
            if !c.systems.is_empty() {
                items.push(item(w.d_systems, cx.stores(&c.systems)));
            }
            if !c.shares.is_empty() {
                let mut rs: Vec<String> = Vec::new();
                for s in &c.shares {
                    let r = cx.recipient(&s.recipient);
                    if !rs.contains(&r) {
                        rs.push(r);
                    }
                }
                items.push(item(w.d_shared, and_list(cx.lang, &rs)));
            }
            let stores = cx.category_stores(c);
            if !stores.is_empty() {
                items.push(item(w.d_stored, stores));
            }
            items.push(item(w.d_retention, cx.retention(c)));
            blocks.push(Block::List(items));
            Sub { id: category_anchor(&c.name), heading: cx.t(&c.label), blocks }
        })
        .collect()
}

/// A retention rule in words, in `locale`, as the documents state it (for other backends).
pub fn wording_of_retention(policy: &Policy, r: &crate::model::Retention, locale: &str) -> String {
    wording::retention(policy, r, words::Lang::of(locale), locale)
}
