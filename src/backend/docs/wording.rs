//! Retention rules in words, generated from their semantics (never from text the author had to
//! repeat). English gets proper plurals; Chinese gets measure words and its own sentence order.
//! Labels of states and events come from the policy: a state reads as an adverbial ("while you
//! use the Feature" / "您使用本功能期间"), an event as a clause ("you stop using the Feature" /
//! "您终止使用本功能").

use super::words::Lang;
use crate::model::{Anchor, Bound, Clock, Duration, EndAction, Policy, Retention, Rule, Unit};

/// `7 days`, `1 day`, `2 个月`.
pub fn duration(lang: Lang, d: Duration) -> String {
    let n = d.amount;
    match lang {
        Lang::En => {
            let unit = match d.unit {
                Unit::Hours => "hour",
                Unit::Days => "day",
                Unit::Weeks => "week",
                Unit::Months => "month",
                Unit::Years => "year",
            };
            format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
        }
        Lang::Zh => {
            let unit = match d.unit {
                Unit::Hours => "小时",
                Unit::Days => "天",
                Unit::Weeks => "周",
                Unit::Months => "个月",
                Unit::Years => "年",
            };
            format!("{n} {unit}")
        }
    }
}

/// Joins items as a list: `a, b and c` / `a、b和c`.
pub fn and_list(lang: Lang, items: &[String]) -> String {
    join_last(items, if lang == Lang::Zh { "、" } else { ", " }, if lang == Lang::Zh { "和" } else { " and " })
}

/// Joins alternatives: `a, b or c` / `a、b或c`.
pub fn or_list(lang: Lang, items: &[String]) -> String {
    join_last(items, if lang == Lang::Zh { "、" } else { ", " }, if lang == Lang::Zh { "或" } else { " or " })
}

fn join_last(items: &[String], sep: &str, last: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., tail] => format!("{}{last}{tail}", init.join(sep)),
    }
}

/// Uppercases the first letter (English sentence starts; a no-op for CJK).
pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Ends free text with a full stop unless it already ends with sentence punctuation.
pub fn sentence(lang: Lang, s: &str) -> String {
    let t = s.trim_end();
    if t.ends_with(['.', '!', '?', '。', '！', '？', '…', ')', '）', '"', '”']) || t.is_empty() {
        t.to_string()
    } else {
        format!("{t}{}", if lang == Lang::Zh { "。" } else { "." })
    }
}

/// The retention of a category in words, in `locale` (grammar of `lang`). The author's
/// `wording` for the locale, when given, replaces the whole text.
pub fn retention(policy: &Policy, r: &Retention, lang: Lang, locale: &str) -> String {
    if let Some(w) = r.wording.get(locale) {
        return w.clone();
    }
    let mut out = rule(policy, r, lang, locale);
    if let Some(b) = r.backups {
        push_sentence(
            &mut out,
            lang,
            &match lang {
                Lang::En => format!("Backup copies are deleted {} after the primary copy.", duration(lang, b)),
                Lang::Zh => format!("备份副本将在主副本删除后 {}删除。", duration(lang, b)),
            },
        );
    }
    if let Some(t) = r.tolerance {
        push_sentence(
            &mut out,
            lang,
            &match lang {
                Lang::En => format!("Some storage systems may complete this up to {} later.", duration(lang, t)),
                Lang::Zh => format!("部分存储系统可能最多延后 {}完成。", duration(lang, t)),
            },
        );
    }
    out
}

fn push_sentence(out: &mut String, lang: Lang, s: &str) {
    if lang == Lang::En && !out.is_empty() {
        out.push(' ');
    }
    out.push_str(s);
}

fn events(policy: &Policy, names: &[String], lang: Lang, locale: &str) -> String {
    let labels: Vec<String> =
        names.iter().map(|n| policy.event(n).map_or_else(|| n.clone(), |e| e.label.get(locale).to_string())).collect();
    or_list(lang, &labels)
}

fn rule(policy: &Policy, r: &Retention, lang: Lang, locale: &str) -> String {
    let anonymise = r.action == EndAction::Anonymise;
    match &r.rule {
        Rule::NotStored => match lang {
            Lang::En => "Not stored: processed in transit only.".into(),
            Lang::Zh => "不存储，仅在传输过程中处理。".into(),
        },
        Rule::Indefinite { justification } => {
            let j = sentence(lang, justification.get(locale));
            match lang {
                Lang::En => format!("Kept indefinitely: {j}"),
                Lang::Zh => format!("无限期保留：{j}"),
            }
        }
        Rule::Expires { while_state, clocks } => {
            let state = while_state.as_ref().map(|s| policy.state(s).map_or(s.as_str(), |s| s.label.get(locale)));
            match (state, clocks.as_slice()) {
                (Some(state), [c]) if matches!(c.anchor, Anchor::Events(_)) && c.duration.amount > 0 => {
                    // "Kept while you use the Feature. If you stop using the Feature, deleted 2 months later."
                    let Anchor::Events(es) = &c.anchor else { return String::new() };
                    let ev = events(policy, es, lang, locale);
                    let d = duration(lang, c.duration);
                    let at_most = c.bound == Bound::AtMost;
                    match lang {
                        Lang::En => format!(
                            "Kept {state}. If {ev}, {} {}{d} later.",
                            if anonymise { "anonymised" } else { "deleted" },
                            if at_most { "at most " } else { "" }
                        ),
                        Lang::Zh => format!(
                            "我们会在{state}保留此类数据。若{ev}，我们将在 {d}{}{}。",
                            if at_most { "内" } else { "后" },
                            if anonymise { "对此数据进行匿名化处理" } else { "删除此数据" }
                        ),
                    }
                }
                (state, clocks) => {
                    let mut out = String::new();
                    if let Some(state) = state {
                        out = match lang {
                            Lang::En => format!("Kept {state}."),
                            Lang::Zh => format!("我们会在{state}保留此类数据。"),
                        };
                    }
                    push_sentence(&mut out, lang, &expiry(policy, clocks, anonymise, lang, locale));
                    out
                }
            }
        }
    }
}

