//! Sentences about policy-wide statements: rights, scope (condition of collection, availability,
//! parent policy, events) and wording.

use super::{Seg, Words, plain, strong};
use crate::diff::{Change, HeaderItem, Kind, RightsItem, Subject, Value};
use crate::model;

impl<'a> Words<'a> {
    pub(super) fn rights_sentence(&self, c: &Change, item: RightsItem) -> Vec<Seg> {
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

    pub(super) fn scope_sentence(&self, c: &Change) -> Vec<Seg> {
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

    pub(super) fn text_sentence(&self, c: &Change) -> Vec<Seg> {
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
