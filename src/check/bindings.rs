//! Bindings of a category to a store, and whether the store can enforce the retention rule.

use super::names::did_you_mean;
use super::{Checker, Kind, err};
use crate::capability;
use crate::diagnostics::Code;
use crate::model;
use crate::names;
use crate::syntax::ast::{self, Ident};
use std::collections::BTreeMap;

impl<'a> Checker<'a> {
    pub(super) fn binding(
        &mut self,
        b: &ast::Binding,
        what: &str,
        fields: &[model::Field],
        p: &model::Policy,
        retention: Option<&model::Retention>,
    ) -> Option<model::Binding> {
        if !self.resolve(Kind::Store, &b.store) {
            return None;
        }
        let store = p.store(&b.store.name)?;
        let kind = store.kind;
        use model::StoreKind as K;
        let caps = capability::of(kind);
        let expected = match caps.expiry {
            capability::Expiry::HoldsNothing => {
                self.push(
                    err(
                        Code::Mismatch,
                        b.store.span,
                        format!("store `{}` is a load balancer, which does not store data", b.store.name),
                    )
                    .label("cannot hold data")
                    .help("list it under `systems` instead"),
                );
                return None;
            }
            _ => caps.location.unwrap_or(""),
        };
        let location = match b.locations.as_slice() {
            [] => {
                self.push(
                    err(
                        Code::Missing,
                        b.span,
                        format!("the binding to `{}` does not say where the data is", b.store.name),
                    )
                    .label("no location")
                    .help(if expected.is_empty() {
                        "add `table NAME`, `collection NAME`, `keys \"pattern\"`, `topic NAME` or `bucket NAME`"
                            .to_string()
                    } else {
                        format!("add `{expected} …`")
                    }),
                );
                return None;
            }
            [(kw, value, prefix)] => {
                if !expected.is_empty() && kw.name != expected {
                    self.push(
                        err(
                            Code::Mismatch,
                            kw.span,
                            format!("a {} store holds `{expected}`s, not `{}`s", kind_word(kind), kw.name),
                        )
                        .label("wrong kind of location")
                        .help(format!("write `{expected} …`")),
                    );
                }
                match kw.name.as_str() {
                    "table" => {
                        if let Err(why) = names::check_sql_path(&value.value) {
                            self.push(
                                err(
                                    Code::BadIdentifier,
                                    value.span,
                                    format!("`{}` cannot be a SQL table name", value.value),
                                )
                                .label(why)
                                .help("write `table name` or `table schema.name`, each part at most 63 bytes"),
                            );
                        }
                        let (schema, name) = match value.value.split_once('.') {
                            Some((s, n)) => (Some(s.to_string()), n.to_string()),
                            None => (None, value.value.clone()),
                        };
                        model::Location::Table { schema, name }
                    }
                    "collection" => model::Location::Collection { name: value.value.clone() },
                    "keys" => {
                        if value.value.is_empty() || value.value.chars().any(|c| c.is_whitespace() || c.is_control()) {
                            self.push(
                                err(Code::BadValue, value.span, "a key pattern cannot be empty or contain spaces")
                                    .label("invalid pattern")
                                    .help("write a glob such as `\"app:log:*\"`"),
                            );
                        }
                        model::Location::Keys { pattern: value.value.clone() }
                    }
                    "topic" => {
                        if !value.value.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
                            || value.value.len() > 249
                        {
                            self.push(
                                err(Code::BadValue, value.span, format!("`{}` is not a valid topic name", value.value))
                                    .label("invalid topic")
                                    .help("Kafka topics are 1 to 249 letters, digits, `.`, `_` and `-`"),
                            );
                        }
                        model::Location::Topic { name: value.value.clone() }
                    }
                    _ => {
                        if !valid_bucket(&value.value) {
                            self.push(
                                err(
                                    Code::BadValue,
                                    value.span,
                                    format!("`{}` is not a valid bucket name", value.value),
                                )
                                .label("invalid bucket")
                                .help(
                                    "bucket names (S3 rules) are 3 to 63 lowercase letters, digits, `-` and `.`, \
                                     start and end with a letter or digit, have no `..` and are not an IP address",
                                ),
                            );
                        }
                        if let Some(pf) = prefix
                            && (pf.value.contains('<')
                                || pf.value.contains('&')
                                || pf.value.chars().any(char::is_control))
                        {
                            self.push(
                                err(
                                    Code::BadValue,
                                    pf.span,
                                    "an object-key prefix cannot contain `<`, `&` or control characters",
                                )
                                .label("invalid prefix")
                                .help("use a plain key prefix such as `\"logs/\"`"),
                            );
                        }
                        model::Location::Bucket {
                            name: value.value.clone(),
                            prefix: prefix.as_ref().map(|p| p.value.clone()),
                        }
                    }
                }
            }
            [_, (kw, _, _), ..] => {
                self.push(
                    err(Code::Duplicate, kw.span, "a binding names one place")
                        .label("second location")
                        .help("bind the category again with another `stored in` for another place"),
                );
                return None;
            }
        };

        let check_column = |cx: &mut Self, col: &Ident, role: &str| match fields.iter().find(|f| f.name == col.name) {
            Some(f) if matches!(f.ty, model::FieldType::Timestamp | model::FieldType::Date) => {}
            Some(_) => cx.push(
                err(
                    Code::Mismatch,
                    col.span,
                    format!("field `{}` holds the {role} but is not a `timestamp`", col.name),
                )
                .label("not a timestamp")
                .help("declare it `field NAME: timestamp`"),
            ),
            None => {
                let help = did_you_mean(&col.name, fields.iter().map(|f| f.name.as_str()))
                    .unwrap_or_else(|| format!("declare `field {}: timestamp {{ … internal }}` in {what}", col.name));
                cx.push(
                    err(Code::Undefined, col.span, format!("{what} has no field `{}`", col.name))
                        .label("not a field")
                        .help(help),
                );
            }
        };
        if let Some(col) = &b.collected_at {
            check_column(self, col, "collection time");
        }
        let mut events = BTreeMap::new();
        for (e, col) in &b.events {
            self.resolve(Kind::Event, e);
            check_column(self, col, &format!("time of `{}`", e.name));
            if events.insert(e.name.clone(), col.name.clone()).is_some() {
                self.push(
                    err(Code::Duplicate, e.span, format!("event `{}` is bound twice", e.name))
                        .label("repeated")
                        .help("one field holds the time of each event"),
                );
            }
        }
        if let Some(k) = &b.key
            && !fields.iter().any(|f| f.name == k.name)
        {
            self.push(
                err(Code::Undefined, k.span, format!("{what} has no field `{}`", k.name)).label("not a field").help(
                    did_you_mean(&k.name, fields.iter().map(|f| f.name.as_str()))
                        .unwrap_or_else(|| "the key must be one of the category's fields".into()),
                ),
            );
        }

        // What the rule needs from this store.
        let needs_collected = matches!(kind, K::Postgres | K::Mysql | K::Sqlite | K::Mongodb);
        let rule_events: Vec<String> = match retention.map(|r| &r.rule) {
            Some(model::Rule::Expires { clocks, .. }) => clocks
                .iter()
                .flat_map(|c| match &c.anchor {
                    model::Anchor::Events(es) => es.clone(),
                    model::Anchor::Collection => Vec::new(),
                })
                .collect(),
            _ => Vec::new(),
        };
        let uses_collection = match retention.map(|r| &r.rule) {
            Some(model::Rule::Expires { clocks, .. }) => clocks.iter().any(|c| c.anchor == model::Anchor::Collection),
            _ => false,
        };
        if needs_collected && uses_collection && b.collected_at.is_none() {
            self.push(
                err(
                    Code::Missing,
                    b.span,
                    format!("the binding to `{}` does not say which field holds the collection time", b.store.name),
                )
                .label("needs `collected at FIELD`")
                .help("the retention job measures age from that field"),
            );
        }
        if !rule_events.is_empty() {
            match kind {
                K::Kafka => self.push(
                    err(Code::Unenforceable, b.span, format!("a Kafka topic cannot enforce the event-based retention of {what}"))
                        .label("retention.ms counts from the write, not from an event")
                        .help("bind the category to a store that can hold the event's time (a table or collection), or give the topic data a fixed period"),
                ),
                K::ObjectStorage => self.push(
                    err(Code::Unenforceable, b.span, format!("an object-storage lifecycle rule cannot enforce the event-based retention of {what}"))
                        .label("lifecycle expiration counts from object creation")
                        .help("keep event-based data in a table or collection"),
                ),
                K::Postgres | K::Mysql | K::Sqlite | K::Mongodb => {
                    for e in &rule_events {
                        // An undefined event is reported where it is named.
                        let declared = self.declared.get(&Kind::Event).is_some_and(|t| t.contains_key(e));
                        if declared && !events.contains_key(e) {
                            self.push(
                                err(Code::Missing, b.span, format!("the binding to `{}` does not say which field holds the time of `{e}`", b.store.name))
                                    .label(format!("needs `event {e} at FIELD`"))
                                    .help("the retention job starts the grace period at that time; rows without it are kept"),
                            );
                        }
                    }
                }
                _ => {}
            }
        }
        Some(model::Binding {
            store: b.store.name.clone(),
            location,
            collected_at: b.collected_at.as_ref().map(|c| c.name.clone()),
            events,
            key: b.key.as_ref().map(|k| k.name.clone()),
        })
    }

