//! Retention jobs against real engines: SQLite always, PostgreSQL and MariaDB when their URLs
//! are set (see `tests/common`). Each run uses its own tables, job names and hold rows.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test fails by panicking")]

mod common;

use policyc::backend::sql::{self, DialectKind, Plan};
use policyc::live::{self, sql::Db};
use policyc::model::Policy;
use policyc::semantics::{self, Instant, format_instant, parse_instant};
use std::collections::{BTreeMap, BTreeSet};

const TEMPLATE: &str = include_str!("sql/retention.policy.in");

fn policy(prefix: &str) -> Policy {
    let c = policyc::compile_str("retention.policy", &TEMPLATE.replace("PFX", prefix));
    let Some(p) = c.policy.clone() else { panic!("test policy has errors:\n{}", c.render(false)) };
    p
}

/// One test row.
#[derive(Debug, Clone)]
struct Row {
    id: i64,
    at: Instant,
    stop: Option<Instant>,
    close: Option<Instant>,
}

fn lit(d: DialectKind, t: Instant) -> String {
    let s = format_instant(t).replace('T', " ").replace('Z', "");
    match d {
        DialectKind::Postgres => format!("'{s}+00'::timestamptz"),
        DialectKind::Mysql => format!("CAST('{s}' AS DATETIME(6))"),
        DialectKind::Sqlite => format!("'{s}'"),
    }
}

fn opt_lit(d: DialectKind, t: Option<Instant>) -> String {
    t.map_or_else(|| "NULL".into(), |t| lit(d, t))
}

fn ts_type(d: DialectKind) -> &'static str {
    match d {
        DialectKind::Postgres => "timestamptz",
        DialectKind::Mysql => "DATETIME(6)",
        DialectKind::Sqlite => "TEXT",
    }
}

/// Test rows: around the boundary relative to `now`, around month ends, with and without
/// events. Ids are unique per table.
fn rows(now: Instant, with_events: bool) -> Vec<Row> {
    let day = 86_400;
    let mut starts: Vec<Instant> = Vec::new();
    for offset in [7 * day, 3 * day, 365 * day, 60 * day, 31 * day, 30 * day, 28 * day] {
        for delta in [-120, -1, 0, 1, 120, 3_600] {
            starts.push(now - offset + delta);
        }
    }
    // Month boundaries near the run: instants whose 1- or 2-month expiry is near `now`.
    for m in [1, 2, 12] {
        let base = semantics::add_months(now, -m);
        for delta in [-3 * day, -2 * day, -day, -60, 0, 60, day, 2 * day, 3 * day] {
            starts.push(base + delta);
        }
    }
    // Month ends and leap days, far and near.
    for s in [
        "2024-01-31T10:00:00Z",
        "2024-02-29T23:59:59Z",
        "2024-03-31T00:00:00Z",
        "2024-12-31T23:59:59Z",
        "2025-01-31T12:00:00Z",
        "2025-02-28T12:00:00Z",
    ] {
        starts.push(parse_instant(s).unwrap_or(0));
    }
    let mut out = Vec::new();
    let mut id = 0;
    for (i, s) in starts.iter().enumerate() {
        id += 1;
        if !with_events {
            out.push(Row { id, at: *s, stop: None, close: None });
            continue;
        }
        // Rows without events, with one, with both (earliest counts).
        let other = *s + (i as i64 % 5 - 2) * day;
        out.push(Row { id, at: now - 400 * day, stop: None, close: None });
        id += 1;
        out.push(Row { id, at: now - 10 * day, stop: Some(*s), close: None });
        id += 1;
        out.push(Row { id, at: now - 10 * day, stop: None, close: Some(*s) });
        id += 1;
        out.push(Row { id, at: now - 10 * day, stop: Some(other), close: Some(*s) });
    }
    out
}

/// Per table: the rows and whether the table has event columns.
fn fixture(prefix: &str, now: Instant) -> BTreeMap<String, Vec<Row>> {
    let mut m = BTreeMap::new();
    for t in ["days", "months", "forever"] {
        m.insert(format!("{prefix}_{t}"), rows(now, false));
    }
    for t in ["events", "early"] {
        m.insert(format!("{prefix}_{t}"), rows(now, true));
    }
    m
}

fn has_events(table: &str) -> bool {
    table.ends_with("_events") || table.ends_with("_early")
}

