//! `policyc fmt`: one canonical layout for every policy file.
//!
//! The layout is decided by the syntax tree (the grammar in `grammar/policy.pest`), never by the
//! author's line breaks, so two authors of the same policy get the same bytes. The file's
//! tokens are hung on the tree (a comment on the construct it sits in, or after the one it
//! follows) and printed again; only whitespace changes, and the trailing comma of
//! `earliest of (…)`, which the grammar makes optional. The rules:
//!
//! - Every top-level item, and every statement of a block, starts a line. Indentation is two
//!   spaces per block.
//! - Declaration blocks (`policy`, `store`, `purpose`, `basis`, `recipient`, `condition`,
//!   `state`, `event`, `category`, `storage`, `rights`) and the header's `part of`,
//!   `controller` and `availability` are always broken open: `{` ends the line, each statement
//!   has its own line, `}` has its own line. An empty block is `{}`.
//! - Short forms, kept on one line when the whole construct fits in [`WIDTH`] columns (wide
//!   characters count two) and holds no comment: localised text `{ en "…" de "…" }` (each locale
//!   one string), a field's block `{ label { … } sensitive }`, retention options `{ anonymise }`,
//!   `stored in db { table t }` and `share with r { requires consent }` with a single
//!   statement, and `earliest of (…, …)`. Otherwise they are broken open too: localised text a
//!   locale per line, `earliest of` a clock per line, each followed by a comma.
//! - Adjacent strings of one locale (long text split by the author) have a line each, aligned
//!   under the first.
//! - Name lists (`fields a, b`, `locales en, de`) fill lines up to [`WIDTH`] columns and continue
//!   under their first name.
//! - One space between tokens; none before `,` `:` `)`, after `(`, in `enum(` or in `{}`.
//! - Comments stay where they are: a comment that followed code on its line stays at the end of
//!   that line; one on its own line stays on its own line, indented as the code it precedes.
//! - Blank lines between statements and items are the author's grouping and are kept, at most one
//!   in a row; none at the start or end of a block or of the file.
//!
//! Formatting a formatted file changes nothing, and the formatted file checks to the same model
//! (tests/fmt.rs).

use crate::syntax::{PolicyParser, Rule};
use pest::Parser;
use pest::iterators::Pair;
use unicode_width::UnicodeWidthStr;

/// Columns a short form may reach; longer ones are broken open.
pub const WIDTH: usize = 100;

/// What a token is, as far as layout is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A `// …` comment, without trailing whitespace.
    Comment,
    /// Anything else: punctuation, keywords, names, strings (quotes and escapes as written).
    Code,
}

/// One token of a policy file.
#[derive(Debug)]
struct Tok<'a> {
    kind: Kind,
    text: &'a str,
    /// Byte offset in the source.
    start: usize,
    /// Line breaks between the previous token and this one.
    breaks: usize,
}

/// Why a file cannot be formatted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FmtError {
    /// A string literal runs to the end of its line or of the file (byte offset of its start).
    UnterminatedString(usize),
    /// The file does not parse (byte offset of the error); only a file that parses is formatted.
    Syntax(usize),
}

/// The byte-order mark, which the grammar reads as whitespace.
const BOM: &[u8] = "\u{feff}".as_bytes();

fn lex<'s>(src: &'s str) -> Result<Vec<Tok<'s>>, FmtError> {
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut breaks = 0;
    let push = |out: &mut Vec<Tok<'s>>, kind, start, end, breaks: &mut usize| {
        out.push(Tok { kind, text: src[start..end].trim_end(), start, breaks: *breaks });
        *breaks = 0;
    };
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                breaks += 1;
                i += 1;
            }
            b' ' | b'\t' | b'\r' => i += 1,
            _ if bytes[i..].starts_with(BOM) => i += '\u{feff}'.len_utf8(),
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                let end = src[i..].find('\n').map_or(src.len(), |n| i + n);
                push(&mut out, Kind::Comment, i, end, &mut breaks);
                i = end;
            }
            b'"' => {
                let start = i;
                i += 1;
                loop {
                    match bytes.get(i) {
                        None | Some(b'\n') => return Err(FmtError::UnterminatedString(start)),
                        Some(b'\\') => i += 2,
                        Some(b'"') => {
                            i += 1;
                            break;
                        }
                        Some(_) => i += 1,
                    }
                }
                push(&mut out, Kind::Code, start, i.min(src.len()), &mut breaks);
            }
            b'{' | b'}' | b'(' | b')' | b',' | b':' => {
                push(&mut out, Kind::Code, i, i + 1, &mut breaks);
                i += 1;
            }
            _ => {
                let start = i;
                while i < bytes.len()
                    && !matches!(
                        bytes[i],
                        b' ' | b'\t' | b'\r' | b'\n' | b'{' | b'}' | b'(' | b')' | b',' | b':' | b'"'
                    )
                    && !bytes[i..].starts_with(b"//")
                    && !bytes[i..].starts_with(BOM)
                {
                    i += 1;
                }
                // A multi-byte character is never split: the delimiters above are ASCII or a BOM.
                push(&mut out, Kind::Code, start, i, &mut breaks);
            }
        }
    }
    Ok(out)
}