    /// What the stores that expire data themselves (Redis, MongoDB, Kafka, object storage) can
    /// enforce of the rule, per [`capability::convert`]: a store may delete later
    /// than the rule only by the rule's tolerance, and an exact period never early.
    pub(super) fn ttl_store_checks(
        &mut self,
        b: &ast::Binding,
        m: &model::Binding,
        what: &str,
        fields: &[model::Field],
        p: &model::Policy,
        retention: Option<&model::Retention>,
    ) {
        use capability::{PURGE_AT, PerRecord, convert};
        use model::StoreKind as K;
        let (Some(store), Some(r)) = (p.store(&m.store), retention) else { return };
        let kind = store.kind;
        let caps = capability::of(kind);
        let ttl = match &caps.expiry {
            capability::Expiry::PurgeJob => {
                self.sql_schedule_check(b, store, what, p, r);
                return;
            }
            capability::Expiry::Ttl(ttl) => ttl,
            capability::Expiry::HoldsNothing | capability::Expiry::Unmanaged => return,
        };
        if !caps.anonymise
            && r.action == model::EndAction::Anonymise
            && !matches!(r.rule, model::Rule::Indefinite { .. })
        {
            self.push(
                err(
                    Code::Unenforceable,
                    b.span,
                    format!("a {} store deletes expired data; it cannot anonymise {what}", kind_word(kind)),
                )
                .label("expiry deletes the whole record")
                .help("anonymise in a table (the SQL job can), or drop `anonymise` if deletion is acceptable"),
            );
        }
        let event_based = convert::has_event_clock(r);
        match ttl.per_record {
            PerRecord::InstantField => {
                let has = fields.iter().any(|f| {
                    f.name == PURGE_AT && matches!(f.ty, model::FieldType::Timestamp | model::FieldType::Date)
                });
                if let Some(reason) = convert::per_record_reason(r, ttl.max_secs)
                    && !has
                {
                    let why = match reason {
                        convert::PerRecordReason::BeyondMaxTtl => "a period longer than `expireAfterSeconds` allows",
                        other => other.words(),
                    };
                    self.push(
                        err(
                            Code::Missing,
                            b.span,
                            format!("a MongoDB collection needs a `{PURGE_AT}` field to enforce {why} of {what}"),
                        )
                        .label(format!("TTL index on `{PURGE_AT}` with expireAfterSeconds 0"))
                        .help(format!(
                            "declare `field {PURGE_AT}: timestamp {{ … internal }}`; the application sets it to the \
                             record's end when it writes the record or when the event happens"
                        )),
                    );
                }
            }
            PerRecord::FixedOnly if !event_based => {
                let Some(w) = convert::window(r) else { return };
                let (res, engine, why) = if kind == K::Kafka {
                    (
                        convert::kafka(w).map(|_| ()),
                        "a Kafka topic",
                        "retention.ms + segment.ms (the active segment is never deleted) exceeds the rule",
                    )
                } else {
                    (
                        convert::ttl(w, ttl.unit_secs).map(|_| ()),
                        "an object-storage lifecycle rule",
                        "expiration counts whole days",
                    )
                };
                if let Err(e) = res {
                    let months = if w.lo != w.hi { " (calendar months vary in length)" } else { "" };
                    self.push(
                        err(
                            Code::Unenforceable,
                            b.span,
                            format!(
                                "{engine} cannot enforce the retention of {what} within its tolerance: it would delete up to {} late{months}",
                                convert::human(e.late_by)
                            ),
                        )
                        .label(why)
                        .help(format!(
                            "allow it with `retain … {{ tolerance {} }}`, or bind the data to a store that deletes exactly",
                            convert::tolerance_hint(e.tolerance)
                        )),
                    );
                }
            }
            _ => {}
        }
    }

