//! Escaping of policy text and file names for every output context, in one place.
//!
//! The checker refuses control and bidirectional-override characters in policy text, but a
//! file name, a model built by hand or a future statement may still carry them, so every
//! generator writes text it did not choose through one of these functions and never by
//! `format!` alone. Each function returns text that, inserted where its name says, reads back
//! as the input (or, for comments and documentation, as a visible rendering of it) and cannot
//! end the construct it sits in.

use std::fmt::Write as _;

/// Characters that reorder how text is displayed (bidi embeddings, overrides and isolates):
/// a reader would see something other than what a compiler or shell runs.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Characters that are invisible or end a line in some output language: C0/C1 controls
/// (including tab, newline and carriage return), DEL, bidi controls, and the Unicode line and
/// paragraph separators (which end a JavaScript comment).
pub fn is_hazard(c: char) -> bool {
    c.is_control() || is_bidi_control(c) || matches!(c, '\u{2028}' | '\u{2029}' | '\u{FEFF}')
}

fn push_u(out: &mut String, c: char) {
    let _ = write!(out, "\\u{{{:x}}}", c as u32);
}

/// Text shown on a terminal (diagnostic messages, labels, hints, file names): every control
/// character but newline and tab, and every bidi control, becomes a visible `\u{…}`, so policy
/// text cannot send escape sequences to the terminal or reorder what is shown.
pub fn terminal(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if is_hazard(c) && c != '\n' && c != '\t' {
            push_u(&mut out, c);
        } else {
            out.push(c);
        }
    }
    out
}

/// Source text shown in a diagnostic excerpt, with the same length in bytes (so spans stay
/// valid): each hazardous character but newline, tab and the `\r` of `\r\n` becomes a visible
/// placeholder of its UTF-8 length (`?`, `¿` or `�`).
pub fn terminal_same_len(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let keep = !is_hazard(c) || c == '\n' || c == '\t' || (c == '\r' && chars.peek() == Some(&'\n'));
        if keep {
            out.push(c);
        } else {
            out.push(match c.len_utf8() {
                1 => '?',
                2 => '¿',
                3 => '\u{FFFD}',
                _ => '\u{10FFFD}',
            });
        }
    }
    out
}

/// The text of a one-line comment (`//`, `--`, `#`) in any output language: line terminators
/// (`\n`, `\r`, U+0085, U+2028, U+2029), other controls and bidi controls become a visible
/// `\u{…}`, so the comment cannot end early and what follows it stays a comment.
pub fn line_comment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if is_hazard(c) && c != '\t' {
            push_u(&mut out, c);
        } else {
            out.push(c);
        }
    }
    out
}

/// The text of a JavaScript `//` comment (see [`line_comment`]; JavaScript also ends a comment
/// at U+2028 and U+2029).
pub fn js_comment(s: &str) -> String {
    line_comment(s)
}

/// A JavaScript string literal (double-quoted, JSON-compatible; U+2028 and U+2029 escaped too).
pub fn js_string(s: &str) -> String {
    json(s).replace('\u{2028}', "\\u2028").replace('\u{2029}', "\\u2029")
}

/// A JSON string (with its quotes).
pub fn json(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A Rust string literal (`"…"`, every control and non-printable character escaped).
pub fn rust_str(s: &str) -> proc_macro2::Literal {
    proc_macro2::Literal::string(s)
}

/// The lines of a Rust doc comment (one `#[doc]` attribute, i.e. one `///` line, each) whose
/// rustdoc Markdown renders the text as written: every line is Markdown inline text
/// ([`md_inline`]: no fences, headings, lists, HTML or links), leading whitespace is dropped
/// (no indented code block, hence no doctest), and hazardous characters become `\u{…}` (a
/// carriage return or bidi control in a comment stops the crate from compiling).
pub fn rust_doc(s: &str) -> Vec<String> {
    s.split(['\n', '\r', '\u{2028}', '\u{2029}', '\u{85}'])
        .map(|line| {
            let mut shown = String::new();
            for c in line.trim_start_matches([' ', '\t']).chars() {
                if is_hazard(c) {
                    push_u(&mut shown, c);
                } else {
                    shown.push(c);
                }
            }
            let line = md_inline(shown.trim_end());
            // `///` followed by `/` is an ordinary comment, not documentation.
            if line.starts_with('/') { format!("\\{line}") } else { line }
        })
        .collect()
}

/// Markdown inline text that renders as written and cannot change the document's structure:
/// inline markup (`*`, `_`, `` ` ``, `[`, `]`, `~`), raw HTML and entities (`<`, `>`, `&`),
/// table cells (`|`; line breaks and tabs become spaces, so a cell stays on its row), block
/// markers at the start (`#`, `-`, `+`, `=`, `1.`, leading spaces); other control characters
/// are dropped.
pub fn md_inline(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut at_start = true;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let c = if matches!(c, '\n' | '\r' | '\t' | '\u{2028}' | '\u{2029}') { ' ' } else { c };
        match c {
            // Leading spaces would make an indented code block of a paragraph.
            ' ' if at_start => continue,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' => {
                out.push('\\');
                out.push(c);
            }
            '#' | '-' | '+' | '=' if at_start => {
                out.push('\\');
                out.push(c);
            }
            '0'..='9' if at_start => {
                // `1.` or `1)` at the start would begin an ordered list.
                out.push(c);
                while let Some(d) = chars.next_if(char::is_ascii_digit) {
                    out.push(d);
                }
                if let Some(p) = chars.next_if(|p| *p == '.' || *p == ')') {
                    out.push('\\');
                    out.push(p);
                }
            }
            c if is_hazard(c) => continue,
            _ => out.push(c),
        }
        at_start = false;
    }
    out
}

