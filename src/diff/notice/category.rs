//! Sentences about a category's fields, sharing and retention.

use super::{Seg, Words, plain, strong};
use crate::diff::{Change, Kind, RetentionItem, Value};

impl<'a> Words<'a> {
    pub(super) fn field_sentence(&self, c: &Change, cat: &str, field: &str) -> Vec<Seg> {
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

    pub(super) fn share_sentence(&self, c: &Change, cat: &str, rcp: &str) -> Vec<Seg> {
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

    pub(super) fn retention_sentence(&self, c: &Change, cat: &str, item: RetentionItem) -> Vec<Seg> {
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
            let upper = crate::diff::retention::bounds(&rb.rule).1;
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
}