    /// The same bound for SQL stores as for the stores that expire data themselves: a purge job
    /// deletes a record at its first run after the record's end, so the longest gap between
    /// runs is how late it may act. That may exceed the rule's tolerance by no more than a day,
    /// the default daily schedule every SQL store is expected to keep up with.
    pub(super) fn sql_schedule_check(
        &mut self,
        b: &ast::Binding,
        store: &model::Store,
        what: &str,
        p: &model::Policy,
        r: &model::Retention,
    ) {
        use capability::{DAY, convert};
        if matches!(r.rule, model::Rule::Indefinite { .. }) {
            return;
        }
        let cron = store.schedule.as_deref().unwrap_or(&p.schedule);
        let Ok(parsed) = crate::schedule::parse(cron) else { return };
        let late_by = parsed.longest_gap_secs().max(0) as u64;
        let allowed = convert::tolerance_secs(r).max(DAY);
        if late_by <= allowed {
            return;
        }
        self.push(
            err(
                Code::Unenforceable,
                b.span,
                format!(
                    "the purge job of `{}` (schedule `{cron}`) cannot enforce the retention of {what} within its \
                     tolerance: it would delete up to {} late",
                    store.name,
                    convert::human(late_by)
                ),
            )
            .label("runs are further apart than the rule allows")
            .help(format!(
                "run the purge more often (`schedule` on the store or in the header), or allow it with \
                 `retain … {{ tolerance {} }}`",
                convert::tolerance_hint(late_by)
            )),
        );
    }
}

pub(super) fn kind_word(kind: model::StoreKind) -> &'static str {
    model::StoreKind::ALL.iter().find(|(_, k)| *k == kind).map_or("", |(n, _)| n)
}

/// S3 bucket naming rules (COS names are a subset).
pub(super) fn valid_bucket(b: &str) -> bool {
    let is_ip =
        b.split('.').count() == 4 && b.split('.').all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()));
    (3..=63).contains(&b.len())
        && b.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-' || c == b'.')
        && b.starts_with(|c: char| c.is_ascii_alphanumeric())
        && b.ends_with(|c: char| c.is_ascii_alphanumeric())
        && !b.contains("..")
        && !b.contains(".-")
        && !b.contains("-.")
        && !is_ip
        && !["xn--", "sthree-", "amzn-s3-demo-"].iter().any(|p| b.starts_with(p))
        && !["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"].iter().any(|p| b.ends_with(p))
}