/// A piece of Markdown inline text that may sit mid-line next to other pieces (its spaces are
/// kept): every markup character is escaped wherever it is, line breaks become spaces, other
/// hazardous characters are dropped.
pub fn md_span(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '!' | '&' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\u{2028}' | '\u{2029}' => out.push(' '),
            c if is_hazard(c) && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// HTML text or a double- or single-quoted attribute value.
pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if is_hazard(c) && !matches!(c, '\n' | '\t') => {}
            c => out.push(c),
        }
    }
    out
}

/// XML character data. Characters XML 1.0 cannot carry at all (most C0 controls) become
/// U+FFFD; the rest read back as written.
pub fn xml_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Kept as references: a parser normalises literal ones (`\r\n` → `\n`).
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            c if !xml_char(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// An XML attribute value (in double or single quotes); see [`xml_text`].
pub fn xml_attr(s: &str) -> String {
    xml_text(s)
}

/// The text of an XML comment: no `--`, no final `-`, no characters XML cannot carry.
pub fn xml_comment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let c = if xml_char(c) && !is_bidi_control(c) { c } else { '\u{FFFD}' };
        if c == '-' && out.ends_with('-') {
            out.push(' ');
        }
        out.push(c);
    }
    if out.ends_with('-') {
        out.push(' ');
    }
    out
}

fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// One word for a POSIX shell: single-quoted, `'` written as `'\''`.
pub fn shell(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// A key of a Java-style `.properties` file.
pub fn properties_key(s: &str) -> String {
    properties(s, true)
}

/// A value of a Java-style `.properties` file (ISO 8859-1 safe: non-ASCII as `\uXXXX`).
pub fn properties_value(s: &str) -> String {
    properties(s, false)
}

fn properties(s: &str, key: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.chars().enumerate() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{c}' => out.push_str("\\f"),
            ' ' if key || i == 0 => out.push_str("\\ "),
            '=' | ':' | '#' | '!' => {
                out.push('\\');
                out.push(c);
            }
            c if (' '..='~').contains(&c) => out.push(c),
            c => {
                let mut buf = [0u16; 2];
                for u in c.encode_utf16(&mut buf) {
                    let _ = write!(out, "\\u{u:04X}");
                }
            }
        }
    }
    out
}

/// One CSV field (RFC 4180): quoted when it holds a comma, quote or line break; a leading
/// `=`, `+`, `-`, `@`, tab or CR is prefixed with `'` so a spreadsheet does not run it as a
/// formula.
pub fn csv(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{s}") } else { s.to_string() };
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s }
}

/// SQL dialects, for [`sql_literal`] and [`sql_ident`].
pub use crate::backend::sql::DialectKind as SqlDialect;

/// A SQL string literal. MySQL also treats `\` as an escape (unless `NO_BACKSLASH_ESCAPES`,
/// which the generated scripts do not set).
pub fn sql_literal(s: &str, dialect: SqlDialect) -> String {
    match dialect {
        SqlDialect::Mysql => format!("'{}'", s.replace('\\', "\\\\").replace('\'', "''")),
        SqlDialect::Postgres | SqlDialect::Sqlite => format!("'{}'", s.replace('\'', "''")),
    }
}

/// A quoted SQL identifier.
pub fn sql_ident(s: &str, dialect: SqlDialect) -> String {
    match dialect {
        SqlDialect::Mysql => format!("`{}`", s.replace('`', "``")),
        SqlDialect::Postgres | SqlDialect::Sqlite => format!("\"{}\"", s.replace('"', "\"\"")),
    }
}

/// `s` as a YAML double-quoted scalar. Escapes everything YAML 1.1 and 1.2 readers refuse or
/// normalise raw: C0 and C1 controls, DEL, the line and paragraph separators, the BOM and the
/// non-characters U+FFFE/U+FFFF.
pub fn yaml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}' => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An IRI in Turtle's `<…>` form: characters IRIREF forbids are written as `\u` escapes.
pub fn turtle_iri(s: &str) -> String {
    let mut out = String::from("<");
    for c in s.chars() {
        match c {
            '\u{0}'..='\u{20}' | '<' | '>' | '"' | '{' | '}' | '|' | '^' | '`' | '\\' => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('>');
    out
}

/// A Turtle string literal (`"…"`, one line): quotes, backslashes and every control character
/// escaped, so author text can neither end the literal nor the statement.
pub fn turtle_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_keep_to_one_line() {
        assert_eq!(line_comment("a\u{2028}b\r\nc"), "a\\u{2028}b\\u{d}\\u{a}c");
        assert_eq!(terminal("\u{1b}[31mred"), "\\u{1b}[31mred");
        assert_eq!(terminal_same_len("a\u{1b}b\u{202e}c\r\n").len(), "a\u{1b}b\u{202e}c\r\n".len());
    }

    #[test]
    fn doc_lines_are_inline_text() {
        assert_eq!(rust_doc("```\n    x\n<b>"), vec!["\\`\\`\\`", "x", "\\<b\\>"]);
    }
}
