//! `policyc fmt`: one layout for every policy file.
//!
//! The formatter works on the file's tokens, so it keeps every comment and never changes what a
//! policy means (only whitespace changes, which a test checks by comparing the checked models).
//! It decides indentation (two spaces per open `{` or `(`), the spacing between tokens (one
//! space; none before `,` `:` `)` or after `(`), trailing whitespace (none), blank lines (at most
//! one in a row, none after `{` or before `}`), the final newline, and where adjacent strings
//! continue (aligned under the first string of their entry). Line breaks between statements are
//! the author's: a statement per line and a one-line block are both kept as written. Formatting a
//! formatted file changes nothing.

use std::fmt::Write;

/// One token of a policy file.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok<'a> {
    /// A `// …` comment, without trailing whitespace.
    Comment(&'a str),
    /// A string literal, quotes and escapes as written.
    Str(&'a str),
    /// `{ } ( ) , :`.
    Punct(char),
    /// Anything else: keywords, names, paths, numbers, dates.
    Word(&'a str),
}

/// A token and the number of line breaks before it.
struct Placed<'a> {
    tok: Tok<'a>,
    breaks: usize,
}

/// Why a file cannot be formatted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FmtError {
    /// A string literal runs to the end of its line or of the file (byte offset of its start).
    UnterminatedString(usize),
    /// The braces or parentheses do not balance (byte offset of the first stray or unclosed one).
    Unbalanced(usize),
}

fn lex(src: &str) -> Result<Vec<Placed<'_>>, FmtError> {
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut breaks = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'\n' => {
                breaks += 1;
                i += 1;
            }
            b' ' | b'\t' | b'\r' => i += 1,
            _ if src[i..].starts_with('\u{feff}') => i += '\u{feff}'.len_utf8(),
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                let end = src[i..].find('\n').map_or(src.len(), |n| i + n);
                out.push(Placed { tok: Tok::Comment(src[i..end].trim_end()), breaks });
                breaks = 0;
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
                let end = i.min(src.len());
                out.push(Placed { tok: Tok::Str(&src[start..end]), breaks });
                breaks = 0;
            }
            b'{' | b'}' | b'(' | b')' | b',' | b':' => {
                out.push(Placed { tok: Tok::Punct(char::from(c)), breaks });
                breaks = 0;
                i += 1;
            }
            _ => {
                let start = i;
                while i < bytes.len()
                    && !matches!(
                        bytes[i],
                        b' ' | b'\t' | b'\r' | b'\n' | b'{' | b'}' | b'(' | b')' | b',' | b':' | b'"'
                    )
                    && !src[i..].starts_with("//")
                {
                    i += 1;
                }
                // A multi-byte character is never split: the delimiters above are ASCII.
                out.push(Placed { tok: Tok::Word(&src[start..i]), breaks });
                breaks = 0;
            }
        }
    }
    Ok(out)
}

/// The formatted text of a policy file.
pub fn format(src: &str) -> Result<String, FmtError> {
    let toks = lex(src)?;
    check_balance(src, &toks)?;
    let mut out = String::with_capacity(src.len());
    let mut depth: usize = 0;
    // Column where the current line's first string starts, for continuation strings.
    let mut string_col: Option<usize> = None;
    // Column of the first item of the current comma-separated list, for lines continuing it.
    let mut list_col: Option<usize> = None;
    let mut prev_col = 0;
    // Tokens on the current output line so far, and that count when the previous token was put.
    let mut on_line = 0;
    let mut prev_on_line = 0;
    let mut line_start = 0;
    let mut prev: Option<&Tok<'_>> = None;
    for (n, p) in toks.iter().enumerate() {
        let closes = matches!(p.tok, Tok::Punct('}') | Tok::Punct(')'));
        if closes {
            depth = depth.saturating_sub(1);
        }
        let new_line = n > 0 && p.breaks > 0;
        if new_line {
            let blank = p.breaks > 1 && !closes && !matches!(prev, Some(Tok::Punct('{')) | Some(Tok::Punct('(')));
            out.push('\n');
            if blank {
                out.push('\n');
            }
            line_start = out.len();
            on_line = 0;
            let continues = matches!(p.tok, Tok::Str(_)) && matches!(prev, Some(Tok::Str(_)));
            let continues_list = matches!(prev, Some(Tok::Punct(','))) && !closes;
            let indent = match (continues, string_col, continues_list, list_col) {
                (true, Some(col), _, _) => col,
                (_, _, true, Some(col)) => col,
                _ => depth * 2,
            };
            out.push_str(&" ".repeat(indent));
            if !continues {
                string_col = None;
            }
            if !continues_list {
                list_col = None;
            }
        } else if let Some(prev) = prev {
            let tight = matches!(p.tok, Tok::Punct(',') | Tok::Punct(':') | Tok::Punct(')'))
                || matches!(prev, Tok::Punct('('))
                || (matches!(p.tok, Tok::Punct('(')) && matches!(prev, Tok::Word("enum")));
            if !tight {
                out.push(' ');
            }
        }
        // `fields a, b,` / `systems x, y,`: a list right after its keyword continues under its
        // first item; any other list continues at the block's indentation.
        if matches!(p.tok, Tok::Punct(',')) && list_col.is_none() && prev_on_line == 2 {
            list_col = Some(prev_col);
        }
        let col = out.len() - line_start;
        let text = match &p.tok {
            Tok::Comment(s) | Tok::Str(s) | Tok::Word(s) => *s,
            Tok::Punct(c) => {
                out.push(*c);
                ""
            }
        };
        if matches!(p.tok, Tok::Str(_)) && string_col.is_none() {
            string_col = Some(out.len() - line_start);
        }
        let _ = write!(out, "{text}");
        if matches!(p.tok, Tok::Punct('{') | Tok::Punct('(')) {
            depth += 1;
        }
        prev = Some(&p.tok);
        prev_col = col;
        on_line += 1;
        prev_on_line = on_line;
    }
    if !out.is_empty() {
        out.push('\n');
    }
    Ok(out)
}

