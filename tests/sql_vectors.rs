//! The shared time vectors (`tests/vectors/time.json`) evaluated in each engine with the exact
//! expressions the generated jobs use, compared with `policyc::semantics::add`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test fails by panicking")]

mod common;

use policyc::backend::sql::DialectKind;
use policyc::backend::sql::dialect::split;
use policyc::live::{self, sql::Db};
use policyc::model::{Duration, Unit};
use policyc::semantics::{self, Instant, format_instant, parse_instant};

struct Vector {
    start: String,
    duration: Duration,
    expected: String,
}

fn vectors() -> Vec<Vector> {
    let text = include_str!("vectors/time.json");
    let v: serde_json::Value = serde_json::from_str(text).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| {
            let unit = match x["unit"].as_str().unwrap() {
                "hours" => Unit::Hours,
                "days" => Unit::Days,
                "weeks" => Unit::Weeks,
                "months" => Unit::Months,
                "years" => Unit::Years,
                u => panic!("unit {u}"),
            };
            Vector {
                start: x["start"].as_str().unwrap().to_string(),
                duration: Duration { amount: x["amount"].as_u64().unwrap() as u32, unit },
                expected: x["expected"].as_str().unwrap().to_string(),
            }
        })
        .collect()
}

fn input(d: DialectKind, iso: &str) -> String {
    let s = iso.replace('T', " ").replace('Z', "");
    match d {
        DialectKind::Postgres => format!("'{s}+00'::timestamptz"),
        DialectKind::Mysql => format!("CAST('{s}' AS DATETIME)"),
        DialectKind::Sqlite => format!("'{s}'"),
    }
}

/// Formats an instant as `YYYY-MM-DDTHH:MM:SSZ`.
fn iso(d: DialectKind, expr: &str) -> String {
    match d {
        DialectKind::Postgres => format!("to_char(({expr}) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"),
        DialectKind::Mysql => format!("DATE_FORMAT({expr}, '%Y-%m-%dT%H:%i:%sZ')"),
        DialectKind::Sqlite => format!("strftime('%Y-%m-%dT%H:%M:%SZ', {expr})"),
    }
}

fn run(db: &mut dyn Db) {
    let d = db.dialect();
    let syn = d.syntax();
    let vs = vectors();
    assert!(vs.len() >= 10);
    for v in &vs {
        let start = parse_instant(&v.start).unwrap();
        let rust = format_instant(semantics::add(start, v.duration));
        assert_eq!(rust, v.expected, "semantics::add for {} + {:?}", v.start, v.duration);
        let sql = match split(v.duration) {
            // Calendar units: the jobs compute `start + N months` per row.
            Err(months) => iso(d, &syn.add_months(&input(d, &v.start), months)),
            // Fixed units: the jobs compute `now - seconds`; check it maps expected back to start.
            Ok(secs) => iso(d, &syn.sub_seconds(&input(d, &v.expected), secs)),
        };
        let got = db.query_text(&format!("SELECT {sql}")).unwrap();
        let want = if split(v.duration).is_ok() { &v.start } else { &v.expected };
        assert_eq!(&got[0][0], want, "{}: {} + {:?}", d.name(), v.start, v.duration);
    }
}

/// Session time zones every engine is exercised under.
const ZONES: [&str; 5] = ["UTC", "Asia/Shanghai", "America/Los_Angeles", "Pacific/Kiritimati", "Etc/GMT+12"];

/// How a column of one type stores an instant (seconds, and microseconds past it).
struct Form {
    ty: &'static str,
    lit: fn(Instant, u32) -> String,
    /// Instants the type can hold.
    range: (Instant, Instant),
}

fn wall(t: Instant) -> String {
    format_instant(t).replace('T', " ").replace('Z', "")
}

fn frac(us: u32) -> String {
    if us == 0 { String::new() } else { format!(".{us:06}") }
}

fn forms(d: DialectKind) -> Vec<Form> {
    const ALL: (Instant, Instant) = (Instant::MIN, Instant::MAX);
    match d {
        DialectKind::Postgres => vec![
            Form { ty: "timestamptz", lit: |t, us| format!("'{}{}+00'", wall(t), frac(us)), range: ALL },
            // Without time zone, holding UTC.
            Form { ty: "timestamp", lit: |t, us| format!("'{}{}'", wall(t), frac(us)), range: ALL },
        ],
        DialectKind::Mysql => vec![
            Form {
                ty: "DATETIME(6)",
                lit: |t, us| format!("'{}{}'", wall(t), frac(us)),
                range: (-30_610_224_000, ALL.1),
            },
            // Stored as an instant; FROM_UNIXTIME gives it in the session's zone, as the column reads it.
            Form {
                ty: "TIMESTAMP(6) NULL",
                lit: |t, us| format!("FROM_UNIXTIME({t}.{us:06})"),
                range: (1, 2_147_483_647),
            },
        ],
        DialectKind::Sqlite => vec![
            Form { ty: "TEXT", lit: |t, us| format!("'{}{}'", wall(t), frac(us)), range: ALL },
            Form {
                ty: "TEXT",
                lit: |t, us| format!("'{}{}Z'", format_instant(t).trim_end_matches('Z'), frac(us)),
                range: ALL,
            },
            // The same instant written in UTC+08:00.
            Form {
                ty: "TEXT",
                lit: |t, us| format!("'{}{}+08:00'", format_instant(t + 8 * 3_600).trim_end_matches('Z'), frac(us)),
                range: ALL,
            },
            Form { ty: "INTEGER", lit: |t, _| t.to_string(), range: ALL },
        ],
    }
}

