//! Retention jobs under every session time zone and column type each engine supports, with
//! values the job cannot use among the rows: `policyc purge` deletes exactly the rows due at
//! its run, skips (and `verify` counts) the unusable ones, and `verify` reports as overdue only
//! rows past their expiry plus the tolerance and the schedule's longest gap.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test fails by panicking")]

mod common;

use policyc::backend::sql::{self, DialectKind, Plan};
use policyc::live::{
    self,
    sql::{Db, Finding},
};
use policyc::model::Policy;
use policyc::semantics::{self, Instant, format_instant};
use std::collections::BTreeSet;

const TEMPLATE: &str = include_str!("sql/retention.policy.in");
const ZONES: [&str; 5] = ["UTC", "Asia/Shanghai", "America/Los_Angeles", "Pacific/Kiritimati", "Etc/GMT+12"];

fn policy(prefix: &str) -> Policy {
    let c = policyc::compile_str("retention.policy", &TEMPLATE.replace("PFX", prefix));
    let Some(p) = c.policy.clone() else { panic!("test policy has errors:\n{}", c.render(false)) };
    p
}

fn wall(t: Instant) -> String {
    format_instant(t).replace('T', " ").replace('Z', "")
}

/// A column type and how a value of it is written: an instant, or the type's unusable values.
struct Form {
    ty: &'static str,
    lit: fn(Instant) -> String,
    unusable: &'static [&'static str],
}

fn forms(d: DialectKind) -> Vec<Form> {
    match d {
        DialectKind::Postgres => vec![
            Form { ty: "timestamptz", lit: |t| format!("'{}+00'", wall(t)), unusable: &["'-infinity'", "'infinity'"] },
            Form { ty: "timestamp", lit: |t| format!("'{}'", wall(t)), unusable: &["'-infinity'", "'infinity'"] },
        ],
        DialectKind::Mysql => vec![
            Form { ty: "DATETIME(6)", lit: |t| format!("'{}'", wall(t)), unusable: &["'0000-00-00 00:00:00'"] },
            Form {
                ty: "TIMESTAMP(6) NULL",
                lit: |t| format!("FROM_UNIXTIME({t})"),
                unusable: &["'0000-00-00 00:00:00'"],
            },
        ],
        DialectKind::Sqlite => vec![
            Form { ty: "TEXT", lit: |t| format!("'{}'", wall(t)), unusable: &["'soon'", "2460000.5"] },
            // RFC 3339, as the generated Rust `Timestamp` displays (its serde form is the integer).
            Form { ty: "TEXT", lit: |t| format!("'{}'", format_instant(t)), unusable: &["'soon'"] },
            Form {
                ty: "TEXT",
                lit: |t| format!("'{}.5+08:00'", format_instant(t + 8 * 3_600).trim_end_matches('Z')),
                unusable: &["'2024-13-45'"],
            },
            Form { ty: "INTEGER", lit: |t| t.to_string(), unusable: &["1500000000.25"] },
        ],
    }
}

/// Sets the session's time zone; "" leaves the server's default.
fn set_zone(db: &mut dyn Db, zone: &str) {
    match db.dialect() {
        _ if zone.is_empty() => {}
        DialectKind::Postgres => db.exec(&format!("SET TIME ZONE '{zone}'")).unwrap(),
        // Named zones need MariaDB's zone tables (`.ci/run` loads them).
        DialectKind::Mysql => db.exec(&format!("SET time_zone = '{zone}'")).unwrap(),
        DialectKind::Sqlite => {}
    }
}

fn ids(db: &mut dyn Db, table: &str) -> BTreeSet<i64> {
    db.query_text(&format!("SELECT id FROM {table}")).unwrap().iter().map(|r| r[0].parse().unwrap()).collect()
}