fn create(db: &mut dyn Db, d: DialectKind, data: &BTreeMap<String, Vec<Row>>) {
    let ty = ts_type(d);
    for (t, rows) in data {
        db.exec(&format!("DROP TABLE IF EXISTS {t}")).unwrap();
        let ev = if has_events(t) { format!(", stopped_at {ty} NULL, closed_at {ty} NULL") } else { String::new() };
        db.exec(&format!("CREATE TABLE {t} (id BIGINT PRIMARY KEY, at {ty} NOT NULL{ev})")).unwrap();
        for chunk in rows.chunks(200) {
            let values: Vec<String> = chunk
                .iter()
                .map(|r| {
                    if has_events(t) {
                        format!("({}, {}, {}, {})", r.id, lit(d, r.at), opt_lit(d, r.stop), opt_lit(d, r.close))
                    } else {
                        format!("({}, {})", r.id, lit(d, r.at))
                    }
                })
                .collect();
            let cols = if has_events(t) { "id, at, stopped_at, closed_at" } else { "id, at" };
            db.exec(&format!("INSERT INTO {t} ({cols}) VALUES {}", values.join(", "))).unwrap();
        }
    }
}

/// The category's rule from the policy, evaluated by the one definition of time semantics.
fn expiry(p: &Policy, table: &str, r: &Row) -> Option<Instant> {
    let c = p.categories.iter().find(|c| c.name == table).unwrap();
    semantics::expiry(&c.retention.rule, r.at, &|e| match e {
        "stop" => r.stop,
        "close" => r.close,
        _ => None,
    })
}

fn ids(db: &mut dyn Db, table: &str) -> BTreeSet<i64> {
    db.query_text(&format!("SELECT id FROM {table}")).unwrap().iter().map(|r| r[0].parse().unwrap()).collect()
}

fn held(table: &str, rows: &[Row]) -> BTreeSet<i64> {
    // Every seventh row is under legal hold, whatever its age.
    let _ = table;
    rows.iter().filter(|r| r.id % 7 == 3).map(|r| r.id).collect()
}

/// Places the fixture's legal holds and clears earlier runs from the audit.
fn hold_and_forget_runs(db: &mut dyn Db, plan: &Plan, data: &BTreeMap<String, Vec<Row>>) {
    for (t, rows) in data {
        db.exec(&format!("DELETE FROM policyc_legal_hold WHERE table_name = '{t}'")).unwrap();
        for id in held(t, rows) {
            db.exec(&format!("INSERT INTO policyc_legal_hold (table_name, row_key) VALUES ('{t}', '{id}')")).unwrap();
        }
    }
    for job in &plan.jobs {
        db.exec(&format!("DELETE FROM policyc_retention_audit WHERE job = '{}'", job.name)).unwrap();
    }
}

fn now_literal(d: DialectKind, t: Instant) -> String {
    lit(d, t)
}

/// The job predicate over a fixed "now" matches exactly the rows the semantics expire.
fn check_predicates_at(db: &mut dyn Db, plan: &Plan, p: &Policy, data: &BTreeMap<String, Vec<Row>>, now: Instant) {
    let d = plan.syntax();
    for job in &plan.jobs {
        let pred = job.pred.replace(d.now_var(), &now_literal(plan.dialect, now));
        let got: BTreeSet<i64> = db
            .query_text(&format!("SELECT {}.id FROM {} WHERE {pred}", d.row(&job.table), job.from))
            .unwrap()
            .iter()
            .map(|r| r[0].parse().unwrap())
            .collect();
        let rows = &data[&job.table_name];
        let hold = held(&job.table_name, rows);
        let want: BTreeSet<i64> = rows
            .iter()
            .filter(|r| expiry(p, &job.table_name, r).is_some_and(|e| e <= now) && !hold.contains(&r.id))
            .map(|r| r.id)
            .collect();
        assert_eq!(got, want, "{} at {}", job.table_name, format_instant(now));
    }
}

