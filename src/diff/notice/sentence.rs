//! One notice entry per change: the sentence chosen by the kind of change and the item it
//! concerns.

use super::{Item, Seg, Words, plain, strong};
use crate::diff::{CategoryItem, Change, HeaderItem, Kind, Severity, Subject, Value};
use crate::model;

impl<'a> Words<'a> {
    pub(super) fn item(&self, c: &Change) -> Item {
        let consent = (c.consent && c.severity == Severity::Material).then(|| {
            self.pick(
                " Where this relies on your consent, we will ask for it before the change applies to you.",
                "如该处理基于您的同意，我们将在变更适用于您之前征得您的同意。",
            )
        });
        Item { segs: self.sentence(c), consent }
    }

    pub(super) fn sentence(&self, c: &Change) -> Vec<Seg> {
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
}