/// The sentence for a rule without a state: a single clock or the earliest of several.
fn expiry(policy: &Policy, clocks: &[Clock], anonymise: bool, lang: Lang, locale: &str) -> String {
    let action_en = if anonymise { "anonymised" } else { "deleted" };
    let action_zh = if anonymise { "对此数据进行匿名化处理" } else { "删除此数据" };
    if let [c] = clocks {
        let d = duration(lang, c.duration);
        let at_most = c.bound == Bound::AtMost;
        return match (&c.anchor, lang) {
            (Anchor::Collection, Lang::En) => format!(
                "Stored for {}{d}{}.",
                if at_most { "at most " } else { "" },
                if anonymise { ", then anonymised" } else { "" }
            ),
            (Anchor::Collection, Lang::Zh) => format!(
                "{}存储 {d}{}。",
                if at_most { "最多" } else { "" },
                if anonymise { "，之后进行匿名化处理" } else { "" }
            ),
            (Anchor::Events(es), Lang::En) if c.duration.amount == 0 => {
                format!("Kept until {}, then {action_en}.", events(policy, es, lang, locale))
            }
            (Anchor::Events(es), Lang::Zh) if c.duration.amount == 0 => {
                format!("我们将保留此类数据，直至{}，届时将{action_zh}。", events(policy, es, lang, locale))
            }
            (Anchor::Events(es), Lang::En) => format!(
                "{} {}{d} after {}.",
                capitalise(action_en),
                if at_most { "at most " } else { "" },
                events(policy, es, lang, locale)
            ),
            (Anchor::Events(es), Lang::Zh) => format!(
                "我们将在{}后 {d}{}{action_zh}。",
                events(policy, es, lang, locale),
                if at_most { "内" } else { "" }
            ),
        };
    }
    // Earliest of several clocks.
    let ends: Vec<String> = clocks.iter().map(|c| clock_end(policy, c, lang, locale)).collect();
    match lang {
        Lang::En => format!("{} at whichever comes first: {}.", capitalise(action_en), ends.join("; ")),
        Lang::Zh => format!("我们将在以下时间中较早者届至时{action_zh}：{}。", ends.join("；")),
    }
}

/// When one clock of an earliest-of rule ends: `90 days after collection`, `when you close your
/// account`, `收集后最多 90 天`.
fn clock_end(policy: &Policy, c: &Clock, lang: Lang, locale: &str) -> String {
    let d = duration(lang, c.duration);
    let at_most = c.bound == Bound::AtMost;
    match (&c.anchor, lang) {
        (Anchor::Collection, Lang::En) => format!("{}{d} after collection", if at_most { "at most " } else { "" }),
        (Anchor::Collection, Lang::Zh) => format!("收集后{}{d}", if at_most { "最多 " } else { " " }),
        (Anchor::Events(es), Lang::En) if c.duration.amount == 0 => {
            format!("when {}", events(policy, es, lang, locale))
        }
        (Anchor::Events(es), Lang::Zh) if c.duration.amount == 0 => format!("{}时", events(policy, es, lang, locale)),
        (Anchor::Events(es), Lang::En) => {
            format!("{}{d} after {}", if at_most { "at most " } else { "" }, events(policy, es, lang, locale))
        }
        (Anchor::Events(es), Lang::Zh) => {
            format!("{}后{}{d}", events(policy, es, lang, locale), if at_most { "最多 " } else { " " })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_plurals() {
        let d = |amount, unit| Duration { amount, unit };
        assert_eq!(duration(Lang::En, d(1, Unit::Days)), "1 day");
        assert_eq!(duration(Lang::En, d(7, Unit::Days)), "7 days");
        assert_eq!(duration(Lang::En, d(1, Unit::Months)), "1 month");
        assert_eq!(duration(Lang::En, d(12, Unit::Hours)), "12 hours");
        assert_eq!(duration(Lang::Zh, d(2, Unit::Months)), "2 个月");
        assert_eq!(duration(Lang::Zh, d(7, Unit::Days)), "7 天");
    }

    #[test]
    fn lists() {
        let v = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(and_list(Lang::En, &v(&["a", "b", "c"])), "a, b and c");
        assert_eq!(or_list(Lang::En, &v(&["a", "b"])), "a or b");
        assert_eq!(or_list(Lang::Zh, &v(&["甲", "乙", "丙"])), "甲、乙或丙");
        assert_eq!(and_list(Lang::En, &v(&["a"])), "a");
        assert_eq!(sentence(Lang::En, "law requires it"), "law requires it.");
        assert_eq!(sentence(Lang::Zh, "法律要求。"), "法律要求。");
    }
}