/// A construct of the syntax tree with its tokens.
#[derive(Debug)]
struct Node {
    rule: Rule,
    elems: Vec<Elem>,
}

/// A token (index into the token list) or a nested construct.
#[derive(Debug)]
enum Elem {
    Tok(usize),
    Node(Node),
}

/// Hangs the tokens on the tree: each token on the innermost construct whose span holds its start.
///
/// A rule ending in an optional or repeated part (`ident ~ ("," ~ ident)*`) spans the whitespace
/// and comments its failed last attempt skipped, so comments after a construct's last code token
/// are handed back (`spill`) and hung after it in its parent instead.
fn build(pair: Pair<'_, Rule>, toks: &[Tok<'_>], next: &mut usize, spill: &mut Vec<usize>) -> Node {
    let end = pair.as_span().end();
    let rule = pair.as_rule();
    let mut elems = Vec::new();
    for child in pair.into_inner() {
        if child.as_rule() == Rule::EOI {
            continue;
        }
        while *next < toks.len() && toks[*next].start < child.as_span().start() {
            elems.push(Elem::Tok(*next));
            *next += 1;
        }
        let mut after = Vec::new();
        elems.push(Elem::Node(build(child, toks, next, &mut after)));
        elems.extend(after.into_iter().map(Elem::Tok));
    }
    while *next < toks.len() && (toks[*next].start < end || rule == Rule::file) {
        elems.push(Elem::Tok(*next));
        *next += 1;
    }
    if rule != Rule::file {
        let code = elems.iter().rposition(|e| !matches!(e, Elem::Tok(i) if toks[*i].kind == Kind::Comment));
        let trailing = elems.split_off(code.map_or(0, |c| c + 1));
        spill.extend(trailing.into_iter().filter_map(|e| match e {
            Elem::Tok(i) => Some(i),
            Elem::Node(_) => None,
        }));
    }
    Node { rule, elems }
}

/// Whether a block may keep the short form `{ … }` on one line (when it fits and holds no
/// comment): a field's block and retention options always, `stored in` and `share with` with a
/// single statement, declarations never.
fn short_allowed(n: &Node) -> bool {
    let statements = || n.elems.iter().filter(|e| matches!(e, Elem::Node(c) if c.rule != Rule::ident)).count();
    match n.rule {
        Rule::field_body | Rule::retain_opts => true,
        Rule::c_stored | Rule::c_share => statements() <= 1,
        _ => false,
    }
}

/// Rules whose `{ … }` holds statements (localised text is laid out apart).
fn is_block(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::policy_decl
            | Rule::h_part_of
            | Rule::controller_entity
            | Rule::h_availability
            | Rule::store_decl
            | Rule::purpose_decl
            | Rule::basis_decl
            | Rule::recipient_decl
            | Rule::condition_decl
            | Rule::state_decl
            | Rule::event_decl
            | Rule::category_decl
            | Rule::field_body
            | Rule::c_share
            | Rule::c_stored
            | Rule::retain_opts
            | Rule::storage_decl
            | Rule::rights_decl
    )
}

/// Whether no space goes between two adjacent tokens on a line.
fn tight(prev: &str, cur: &str) -> bool {
    matches!(cur, "," | ":" | ")") || prev == "(" || (prev == "enum" && cur == "(") || (prev == "{" && cur == "}")
}

struct Printer<'s, 't> {
    toks: &'t [Tok<'s>],
    out: String,
    /// Byte offset in `out` where the current line starts.
    line_start: usize,
    /// Indentation of the statements of the current block.
    indent: usize,
    /// Column where a line continues when a comment ends it mid-construct.
    cont: usize,
    /// Text of the last token on the current line; `None` at the start of a line.
    prev: Option<&'s str>,
    /// A comment ended the line: the next token starts a new one.
    need_break: bool,
}