fn exercise(db: &mut dyn Db, prefix: &str) {
    let d = db.dialect();
    let p = policy(prefix);
    let plan = sql::plan(&p, d).unwrap();
    assert_eq!(plan.jobs.len(), 4, "indefinite retention has no job");
    let now = db.query_i64(&format!("SELECT {}", plan.syntax().epoch(plan.syntax().now_expr()))).unwrap().unwrap();
    let data = fixture(prefix, now);
    create(db, d, &data);
    live::sql::install(db, &plan, false).unwrap();
    // Idempotent: installing twice is fine.
    live::sql::install(db, &plan, false).unwrap();
    hold_and_forget_runs(db, &plan, &data);

    // Month ends, leap days and year ends as "now": the predicate equals the semantics.
    for s in ["2024-02-29T10:00:00Z", "2024-03-31T09:59:59Z", "2025-02-28T10:00:00Z", "2024-12-31T23:59:59Z"] {
        check_predicates_at(db, &plan, &p, &data, parse_instant(s).unwrap());
    }
    check_predicates_at(db, &plan, &p, &data, now + 30);

    // Interrupted run: a row that fails to delete stops the job after some batches.
    let victim_table = format!("{prefix}_days");
    let victim = data[&victim_table]
        .iter()
        .filter(|r| {
            expiry(&p, &victim_table, r).is_some_and(|e| e <= now - 600)
                && !held(&victim_table, &data[&victim_table]).contains(&r.id)
        })
        .max_by_key(|r| r.at)
        .unwrap()
        .id;
    inject_failure(db, d, &victim_table, victim, true);
    let before = ids(db, &victim_table);
    let res = live::sql::purge(db, &plan, 1, false, &mut |_, _| {}).unwrap();
    let failed = res.iter().find(|r| r.table == victim_table).unwrap();
    assert!(failed.error.is_some(), "the injected failure surfaces");
    if d == DialectKind::Mysql {
        db.exec("ROLLBACK").unwrap();
    }
    let after = ids(db, &victim_table);
    assert!(after.len() < before.len(), "earlier batches were committed");
    assert!(after.contains(&victim));
    inject_failure(db, d, &victim_table, victim, false);

    // Full run, then a re-run that finds nothing more.
    let reports = live::sql::purge(db, &plan, 7, false, &mut |_, _| {}).unwrap();
    for r in &reports {
        assert!(r.error.is_none(), "{r:?}");
    }
    for job in &plan.jobs {
        let cutoff = db
            .query_i64(&format!(
                "SELECT {} FROM policyc_retention_audit WHERE job = '{}' AND outcome = 'ok' ORDER BY id DESC LIMIT 1",
                plan.syntax().epoch("cutoff"),
                job.name
            ))
            .unwrap()
            .unwrap();
        // SQLite records the retention boundary of a one-column fixed-length rule (the latest
        // time whose rows went), the procedures the run's captured now.
        let boundary = d == DialectKind::Sqlite && plan.cutoff(job, now) != now;
        if boundary {
            assert!(cutoff >= plan.cutoff(job, now) && cutoff < plan.cutoff(job, now + 600), "{}", job.name);
        } else {
            assert!(cutoff >= now && cutoff < now + 600, "{}", job.name);
        }
        let rows = &data[&job.table_name];
        let hold = held(&job.table_name, rows);
        let want: BTreeSet<i64> = rows
            .iter()
            .filter(|r| {
                (if boundary { r.at > cutoff } else { expiry(&p, &job.table_name, r).is_none_or(|e| e > cutoff) })
                    || hold.contains(&r.id)
            })
            .map(|r| r.id)
            .collect();
        assert_eq!(ids(db, &job.table_name), want, "{} after purge", job.table_name);
        assert!(want.len() < rows.len(), "{}: the fixture expires something", job.table_name);
        // Progress is committed with each batch, so the audit adds up across the interrupted
        // run and the one that finished it.
        let deleted: i64 = db
            .query_text(&format!("SELECT SUM(rows_deleted) FROM policyc_retention_audit WHERE job = '{}'", job.name))
            .unwrap()[0][0]
            .parse()
            .unwrap();
        assert_eq!(deleted as usize, rows.len() - want.len(), "{} audit", job.table_name);
    }
    let running = db
        .query_i64(&format!(
            "SELECT COUNT(*) FROM policyc_retention_audit WHERE outcome = 'running' AND policy = '{prefix}_policy'"
        ))
        .unwrap();
    assert_eq!(running, Some(0), "no run is left recorded as running");
    let ended = db
        .query_text(&format!(
            "SELECT outcome FROM policyc_retention_audit WHERE outcome IN ('failed', 'interrupted') AND policy = '{prefix}_policy'"
        ))
        .unwrap();
    assert_eq!(ended, vec![vec!["failed".to_string()]], "the failed run is closed as failed");
    let detail = db
        .query_text(&format!(
            "SELECT detail FROM policyc_retention_audit WHERE outcome = 'failed' AND policy = '{prefix}_policy'"
        ))
        .unwrap();
    assert!(detail[0][0].contains("injected"), "the audit keeps the error: {detail:?}");
    assert_eq!(ids(db, &format!("{prefix}_forever")).len(), data[&format!("{prefix}_forever")].len());
    // Rows kept at the boundary expire while the test runs; they were checked above and go now,
    // so the re-run and `verify` below see none due.
    for job in &plan.jobs {
        let soon: Vec<String> = data[&job.table_name]
            .iter()
            .filter(|r| expiry(&p, &job.table_name, r).is_some_and(|e| e <= now + 600))
            .map(|r| r.id.to_string())
            .collect();
        if !soon.is_empty() {
            db.exec(&format!("DELETE FROM {} WHERE id IN ({})", job.table, soon.join(", "))).unwrap();
        }
    }
    let again = live::sql::purge(db, &plan, 7, false, &mut |_, _| {}).unwrap();
    assert!(again.iter().all(|r| r.rows == 0 && r.error.is_none()), "{again:?}");
    let dry = live::sql::purge(db, &plan, 7, true, &mut |_, _| {}).unwrap();
    assert!(dry.iter().all(|r| r.rows == 0 && r.oldest_surviving.is_some()), "{dry:?}");

    // verify: columns, indexes, last run and no overdue rows.
    let findings = live::sql::verify(db, &plan).unwrap();
    for f in &findings {
        if f.check != "schedule" {
            assert!(f.ok, "{f:?}");
        }
    }
    // An overdue row is a finding.
    db.exec(&format!("INSERT INTO {victim_table} (id, at) VALUES (999999, {})", lit(d, now - 30 * 86_400))).unwrap();
    let findings = live::sql::verify(db, &plan).unwrap();
    assert!(findings.iter().any(|f| f.check == "overdue rows" && !f.ok && f.category == victim_table));
}