/// Creates the policy's tables with time columns of type `ty`; fills `days` and `months` with
/// rows whose expiry lies within a day either side of `now` (none within 90 s of it, so a run
/// started just after `now` has one right answer) and the unusable values. Returns per table
/// the ids that must stay.
fn fill(db: &mut dyn Db, p: &Policy, prefix: &str, form: &Form, now: Instant) -> Vec<(String, BTreeSet<i64>)> {
    let ty = form.ty;
    let mut out = Vec::new();
    for t in ["days", "months", "forever", "events", "early"] {
        let table = format!("{prefix}_{t}");
        db.exec(&format!("DROP TABLE IF EXISTS {table}")).unwrap();
        db.exec(&format!(
            "CREATE TABLE {table} (id BIGINT PRIMARY KEY, at {ty} NOT NULL, stopped_at {ty}, closed_at {ty})"
        ))
        .unwrap();
        db.exec(&format!("CREATE INDEX {table}_at_i ON {table} (at)")).unwrap();
        if t != "days" && t != "months" {
            continue;
        }
        let c = p.categories.iter().find(|c| c.name == table).unwrap();
        let policyc::model::Rule::Expires { clocks, .. } = &c.retention.rule else { panic!() };
        let period = clocks[0].duration;
        // The start whose expiry is `now`, then starts around it.
        let mut start = now - (semantics::add(now, period) - now);
        while semantics::add(start, period) < now {
            start += 1;
        }
        let mut keep = BTreeSet::new();
        let mut values = Vec::new();
        for (i, delta) in
            [-86_000i64, -50_400, -28_800, -7_200, -90, 90, 7_200, 28_800, 50_400, 86_000].iter().enumerate()
        {
            let at = start + delta;
            let id = i as i64 + 1;
            if semantics::add(at, period) > now {
                keep.insert(id);
            }
            values.push(format!("({id}, {})", (form.lit)(at)));
        }
        for (i, v) in form.unusable.iter().enumerate() {
            let id = 100 + i as i64;
            keep.insert(id);
            values.push(format!("({id}, {v})"));
        }
        db.exec(&format!("INSERT INTO {table} (id, at) VALUES {}", values.join(", "))).unwrap();
        out.push((table, keep));
    }
    out
}

fn finding<'a>(fs: &'a [Finding], category: &str, check: &str) -> &'a Finding {
    fs.iter().find(|f| f.category == category && f.check == check).unwrap_or_else(|| panic!("{check}: {fs:?}"))
}

/// Purge and verify of every column type in every session time zone.
fn exercise(db: &mut dyn Db, prefix: &str, zones: &[&str]) {
    let d = db.dialect();
    let p = policy(prefix);
    let plan: Plan = sql::plan(&p, d).unwrap();
    for form in forms(d) {
        for zone in zones {
            set_zone(db, zone);
            let now = db.query_i64(&format!("SELECT {}", d.syntax().epoch(d.syntax().now_expr()))).unwrap().unwrap();
            let want = fill(db, &p, prefix, &form, now);
            live::sql::install(db, &plan, false).unwrap();
            db.exec("DELETE FROM policyc_legal_hold").unwrap();
            set_zone(db, zone);
            let reports = live::sql::purge(db, &plan, 3, false, &mut |_, _| {}).unwrap();
            assert!(reports.iter().all(|r| r.error.is_none()), "{} {zone}: {reports:?}", form.ty);
            for (table, keep) in &want {
                assert_eq!(&ids(db, table), keep, "{}: {} in session zone {zone}", d.name(), form.ty);
            }
            set_zone(db, zone);
            let fs = live::sql::verify(db, &plan).unwrap();
            for (table, _) in &want {
                let f = finding(&fs, table, "unusable times");
                assert!(!f.ok && f.detail.starts_with(&format!("{} rows", form.unusable.len())), "{f:?}");
                assert!(finding(&fs, table, "overdue rows").ok, "{fs:?}");
                assert!(finding(&fs, table, "columns").ok, "{fs:?}");
            }
        }
    }
    // verify: a row due a minute ago is no finding (the next run takes it); one due longer
    // ago than the schedule's longest gap (a day) is, saying by how much.
    let form = &forms(d)[0];
    let now = db.query_i64(&format!("SELECT {}", d.syntax().epoch(d.syntax().now_expr()))).unwrap().unwrap();
    fill(db, &p, prefix, form, now);
    let table = format!("{prefix}_days");
    db.exec(&format!("DELETE FROM {table}")).unwrap();
    let week = 7 * 86_400;
    db.exec(&format!("INSERT INTO {table} (id, at) VALUES (1, {})", (form.lit)(now - week - 60))).unwrap();
    let fs = live::sql::verify(db, &plan).unwrap();
    assert!(finding(&fs, &table, "overdue rows").ok, "{fs:?}");
    db.exec(&format!("INSERT INTO {table} (id, at) VALUES (2, {})", (form.lit)(now - week - 86_400 - 3_600))).unwrap();
    let fs = live::sql::verify(db, &plan).unwrap();
    let f = finding(&fs, &table, "overdue rows");
    assert!(!f.ok && f.detail.starts_with("1 rows past expiry + 86400 s"), "{f:?}");
    let by: i64 = f.detail.split("the oldest is ").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
    assert!((86_400 + 3_600..86_400 + 3_700).contains(&by), "{f:?}");
    // A time column of a type that holds no instant is refused.
    if d != DialectKind::Sqlite {
        db.exec(&format!("DROP TABLE {table}")).unwrap();
        db.exec(&format!("CREATE TABLE {table} (id BIGINT PRIMARY KEY, at TEXT NOT NULL)")).unwrap();
        let fs = live::sql::verify(db, &plan).unwrap();
        let f = finding(&fs, &table, "columns");
        assert!(!f.ok && f.detail.contains("`at` has type `text`"), "{f:?}");
    }
    for t in ["days", "months", "forever", "events", "early"] {
        let _ = db.exec(&format!("DROP TABLE IF EXISTS {prefix}_{t}"));
    }
}