fn now_lit(d: DialectKind, t: Instant) -> String {
    match d {
        DialectKind::Postgres => format!("'{}+00'::timestamptz", wall(t)),
        DialectKind::Mysql => format!("CAST('{}' AS DATETIME(6))", wall(t)),
        DialectKind::Sqlite => format!("'{}'", wall(t)),
    }
}

fn set_zone(db: &mut dyn Db, zone: &str) {
    match db.dialect() {
        DialectKind::Postgres => db.exec(&format!("SET TIME ZONE '{zone}'")).unwrap(),
        // Named zones need MariaDB's zone tables (`.ci/run` loads them).
        DialectKind::Mysql => db.exec(&format!("SET time_zone = '{zone}'")).unwrap(),
        DialectKind::Sqlite => {}
    }
}

/// The exact condition a job tests, on a column of every supported type, in every session time
/// zone: a row is due at its expiry instant and not a second (or microsecond) before.
fn run_due(db: &mut dyn Db, zones: &[&str]) {
    let d = db.dialect();
    let syn = d.syntax();
    let vs = vectors();
    for zone in zones {
        for (fi, form) in forms(d).iter().enumerate() {
            set_zone(db, zone);
            let table = format!("policyc_vec_{}", d.name());
            db.exec(&format!("DROP TABLE IF EXISTS {table}")).unwrap();
            db.exec(&format!("CREATE TABLE {table} (id INTEGER PRIMARY KEY, v {})", form.ty)).unwrap();
            // Per vector: the start itself and, where the form holds fractions, 0.25 s past it.
            let mut cases = Vec::new();
            for (i, v) in vs.iter().enumerate() {
                let start = parse_instant(&v.start).unwrap();
                let end = parse_instant(&v.expected).unwrap();
                if start < form.range.0 || end > form.range.1 || start > form.range.1 {
                    continue;
                }
                let fractional = form.ty != "INTEGER";
                for us in if fractional { vec![0, 250_000] } else { vec![0] } {
                    let id = i as i64 * 2 + i64::from(us > 0);
                    db.exec(&format!("INSERT INTO {table} (id, v) VALUES ({id}, {})", (form.lit)(start, us))).unwrap();
                    // Due from `first` on: the expiry, or the next whole second past it.
                    cases.push((id, v.duration, end + i64::from(us > 0), &v.start));
                }
            }
            // MariaDB reads TIMESTAMP in the session zone: jobs and the runner pin it to UTC.
            if let Some(pin) = syn.pin_session() {
                db.exec(pin).unwrap();
            }
            let col = format!("{table}.v");
            for (id, duration, first, start) in cases {
                for (now, want) in [(first, 1), (first - 1, 0), (first + 3_600, 1)] {
                    let pred = policyc::backend::sql::due(syn, &col, duration, &now_lit(d, now));
                    let n = db
                        .query_i64(&format!("SELECT COUNT(*) FROM {table} WHERE id = {id} AND {pred}"))
                        .unwrap()
                        .unwrap_or(0);
                    assert_eq!(
                        n,
                        want,
                        "{}: {} {start} (+{}us) + {duration:?} due at {}? zone {zone}",
                        d.name(),
                        form.ty,
                        if id % 2 == 1 { 250_000 } else { 0 },
                        format_instant(now),
                    );
                }
            }
            let _ = fi;
            db.exec(&format!("DROP TABLE {table}")).unwrap();
        }
    }
}

#[test]
fn sqlite_vectors() {
    let mut db = live::sql::connect("sqlite://:memory:").unwrap();
    run(db.as_mut());
    run_due(db.as_mut(), &["UTC"]);
}

#[test]
#[cfg_attr(not(policyc_test_postgres), ignore = "needs POLICYC_TEST_POSTGRES_URL")]
fn postgres_vectors() {
    let url = common::service_url("POLICYC_TEST_POSTGRES_URL");
    let mut db = live::sql::connect(&url).unwrap();
    run(db.as_mut());
    run_due(db.as_mut(), &ZONES);
}

#[test]
#[cfg_attr(not(policyc_test_mysql), ignore = "needs POLICYC_TEST_MYSQL_URL")]
fn mysql_vectors() {
    let url = common::service_url("POLICYC_TEST_MYSQL_URL");
    let mut db = live::sql::connect(&url).unwrap();
    run(db.as_mut());
    run_due(db.as_mut(), &ZONES);
}