/// The slice walk on awkward data: a burst of rows sharing one instant (more than a batch),
/// years-long gaps, a dense day, rows either side of the boundary and held rows among them.
/// Every expired, unheld row goes; the rest stays; the audit records the batches.
fn slices(db: &mut dyn Db, prefix: &str) {
    let d = db.dialect();
    let p = policy(prefix);
    let plan = sql::plan(&p, d).unwrap();
    let now = db.query_i64(&format!("SELECT {}", plan.syntax().epoch(plan.syntax().now_expr()))).unwrap().unwrap();
    let day = 86_400;
    let mut starts: Vec<Instant> = vec![now - 30 * day; 25];
    starts.extend((0..40).map(|i| now - 3 * 365 * day + i * 10 * day));
    starts.extend((0..30).map(|i| now - 20 * day + i * 97));
    starts.extend([now - 7 * day - 1, now - 7 * day, now - 7 * day + 1, now - 5000 * day, now - day]);
    starts.extend((0..10).map(|i| now - 35 * day + i));
    let rows: Vec<Row> =
        starts.iter().enumerate().map(|(i, at)| Row { id: i as i64 + 1, at: *at, stop: None, close: None }).collect();
    let mut data = BTreeMap::new();
    for t in ["days", "months", "forever"] {
        data.insert(format!("{prefix}_{t}"), rows.clone());
    }
    for t in ["events", "early"] {
        data.insert(format!("{prefix}_{t}"), Vec::new());
    }
    create(db, d, &data);
    live::sql::install(db, &plan, false).unwrap();
    hold_and_forget_runs(db, &plan, &data);
    let reports = live::sql::purge(db, &plan, 4, false, &mut |_, _| {}).unwrap();
    assert!(reports.iter().all(|r| r.error.is_none()), "{reports:?}");
    for t in ["days", "months"] {
        let table = format!("{prefix}_{t}");
        let job = plan.jobs.iter().find(|j| j.table_name == table).unwrap();
        let audit = db
            .query_text(&format!(
                "SELECT {}, rows_deleted, detail FROM policyc_retention_audit WHERE job = '{}' AND outcome = 'ok'",
                plan.syntax().epoch("cutoff"),
                job.name
            ))
            .unwrap();
        assert_eq!(audit.len(), 1, "{table}: one finished run");
        let cutoff: Instant = audit[0][0].parse().unwrap();
        let hold = held(&table, &rows);
        // SQLite records the retention boundary of a fixed-length rule (the latest collection
        // time that went); the procedures the run's captured now.
        let boundary = d == DialectKind::Sqlite && plan.cutoff(job, 0) != 0;
        let kept = |r: &Row| {
            if boundary { r.at > cutoff } else { expiry(&p, &table, r).is_none_or(|e| e > cutoff) }
        };
        let want: BTreeSet<i64> = rows.iter().filter(|r| kept(r) || hold.contains(&r.id)).map(|r| r.id).collect();
        assert_eq!(ids(db, &table), want, "{table} after purge");
        assert_eq!(audit[0][1].parse::<usize>().unwrap(), rows.len() - want.len(), "{table} audit count");
        if d != DialectKind::Sqlite {
            assert!(audit[0][2].contains(" batches, longest "), "{table} audit detail: {:?}", audit[0][2]);
        }
    }
}

