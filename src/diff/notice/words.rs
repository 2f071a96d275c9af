//! Lookups of labels in either version, and model values in words (durations, clocks, rules,
//! conditions), in English or Chinese.

use super::Words;
use crate::model::{self, Anchor, Bound, Duration, Policy, Requirement, Rule, Text, Unit};

impl<'a> Words<'a> {
    pub(super) fn pick(&self, en: &str, zh: &str) -> String {
        if self.zh { zh.to_string() } else { en.to_string() }
    }

    pub(super) fn t(&self, t: &Text) -> String {
        t.get(self.locale).to_string()
    }

    /// Looks an item up in the new version, then the old one (for removals).
    pub(super) fn either<T>(&self, f: impl Fn(&'a Policy) -> Option<T>) -> Option<T> {
        f(self.new).or_else(|| f(self.old))
    }

    pub(super) fn category(&self, name: &str) -> Option<&'a model::Category> {
        self.either(|p| p.category(name))
    }

    pub(super) fn category_label(&self, name: &str) -> String {
        self.category(name).map_or_else(|| name.to_string(), |c| self.t(&c.label))
    }

    pub(super) fn field_label(&self, cat: &str, field: &str) -> String {
        self.either(|p| p.category(cat).and_then(|c| c.field(field)))
            .map_or_else(|| field.to_string(), |f| self.t(&f.label))
    }

    pub(super) fn purpose_label(&self, name: &str) -> String {
        self.either(|p| p.purpose(name)).map_or_else(|| name.to_string(), |x| self.t(&x.label))
    }

    pub(super) fn recipient_label(&self, name: &str) -> String {
        self.either(|p| p.recipient(name)).map_or_else(|| name.to_string(), |x| self.t(&x.display))
    }

    pub(super) fn store_label(&self, name: &str) -> String {
        self.either(|p| p.store(name)).map_or_else(|| name.to_string(), |x| self.t(&x.display))
    }

    pub(super) fn list(&self, items: Vec<String>) -> String {
        items.join(if self.zh { "、" } else { ", " })
    }

    pub(super) fn duration(&self, d: Duration) -> String {
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
            crate::syntax::print::duration(d)
        }
    }

    pub(super) fn events(&self, p: &Policy, es: &[String]) -> String {
        let labels: Vec<String> =
            es.iter().map(|e| p.event(e).map_or_else(|| e.clone(), |ev| self.t(&ev.label))).collect();
        labels.join(if self.zh { "或" } else { " or " })
    }

    /// One clock: `30 days`, `at most 2 months after E`, `until E` (zh: `30 天`, `E后 2 个月`).
    pub(super) fn clock(&self, p: &Policy, c: &model::Clock, in_list: bool) -> String {
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
    pub(super) fn rule(&self, p: &Policy, r: &model::Retention) -> String {
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

    pub(super) fn requires(&self, p: &Policy, rs: &[Requirement]) -> String {
        let parts: Vec<String> = rs
            .iter()
            .map(|r| match r {
                Requirement::Consent => self.pick("you consent", "您同意"),
                Requirement::Condition(c) => p.condition(c).map_or_else(|| c.clone(), |x| self.t(&x.label)),
            })
            .collect();
        if self.zh { parts.join("且") } else { parts.join(" and ") }
    }

    pub(super) fn share(&self, p: &'a Policy, cat: &str, rcp: &str) -> Option<&'a model::Share> {
        p.category(cat)?.shares.iter().find(|s| s.recipient == rcp)
    }

    pub(super) fn shared_fields(&self, p: &Policy, cat: &str, fields: &[String]) -> String {
        if fields.is_empty() {
            return self.pick("all of it", "全部");
        }
        let c = p.category(cat);
        self.list(
            fields.iter().map(|f| c.and_then(|c| c.field(f)).map_or_else(|| f.clone(), |x| self.t(&x.label))).collect(),
        )
    }

    /// The basis as stated to the reader, ending with a full stop.
    pub(super) fn basis_label(&self, p: &Policy, name: Option<&str>) -> String {
        let mut s = name.and_then(|b| p.basis(b)).map_or_else(String::new, |b| self.t(&b.label));
        if !s.is_empty() && !s.ends_with(['.', '。', '!', '！', '?', '？']) {
            s.push_str(if self.zh { "。" } else { "." });
        }
        s
    }

    pub(super) fn old_category(&self, new_name: &str) -> Option<&'a model::Category> {
        let renamed = self.new.category(new_name).and_then(|c| c.renamed_from.as_deref());
        renamed.and_then(|r| self.old.category(r)).or_else(|| self.old.category(new_name))
    }
}