impl<'s> Printer<'s, '_> {
    fn col(&self) -> usize {
        self.out[self.line_start..].width()
    }

    fn newline(&mut self, blank: bool, col: usize) {
        let trimmed = self.out.trim_end_matches(' ').len();
        self.out.truncate(trimmed);
        self.out.push('\n');
        if blank {
            self.out.push('\n');
        }
        self.line_start = self.out.len();
        self.out.extend(std::iter::repeat_n(' ', col));
        self.prev = None;
        self.need_break = false;
    }

    /// Starts a new line unless the current one is still empty.
    fn line_break(&mut self, blank: bool, col: usize) {
        if self.prev.is_some() || self.need_break {
            self.newline(blank, col);
        }
    }

    fn text(&mut self, text: &'s str) {
        if self.need_break {
            self.newline(false, self.cont);
        } else if let Some(prev) = self.prev
            && !tight(prev, text)
        {
            self.out.push(' ');
        }
        self.out.push_str(text);
        self.prev = Some(text);
    }

    fn token(&mut self, i: usize) {
        let toks = self.toks;
        let t = &toks[i];
        if t.kind == Kind::Code {
            self.text(t.text);
            return;
        }
        if self.prev.is_some() && (t.breaks > 0 || self.need_break) {
            // A comment on its own line in the middle of a construct.
            self.newline(false, self.cont);
        } else if self.prev.is_some() {
            self.out.push(' ');
        }
        self.out.push_str(t.text);
        self.prev = Some(t.text);
        self.need_break = true;
    }

    /// A blank line goes before the element when the source had one there.
    fn blank_before(&self, e: &Elem) -> bool {
        first_tok(e).is_some_and(|i| self.toks[i].breaks > 1)
    }

    fn node(&mut self, n: &Node) {
        match n.rule {
            Rule::file => self.items(&n.elems, 0),
            Rule::ltext => self.ltext(n),
            Rule::r_earliest => self.earliest(n),
            Rule::ident_list => self.list(n),
            rule if is_block(rule) => self.block(n),
            _ => self.inline(&n.elems),
        }
    }

    fn inline(&mut self, elems: &[Elem]) {
        for e in elems {
            match e {
                Elem::Tok(i) => self.token(*i),
                Elem::Node(c) => self.node(c),
            }
        }
    }

    /// Items or statements, a line each, at `indent`; comments on their own lines stay so.
    fn items(&mut self, elems: &[Elem], indent: usize) {
        let saved = (self.indent, self.cont);
        (self.indent, self.cont) = (indent, indent + 4);
        for (k, e) in elems.iter().enumerate() {
            let trailing =
                matches!(e, Elem::Tok(i) if self.toks[*i].kind == Kind::Comment && self.toks[*i].breaks == 0);
            if !(trailing && self.prev.is_some()) {
                self.line_break(k > 0 && self.blank_before(e), indent);
            }
            match e {
                Elem::Tok(i) => self.token(*i),
                Elem::Node(c) => self.node(c),
            }
        }
        (self.indent, self.cont) = saved;
    }

    /// `{`, the statements, `}`: on one line when the construct may be short and fits, else
    /// broken open.
    fn block(&mut self, n: &Node) {
        // `share with x` may have no block.
        let (Some(open), Some(close)) =
            (n.elems.iter().position(|e| self.is(e, "{")), n.elems.iter().rposition(|e| self.is(e, "}")))
        else {
            return self.inline(&n.elems);
        };
        self.inline(&n.elems[..open]);
        let body = &n.elems[open + 1..close];
        if body.is_empty() || (short_allowed(n) && self.fits(&n.elems[open..=close])) {
            self.inline(&n.elems[open..]);
            return;
        }
        self.inline(&n.elems[open..=open]);
        let indent = self.indent;
        self.items(body, indent + 2);
        self.newline(false, indent);
        self.inline(&n.elems[close..]);
    }

    /// Localised text: one line when every locale has one string and it fits, else a locale per
    /// line with continued strings aligned under the first.
    fn ltext(&mut self, n: &Node) {
        let multi = n.elems.iter().any(|e| match e {
            Elem::Node(entry) => entry.elems.iter().filter(|e| matches!(e, Elem::Node(_))).count() > 2,
            Elem::Tok(_) => false,
        });
        let body = n.elems.len().saturating_sub(2);
        if body == 0 || (!multi && self.fits(&n.elems)) {
            self.inline(&n.elems);
            return;
        }
        let indent = self.indent;
        self.inline(&n.elems[..1]);
        let saved = (self.indent, self.cont);
        (self.indent, self.cont) = (indent + 2, indent + 6);
        for (k, e) in n.elems[1..n.elems.len() - 1].iter().enumerate() {
            let trailing =
                matches!(e, Elem::Tok(i) if self.toks[*i].kind == Kind::Comment && self.toks[*i].breaks == 0);
            if !(trailing && self.prev.is_some()) {
                self.line_break(k > 0 && self.blank_before(e), indent + 2);
            }
            match e {
                Elem::Tok(i) => self.token(*i),
                Elem::Node(entry) => self.entry(entry),
            }
        }
        (self.indent, self.cont) = saved;
        self.newline(false, indent);
        self.inline(&n.elems[n.elems.len() - 1..]);
    }

    /// `en "first" "second"`: every string after the first on its own line, under the first.
    fn entry(&mut self, n: &Node) {
        let saved = self.cont;
        let mut strings = 0;
        for e in &n.elems {
            match e {
                Elem::Node(s) if s.rule == Rule::string => {
                    if strings > 0 {
                        self.line_break(false, self.cont);
                    }
                    self.node(s);
                    if strings == 0 {
                        self.cont = self.col().saturating_sub(width(self.toks, e));
                    }
                    strings += 1;
                }
                Elem::Tok(i) => self.token(*i),
                Elem::Node(c) => self.node(c),
            }
        }
        self.cont = saved;
    }

    /// `earliest of (a, b)` on one line when it fits, else a clock per line, each with a comma.
    fn earliest(&mut self, n: &Node) {
        let open = n.elems.iter().position(|e| self.is(e, "(")).unwrap_or(0);
        if self.fits(&n.elems[open..]) {
            // The short form has no trailing comma.
            let last_clock = n.elems.iter().rposition(|e| matches!(e, Elem::Node(_))).unwrap_or(0);
            for (k, e) in n.elems.iter().enumerate() {
                if !(k > last_clock && self.is(e, ",")) {
                    self.inline(std::slice::from_ref(e));
                }
            }
            return;
        }
        self.inline(&n.elems[..=open]);
        let indent = self.indent;
        let saved = (self.indent, self.cont);
        (self.indent, self.cont) = (indent + 2, indent + 6);
        let mut first = true;
        for e in &n.elems[open + 1..] {
            match e {
                Elem::Node(clock) => {
                    self.line_break(!first && self.blank_before(e), indent + 2);
                    first = false;
                    self.node(clock);
                    self.text(",");
                }
                Elem::Tok(_) if self.is(e, ",") => {}
                Elem::Tok(_) if self.is(e, ")") => {
                    (self.indent, self.cont) = saved;
                    self.newline(false, indent);
                    self.inline(std::slice::from_ref(e));
                }
                Elem::Tok(i) => {
                    let own_line = self.toks[*i].breaks > 0 || self.need_break;
                    if own_line {
                        self.line_break(!first && self.blank_before(e), indent + 2);
                    }
                    self.token(*i);
                }
            }
        }
    }

    /// `a, b, c`: filled up to [`WIDTH`], continued under the first name.
    fn list(&mut self, n: &Node) {
        let saved = self.cont;
        if self.need_break {
            self.newline(false, self.cont);
        }
        for (k, e) in n.elems.iter().enumerate() {
            match e {
                Elem::Node(name) if k == 0 => {
                    self.node(name);
                    self.cont = self.col().saturating_sub(width(self.toks, e));
                }
                Elem::Node(name) => {
                    let comma = usize::from(n.elems[k + 1..].iter().any(|e| matches!(e, Elem::Node(_))));
                    if !self.need_break && self.col() + 1 + width(self.toks, e) + comma > WIDTH {
                        self.newline(false, self.cont);
                    }
                    self.node(name);
                }
                Elem::Tok(i) => self.token(*i),
            }
        }
        self.cont = saved;
    }

    fn is(&self, e: &Elem, text: &str) -> bool {
        matches!(e, Elem::Tok(i) if self.toks[*i].kind == Kind::Code && self.toks[*i].text == text)
    }

    /// Whether the elements fit on the rest of the line as one line.
    fn fits(&self, elems: &[Elem]) -> bool {
        let space = usize::from(self.prev.is_some());
        flat(self.toks, elems).is_some_and(|s| self.col() + space + s.width() <= WIDTH)
    }
}