/// A run whose connection is killed between batches: what it committed is gone, nothing
/// unexpired or held went, the audit shows the run unfinished, and a re-run completes the job.
fn killed(url: &str, prefix: &str) {
    let mut db = live::sql::connect(url).unwrap();
    let d = db.dialect();
    let p = policy(prefix);
    let plan = sql::plan(&p, d).unwrap();
    let job = plan.jobs.iter().find(|j| j.table_name == format!("{prefix}_days")).unwrap().clone();
    let mut data = BTreeMap::new();
    for t in ["days", "months", "forever", "events", "early"] {
        data.insert(format!("{prefix}_{t}"), Vec::new());
    }
    create(db.as_mut(), d, &data);
    let (expired, kept) = (6_000i64, 500i64);
    let (series, ts) = match d {
        DialectKind::Postgres => ("generate_series(1, {n}) AS s(seq)", "now() - interval '1 second' * {off}"),
        _ => ("seq_1_to_{n} AS s", "UTC_TIMESTAMP(6) - INTERVAL {off} SECOND"),
    };
    let fill = |db: &mut dyn Db, n: i64, first: i64, off: String| {
        let from = series.replace("{n}", &n.to_string());
        let at = ts.replace("{off}", &off);
        db.exec(&format!("INSERT INTO {} (id, at) SELECT seq + {first}, {at} FROM {from}", job.table)).unwrap();
    };
    fill(db.as_mut(), expired, 0, "(2592000 - seq)".into());
    fill(db.as_mut(), kept, expired, "(86400 + seq)".into());
    live::sql::install(db.as_mut(), &plan, false).unwrap();
    db.exec(&format!("DELETE FROM policyc_legal_hold WHERE table_name = '{}'", job.table_name)).unwrap();
    db.exec(&format!("DELETE FROM policyc_retention_audit WHERE job = '{}'", job.name)).unwrap();
    let held: Vec<i64> = (1..expired).step_by(97).collect();
    for id in &held {
        db.exec(&format!("INSERT INTO policyc_legal_hold (table_name, row_key) VALUES ('{}', '{id}')", job.table_name))
            .unwrap();
    }

    let call = plan.call(&job, 2).unwrap();
    let (url2, call2) = (url.to_string(), call.clone());
    let (tx, rx) = std::sync::mpsc::channel();
    let run = std::thread::spawn(move || {
        let mut db = live::sql::connect(&url2).unwrap();
        let me = match db.dialect() {
            DialectKind::Postgres => "SELECT CAST(pg_backend_pid() AS bigint)",
            _ => "SELECT CAST(CONNECTION_ID() AS SIGNED)",
        };
        tx.send(db.query_i64(me).unwrap().unwrap()).unwrap();
        db.exec(&call2)
    });
    let session = rx.recv().unwrap();
    let audit = format!("SELECT rows_deleted FROM policyc_retention_audit WHERE job = '{}'", job.name);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while db.query_i64(&audit).unwrap().unwrap_or(0) == 0 {
        assert!(std::time::Instant::now() < deadline, "the job never committed a batch");
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    match d {
        DialectKind::Postgres => db.exec(&format!("SELECT pg_terminate_backend({session})")).unwrap(),
        _ => db.exec(&format!("KILL {session}")).unwrap(),
    }
    assert!(run.join().unwrap().is_err(), "the killed CALL reports an error");
    let left = ids(db.as_mut(), &job.table);
    let gone = (expired + kept) as usize - left.len();
    assert!(gone > 0 && gone < (expired as usize - held.len()), "killed midway: {gone} rows gone");
    assert!((expired + 1..=expired + kept).all(|id| left.contains(&id)), "no unexpired row went");
    assert!(held.iter().all(|id| left.contains(id)), "no held row went");
    let outcome =
        db.query_text(&format!("SELECT outcome FROM policyc_retention_audit WHERE job = '{}'", job.name)).unwrap();
    assert_eq!(outcome, vec![vec!["running".to_string()]], "the killed run stays unfinished");

    let reports = live::sql::purge(db.as_mut(), &plan, 500, false, &mut |_, _| {}).unwrap();
    assert!(reports.iter().all(|r| r.error.is_none()), "{reports:?}");
    let mut want: BTreeSet<i64> = (expired + 1..=expired + kept).collect();
    want.extend(&held);
    assert_eq!(ids(db.as_mut(), &job.table), want, "the re-run completes the job");
    let outcomes = db
        .query_text(&format!("SELECT outcome FROM policyc_retention_audit WHERE job = '{}' ORDER BY id", job.name))
        .unwrap();
    assert_eq!(
        outcomes,
        vec![vec!["interrupted".to_string()], vec!["ok".to_string()]],
        "the re-run closes the killed run"
    );
    cleanup(db.as_mut(), prefix);
}

fn inject_failure(db: &mut dyn Db, d: DialectKind, table: &str, id: i64, on: bool) {
    let trig = format!("{table}_fail");
    match (d, on) {
        (DialectKind::Sqlite, true) => db
            .exec(&format!(
                "CREATE TRIGGER {trig} BEFORE DELETE ON {table} WHEN OLD.id = {id} BEGIN SELECT RAISE(ABORT, 'injected'); END"
            ))
            .unwrap(),
        (DialectKind::Sqlite, false) => db.exec(&format!("DROP TRIGGER {trig}")).unwrap(),
        (DialectKind::Mysql, true) => db
            .exec(&format!(
                "CREATE TRIGGER {trig} BEFORE DELETE ON {table} FOR EACH ROW BEGIN IF OLD.id = {id} THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'injected'; END IF; END"
            ))
            .unwrap(),
        (DialectKind::Mysql, false) => db.exec(&format!("DROP TRIGGER {trig}")).unwrap(),
        (DialectKind::Postgres, true) => {
            db.exec(&format!(
                "CREATE OR REPLACE FUNCTION {trig}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF OLD.id = {id} THEN RAISE EXCEPTION 'injected'; END IF; RETURN OLD; END $$"
            ))
            .unwrap();
            db.exec(&format!("CREATE TRIGGER {trig} BEFORE DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION {trig}()"))
                .unwrap();
        }
        (DialectKind::Postgres, false) => {
            db.exec(&format!("DROP TRIGGER {trig} ON {table}")).unwrap();
            db.exec(&format!("DROP FUNCTION {trig}()")).unwrap();
        }
    }
}

fn cleanup(db: &mut dyn Db, prefix: &str) {
    let p = policy(prefix);
    let plan = sql::plan(&p, db.dialect()).unwrap();
    for job in &plan.jobs {
        let _ = db.exec(&format!("DROP TABLE IF EXISTS {}", job.table));
        let _ = db.exec(&format!("DELETE FROM policyc_retention_audit WHERE job = '{}'", job.name));
        let _ = db.exec(&format!("DELETE FROM policyc_legal_hold WHERE table_name = '{}'", job.table_name));
        let _ = db.exec(&format!("DROP PROCEDURE IF EXISTS {}", plan.syntax().quote(&job.name)));
        match db.dialect() {
            DialectKind::Postgres => {
                let _ = db.exec(&format!("SELECT cron.unschedule(jobid) FROM cron.job WHERE jobname = '{}'", job.name));
            }
            DialectKind::Mysql => {
                let _ = db.exec(&format!("DROP EVENT IF EXISTS {}", plan.syntax().quote(&job.name)));
            }
            DialectKind::Sqlite => {}
        }
    }
    let _ = db.exec(&format!("DROP TABLE IF EXISTS {prefix}_forever"));
}

#[test]
fn sqlite_jobs() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let mut db = live::sql::connect(&url).unwrap();
    exercise(db.as_mut(), "sqljob_lite");
    slices(db.as_mut(), "sqlslice_lite");
}

