//! Change notices: "What changed in this version", in plain language, one Markdown and one HTML
//! document per locale of the new version. Chinese and English wording is built in; other
//! locales use the English phrases around the policy's own texts in that locale.

mod category;
mod policy;
mod sentence;
mod words;

use super::{Change, Severity};
use crate::backend::OutputFile;
use crate::model::Policy;
use askama::Template;

/// A run of text, optionally emphasised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seg {
    /// The text (plain; each template escapes it for its format).
    pub text: String,
    /// Rendered in bold.
    pub strong: bool,
}

/// One entry of the notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The sentence.
    pub segs: Vec<Seg>,
    /// Note that consent will be asked for again.
    pub consent: Option<String>,
}

/// The content of a notice in one locale, independent of the output format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doc {
    /// Locale tag (`lang` of the HTML document).
    pub lang: String,
    /// Heading.
    pub heading: String,
    /// Which policy, from which version to which.
    pub intro: String,
    /// Heading and lead of the material changes.
    pub material_heading: String,
    /// Lead sentence of the material changes.
    pub material_lead: String,
    /// Material changes.
    pub material: Vec<Item>,
    /// Heading of the minor changes.
    pub minor_heading: String,
    /// Minor changes.
    pub minor: Vec<Item>,
    /// Sentence counting wording changes, if any.
    pub editorial: Option<String>,
    /// Sentence shown when nothing but wording changed.
    pub nothing: Option<String>,
}

#[derive(Template)]
#[template(path = "notice/notice.md")]
struct MdNotice<'a> {
    d: &'a Doc,
}

#[derive(Template)]
#[template(path = "notice/notice.html")]
struct HtmlNotice<'a> {
    d: &'a Doc,
}

/// Escapes Markdown syntax in plain text (see [`crate::escape::md_span`]).
pub fn md_escape(s: &str) -> String {
    crate::escape::md_span(s)
}

/// Renders the segments of an item as Markdown.
fn md_line(item: &Item) -> String {
    let mut s = String::new();
    for seg in &item.segs {
        let t = md_escape(&seg.text);
        if seg.strong && !t.trim().is_empty() {
            s.push_str("**");
            s.push_str(t.trim());
            s.push_str("**");
        } else {
            s.push_str(&t);
        }
    }
    if let Some(c) = &item.consent {
        s.push_str(&md_escape(c));
    }
    s
}

impl MdNotice<'_> {
    fn line(&self, item: &Item) -> String {
        md_line(item)
    }
    fn esc(&self, s: &str) -> String {
        md_escape(s)
    }
}

/// The notices for every locale of `new`: `<locale>.md` and `<locale>.html`.
pub fn generate(old: &Policy, new: &Policy, changes: &[Change]) -> crate::backend::Result<Vec<OutputFile>> {
    let mut files = Vec::new();
    for locale in &new.locales {
        let doc = doc(old, new, changes, locale);
        // Rendering fails only on a template defect, which is reported, never written.
        let failed = |what: &str| {
            let what = format!("the change notice {locale}.{what}");
            move |source| crate::backend::Error::Render { what, source }
        };
        let md = MdNotice { d: &doc }.render().map_err(failed("md"))?;
        let html = HtmlNotice { d: &doc }.render().map_err(failed("html"))?;
        files.push(OutputFile::text(format!("{locale}.md"), ensure_newline(md)));
        files.push(OutputFile::text(format!("{locale}.html"), ensure_newline(html)));
    }
    Ok(files)
}

fn ensure_newline(mut s: String) -> String {
    while s.ends_with("\n\n") {
        s.pop();
    }
    if !s.ends_with('\n') {
        s.push('\n');
    }
    s
}

/// The notice content in `locale`.
pub fn doc(old: &Policy, new: &Policy, changes: &[Change], locale: &str) -> Doc {
    let zh = locale == "zh" || locale.starts_with("zh-") || locale.starts_with("zh_");
    let w = Words { zh, locale, old, new };
    let title = new.title.get(locale);
    let mut material = Vec::new();
    let mut minor = Vec::new();
    let mut editorial = 0usize;
    for c in changes {
        match c.severity {
            Severity::Editorial => editorial += 1,
            Severity::Minor => minor.push(w.item(c)),
            Severity::Material => material.push(w.item(c)),
        }
    }
    let nothing = (material.is_empty() && minor.is_empty()).then(|| {
        w.pick("Nothing changed in how we process your personal information.", "我们处理您个人信息的方式没有变化。")
    });
    Doc {
        lang: locale.to_string(),
        heading: w.pick("What changed in this version", "本版本的变更"),
        intro: if zh {
            format!("《{title}》已由 {} 版更新为 {} 版，自 {} 起生效。", old.version, new.version, new.effective)
        } else {
            format!(
                "{title} was updated from version {} to version {}, effective {}.",
                old.version, new.version, new.effective
            )
        },
        material_heading: w.pick("Important changes", "重要变更"),
        material_lead: w.pick(
            "These changes extend how we process your personal information.",
            "以下变更扩大了我们处理您个人信息的范围或方式。",
        ),
        material,
        minor_heading: w.pick("Other changes", "其他变更"),
        minor,
        editorial: (editorial > 0).then(|| {
            if zh {
                format!("我们还修改了 {editorial} 处措辞，这些修改不会改变我们处理您个人信息的方式。")
            } else if editorial == 1 {
                "We also made 1 wording change that does not change how we process your personal information."
                    .to_string()
            } else {
                format!(
                    "We also made {editorial} wording changes that do not change how we process your personal information."
                )
            }
        }),
        nothing,
    }
}

/// Words for one notice: its locale and both versions, where labels are looked up.
struct Words<'a> {
    zh: bool,
    locale: &'a str,
    old: &'a Policy,
    new: &'a Policy,
}

fn plain(s: impl Into<String>) -> Seg {
    Seg { text: s.into(), strong: false }
}

fn strong(s: impl Into<String>) -> Seg {
    Seg { text: s.into(), strong: true }
}
