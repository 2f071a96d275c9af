//! Model values printed back in policy syntax (`7 days`, `at most 2 months after closed`,
//! `enum(a, b)`), for reports that quote what a policy says.

use crate::model::{self, Duration, Rule, Unit};

/// The role keyword: `controller`, `processor`.
pub fn role(r: model::Role) -> &'static str {
    match r {
        model::Role::Controller => "controller",
        model::Role::Processor => "processor",
    }
}

/// Which document prevails: `module`, `parent`.
pub fn precedence(p: model::Precedence) -> &'static str {
    match p {
        model::Precedence::Module => "module",
        model::Precedence::Parent => "parent",
    }
}

/// What happens at the end of retention: `delete`, `anonymise`.
pub fn end_action(a: model::EndAction) -> &'static str {
    match a {
        model::EndAction::Delete => "delete",
        model::EndAction::Anonymise => "anonymise",
    }
}

/// The engine keyword of a store (`redis`, `postgres`, …).
pub fn store_kind(k: model::StoreKind) -> &'static str {
    model::StoreKind::ALL.iter().find(|(_, x)| *x == k).map_or("other", |(n, _)| n)
}

/// The controller: `as parent`, or its name (first locale) and `<contact>`.
pub fn controller(c: &model::Controller) -> String {
    match c {
        model::Controller::AsParent => "as parent".into(),
        model::Controller::Entity { name, contact } => {
            let first = name.0.values().next().map_or("", String::as_str);
            match contact {
                Some(ct) => format!("{first} <{ct}>"),
                None => first.to_string(),
            }
        }
    }
}

/// A field type: `string`, `enum(a, b)`, …
pub fn field_type(t: &model::FieldType) -> String {
    match t {
        model::FieldType::Enum(vs) => format!("enum({})", vs.join(", ")),
        other => model::FieldType::SIMPLE.iter().find(|(_, x)| x == other).map_or("string", |(n, _)| n).to_string(),
    }
}

/// A duration in source syntax: `1 day`, `7 days`.
pub fn duration(d: Duration) -> String {
    let unit = match d.unit {
        Unit::Hours => "hour",
        Unit::Days => "day",
        Unit::Weeks => "week",
        Unit::Months => "month",
        Unit::Years => "year",
    };
    format!("{} {unit}{}", d.amount, if d.amount == 1 { "" } else { "s" })
}

/// One clock: `at most 30 days after closed`.
pub fn clock(c: &model::Clock) -> String {
    let mut s = String::new();
    if c.bound == model::Bound::AtMost {
        s.push_str("at most ");
    }
    s.push_str(&duration(c.duration));
    if let model::Anchor::Events(es) = &c.anchor {
        s.push_str(" after ");
        s.push_str(&es.join(" or "));
    }
    s
}

/// A retention rule in source syntax (`7 days`, `while s, then 2 months after e`, …).
pub fn rule(r: &Rule) -> String {
    match r {
        Rule::NotStored => "not stored".into(),
        Rule::Indefinite { .. } => "indefinitely".into(),
        Rule::Expires { while_state, clocks } => {
            if let [c] = clocks.as_slice() {
                if let (0, model::Anchor::Events(es)) = (c.duration.amount, &c.anchor) {
                    return format!("until {}", es.join(" or "));
                }
                return match while_state {
                    Some(s) => format!("while {s}, then {}", clock(c)),
                    None => clock(c),
                };
            }
            format!("earliest of ({})", clocks.iter().map(clock).collect::<Vec<_>>().join(", "))
        }
    }
}