#[test]
#[cfg_attr(not(policyc_test_postgres), ignore = "needs POLICYC_TEST_POSTGRES_URL")]
fn postgres_jobs() {
    let url = common::service_url("POLICYC_TEST_POSTGRES_URL");
    let mut db = live::sql::connect(&url).unwrap();
    let prefix = "sqljob_pg";
    cleanup(db.as_mut(), prefix);
    exercise(db.as_mut(), prefix);
    cleanup(db.as_mut(), "sqlslice_pg");
    slices(db.as_mut(), "sqlslice_pg");
    cleanup(db.as_mut(), "sqlslice_pg");
    killed(&url, "sqlkill_pg");
    // pg_cron: the schedule is installed (twice: replacement) and listed.
    let plan = sql::plan(&policy(prefix), DialectKind::Postgres).unwrap();
    db.exec("CREATE EXTENSION IF NOT EXISTS pg_cron").unwrap();
    live::sql::install(db.as_mut(), &plan, true).unwrap();
    live::sql::install(db.as_mut(), &plan, true).unwrap();
    for job in &plan.jobs {
        let n = db.query_i64(&format!("SELECT count(*) FROM cron.job WHERE jobname = '{}'", job.name)).unwrap();
        assert_eq!(n, Some(1), "{} scheduled once", job.name);
        let cmd = db.query_text(&format!("SELECT command FROM cron.job WHERE jobname = '{}'", job.name)).unwrap();
        assert!(cmd[0][0].starts_with("CALL "), "a committing job is a single CALL");
    }
    let findings = live::sql::verify(db.as_mut(), &plan).unwrap();
    assert!(findings.iter().filter(|f| f.check == "schedule").all(|f| f.ok), "{findings:?}");
    cleanup(db.as_mut(), prefix);
}