#[test]
fn sqlite_time() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = live::sql::connect(&format!("sqlite://{}", dir.path().join("t.db").display())).unwrap();
    exercise(db.as_mut(), "sqltime_lite", &["UTC"]);
}

#[test]
#[cfg_attr(not(policyc_test_postgres), ignore = "needs POLICYC_TEST_POSTGRES_URL")]
fn postgres_time() {
    let url = common::service_url("POLICYC_TEST_POSTGRES_URL");
    let mut db = live::sql::connect(&url).unwrap();
    exercise(db.as_mut(), "sqltime_pg", &ZONES);
    // The server-level setting: a database's default zone, seen by new sessions. It is set on a
    // scratch database made for this test, so the shared one is never altered.
    let scratch = format!("policyc_sqltime_{}", std::process::id());
    db.exec(&format!("DROP DATABASE IF EXISTS \"{scratch}\"")).unwrap();
    db.exec(&format!("CREATE DATABASE \"{scratch}\"")).unwrap();
    let (base, query) = url.split_once('?').map_or((url.as_str(), None), |(b, q)| (b, Some(q)));
    let scratch_url = format!(
        "{}/{scratch}{}",
        base.rsplit_once('/').map_or(base, |(head, _)| head),
        query.map_or_else(String::new, |q| format!("?{q}"))
    );
    for zone in ["Asia/Shanghai", "America/Los_Angeles"] {
        db.exec(&format!("ALTER DATABASE \"{scratch}\" SET timezone = '{zone}'")).unwrap();
        let mut fresh = live::sql::connect(&scratch_url).unwrap();
        assert_eq!(fresh.query_text("SHOW TimeZone").unwrap()[0][0], zone);
        exercise(fresh.as_mut(), "sqltime_pg", &[""]);
    }
    db.exec(&format!("DROP DATABASE \"{scratch}\" WITH (FORCE)")).unwrap();
}

#[test]
#[cfg_attr(not(policyc_test_mysql), ignore = "needs POLICYC_TEST_MYSQL_URL")]
fn mysql_time() {
    let url = common::service_url("POLICYC_TEST_MYSQL_URL");
    let mut db = live::sql::connect(&url).unwrap();
    exercise(db.as_mut(), "sqltime_my", &ZONES);
}