/// The elements on one line, or `None` when they hold a comment, a block that is always broken
/// or continued strings.
fn flat(toks: &[Tok<'_>], elems: &[Elem]) -> Option<String> {
    fn go<'s>(toks: &[Tok<'s>], elems: &[Elem], out: &mut String, prev: &mut Option<&'s str>) -> Option<()> {
        for e in elems {
            match e {
                Elem::Tok(i) => {
                    let t = &toks[*i];
                    if t.kind == Kind::Comment {
                        return None;
                    }
                    if prev.is_some_and(|p| !tight(p, t.text)) {
                        out.push(' ');
                    }
                    out.push_str(t.text);
                    *prev = Some(t.text);
                }
                Elem::Node(n) => {
                    let strings = n.elems.iter().filter(|e| matches!(e, Elem::Node(s) if s.rule == Rule::string));
                    let block = n.elems.iter().any(|e| matches!(e, Elem::Tok(i) if toks[*i].text == "{"));
                    if (is_block(n.rule) && block && !short_allowed(n))
                        || (n.rule == Rule::ltext_entry && strings.count() > 1)
                    {
                        return None;
                    }
                    go(toks, &n.elems, out, prev)?;
                }
            }
        }
        Some(())
    }
    let mut out = String::new();
    go(toks, elems, &mut out, &mut None)?;
    Some(out)
}

