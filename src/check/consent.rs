//! Processing that rests on consent: what has to be stated for it.

use super::{Checker, err};
use crate::diagnostics::Code;
use crate::model;
use crate::source::FileId;
use crate::syntax::ast::{self, CategoryStmt};

impl<'a> Checker<'a> {
    pub(super) fn consent_checks(&mut self, p: &model::Policy, items: &[(FileId, &ast::Item)]) {
        let is_consent = |name: &str| p.basis(name).is_some_and(|b| b.kind == model::BasisKind::Consent);
        for (_, item) in items {
            let ast::Item::Category(c) = item else { continue };
            for s in &c.stmts {
                match s {
                    CategoryStmt::Use { purpose, basis: Some(b), span } if is_consent(&b.name) => {
                        let has = p.purpose(&purpose.name).is_some_and(|pu| pu.withdrawal.is_some())
                            || p.basis(&b.name).is_some_and(|bb| bb.withdrawal.is_some());
                        if !has {
                            self.push(
                                err(
                                    Code::Consent,
                                    *span,
                                    format!(
                                        "purpose `{}` rests on consent but says nowhere how consent is withdrawn",
                                        purpose.name
                                    ),
                                )
                                .label("consent without a withdrawal statement")
                                .help(format!(
                                    "add `withdrawal {{ … }}` to purpose `{}` or to basis `{}`",
                                    purpose.name, b.name
                                )),
                            );
                        }
                    }
                    CategoryStmt::Share(sh) => {
                        if let Some(b) = &sh.basis
                            && is_consent(&b.name)
                            && sh.requires.is_empty()
                        {
                            self.push(
                                err(
                                    Code::Consent,
                                    sh.span,
                                    format!(
                                        "sharing with `{}` rests on consent but states no condition",
                                        sh.recipient.name
                                    ),
                                )
                                .label("consent-based sharing without a condition")
                                .help("add `requires consent` (and any further condition) to the `share` block"),
                            );
                        }
                    }
                    _ => {}
                }
            }
        }
        for (_, item) in items {
            let ast::Item::Use(u) = item else { continue };
            if let Some(b) = &u.basis
                && is_consent(&b.name)
                && p.purpose(&u.purpose.name).is_none_or(|pu| pu.withdrawal.is_none())
                && p.basis(&b.name).is_none_or(|bb| bb.withdrawal.is_none())
            {
                self.push(
                    err(
                        Code::Consent,
                        u.span,
                        format!(
                            "purpose `{}` rests on consent but says nowhere how consent is withdrawn",
                            u.purpose.name
                        ),
                    )
                    .label("consent without a withdrawal statement")
                    .help("add `withdrawal { … }` to the purpose or the basis"),
                );
            }
        }
    }
}
