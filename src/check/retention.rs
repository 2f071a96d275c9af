//! Retention: durations, clocks, events, ranges and what a rule refers to.

use super::{Checker, Kind, err};
use crate::diagnostics::Code;
use crate::model;
use crate::syntax::ast::{self, Ident};
use std::collections::BTreeMap;

impl<'a> Checker<'a> {
    pub(super) fn duration(&mut self, d: &ast::Duration, allow_zero: bool) -> model::Duration {
        let unit = match d.unit.name.trim_end_matches('s') {
            "hour" => model::Unit::Hours,
            "day" => model::Unit::Days,
            "week" => model::Unit::Weeks,
            "month" => model::Unit::Months,
            _ => model::Unit::Years,
        };
        let amount = match d.amount.value.parse::<u32>() {
            Ok(n) if n <= 100_000 && (n > 0 || allow_zero) => n,
            Ok(0) => {
                self.push(err(Code::BadValue, d.span, "a retention period cannot be zero").label("zero").help(
                    "for deletion when an event happens write `until EVENT`; for data never stored, `not stored`",
                ));
                0
            }
            _ => {
                self.push(
                    err(Code::BadValue, d.amount.span, format!("`{}` is too large for a duration", d.amount.value))
                        .label("at most 100000")
                        .help("use a larger unit, or `indefinitely because { … }`"),
                );
                1
            }
        };
        model::Duration { amount, unit }
    }

    pub(super) fn clock(&mut self, c: &ast::Clock) -> model::Clock {
        let duration = self.duration(&c.duration, false);
        let anchor = if c.after.is_empty() { model::Anchor::Collection } else { self.event_alts(&c.after) };
        model::Clock { bound: if c.at_most { model::Bound::AtMost } else { model::Bound::Exact }, duration, anchor }
    }

    pub(super) fn event_alts(&mut self, es: &[Ident]) -> model::Anchor {
        let mut names: Vec<String> = Vec::new();
        for e in es {
            self.resolve(Kind::Event, e);
            if names.contains(&e.name) {
                self.push(
                    err(Code::Duplicate, e.span, format!("event `{}` is listed twice", e.name))
                        .label("repeated")
                        .help("remove the repetition"),
                );
            } else {
                names.push(e.name.clone());
            }
        }
        model::Anchor::Events(names)
    }

    pub(super) fn retention(&mut self, r: &ast::Retention) -> model::Retention {
        let rule = match &r.rule {
            ast::Rule::Indefinite(t) => model::Rule::Indefinite { justification: self.text(t, "the justification") },
            ast::Rule::While(state, clock) => {
                self.resolve(Kind::State, state);
                let c = self.clock(clock);
                if c.anchor == model::Anchor::Collection {
                    self.push(
                        err(Code::Mismatch, clock.span, "a `while` rule needs the event that ends the state")
                            .label("no `after EVENT`")
                            .help(format!("write e.g. `retain while {}, then 2 months after termination`", state.name)),
                    );
                }
                model::Rule::Expires { while_state: Some(state.name.clone()), clocks: vec![c] }
            }
            ast::Rule::Until(es) => {
                let anchor = self.event_alts(es);
                model::Rule::Expires {
                    while_state: None,
                    clocks: vec![model::Clock {
                        bound: model::Bound::Exact,
                        duration: model::Duration { amount: 0, unit: model::Unit::Days },
                        anchor,
                    }],
                }
            }
            ast::Rule::Earliest(cs) => {
                if cs.len() < 2 {
                    self.push(
                        err(Code::Missing, r.span, "`earliest of` needs at least two clocks")
                            .label("only one clock")
                            .help("write a single clock without `earliest of`, e.g. `retain 7 days`"),
                    );
                }
                model::Rule::Expires { while_state: None, clocks: cs.iter().map(|c| self.clock(c)).collect() }
            }
            ast::Rule::Clock(c) => model::Rule::Expires { while_state: None, clocks: vec![self.clock(c)] },
        };
        let mut wording = BTreeMap::new();
        if let Some(w) = &r.wording {
            for (loc, val) in &w.entries {
                if self.locales.contains(&loc.name) {
                    wording.insert(loc.name.clone(), val.value.clone());
                } else {
                    self.push(
                        err(
                            Code::UnknownLocale,
                            loc.span,
                            format!("locale `{}` is not declared by the policy", loc.name),
                        )
                        .label("unknown locale")
                        .help(format!("declared locales are {}", self.locales.join(", "))),
                    );
                }
            }
        }
        let backups = r.backups.as_ref().map(|d| self.duration(d, false));
        let tolerance = r.tolerance.as_ref().map(|d| self.duration(d, false));
        self.retention_range(r, &rule, backups, tolerance);
        model::Retention {
            rule,
            action: if r.anonymise { model::EndAction::Anonymise } else { model::EndAction::Delete },
            backups,
            tolerance,
            wording,
        }
    }

    /// Every clock's period plus backups and tolerance stays within
    /// [`semantics::MAX_RETENTION_SECS`], so every engine computes each expiry in range.
    pub(super) fn retention_range(
        &mut self,
        r: &ast::Retention,
        rule: &model::Rule,
        backups: Option<model::Duration>,
        tolerance: Option<model::Duration>,
    ) {
        use crate::semantics::{MAX_RETENTION_SECS, nominal_secs};
        let ast_clocks: Vec<&ast::Clock> = match &r.rule {
            ast::Rule::While(_, c) | ast::Rule::Clock(c) => vec![c],
            ast::Rule::Earliest(cs) => cs.iter().collect(),
            ast::Rule::Indefinite(_) | ast::Rule::Until(_) => Vec::new(),
        };
        let model::Rule::Expires { clocks, .. } = rule else { return };
        let extra = backups.map_or(0, nominal_secs) + tolerance.map_or(0, nominal_secs);
        for (a, c) in ast_clocks.iter().zip(clocks) {
            if nominal_secs(c.duration) + extra > MAX_RETENTION_SECS {
                let with = if extra > 0 { " with its backups and tolerance" } else { "" };
                self.push(
                    err(
                        Code::RetentionRange,
                        a.duration.span,
                        format!(
                            "a retention of `{} {}`{with} exceeds 1000 years",
                            a.duration.amount.value, a.duration.unit.name
                        ),
                    )
                    .label("more than 1000 years in total")
                    .help("expiry dates beyond that are out of range for the SQL engines; for data kept for good write `retain indefinitely because { … }`"),
                );
            }
        }
    }

    pub(super) fn rule_refs(&mut self, r: &ast::Retention, m: model::Retention) -> model::Retention {
        if let (model::Rule::Indefinite { .. }, true) = (&m.rule, r.anonymise) {
            self.push(
                err(Code::Mismatch, r.span, "data kept indefinitely is never anonymised at the end of retention")
                    .label("`anonymise` has no effect")
                    .help("remove `anonymise`, or give the rule a period"),
            );
        }
        m
    }
}
