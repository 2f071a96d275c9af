//! Change notices: "What changed in this version", in plain language, one Markdown and one HTML
//! document per locale of the new version. Chinese and English wording is built in; other
//! locales use the English phrases around the policy's own texts in that locale.

use super::{CategoryItem, Change, HeaderItem, Kind, RetentionItem, RightsItem, Severity, Subject, Value};
use crate::backend::OutputFile;
use crate::model::{self, Anchor, Bound, Duration, Policy, Requirement, Rule, Text, Unit};
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
pub fn generate(old: &Policy, new: &Policy, changes: &[Change]) -> Vec<OutputFile> {
    let mut files = Vec::new();
    for locale in &new.locales {
        let doc = doc(old, new, changes, locale);
        // Rendering only fails on a template bug; keep the output well-formed even then.
        let md = MdNotice { d: &doc }.render().unwrap_or_else(|e| format!("<!-- {e} -->\n"));
        let html = HtmlNotice { d: &doc }.render().unwrap_or_else(|e| format!("<!-- {e} -->\n"));
        files.push(OutputFile::text(format!("{locale}.md"), ensure_newline(md)));
        files.push(OutputFile::text(format!("{locale}.html"), ensure_newline(html)));
    }
    files
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

impl<'a> Words<'a> {
    fn pick(&self, en: &str, zh: &str) -> String {
        if self.zh { zh.to_string() } else { en.to_string() }
    }

    fn t(&self, t: &Text) -> String {
        t.get(self.locale).to_string()
    }

    /// Looks an item up in the new version, then the old one (for removals).
    fn either<T>(&self, f: impl Fn(&'a Policy) -> Option<T>) -> Option<T> {
        f(self.new).or_else(|| f(self.old))
    }

    fn category(&self, name: &str) -> Option<&'a model::Category> {
        self.either(|p| p.category(name))
    }

    fn category_label(&self, name: &str) -> String {
        self.category(name).map_or_else(|| name.to_string(), |c| self.t(&c.label))
    }

    fn field_label(&self, cat: &str, field: &str) -> String {
        self.either(|p| p.category(cat).and_then(|c| c.field(field)))
            .map_or_else(|| field.to_string(), |f| self.t(&f.label))
    }

    fn purpose_label(&self, name: &str) -> String {
        self.either(|p| p.purpose(name)).map_or_else(|| name.to_string(), |x| self.t(&x.label))
    }

    fn recipient_label(&self, name: &str) -> String {
        self.either(|p| p.recipient(name)).map_or_else(|| name.to_string(), |x| self.t(&x.display))
    }

    fn store_label(&self, name: &str) -> String {
        self.either(|p| p.store(name)).map_or_else(|| name.to_string(), |x| self.t(&x.display))
    }

    fn list(&self, items: Vec<String>) -> String {
        items.join(if self.zh { "、" } else { ", " })
    }

    fn duration(&self, d: Duration) -> String {
        let n = d.amount;
        if self.zh {
            let u = match d.unit {
                Unit::Hours => "小时",
                Unit::Days => "天",
                Unit::Weeks => "周",
                Unit::Months => "个月",
                Unit::Years => "年",
            };
            format!("{n} {u}")
        } else {
            super::duration_src(d)
        }
    }

    fn events(&self, p: &Policy, es: &[String]) -> String {
        let labels: Vec<String> =
            es.iter().map(|e| p.event(e).map_or_else(|| e.clone(), |ev| self.t(&ev.label))).collect();
        labels.join(if self.zh { "或" } else { " or " })
    }

    /// One clock: `30 days`, `at most 2 months after E`, `until E` (zh: `30 天`, `E后 2 个月`).
    fn clock(&self, p: &Policy, c: &model::Clock, in_list: bool) -> String {
        let d = self.duration(c.duration);
        let at_most = if c.bound == Bound::AtMost { self.pick("at most ", "最长 ") } else { String::new() };
        match (&c.anchor, self.zh) {
            (Anchor::Collection, false) if in_list => format!("{at_most}{d} after collection"),
            (Anchor::Collection, true) if in_list => {
                format!("收集后{}{d}", if at_most.is_empty() { " " } else { "最长 " })
            }
            (Anchor::Collection, _) => format!("{at_most}{d}"),
            (Anchor::Events(es), false) if c.duration.amount == 0 => format!("until {}", self.events(p, es)),
            (Anchor::Events(es), true) if c.duration.amount == 0 => format!("直至{}", self.events(p, es)),
            (Anchor::Events(es), false) => format!("{at_most}{d} after {}", self.events(p, es)),
            (Anchor::Events(es), true) => {
                format!("{}后{}{d}", self.events(p, es), if at_most.is_empty() { " " } else { "最长 " })
            }
        }
    }

    /// A retention rule in words (the author's wording where given).
    fn rule(&self, p: &Policy, r: &model::Retention) -> String {
        if let Some(w) = r.wording.get(self.locale) {
            return w.trim_end_matches(['.', '。']).to_string();
        }
        match &r.rule {
            Rule::NotStored => self.pick("not stored", "不存储"),
            Rule::Indefinite { .. } => self.pick("indefinitely", "无限期保存"),
            Rule::Expires { while_state, clocks } => {
                let body = match clocks.as_slice() {
                    [one] => {
                        let c = self.clock(p, one, false);
                        if self.zh || c.starts_with("until ") { c } else { format!("for {c}") }
                    }
                    many => {
                        let cs: Vec<String> = many.iter().map(|c| self.clock(p, c, true)).collect();
                        if self.zh {
                            format!("保存至以下最早者：{}", cs.join("；"))
                        } else {
                            format!("until the earliest of: {}", cs.join("; "))
                        }
                    }
                };
                match while_state.as_deref().and_then(|s| p.state(s)) {
                    Some(s) if self.zh => format!("{}，以及{}", self.t(&s.label), body),
                    Some(s) => format!("{}, then {}", self.t(&s.label), body),
                    None => body,
                }
            }
        }
    }

    fn requires(&self, p: &Policy, rs: &[Requirement]) -> String {
        let parts: Vec<String> = rs
            .iter()
            .map(|r| match r {
                Requirement::Consent => self.pick("you consent", "您同意"),
                Requirement::Condition(c) => p.condition(c).map_or_else(|| c.clone(), |x| self.t(&x.label)),
            })
            .collect();
        if self.zh { parts.join("且") } else { parts.join(" and ") }
    }

    fn share(&self, p: &'a Policy, cat: &str, rcp: &str) -> Option<&'a model::Share> {
        p.category(cat)?.shares.iter().find(|s| s.recipient == rcp)
    }

    fn shared_fields(&self, p: &Policy, cat: &str, fields: &[String]) -> String {
        if fields.is_empty() {
            return self.pick("all of it", "全部");
        }
        let c = p.category(cat);
        self.list(
            fields.iter().map(|f| c.and_then(|c| c.field(f)).map_or_else(|| f.clone(), |x| self.t(&x.label))).collect(),
        )
    }

    /// The basis as stated to the reader, ending with a full stop.
    fn basis_label(&self, p: &Policy, name: Option<&str>) -> String {
        let mut s = name.and_then(|b| p.basis(b)).map_or_else(String::new, |b| self.t(&b.label));
        if !s.is_empty() && !s.ends_with(['.', '。', '!', '！', '?', '？']) {
            s.push_str(if self.zh { "。" } else { "." });
        }
        s
    }

    fn item(&self, c: &Change) -> Item {
        let consent = (c.consent && c.severity == Severity::Material).then(|| {
            self.pick(
                " Where this relies on your consent, we will ask for it before the change applies to you.",
                "如该处理基于您的同意，我们将在变更适用于您之前征得您的同意。",
            )
        });
        Item { segs: self.sentence(c), consent }
    }

    fn sentence(&self, c: &Change) -> Vec<Seg> {
        let zh = self.zh;
        let cl = |cat: &str| strong(self.category_label(cat));
        let field_kinds = matches!(
            c.kind,
            Kind::FieldAdded
                | Kind::FieldRemoved
                | Kind::FieldTypeChanged
                | Kind::FieldSensitivityChanged
                | Kind::FieldVisibilityChanged
        );
        let share_kinds = matches!(
            c.kind,
            Kind::ShareAdded
                | Kind::ShareRemoved
                | Kind::SharedFieldsAdded
                | Kind::SharedFieldsRemoved
                | Kind::SharingLoosened
                | Kind::SharingTightened
        );
        let retention_kinds = matches!(
            c.kind,
            Kind::RetentionLonger | Kind::RetentionShorter | Kind::RetentionChanged | Kind::RetentionBoundChanged
        );
        match (c.kind, &c.subject) {
            (Kind::CategoryAdded, Subject::Category { category: cat, .. }) => {
                let kept = self.category(cat).map(|x| self.rule(self.new, &x.retention)).unwrap_or_default();
                if zh {
                    vec![plain("我们现在会收集"), cl(cat), plain(format!("，保存期限：{kept}。"))]
                } else {
                    vec![plain("We now collect "), cl(cat), plain(format!(", kept {kept}."))]
                }
            }
            (Kind::CategoryRemoved, Subject::Category { category: cat, .. }) => {
                if zh {
                    vec![plain("我们不再收集"), cl(cat), plain("。")]
                } else {
                    vec![plain("We no longer collect "), cl(cat), plain(".")]
                }
            }
            (_, Subject::Category { category: cat, item: CategoryItem::Field { field, .. } }) if field_kinds => {
                self.field_sentence(c, cat, field)
            }
            (Kind::PurposeAdded | Kind::PurposeRemoved, Subject::Purpose { purpose, .. }) => {
                let p = strong(self.purpose_label(purpose));
                // A new purpose is explained with its own description, where it has one.
                let desc = self
                    .new
                    .purpose(purpose)
                    .and_then(|x| x.description.as_ref())
                    .map(|d| self.t(d))
                    .filter(|d| !d.is_empty())
                    .map_or_else(String::new, |d| if zh { d } else { format!(" {d}") });
                match (c.kind == Kind::PurposeAdded, zh) {
                    (true, true) => vec![plain("我们会将个人信息用于一项新的目的："), p, plain(format!("。{desc}"))],
                    (true, false) => {
                        vec![plain("We use personal information for a new purpose: "), p, plain(format!(".{desc}"))]
                    }
                    (false, true) => vec![plain("我们不再将个人信息用于"), p, plain("。")],
                    (false, false) => vec![plain("We no longer use personal information for "), p, plain(".")],
                }
            }
            (
                Kind::UseAdded | Kind::UseRemoved,
                Subject::Category { category: cat, item: CategoryItem::Use { purpose } },
            ) => {
                let p = strong(self.purpose_label(purpose));
                match (c.kind == Kind::UseAdded, zh) {
                    (true, true) => vec![plain("我们现在还会将"), cl(cat), plain("用于"), p, plain("。")],
                    (true, false) => vec![plain("We now also use "), cl(cat), plain(" for "), p, plain(".")],
                    (false, true) => vec![plain("我们不再将"), cl(cat), plain("用于"), p, plain("。")],
                    (false, false) => vec![plain("We no longer use "), cl(cat), plain(" for "), p, plain(".")],
                }
            }
            (Kind::BasisChanged, Subject::Category { category: cat, item: CategoryItem::Share { recipient, .. } }) => {
                let r = strong(self.recipient_label(recipient));
                let label =
                    self.share(self.new, cat, recipient).map(|s| self.basis_label(self.new, s.basis.as_deref()));
                let label = label.unwrap_or_default();
                if zh {
                    vec![plain("我们与"), r, plain("共享"), cl(cat), plain(format!("的法律依据已变更。{label}"))]
                } else {
                    vec![
                        plain("The legal basis on which we share "),
                        cl(cat),
                        plain(" with "),
                        r,
                        plain(format!(" changed. {label}")),
                    ]
                }
            }
            (Kind::BasisChanged, Subject::Category { category: cat, item: CategoryItem::Use { purpose } }) => {
                let p = strong(self.purpose_label(purpose));
                let label = self
                    .new
                    .category(cat)
                    .and_then(|x| x.uses.iter().find(|u| &u.purpose == purpose))
                    .map(|u| self.basis_label(self.new, u.basis.as_deref()))
                    .unwrap_or_default();
                if zh {
                    vec![plain("我们将"), cl(cat), plain("用于"), p, plain(format!("的法律依据已变更：{label}"))]
                } else {
                    vec![
                        plain("The legal basis on which we use "),
                        cl(cat),
                        plain(" for "),
                        p,
                        plain(format!(" changed: {label}")),
                    ]
                }
            }
            (Kind::RecipientAdded | Kind::RecipientRemoved, Subject::Recipient { recipient, .. }) => {
                let r = strong(self.recipient_label(recipient));
                match (c.kind == Kind::RecipientAdded, zh) {
                    (true, true) => vec![plain("我们会与新的接收方共享个人信息："), r, plain("。")],
                    (true, false) => vec![plain("We share personal information with a new recipient: "), r, plain(".")],
                    (false, true) => vec![plain("我们不再与"), r, plain("共享个人信息。")],
                    (false, false) => vec![plain("We no longer share personal information with "), r, plain(".")],
                }
            }
            (_, Subject::Category { category: cat, item: CategoryItem::Share { recipient, .. } }) if share_kinds => {
                self.share_sentence(c, cat, recipient)
            }
            (_, Subject::Category { category: cat, item: CategoryItem::Retention(item) }) if retention_kinds => {
                self.retention_sentence(c, cat, *item)
            }
            (Kind::RetentionActionChanged, Subject::Category { category: cat, .. }) => {
                let anon = c.new == Some(Value::EndAction(model::EndAction::Anonymise));
                if zh {
                    vec![
                        plain("保存期限届满后，"),
                        cl(cat),
                        plain(if anon { "现在将被匿名化。" } else { "现在将被删除。" }),
                    ]
                } else {
                    vec![
                        plain("At the end of its retention period, "),
                        cl(cat),
                        plain(if anon { " is now anonymised." } else { " is now deleted." }),
                    ]
                }
            }
            (Kind::StoreAdded | Kind::StoreRemoved | Kind::StoreChanged, Subject::Store { store, .. }) => {
                let s = strong(self.store_label(store));
                match (c.kind, zh) {
                    (Kind::StoreAdded, true) => vec![plain("我们现在还会使用"), s, plain("处理或存储数据。")],
                    (Kind::StoreAdded, false) => {
                        vec![plain("We now also use "), s, plain(" to process or store data.")]
                    }
                    (Kind::StoreRemoved, true) => vec![plain("我们不再使用"), s, plain("。")],
                    (Kind::StoreRemoved, false) => vec![plain("We no longer use "), s, plain(".")],
                    (_, true) => vec![s, plain("已改用其他系统。")],
                    (_, false) => vec![s, plain(" now runs on a different system.")],
                }
            }
            (Kind::StorageChanged, Subject::Category { category: cat, item: CategoryItem::System { store } }) => {
                let s = strong(self.store_label(store));
                let now = self.new.category(cat).is_some_and(|x| {
                    x.systems.iter().any(|y| y == store) || x.bindings.iter().any(|b| &b.store == store)
                });
                match (now, zh) {
                    (true, true) => vec![cl(cat), plain("现在还会在"), s, plain("中处理或存储。")],
                    (true, false) => vec![cl(cat), plain(" is now also processed or stored in "), s, plain(".")],
                    (false, true) => vec![cl(cat), plain("不再在"), s, plain("中处理或存储。")],
                    (false, false) => vec![cl(cat), plain(" is no longer processed or stored in "), s, plain(".")],
                }
            }
            (Kind::StorageChanged, Subject::Storage { statement, .. }) => {
                let st = self.either(|p| p.storage_statements.iter().find(|s| &s.name == statement));
                let data = strong(st.map_or_else(|| statement.clone(), |s| self.t(&s.data)));
                match self.new.storage_statements.iter().find(|s| &s.name == statement) {
                    Some(s) => {
                        let stores = self.list(s.stores.iter().map(|x| self.store_label(x)).collect());
                        if zh {
                            let backed = if s.backed_up { "（并备份）" } else { "" };
                            vec![data, plain(format!("现存储于：{stores}{backed}。"))]
                        } else {
                            let backed = if s.backed_up { " (and backed up there)" } else { "" };
                            vec![data, plain(format!(" is now stored in: {stores}{backed}."))]
                        }
                    }
                    None if zh => vec![plain("我们删除了关于"), data, plain("存储位置的说明。")],
                    None => vec![plain("We removed the statement on where "), data, plain(" is stored.")],
                }
            }
            (Kind::ControllerChanged, Subject::Header(HeaderItem::ControllerContact)) => {
                let contact = match &c.new {
                    Some(Value::Contact(s)) => s.as_str(),
                    _ => "",
                };
                if zh {
                    vec![plain(format!("控制者的联系方式已变更为：{contact}。"))]
                } else {
                    vec![plain(format!("The controller's contact is now: {contact}."))]
                }
            }
            (Kind::ControllerChanged, _) => {
                let who = match &self.new.controller {
                    model::Controller::AsParent => {
                        self.pick("as specified in the parent policy", "以主隐私政策所述为准")
                    }
                    model::Controller::Entity { name, .. } => self.t(name),
                };
                if zh {
                    vec![plain("负责您个人信息的控制者已变更："), strong(who), plain("。")]
                } else {
                    vec![
                        plain("The controller responsible for your personal information changed: "),
                        strong(who),
                        plain("."),
                    ]
                }
            }
            (Kind::RoleChanged, subject) => {
                let role = |v: &Option<Value>| match (v, zh) {
                    (Some(Value::Role(model::Role::Processor)), true) => "受托处理者".to_string(),
                    (Some(Value::Role(model::Role::Processor)), false) => "processor".to_string(),
                    (_, true) => "控制者".to_string(),
                    (_, false) => "controller".to_string(),
                };
                let (o, n) = (role(&c.old), role(&c.new));
                match (subject, zh) {
                    (Subject::Category { category: cat, .. }, true) => {
                        vec![plain("我们对"), cl(cat), plain(format!("的角色由{o}变为{n}。"))]
                    }
                    (Subject::Category { category: cat, .. }, false) => {
                        vec![plain("Our role for "), cl(cat), plain(format!(" changed from {o} to {n}."))]
                    }
                    (_, true) => vec![plain(format!("我们在本功能中的角色由{o}变为{n}。"))],
                    (_, false) => vec![plain(format!("Our role for this feature changed from {o} to {n}."))],
                }
            }
            (Kind::RightsReduced | Kind::RightsExtended, Subject::Rights(item)) => self.rights_sentence(c, *item),
            (Kind::ScopeChanged, _) => self.scope_sentence(c),
            (Kind::CategoryRenamed | Kind::FieldRenamed | Kind::PurposeRenamed | Kind::RecipientRenamed, _) => {
                vec![plain(self.pick("Items were renamed.", "部分条目已更名。"))]
            }
            // Wording changes (and a kind of change on an item the diff never reports it for).
            _ => self.text_sentence(c),
        }
    }

    fn field_sentence(&self, c: &Change, cat: &str, field: &str) -> Vec<Seg> {
        let zh = self.zh;
        let f = strong(self.field_label(cat, field));
        let cat_plain = self.category_label(cat);
        let internal = self.new.category(cat).and_then(|x| x.field(field)).is_some_and(|f| f.internal);
        let sensitive_now = c.new == Some(Value::Sensitive(true));
        let internal_now = c.new == Some(Value::Internal(true));
        match (c.kind, zh) {
            (Kind::FieldAdded, true) if internal => {
                vec![plain(format!("我们现在还会在{cat_plain}中记录一个技术字段：")), f, plain("。")]
            }
            (Kind::FieldAdded, false) if internal => {
                vec![plain(format!("We now also record a technical field in {cat_plain}: ")), f, plain(".")]
            }
            (Kind::FieldAdded, true) => vec![plain(format!("我们现在还会收集{cat_plain}中的")), f, plain("。")],
            (Kind::FieldAdded, false) => {
                vec![plain("We now also collect "), f, plain(format!(" as part of {cat_plain}."))]
            }
            (Kind::FieldRemoved, true) => vec![plain(format!("我们不再收集{cat_plain}中的")), f, plain("。")],
            (Kind::FieldRemoved, false) => {
                vec![plain("We no longer collect "), f, plain(format!(" ({cat_plain})."))]
            }
            (Kind::FieldTypeChanged, true) => {
                vec![plain(format!("{cat_plain}中的")), f, plain("现以其他形式记录。")]
            }
            (Kind::FieldTypeChanged, false) => {
                vec![f, plain(format!(" ({cat_plain}) is now recorded in another form."))]
            }
            (Kind::FieldSensitivityChanged, true) => vec![
                plain(format!("我们{}将{cat_plain}中的", if sensitive_now { "现在" } else { "不再" })),
                f,
                plain("作为敏感个人信息处理。"),
            ],
            (Kind::FieldSensitivityChanged, false) => vec![
                plain(if sensitive_now { "We now treat " } else { "We no longer treat " }),
                f,
                plain(format!(" ({cat_plain}) as sensitive personal information.")),
            ],
            (_, true) if internal_now => {
                vec![plain(format!("{cat_plain}中的")), f, plain("不再在本政策中列出，但仍会收集。")]
            }
            (_, false) if internal_now => {
                vec![f, plain(format!(" ({cat_plain}) is no longer listed in this policy, but is still collected."))]
            }
            (_, true) => vec![plain(format!("{cat_plain}中的")), f, plain("现在在本政策中列出。")],
            (_, false) => vec![f, plain(format!(" ({cat_plain}) is now listed in this policy."))],
        }
    }

    fn share_sentence(&self, c: &Change, cat: &str, rcp: &str) -> Vec<Seg> {
        let zh = self.zh;
        let cl = strong(self.category_label(cat));
        let r = strong(self.recipient_label(rcp));
        let share = self.share(self.new, cat, rcp);
        let req = share.map(|s| self.requires(self.new, &s.requires)).unwrap_or_default();
        let fields = share.map(|s| self.shared_fields(self.new, cat, &s.fields)).unwrap_or_default();
        match (c.kind, zh) {
            (Kind::ShareAdded, true) if req.is_empty() => {
                vec![plain("我们现在会与"), r, plain("共享"), cl, plain("。")]
            }
            (Kind::ShareAdded, true) => {
                vec![plain(format!("在{req}的情况下，我们现在会与")), r, plain("共享"), cl, plain("。")]
            }
            (Kind::ShareAdded, false) if req.is_empty() => {
                vec![plain("We now share "), cl, plain(" with "), r, plain(".")]
            }
            (Kind::ShareAdded, false) => {
                vec![plain("We now share "), cl, plain(" with "), r, plain(format!(" if {req}."))]
            }
            (Kind::ShareRemoved, true) => vec![plain("我们不再与"), r, plain("共享"), cl, plain("。")],
            (Kind::ShareRemoved, false) => vec![plain("We no longer share "), cl, plain(" with "), r, plain(".")],
            (Kind::SharedFieldsAdded, true) => {
                vec![plain("我们与"), r, plain("共享的"), cl, plain(format!("范围扩大，现为：{fields}。"))]
            }
            (Kind::SharedFieldsAdded, false) => {
                vec![plain("We share more of "), cl, plain(" with "), r, plain(format!(", now: {fields}."))]
            }
            (Kind::SharedFieldsRemoved, true) => {
                vec![plain("我们与"), r, plain("共享的"), cl, plain(format!("范围缩小，现为：{fields}。"))]
            }
            (Kind::SharedFieldsRemoved, false) => {
                vec![plain("We share less of "), cl, plain(" with "), r, plain(format!(", now: {fields}."))]
            }
            (Kind::SharingLoosened, true) if req.is_empty() => {
                vec![plain("我们现在与"), r, plain("共享"), cl, plain("不再需要任何前提条件。")]
            }
            (Kind::SharingLoosened, true) => {
                vec![plain("我们与"), r, plain("共享"), cl, plain(format!("的前提条件减少，现仅需{req}。"))]
            }
            (Kind::SharingLoosened, false) if req.is_empty() => {
                vec![plain("We now share "), cl, plain(" with "), r, plain(" without any condition.")]
            }
            (Kind::SharingLoosened, false) => {
                vec![
                    plain("We now share "),
                    cl,
                    plain(" with "),
                    r,
                    plain(format!(" under fewer conditions: only if {req}.")),
                ]
            }
            (_, true) => vec![plain(format!("我们现在仅在{req}的情况下与")), r, plain("共享"), cl, plain("。")],
            (_, false) => vec![plain("We now share "), cl, plain(" with "), r, plain(format!(" only if {req}."))],
        }
    }

    fn retention_sentence(&self, c: &Change, cat: &str, item: RetentionItem) -> Vec<Seg> {
        let zh = self.zh;
        let cl = strong(self.category_label(cat));
        let (Some(a), Some(b)) = (self.old_category(cat), self.new.category(cat)) else {
            return vec![cl];
        };
        let (ra, rb) = (&a.retention, &b.retention);
        if let RetentionItem::Backups | RetentionItem::Tolerance = item {
            let backups = item == RetentionItem::Backups;
            let (x, y) = if backups { (ra.backups, rb.backups) } else { (ra.tolerance, rb.tolerance) };
            let none = self.pick("none", "无");
            let x = x.map_or_else(|| none.clone(), |d| self.duration(d));
            let y = y.map_or_else(|| none.clone(), |d| self.duration(d));
            return match (backups, zh) {
                (true, true) => {
                    vec![cl, plain(format!("的备份现在在主副本删除后保留 {y}（此前为 {x}）。"))]
                }
                (true, false) => vec![
                    plain("Backups of "),
                    cl,
                    plain(format!(" are now kept for {y} after the primary copy is deleted (previously {x}).")),
                ],
                (false, true) => {
                    vec![cl, plain(format!("的删除现在最迟可在保存期限结束后 {y} 内完成（此前为 {x}）。"))]
                }
                (false, false) => vec![
                    plain("Deletion of "),
                    cl,
                    plain(format!(" may now happen up to {y} after its retention period ends (previously {x}).")),
                ],
            };
        }
        let (x, y) = (self.rule(self.old, ra), self.rule(self.new, rb));
        if c.kind == Kind::RetentionBoundChanged {
            let upper = super::retention::bounds(&rb.rule).1;
            return match (upper, zh) {
                (true, true) => {
                    vec![cl, plain(format!("现在的保存期限为{y}（此前为：{x}），可能提前删除，但不会更晚。"))]
                }
                (true, false) => vec![
                    cl,
                    plain(format!(" is now kept {y} (previously {x}): it may be deleted earlier, never later.")),
                ],
                (false, true) => vec![cl, plain(format!("现在的保存期限为{y}（此前为：{x}），最长保存时间不变。"))],
                (false, false) => vec![
                    cl,
                    plain(format!(" is now kept {y} (previously {x}); the longest time it is kept is unchanged.")),
                ],
            };
        }
        match (c.kind, zh) {
            (Kind::RetentionLonger, true) => {
                vec![plain("我们延长了"), cl, plain(format!("的保存期限：{y}（此前为：{x}）。"))]
            }
            (Kind::RetentionShorter, true) => {
                vec![plain("我们缩短了"), cl, plain(format!("的保存期限：{y}（此前为：{x}）。"))]
            }
            (_, true) => vec![plain("我们更改了"), cl, plain(format!("的保存期限：{y}（此前为：{x}）。"))],
            (Kind::RetentionLonger, false) => {
                vec![plain("We now keep "), cl, plain(format!(" longer: {y} (previously {x})."))]
            }
            (Kind::RetentionShorter, false) => {
                vec![plain("We now keep "), cl, plain(format!(" for less time: {y} (previously {x})."))]
            }
            (_, false) => vec![plain("We changed how long we keep "), cl, plain(format!(": {y} (previously {x})."))],
        }
    }

    fn old_category(&self, new_name: &str) -> Option<&'a model::Category> {
        let renamed = self.new.category(new_name).and_then(|c| c.renamed_from.as_deref());
        renamed.and_then(|r| self.old.category(r)).or_else(|| self.old.category(new_name))
    }

    fn rights_sentence(&self, c: &Change, item: RightsItem) -> Vec<Seg> {
        let zh = self.zh;
        let reduced = c.kind == Kind::RightsReduced;
        let duration = |v: &Option<Value>| match v {
            Some(Value::Duration(d)) => Some(*d),
            _ => None,
        };
        let age = |v: &Option<Value>| match v {
            Some(Value::Age(n)) => Some(*n),
            _ => None,
        };
        let s = match (item, reduced, zh) {
            (RightsItem::Deletion, true, true) => "您不能再要求我们删除您的数据。".to_string(),
            (RightsItem::Deletion, true, false) => "You can no longer ask us to delete your data.".to_string(),
            (RightsItem::Deletion, false, true) => "您现在可以要求我们删除您的数据。".to_string(),
            (RightsItem::Deletion, false, false) => "You can now ask us to delete your data.".to_string(),
            (RightsItem::DeletionDeadline, _, true) if c.new.is_none() => {
                "我们不再承诺按要求删除数据的期限。".to_string()
            }
            (RightsItem::DeletionDeadline, _, false) if c.new.is_none() => {
                "We no longer state a deadline for deleting data on request.".to_string()
            }
            (RightsItem::DeletionDeadline, _, true) => {
                let d = |r: &model::Rights| r.deletion_deadline.map(|d| self.duration(d)).unwrap_or_default();
                let (x, y) = (d(&self.old.rights), d(&self.new.rights));
                if x.is_empty() {
                    format!("我们现在会在 {y}内按您的要求删除数据。")
                } else {
                    format!("我们现在会在 {y}内按您的要求删除数据（此前为 {x}）。")
                }
            }
            (RightsItem::DeletionDeadline, _, false) => {
                let n = duration(&c.new).map(|d| self.duration(d)).unwrap_or_default();
                match duration(&c.old) {
                    None => format!("We now delete data on request within {n}."),
                    Some(o) => format!("We now delete data on request within {n} (previously {}).", self.duration(o)),
                }
            }
            (RightsItem::SelfService, true, true) => "您不能再按此前所述自行删除数据。".to_string(),
            (RightsItem::SelfService, true, false) => {
                "You can no longer delete data yourself as described before.".to_string()
            }
            (RightsItem::SelfService, false, _) => {
                let t = self.new.rights.self_service.as_ref().map(|t| self.t(t)).unwrap_or_default();
                if zh {
                    format!("您现在可以自行删除数据：{t}")
                } else {
                    format!("You can now delete data yourself: {t}")
                }
            }
            (RightsItem::MinimumAge, _, _) => match (age(&c.old), age(&c.new), zh) {
                (_, None, true) => "本功能不再设最低使用年龄。".to_string(),
                (_, None, false) => "The feature no longer has a minimum age.".to_string(),
                (None, Some(n), true) => format!("本功能的最低使用年龄现为 {n} 岁。"),
                (None, Some(n), false) => format!("The minimum age to use the feature is now {n}."),
                (Some(o), Some(n), true) => format!("本功能的最低使用年龄现为 {n} 岁（此前为 {o} 岁）。"),
                (Some(o), Some(n), false) => format!("The minimum age to use the feature is now {n} (previously {o})."),
            },
        };
        vec![plain(s)]
    }

    fn scope_sentence(&self, c: &Change) -> Vec<Seg> {
        let zh = self.zh;
        match &c.subject {
            Subject::Category { category: cat, .. } => {
                let cl = strong(self.category_label(cat));
                let cond = self.new.category(cat).and_then(|x| x.only_if.as_ref()).map(|t| self.t(t));
                match (cond, zh) {
                    (None, true) => {
                        vec![plain("我们现在在任何情况下都会收集"), cl, plain("，而不再仅限于此前所述的条件。")]
                    }
                    (None, false) => {
                        vec![
                            plain("We now collect "),
                            cl,
                            plain(" in every case, not only under the condition stated before."),
                        ]
                    }
                    (Some(t), true) => vec![plain("我们现在仅在以下条件下收集"), cl, plain(format!("：{t}"))],
                    (Some(t), false) => {
                        vec![plain("We now collect "), cl, plain(format!(" only under this condition: {t}"))]
                    }
                }
            }
            Subject::Header(HeaderItem::Regions | HeaderItem::AvailabilityNote) => {
                let regions = self.new.availability.regions.join(", ");
                vec![plain(if zh {
                    format!("本功能现在的提供地区：{regions}。")
                } else {
                    format!("The feature is now offered in: {regions}.")
                })]
            }
            Subject::Header(
                item @ (HeaderItem::Parent
                | HeaderItem::ParentTitle
                | HeaderItem::ParentUrl
                | HeaderItem::ParentPrecedence),
            ) => {
                let parent = self.new.parent.as_ref();
                let title = parent.map(|p| self.t(&p.title)).unwrap_or_default();
                let precedence = *item == HeaderItem::ParentPrecedence;
                let s = match (parent, precedence, zh) {
                    (None, _, true) => "本模块不再属于主隐私政策。".to_string(),
                    (None, _, false) => "This module is no longer part of a parent policy.".to_string(),
                    (Some(p), true, true) => format!(
                        "如本模块与《{title}》存在冲突，现以{}为准。",
                        if p.precedence == model::Precedence::Module {
                            "本模块".to_string()
                        } else {
                            format!("《{title}》")
                        }
                    ),
                    (Some(p), true, false) => format!(
                        "If this module and the {title} conflict, {} now prevails.",
                        if p.precedence == model::Precedence::Module {
                            "this module".to_string()
                        } else {
                            format!("the {title}")
                        }
                    ),
                    (Some(_), _, true) => format!("本模块现属于《{title}》。"),
                    (Some(_), _, false) => format!("This module is now part of the {title}."),
                };
                vec![plain(s)]
            }
            other => {
                let event = match other {
                    Subject::Event { event, .. } => event.as_str(),
                    _ => "",
                };
                let label = self.new.event(event).map(|e| self.t(&e.label)).unwrap_or_default();
                vec![plain(if zh {
                    format!("触发保存期限起算的事件现涉及其他对象：{label}。")
                } else {
                    format!("An event that starts a retention period now concerns something else: {label}.")
                })]
            }
        }
    }

    fn text_sentence(&self, c: &Change) -> Vec<Seg> {
        let zh = self.zh;
        let s = match (&c.subject, zh) {
            (Subject::ConditionLabel { condition }, _) => {
                let label = self.new.condition(condition).map(|x| self.t(&x.label)).unwrap_or_default();
                if zh {
                    format!("共享的前提条件措辞已更改，现为：{label}。")
                } else {
                    format!("A condition for sharing is reworded; it now reads: {label}.")
                }
            }
            (Subject::Event { event, .. }, _) => {
                let label = self.new.event(event).map(|x| self.t(&x.label)).unwrap_or_default();
                if zh {
                    format!("触发保存期限起算的事件措辞已更改，现为：{label}。")
                } else {
                    format!("An event that starts a retention period is reworded; it now reads: {label}.")
                }
            }
            (Subject::Header(HeaderItem::Locales), true) => {
                format!("本政策现以下列语言发布：{}。", self.new.locales.join("、"))
            }
            (Subject::Header(HeaderItem::Locales), false) => {
                format!("This policy is now published in: {}.", self.new.locales.join(", "))
            }
            (_, true) => "部分内容的措辞已更改。".to_string(),
            (_, false) => "Some passages were reworded.".to_string(),
        };
        vec![plain(s)]
    }
}