fn check_balance(src: &str, toks: &[Placed<'_>]) -> Result<(), FmtError> {
    // Offsets are recovered from the token text, which borrows `src`.
    let offset = |t: &Tok<'_>| match t {
        Tok::Comment(s) | Tok::Str(s) | Tok::Word(s) => s.as_ptr() as usize - src.as_ptr() as usize,
        Tok::Punct(_) => 0,
    };
    let mut stack: Vec<char> = Vec::new();
    let mut last = 0;
    for p in toks {
        if !matches!(p.tok, Tok::Punct(_)) {
            last = offset(&p.tok);
        }
        match p.tok {
            Tok::Punct(c @ ('{' | '(')) => stack.push(c),
            Tok::Punct(c @ ('}' | ')')) => {
                let open = if c == '}' { '{' } else { '(' };
                if stack.pop() != Some(open) {
                    return Err(FmtError::Unbalanced(last));
                }
            }
            _ => {}
        }
    }
    if stack.is_empty() { Ok(()) } else { Err(FmtError::Unbalanced(last)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spacing_indentation_and_blank_lines() {
        let src = "policy  t{\n\n\n version \"1\"   // v\n  title{en \"T\"}\n\n\n}\n\n\n\nstore db :postgres { name { en \"D\" } }";
        let want =
            "policy t {\n  version \"1\" // v\n  title { en \"T\" }\n}\n\nstore db: postgres { name { en \"D\" } }\n";
        assert_eq!(format(src).unwrap(), want);
        assert_eq!(format(want).unwrap(), want);
    }

    #[test]
    fn continuation_strings_align_under_the_first() {
        let src = "x {\n  note {\n    en \"a \"\n \"b\"\n  }\n}\n";
        assert_eq!(format(src).unwrap(), "x {\n  note {\n    en \"a \"\n       \"b\"\n  }\n}\n");
    }

    #[test]
    fn strings_and_comments_are_kept_verbatim() {
        let src = "a { en \"x  {  // \\\" y\" } // c  {\n";
        assert_eq!(format(src).unwrap(), src);
    }

    #[test]
    fn list_continuations_align_under_the_first_item() {
        let src = "c {\n  fields a, b,\n c\n}\n";
        assert_eq!(format(src).unwrap(), "c {\n  fields a, b,\n         c\n}\n");
    }

    #[test]
    fn one_item_per_line_lists_keep_the_block_indentation() {
        let src = "c {\n  retain earliest of (\n    1 day after x,\n    2 days,\n  )\n}\n";
        assert_eq!(format(src).unwrap(), src);
    }

    #[test]
    fn enum_types_and_clock_lists() {
        let src = "field k: enum ( a,b )\nretain earliest of(1 day , 2 days)\n";
        assert_eq!(format(src).unwrap(), "field k: enum(a, b)\nretain earliest of (1 day, 2 days)\n");
    }

    #[test]
    fn refuses_what_it_cannot_read() {
        assert_eq!(format("a \"open\n"), Err(FmtError::UnterminatedString(2)));
        assert!(matches!(format("a { b"), Err(FmtError::Unbalanced(_))));
        assert!(matches!(format("a } b"), Err(FmtError::Unbalanced(_))));
    }
}