#[test]
#[cfg_attr(not(policyc_test_mysql), ignore = "needs POLICYC_TEST_MYSQL_URL")]
fn mysql_jobs() {
    let url = common::service_url("POLICYC_TEST_MYSQL_URL");
    let mut db = live::sql::connect(&url).unwrap();
    let prefix = "sqljob_my";
    cleanup(db.as_mut(), prefix);
    exercise(db.as_mut(), prefix);
    cleanup(db.as_mut(), "sqlslice_my");
    slices(db.as_mut(), "sqlslice_my");
    cleanup(db.as_mut(), "sqlslice_my");
    killed(&url, "sqlkill_my");
    let plan = sql::plan(&policy(prefix), DialectKind::Mysql).unwrap();
    live::sql::install(db.as_mut(), &plan, true).unwrap();
    live::sql::install(db.as_mut(), &plan, true).unwrap();
    for job in &plan.jobs {
        let n = db
            .query_i64(&format!(
                "SELECT COUNT(*) FROM information_schema.EVENTS WHERE EVENT_SCHEMA = DATABASE() AND EVENT_NAME = '{}'",
                job.name
            ))
            .unwrap();
        assert_eq!(n, Some(1), "{} event listed", job.name);
        // Daily at the cron line's time, in UTC.
        let ev = db
            .query_text(&format!(
                "SELECT INTERVAL_VALUE, INTERVAL_FIELD, STARTS, TIME_ZONE FROM information_schema.EVENTS WHERE EVENT_SCHEMA = DATABASE() AND EVENT_NAME = '{}'",
                job.name
            ))
            .unwrap();
        assert_eq!(job.schedule, "0 3 * * *");
        assert_eq!(ev[0], ["1", "DAY", "2000-01-01 03:00:00", "+00:00"], "{} event", job.name);
    }
    // The events run this plan's calls: no name collision is reported.
    let findings = live::sql::verify(db.as_mut(), &plan).unwrap();
    let sched: Vec<_> = findings.iter().filter(|f| f.check == "schedule").collect();
    assert_eq!(sched.len(), plan.jobs.len());
    assert!(sched.iter().all(|f| f.ok || f.detail.contains("event_scheduler is OFF")), "{sched:?}");
    cleanup(db.as_mut(), prefix);
}

#[test]
fn file_splits_into_the_plan() {
    let p = policy("split");
    for d in DialectKind::ALL {
        let plan = sql::plan(&p, d).unwrap();
        let text = sql::render(&p, &plan);
        let stmts = sql::split_statements(&text);
        let mut want = plan.setup.clone();
        want.extend(plan.schedule.clone());
        assert_eq!(&stmts[..want.len()], &want[..], "{}", d.name());
    }
}
