//! The shared time vectors (`tests/vectors/time.json`) evaluated in each engine with the exact
//! expressions the generated jobs use, compared with `policyc::semantics::add`.

mod common;

use policyc::backend::sql::DialectKind;
use policyc::backend::sql::dialect::split;
use policyc::model::{Duration, Unit};
use policyc::runner::{self, Db};
use policyc::semantics::{self, format_instant, parse_instant};

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

/// Formats a value as `YYYY-MM-DDTHH:MM:SSZ`; `naive` for PostgreSQL's UTC wall-clock results.
fn iso(d: DialectKind, expr: &str, naive: bool) -> String {
    match d {
        DialectKind::Postgres if naive => format!("to_char({expr}, 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"),
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
            Err(months) => iso(d, &syn.add_months(&input(d, &v.start), months), true),
            // Fixed units: the jobs compute `now - seconds`; check it maps expected back to start.
            Ok(secs) => iso(d, &syn.sub_seconds(&input(d, &v.expected), secs), false),
        };
        let got = db.query_text(&format!("SELECT {sql}")).unwrap();
        let want = if split(v.duration).is_ok() { &v.start } else { &v.expected };
        assert_eq!(&got[0][0], want, "{}: {} + {:?}", d.name(), v.start, v.duration);
    }
}

#[test]
fn sqlite_vectors() {
    let mut db = runner::connect("sqlite://:memory:").unwrap();
    run(db.as_mut());
}

#[test]
fn postgres_vectors() {
    let Some(url) = common::service_url("POLICYC_TEST_POSTGRES_URL") else { return };
    run(runner::connect(&url).unwrap().as_mut());
}

#[test]
fn mysql_vectors() {
    let Some(url) = common::service_url("POLICYC_TEST_MYSQL_URL") else { return };
    run(runner::connect(&url).unwrap().as_mut());
}
