//! The policy header: title, feature, role, controller, parent policy, availability, locales.

use super::{Change, Differ, Editorial, HeaderItem, Kind, Material, Minor, Subject, Value};
use crate::model;
use std::collections::BTreeSet;

impl<'a> Differ<'a> {
    pub(super) fn header(&mut self) {
        let (o, n) = (self.old, self.new);
        let header = Subject::Header;
        self.text(|| header(HeaderItem::Title), "the title", &o.title, &n.title);
        self.text(|| header(HeaderItem::Feature), "the feature's name", &o.feature, &n.feature);
        if o.role != n.role {
            self.push(
                Change::new(
                    Kind::RoleChanged,
                    header(HeaderItem::Role),
                    Material,
                    "the organisation's role changed, which changes who decides how the data is used",
                )
                .values(Value::Role(o.role), Value::Role(n.role)),
            );
        }
        match (&o.controller, &n.controller) {
            (
                model::Controller::Entity { name: a, contact: ca },
                model::Controller::Entity { name: b, contact: cb },
            ) if a == b && ca != cb => {
                self.push(
                    Change::new(
                        Kind::ControllerChanged,
                        header(HeaderItem::ControllerContact),
                        Minor,
                        "the controller's contact changed",
                    )
                    .values(ca.clone().map(Value::Contact), cb.clone().map(Value::Contact)),
                );
            }
            (a, b) if a != b => self.push(
                Change::new(
                    Kind::ControllerChanged,
                    header(HeaderItem::Controller),
                    Material,
                    "a different controller is responsible for the data",
                )
                .values(Value::Controller(a.clone()), Value::Controller(b.clone())),
            ),
            _ => {}
        }
        match (&o.parent, &n.parent) {
            (Some(a), Some(b)) => {
                self.text(|| header(HeaderItem::ParentTitle), "the parent policy's title", &a.title, &b.title);
                if a.url != b.url {
                    self.push(
                        Change::new(
                            Kind::TextChanged,
                            header(HeaderItem::ParentUrl),
                            Editorial,
                            "the parent policy's address changed",
                        )
                        .values(Value::Url(a.url.clone()), Value::Url(b.url.clone())),
                    );
                }
                if a.precedence != b.precedence {
                    self.push(
                        Change::new(
                            Kind::ScopeChanged,
                            header(HeaderItem::ParentPrecedence),
                            Minor,
                            "a different document now prevails when the module and the parent policy conflict",
                        )
                        .values(Value::Precedence(a.precedence), Value::Precedence(b.precedence)),
                    );
                }
            }
            (None, Some(b)) => self.push(
                Change::new(
                    Kind::ScopeChanged,
                    header(HeaderItem::Parent),
                    Minor,
                    "the module is now part of a parent policy",
                )
                .values(None, Value::Url(b.url.clone())),
            ),
            (Some(a), None) => self.push(
                Change::new(
                    Kind::ScopeChanged,
                    header(HeaderItem::Parent),
                    Minor,
                    "the module is no longer part of a parent policy",
                )
                .values(Value::Url(a.url.clone()), None),
            ),
            (None, None) => {}
        }
        let (ra, rb) = (&o.availability.regions, &n.availability.regions);
        if ra.iter().collect::<BTreeSet<_>>() != rb.iter().collect::<BTreeSet<_>>() {
            self.push(
                Change::new(
                    Kind::ScopeChanged,
                    header(HeaderItem::Regions),
                    Minor,
                    "the feature is offered in other regions",
                )
                .values(Value::Regions(ra.clone()), Value::Regions(rb.clone())),
            );
        }
        self.opt_text(
            || header(HeaderItem::AvailabilityNote),
            "the availability note",
            o.availability.note.as_ref(),
            n.availability.note.as_ref(),
        );
        let (la, lb): (BTreeSet<_>, BTreeSet<_>) = (o.locales.iter().collect(), n.locales.iter().collect());
        if la != lb {
            let severity = if la.is_subset(&lb) { Editorial } else { Minor };
            let reason = if severity == Editorial {
                "the policy is published in more languages"
            } else {
                "the policy is no longer published in some languages"
            };
            self.push(
                Change::new(Kind::TextChanged, header(HeaderItem::Locales), severity, reason)
                    .values(Value::Locales(o.locales.clone()), Value::Locales(n.locales.clone())),
            );
        }
    }
}