/// Display width of an element printed on one line (0 if it cannot be).
fn width(toks: &[Tok<'_>], e: &Elem) -> usize {
    flat(toks, std::slice::from_ref(e)).map_or(0, |s| s.width())
}

fn first_tok(e: &Elem) -> Option<usize> {
    match e {
        Elem::Tok(i) => Some(*i),
        Elem::Node(n) => n.elems.iter().find_map(first_tok),
    }
}

/// The formatted text of a policy file.
pub fn format(src: &str) -> Result<String, FmtError> {
    let toks = lex(src)?;
    if let Some(at) = crate::syntax::too_deep(src) {
        return Err(FmtError::Syntax(at));
    }
    let file = PolicyParser::parse(Rule::file, src)
        .map_err(|e| {
            FmtError::Syntax(match e.location {
                pest::error::InputLocation::Pos(p) | pest::error::InputLocation::Span((p, _)) => p,
            })
        })?
        .next()
        .ok_or(FmtError::Syntax(0))?;
    let mut next = 0;
    let tree = build(file, &toks, &mut next, &mut Vec::new());
    let mut p = Printer {
        toks: &toks,
        out: String::with_capacity(src.len() + src.len() / 8),
        line_start: 0,
        indent: 0,
        cont: 4,
        prev: None,
        need_break: false,
    };
    p.node(&tree);
    let mut out = p.out;
    out.truncate(out.trim_end().len());
    if !out.is_empty() {
        out.push('\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(src: &str) -> String {
        let out = format(src).unwrap();
        assert_eq!(format(&out).unwrap(), out, "not idempotent");
        out
    }

    #[test]
    fn declarations_are_broken_open_whatever_the_author_wrote() {
        let want = "store db: postgres {\n  name { en \"D\" }\n  schedule \"0 3 * * *\"\n}\n";
        assert_eq!(fmt("store  db :postgres { name{en \"D\"} schedule \"0 3 * * *\" }"), want);
        assert_eq!(fmt("store db:\npostgres\n{\nname\n{\nen\n\"D\"\n}\nschedule \"0 3 * * *\"}"), want);
        assert_eq!(fmt("purpose p {}\n"), "purpose p {}\n");
    }

    #[test]
    fn short_forms_stay_on_one_line_when_they_fit() {
        let src = "category c {\n  label {\n    en \"C\"\n  }\n  field a: string {\n    label { en \"A\" }\n    sensitive\n  }\n  \
                   stored in db {\n    table t\n  }\n  retain earliest of (\n    1 day,\n    2 days,\n  ) {\n    anonymise\n  }\n}\n";
        let want = "category c {\n  label { en \"C\" }\n  field a: string { label { en \"A\" } sensitive }\n  \
                    stored in db { table t }\n  retain earliest of (1 day, 2 days) { anonymise }\n}\n";
        assert_eq!(fmt(src), want);
        // `stored in` with two statements is broken open.
        assert_eq!(
            fmt("category c { stored in db { table t collected at x } }"),
            "category c {\n  stored in db {\n    table t\n    collected at x\n  }\n}\n"
        );
    }

    #[test]
    fn long_short_forms_are_broken_open() {
        let long = "x".repeat(90);
        let got = fmt(&format!("policy p {{ title {{ en \"{long}\" de \"y\" }} }}"));
        assert_eq!(got, format!("policy p {{\n  title {{\n    en \"{long}\"\n    de \"y\"\n  }}\n}}\n"));
        let got = fmt(&format!("category c {{ retain earliest of (1 day after {long}, 2 days) }}"));
        assert_eq!(
            got,
            format!("category c {{\n  retain earliest of (\n    1 day after {long},\n    2 days,\n  )\n}}\n")
        );
        // Wide characters count twice: 45 of them do not fit beside the statement.
        let wide = "字".repeat(45);
        assert!(fmt(&format!("policy p {{ title {{ zh \"{wide}\" en \"x\" }} }}")).contains("title {\n"));
    }

    #[test]
    fn continued_strings_have_a_line_each_under_the_first() {
        let src = "section s { en \"a \" \"b\" de \"c\" }";
        assert_eq!(fmt(src), "section s {\n  en \"a \"\n     \"b\"\n  de \"c\"\n}\n");
    }

    #[test]
    fn name_lists_fill_lines_and_continue_under_the_first_name() {
        let names: Vec<String> = (0..30).map(|i| format!("name_{i}")).collect();
        let got = fmt(&format!("use p for {}", names.join(",")));
        let lines: Vec<&str> = got.lines().collect();
        assert!(lines.len() > 1 && lines.iter().all(|l| l.len() <= WIDTH), "{got}");
        assert!(lines[1].starts_with(&" ".repeat("use p for ".len())) && lines[1].trim_start().starts_with("name_"));
        assert_eq!(fmt("category c { field k: enum ( a,b ) { } }"), "category c {\n  field k: enum(a, b) {}\n}\n");
    }

    #[test]
    fn comments_stay_where_they_are() {
        let src = "// head\n\npolicy p { // after brace\n  // own line\n  version \"1\" // trailing\n\n\n\n  \
                   title { en \"T\" // inside\n  }\n  // before the end\n}\n// tail\n";
        let want = "// head\n\npolicy p { // after brace\n  // own line\n  version \"1\" // trailing\n\n  \
                    title {\n    en \"T\" // inside\n  }\n  // before the end\n}\n// tail\n";
        assert_eq!(fmt(src), want);
        // After a list or an optional part, a comment is the statement's, not the list's.
        let src = "use a for b, c\n\n// next\nuse d for e // end\nuse f for g\n";
        assert_eq!(fmt(src), src);
        // A comment inside a statement ends the line; the statement continues below.
        assert_eq!(
            fmt("category c { retain 7 // days follow\n days }"),
            "category c {\n  retain 7 // days follow\n      days\n}\n"
        );
    }

    #[test]
    fn blank_lines_are_kept_once_but_not_at_block_edges() {
        let src = "\n\npolicy p {\n\n  version \"1\"\n\n\n  default en\n\n}\n\n\n\nstore s: other {}\n\n";
        assert_eq!(fmt(src), "policy p {\n  version \"1\"\n\n  default en\n}\n\nstore s: other {}\n");
    }

    #[test]
    fn strings_and_comments_are_kept_verbatim() {
        let src = "section s { en \"x  {  // \\\" y\" } // c  {\n";
        assert_eq!(fmt(src), src);
    }

    #[test]
    fn refuses_what_it_cannot_read() {
        assert_eq!(format("a \"open\n"), Err(FmtError::UnterminatedString(2)));
        assert!(matches!(format("category x { b"), Err(FmtError::Syntax(_))));
        assert!(matches!(format("category x } b"), Err(FmtError::Syntax(_))));
        assert!(matches!(format(&"{".repeat(100_000)), Err(FmtError::Syntax(_))));
        // A name with non-ASCII letters is a syntax error, not a panic in the middle of a letter.
        assert!(matches!(format("category 日志 { }"), Err(FmtError::Syntax(_))));
    }
}
