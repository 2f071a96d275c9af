//! Markdown safety: the escaper askama applies to every value in `.md` templates (configured in
//! `askama.toml`), link destinations, and author Markdown rendered to sanitised HTML.

use askama::filters::Escaper;
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::fmt::{self, Write};

/// Escapes policy text for Markdown so it cannot change the document's structure: inline
/// markup (`*`, `_`, `` ` ``, `[`, `]`, `~`), raw HTML and entities (`<`, `>`, `&`), table
/// cells (`|`; line breaks become spaces, so a cell stays on its row), and block markers at the
/// start of the text (`#`, `-`, `+`, `=`, `1.`). The text renders as written.
#[derive(Debug, Clone, Copy, Default)]
pub struct Markdown;

impl Escaper for Markdown {
    fn write_escaped_str<W: Write>(&self, mut dest: W, string: &str) -> fmt::Result {
        dest.write_str(&crate::escape::md_inline(string))
    }
}

/// Escapes `s` as the `.md` templates do (for tests and for text assembled outside templates).
pub fn escape(s: &str) -> String {
    crate::escape::md_inline(s)
}

/// A link destination safe inside a Markdown link and a table cell: characters that could end
/// the destination or the cell, and non-ASCII, are percent-encoded.
pub fn url(u: &str) -> String {
    let mut out = String::with_capacity(u.len());
    for b in u.bytes() {
        let keep = b.is_ascii_alphanumeric() || b"-._~:/?#@!$&'*+,;=%".contains(&b);
        if keep {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Renders author Markdown to HTML that is safe to insert: headings are demoted below the
/// document's own (`#` becomes `<h3>`), and the result is sanitised (no scripts, styles, event
/// handlers or images, so the page makes no external requests).
pub fn to_safe_html(md: &str) -> String {
    let events = Parser::new_ext(md, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH).map(|e| match e {
        Event::Start(Tag::Heading { level, id, classes, attrs }) => {
            Event::Start(Tag::Heading { level: demote(level), id, classes, attrs })
        }
        Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(demote(level))),
        e => e,
    });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events);
    ammonia::Builder::default().rm_tags(["img"]).clean(&html).to_string().trim_end().to_string()
}

/// Author Markdown made safe to insert into a `.md` document by the rules the HTML follows:
/// raw HTML (including `<!--`) is dropped, links to anything but `http`, `https`, `mailto` or a
/// relative address keep only their text, images only their alt text, headings are demoted as
/// in HTML, and the result is re-emitted from the parse, so every construct is closed (an
/// unclosed fence or comment cannot swallow the sections after it).
pub fn to_safe_markdown(md: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut links: Vec<bool> = Vec::new();
    let events = Parser::new_ext(md, options).filter_map(|e| {
        Some(match e {
            Event::Html(_) | Event::InlineHtml(_) => return None,
            Event::Start(Tag::HtmlBlock) | Event::End(TagEnd::HtmlBlock) => return None,
            Event::Start(Tag::Heading { level, id, classes, attrs }) => {
                Event::Start(Tag::Heading { level: demote(level), id, classes, attrs })
            }
            Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(demote(level))),
            Event::Start(Tag::Link { ref dest_url, .. }) => {
                let keep = safe_url(dest_url);
                links.push(keep);
                if !keep {
                    return None;
                }
                e
            }
            Event::End(TagEnd::Link) => {
                if !links.pop().unwrap_or(false) {
                    return None;
                }
                e
            }
            Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => return None,
            e => e,
        })
    });
    let mut out = String::with_capacity(md.len());
    if pulldown_cmark_to_cmark::cmark_with_options(
        events,
        &mut out,
        options,
        pulldown_cmark_to_cmark::Options { list_token: '-', ..Default::default() },
    )
    .is_err()
    {
        return escape(md);
    }
    out
}

/// `http`, `https`, `mailto`, or an address without a scheme (relative, or a fragment).
fn safe_url(u: &str) -> bool {
    let u: String = u.chars().filter(|c| !c.is_ascii_whitespace() && !c.is_control()).collect();
    match u.find(':') {
        Some(i) if !u[..i].contains(['/', '?', '#']) => {
            matches!(u[..i].to_ascii_lowercase().as_str(), "http" | "https" | "mailto")
        }
        _ => true,
    }
}

fn demote(l: HeadingLevel) -> HeadingLevel {
    match l {
        HeadingLevel::H1 => HeadingLevel::H3,
        HeadingLevel::H2 => HeadingLevel::H4,
        HeadingLevel::H3 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_structure() {
        assert_eq!(escape("a|b"), "a\\|b");
        assert_eq!(escape("# x"), "\\# x");
        assert_eq!(escape("x # y"), "x # y");
        assert_eq!(escape("12. x"), "12\\. x");
        assert_eq!(escape("line\nbreak"), "line break");
        assert_eq!(escape("<script>"), "\\<script\\>");
        assert_eq!(escape("**b** [l](u)"), "\\*\\*b\\*\\* \\[l\\](u)");
        assert_eq!(escape("日志数据"), "日志数据");
    }

    #[test]
    fn urls_cannot_break_out() {
        assert_eq!(url("https://e.com/a b)|<"), "https://e.com/a%20b%29%7C%3C");
        assert_eq!(url("https://e.com/é"), "https://e.com/%C3%A9");
    }

    #[test]
    fn author_markdown_is_sanitised_and_closed() {
        let m = to_safe_markdown(
            "# Title\n\n<script>alert(1)</script>\n\n[a](javascript:alert(1)) [b](JaVa\tScript:x) [ok](https://e.com) \
             <b onclick=x>bold</b> ![img](https://e.com/x.png)\n\n<!-- open\n\n```\nunclosed",
        );
        assert!(!m.contains("<script") && !m.contains("<b") && !m.contains("<!--"), "{m}");
        assert!(!m.to_ascii_lowercase().contains("javascript"), "{m}");
        assert!(!m.contains("](https://e.com/x.png"), "{m}");
        assert!(m.contains("[ok](https://e.com)"), "{m}");
        assert!(m.contains("### Title"), "{m}");
        // Text after the author section is outside any construct it opened.
        let doc = format!("{m}\n\n## Next section\n");
        let headings = Parser::new(&doc).filter(|e| matches!(e, Event::Start(Tag::Heading { .. }))).count();
        assert_eq!(headings, 2, "{doc}");
    }

    #[test]
    fn author_html_is_sanitised() {
        let h = to_safe_html("# Title\n\n<script>alert(1)</script>\n\n![x](https://e.com/x.png) [ok](https://e.com)");
        assert!(h.contains("<h3>Title</h3>"), "{h}");
        assert!(!h.contains("<script"), "{h}");
        assert!(!h.contains("<img"), "{h}");
        assert!(h.contains("href=\"https://e.com\""), "{h}");
    }
}
