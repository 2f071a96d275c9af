//! How retention jobs are installed and run on real engines: `setup` apart from `purge`,
//! objects namespaced by policy, concurrent setups and purges, each summary its own run's,
//! stores of several engines, exact hold matching, and the CLI's output contract. SQLite
//! always; PostgreSQL and MariaDB when their URLs are set (see `tests/common`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test fails by panicking")]

mod common;

use policyc::backend::sql::{self, DialectKind};
use policyc::live::{self, sql::Db};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// One category of a test policy: (category, store, table, key column).
struct Cat<'a>(&'a str, &'a str, &'a str, &'a str);

/// A policy `pid` with stores `(name, kind)` and 7-day categories.
fn policy_text(pid: &str, stores: &[(&str, &str)], cats: &[Cat<'_>]) -> String {
    let mut s = format!(
        "policy {pid} {{\n  version \"1.0.0\"\n  effective 2024-01-01\n  locales en\n  default en\n  role controller\n  title {{ en \"Runs\" }}\n  feature {{ en \"Runs\" }}\n  controller {{ name {{ en \"Test\" }} }}\n  availability {{ regions worldwide }}\n}}\n"
    );
    for (name, kind) in stores {
        s.push_str(&format!("store {name}: {kind} {{ name {{ en \"Database\" }} }}\n"));
    }
    s.push_str("purpose run { label { en \"Run\" } }\nbasis b: contract { label { en \"Contract\" } citation \"GDPR Art. 6(1)(b)\" }\n");
    for Cat(cat, store, table, key) in cats {
        let key_field =
            if *key == "id" { String::new() } else { format!("  field {key}: string {{ label {{ en \"Key\" }} }}\n") };
        s.push_str(&format!(
            "category {cat} {{\n  label {{ en \"C\" }}\n  field id: integer {{ label {{ en \"Id\" }} }}\n  field at: timestamp {{ label {{ en \"At\" }} }}\n{key_field}  use run under b\n  stored in {store} {{ table {table} collected at at key {key} }}\n  retain 7 days\n}}\n"
        ));
    }
    s
}

fn compile(text: &str) -> policyc::model::Policy {
    let c = policyc::compile_str("runs.policy", text);
    let Some(p) = c.policy.clone() else { panic!("test policy has errors:\n{}", c.render(false)) };
    p
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// Runs the CLI: (exit code, stdout, stderr).
fn cli(args: &[&str]) -> (i32, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_policyc")).args(args).output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into(),
        String::from_utf8_lossy(&o.stderr).into(),
    )
}

fn kind_word(d: DialectKind) -> &'static str {
    d.name()
}

fn ts_type(d: DialectKind) -> &'static str {
    match d {
        DialectKind::Postgres => "timestamptz",
        DialectKind::Mysql => "DATETIME(6)",
        DialectKind::Sqlite => "TEXT",
    }
}

/// `days` days ago, as the engine stores it.
fn ago(d: DialectKind, days: i64) -> String {
    match d {
        DialectKind::Postgres => format!("now() - interval '{days} days'"),
        DialectKind::Mysql => format!("UTC_TIMESTAMP(6) - INTERVAL {days} DAY"),
        DialectKind::Sqlite => format!("datetime('now', '-{days} days')"),
    }
}

/// A table `(id, at)` with ids `1..=expired` 30 days old and the next `kept` a day old.
fn fill(db: &mut dyn Db, table: &str, expired: i64, kept: i64) {
    let d = db.dialect();
    db.exec(&format!("DROP TABLE IF EXISTS {table}")).unwrap();
    db.exec(&format!("CREATE TABLE {table} (id BIGINT PRIMARY KEY, at {} NOT NULL)", ts_type(d))).unwrap();
    let rows: Vec<String> =
        (1..=expired + kept).map(|id| format!("({id}, {})", ago(d, if id <= expired { 30 } else { 1 }))).collect();
    for chunk in rows.chunks(500) {
        db.exec(&format!("INSERT INTO {table} (id, at) VALUES {}", chunk.join(", "))).unwrap();
    }
}

fn ids(db: &mut dyn Db, table: &str) -> BTreeSet<i64> {
    db.query_text(&format!("SELECT id FROM {table}")).unwrap().iter().map(|r| r[0].parse().unwrap()).collect()
}

/// Drops a policy's procedures, schedules, tables, audit rows and install records.
fn forget(db: &mut dyn Db, text: &str) {
    let p = compile(text);
    let d = db.dialect();
    let plan = sql::plan(&p, d).unwrap();
    for j in &plan.jobs {
        let _ = db.exec(&format!("DROP TABLE IF EXISTS {}", j.table));
        let _ = db.exec(&format!("DELETE FROM policyc_retention_audit WHERE job = '{}'", j.name));
        let _ = db.exec(&format!("DELETE FROM policyc_installed WHERE object = '{}'", j.name));
        let _ = db.exec(&format!("DELETE FROM policyc_legal_hold WHERE table_name = '{}'", j.table_text));
        let q = plan.syntax().quote(&j.name);
        match d {
            DialectKind::Postgres => {
                let _ = db.exec(&format!("DROP PROCEDURE IF EXISTS {q}"));
            }
            DialectKind::Mysql => {
                let _ = db.exec(&format!("DROP PROCEDURE IF EXISTS {q}"));
                let _ = db.exec(&format!("DROP EVENT IF EXISTS {q}"));
            }
            DialectKind::Sqlite => {}
        }
    }
}

/// Drops the shared tables: the database looks as if policyc had never been installed.
fn uninstall(db: &mut dyn Db) {
    for t in ["policyc_retention_audit", "policyc_legal_hold", "policyc_installed"] {
        db.exec(&format!("DROP TABLE IF EXISTS {t}")).unwrap();
    }
}

fn json(out: &str) -> serde_json::Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}):\n{out}"))
}

/// Ten processes start at once, each running `steps` (CLI argument lists) in turn; returns
/// each process's outputs.
fn ten_at_once(steps: &[Vec<String>]) -> Vec<Vec<(i32, String, String)>> {
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(10));
    let handles: Vec<_> = (0..10)
        .map(|_| {
            let (b, steps) = (barrier.clone(), steps.to_vec());
            std::thread::spawn(move || {
                b.wait();
                steps
                    .iter()
                    .map(|s| cli(&s.iter().map(String::as_str).collect::<Vec<_>>()))
                    .collect::<Vec<(i32, String, String)>>()
            })
        })
        .collect();
    handles.into_iter().map(|h| h.join().unwrap()).collect()
}

/// Ten concurrent setups on a database without policyc, each followed by a purge, then ten
/// concurrent purges of the installed jobs: every command succeeds (or waits its turn), the
/// data ends exact, each summary counts its own run, and no audit row is left `running`.
fn concurrent(url: &str, dir: &Path) {
    let mut db = live::sql::connect(url).unwrap();
    let d = db.dialect();
    let pid = format!("runs_conc_{}", d.name());
    let table = format!("{pid}_t");
    let text = policy_text(&pid, &[("db", kind_word(d))], &[Cat(&format!("{pid}_c"), "db", &table, "id")]);
    let path = write(dir, &format!("{pid}.policy"), &text);
    let path = path.to_str().unwrap().to_string();
    forget(db.as_mut(), &text);
    uninstall(db.as_mut());
    let (expired, kept) = (240, 30);
    fill(db.as_mut(), &table, expired, kept);
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let setup = s(&["setup", "--database-url", url, &path]);
    let purge = s(&["purge", "--format", "json", "--batch-size", "3", "--database-url", url, &path]);

    let audit = |db: &mut dyn Db| -> Vec<(String, u64)> {
        db.query_text(&format!(
            "SELECT outcome, rows_deleted FROM policyc_retention_audit WHERE policy = '{pid}' ORDER BY id"
        ))
        .unwrap()
        .into_iter()
        .map(|r| (r[0].clone(), r[1].parse().unwrap()))
        .collect()
    };
    let mut seen_runs = 0;
    for (round, steps) in [vec![setup.clone(), purge.clone()], vec![purge.clone()]].into_iter().enumerate() {
        if round == 1 {
            fill(db.as_mut(), &table, expired, kept);
            // Holds placed after setup: they stay, whatever their age.
            for id in [5, 50, 200] {
                db.exec(&format!("INSERT INTO policyc_legal_hold (table_name, row_key) VALUES ('{table}', '{id}')"))
                    .unwrap();
            }
        }
        let outs = ten_at_once(&steps);
        let mut reported = Vec::new();
        for out in &outs {
            for (code, stdout, stderr) in out {
                assert_eq!(*code, 0, "round {round}: {stderr}\n{stdout}");
            }
            let (_, stdout, _) = out.last().unwrap();
            let doc = json(stdout);
            let jobs = doc["jobs"].as_array().unwrap();
            assert_eq!(jobs.len(), 1, "{doc}");
            assert!(jobs[0]["error"].is_null(), "{doc}");
            reported.push(jobs[0]["rows"].as_u64().unwrap());
        }
        let held: BTreeSet<i64> = if round == 1 { [5, 50, 200].into() } else { BTreeSet::new() };
        let want: BTreeSet<i64> = (1..=expired + kept).filter(|id| *id > expired || held.contains(id)).collect();
        assert_eq!(ids(db.as_mut(), &table), want, "round {round}: exactly the expired, unheld rows went");
        let runs = audit(db.as_mut());
        let these: Vec<&(String, u64)> = runs[seen_runs..].iter().collect();
        seen_runs = runs.len();
        assert_eq!(these.len(), 10, "round {round}: one audit row per run: {runs:?}");
        assert!(these.iter().all(|(o, _)| o == "ok"), "round {round}: no run left running: {runs:?}");
        let mut from_audit: Vec<u64> = these.iter().map(|(_, n)| *n).collect();
        from_audit.sort_unstable();
        reported.sort_unstable();
        assert_eq!(reported, from_audit, "round {round}: each summary is its own run's audit row");
        assert_eq!(
            reported.iter().sum::<u64>(),
            (expired as usize - held.len()) as u64,
            "round {round}: deletions add up"
        );
    }
    forget(db.as_mut(), &text);
}

/// Two policies whose categories share a name: each keeps its own procedure, schedule and
/// index, and purging one never runs the other's job.
fn namespaced(url: &str, dir: &Path) {
    let mut db = live::sql::connect(url).unwrap();
    let d = db.dialect();
    let kind = kind_word(d);
    let a_text = policy_text("runs_ns_a", &[("db", kind)], &[Cat("orders", "db", "runs_ns_a_t", "id")]);
    let b_text = policy_text("runs_ns_b", &[("db", kind)], &[Cat("orders", "db", "runs_ns_b_t", "id")]);
    forget(db.as_mut(), &a_text);
    forget(db.as_mut(), &b_text);
    fill(db.as_mut(), "runs_ns_a_t", 10, 2);
    fill(db.as_mut(), "runs_ns_b_t", 20, 2);
    let (a, b) = (write(dir, "a.policy", &a_text), write(dir, "b.policy", &b_text));
    for p in [&a, &b] {
        let (code, _, err) = cli(&["setup", "--database-url", url, p.to_str().unwrap()]);
        assert_eq!(code, 0, "{err}");
    }
    let pa = sql::plan(&compile(&a_text), d).unwrap();
    let pb = sql::plan(&compile(&b_text), d).unwrap();
    assert_ne!(pa.jobs[0].name, pb.jobs[0].name);
    assert_ne!(pa.jobs[0].indexes[0].0, pb.jobs[0].indexes[0].0);
    // Installing B left A's job installed and A's.
    assert!(live::sql::setup_problems(db.as_mut(), &pa).unwrap().is_empty());
    let (code, out, err) = cli(&["purge", "--format", "json", "--database-url", url, a.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(json(&out)["jobs"][0]["rows"], 10, "{out}");
    assert_eq!(ids(db.as_mut(), "runs_ns_b_t").len(), 22, "A's purge left B's table alone");
    let (code, out, err) = cli(&["purge", "--format", "json", "--database-url", url, b.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(json(&out)["jobs"][0]["rows"], 20, "{out}");
    let policies = db
        .query_text(&format!(
            "SELECT policy FROM policyc_retention_audit WHERE job IN ('{}', '{}') ORDER BY id",
            pa.jobs[0].name, pb.jobs[0].name
        ))
        .unwrap();
    assert_eq!(
        policies,
        vec![vec!["runs_ns_a".to_string()], vec!["runs_ns_b".to_string()]],
        "audit rows name the policy"
    );
    if d == DialectKind::Mysql {
        // A job name taken by something else's event is a verify finding.
        let q = pa.syntax().quote(&pa.jobs[0].name);
        db.exec(&format!("CREATE OR REPLACE EVENT {q} ON SCHEDULE EVERY 1 DAY DO SELECT 1")).unwrap();
        let (code, out, _) = cli(&["verify", "--format", "json", "--database-url", url, a.to_str().unwrap()]);
        assert_eq!(code, 1);
        let doc = json(&out);
        let sched = doc["findings"].as_array().unwrap().iter().find(|f| f["check"] == "schedule").unwrap().clone();
        assert!(
            sched["ok"] == false && sched["detail"].as_str().unwrap().contains("another job has this name"),
            "{sched}"
        );
        db.exec(&format!("DROP EVENT {q}")).unwrap();
    }
    // A job recorded as another policy's is a collision: purge refuses, verify says so.
    db.exec(&format!("UPDATE policyc_installed SET policy = 'someone_else' WHERE object = '{}'", pa.jobs[0].name))
        .unwrap();
    let (code, _, err) = cli(&["purge", "--database-url", url, a.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("installed by policy `someone_else`"), "{err}");
    let (code, out, _) = cli(&["verify", "--format", "json", "--database-url", url, a.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(out.contains("installed by policy `someone_else`"), "{out}");
    forget(db.as_mut(), &a_text);
    forget(db.as_mut(), &b_text);
}

/// Hold keys match as exact bytes on every engine: a hold on `key-0001` protects neither
/// `Key-0001 ` nor `KEY-0001` (MariaDB's default collation folds case and pads spaces).
fn exact_holds(url: &str) {
    let mut db = live::sql::connect(url).unwrap();
    let d = db.dialect();
    let text = policy_text("runs_hold", &[("db", kind_word(d))], &[Cat("runs_hold_c", "db", "runs_hold_t", "k")]);
    forget(db.as_mut(), &text);
    db.exec(&format!(
        "CREATE TABLE runs_hold_t (id BIGINT PRIMARY KEY, at {} NOT NULL, k VARCHAR(20) NOT NULL)",
        ts_type(d)
    ))
    .unwrap();
    for (id, k) in [(1, "key-0001"), (2, "Key-0001 "), (3, "KEY-0001"), (4, "key-0001 ")] {
        db.exec(&format!("INSERT INTO runs_hold_t (id, at, k) VALUES ({id}, {}, '{k}')", ago(d, 30))).unwrap();
    }
    let plan = sql::plan(&compile(&text), d).unwrap();
    live::sql::install(db.as_mut(), &plan, false).unwrap();
    db.exec("INSERT INTO policyc_legal_hold (table_name, row_key) VALUES ('runs_hold_t', 'key-0001')").unwrap();
    let dry = live::sql::purge(db.as_mut(), &plan, 10, true, &mut |_, _| {}).unwrap();
    assert_eq!(dry[0].rows, 3, "{}: dry run counts the unheld rows", d.name());
    let r = live::sql::purge(db.as_mut(), &plan, 10, false, &mut |_, _| {}).unwrap();
    assert!(r[0].error.is_none(), "{r:?}");
    assert_eq!(ids(db.as_mut(), "runs_hold_t"), [1].into(), "{}: only the exact key is held", d.name());
    forget(db.as_mut(), &text);
}

/// Shared tables made by an earlier version (audit without `policy`, hold keys in the
/// engine's default collation): setup upgrades them in place, keeping their rows, and the
/// upgraded hold table matches exactly.
fn upgrade(url: &str, dir: &Path) {
    let mut db = live::sql::connect(url).unwrap();
    let d = db.dialect();
    let text = policy_text("runs_up", &[("db", kind_word(d))], &[Cat("runs_up_c", "db", "runs_up_t", "id")]);
    forget(db.as_mut(), &text);
    uninstall(db.as_mut());
    let (id, ts, short) = match d {
        DialectKind::Postgres => ("bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY", "timestamptz", "varchar(255)"),
        DialectKind::Mysql => ("BIGINT AUTO_INCREMENT PRIMARY KEY", "DATETIME(6)", "VARCHAR(255)"),
        DialectKind::Sqlite => ("INTEGER PRIMARY KEY AUTOINCREMENT", "TEXT", "TEXT"),
    };
    db.exec(&format!(
        "CREATE TABLE policyc_retention_audit (id {id}, job {short} NOT NULL, category {short} NOT NULL, table_name {short} NOT NULL, cutoff {ts} NOT NULL, rows_deleted BIGINT NOT NULL DEFAULT 0, started_at {ts} NOT NULL, finished_at {ts}, outcome {short} NOT NULL, detail TEXT)"
    ))
    .unwrap();
    db.exec(&format!(
        "CREATE TABLE policyc_legal_hold (table_name {short} NOT NULL, row_key {short} NOT NULL, reason TEXT, placed_at {ts}, PRIMARY KEY (table_name, row_key))"
    ))
    .unwrap();
    db.exec("INSERT INTO policyc_legal_hold (table_name, row_key) VALUES ('runs_up_t', 'k')").unwrap();
    db.exec(&format!(
        "INSERT INTO policyc_retention_audit (job, category, table_name, cutoff, started_at, outcome) VALUES ('old', 'c', 't', {n}, {n}, 'ok')",
        n = ago(d, 0)
    ))
    .unwrap();
    fill(db.as_mut(), "runs_up_t", 2, 1);
    let path = write(dir, "up.policy", &text);
    let (code, _, err) = cli(&["setup", "--database-url", url, path.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(db.query_i64("SELECT COUNT(*) FROM policyc_legal_hold WHERE row_key = 'k'").unwrap(), Some(1));
    assert_eq!(
        db.query_i64("SELECT COUNT(*) FROM policyc_legal_hold WHERE row_key = 'K'").unwrap(),
        Some(0),
        "exact after the upgrade"
    );
    assert_eq!(db.query_i64("SELECT COUNT(*) FROM policyc_retention_audit WHERE job = 'old'").unwrap(), Some(1));
    let (code, _, err) = cli(&["purge", "--database-url", url, path.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let policy = db.query_text("SELECT policy FROM policyc_retention_audit WHERE policy IS NOT NULL").unwrap();
    assert_eq!(policy, vec![vec!["runs_up".to_string()]]);
    forget(db.as_mut(), &text);
}

/// A policy with stores on two engines: each URL acts on its own engine's stores and notes
/// the others; `--store` picks one, and names of another engine's store are refused.
fn two_engines(url: &str, dir: &Path) {
    let mut db = live::sql::connect(url).unwrap();
    let d = db.dialect();
    let other = if d == DialectKind::Postgres { "mysql" } else { "postgres" };
    let text = policy_text(
        "runs_two",
        &[("here", kind_word(d)), ("there", other)],
        &[
            Cat("runs_two_here", "here", "runs_two_here_t", "id"),
            Cat("runs_two_there", "there", "runs_two_there_t", "id"),
        ],
    );
    forget(db.as_mut(), &text);
    fill(db.as_mut(), "runs_two_here_t", 5, 1);
    let path = write(dir, "two.policy", &text);
    let p = path.to_str().unwrap();
    let (code, _, err) = cli(&["setup", "--database-url", url, p]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("store `there`") && err.contains("skipped"), "{err}");
    let (code, out, err) = cli(&["purge", "--format", "json", "--store", "here", "--database-url", url, p]);
    assert_eq!(code, 0, "{err}");
    let doc = json(&out);
    assert_eq!(doc["jobs"].as_array().unwrap().len(), 1, "{doc}");
    assert_eq!(doc["jobs"][0]["rows"], 5);
    let (code, out, _) = cli(&["verify", "--format", "json", "--database-url", url, p]);
    assert!(!out.contains("runs_two_there_t"), "verify checks only this engine's stores: {out}");
    let _ = code;
    let (code, _, err) = cli(&["purge", "--store", "there", "--database-url", url, p]);
    assert_eq!(code, 2);
    assert!(err.contains("store `there` is of kind"), "{err}");
    forget(db.as_mut(), &text);
}

/// The MariaDB procedure gives the caller's session time zone back, after a run and after a
/// failed one.
fn mysql_time_zone(url: &str) {
    let mut db = live::sql::connect(url).unwrap();
    let text = policy_text("runs_tz", &[("db", "mysql")], &[Cat("runs_tz_c", "db", "runs_tz_t", "id")]);
    forget(db.as_mut(), &text);
    fill(db.as_mut(), "runs_tz_t", 5, 1);
    let plan = sql::plan(&compile(&text), DialectKind::Mysql).unwrap();
    live::sql::install(db.as_mut(), &plan, false).unwrap();
    db.exec("SET time_zone = '+05:00'").unwrap();
    let call = plan.call(&plan.jobs[0], 2).unwrap();
    db.exec(&call).unwrap();
    assert_eq!(db.query_text("SELECT @@session.time_zone").unwrap()[0][0], "+05:00");
    db.exec("CREATE TRIGGER runs_tz_fail BEFORE DELETE ON runs_tz_t FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'injected'").unwrap();
    fill_more(db.as_mut());
    assert!(db.exec(&call).is_err());
    assert_eq!(db.query_text("SELECT @@session.time_zone").unwrap()[0][0], "+05:00", "after a failed run too");
    let outcomes = db
        .query_text(&format!(
            "SELECT outcome FROM policyc_retention_audit WHERE job = '{}' ORDER BY id",
            plan.jobs[0].name
        ))
        .unwrap();
    assert_eq!(outcomes, vec![vec!["ok".to_string()], vec!["failed".to_string()]]);
    forget(db.as_mut(), &text);
}

fn fill_more(db: &mut dyn Db) {
    db.exec(&format!("INSERT INTO runs_tz_t (id, at) VALUES (100, {})", ago(DialectKind::Mysql, 30))).unwrap();
}

#[test]
#[cfg_attr(not(policyc_test_postgres), ignore = "needs POLICYC_TEST_POSTGRES_URL")]
fn postgres_runs() {
    let url = common::service_url("POLICYC_TEST_POSTGRES_URL");
    let dir = tempfile::tempdir().unwrap();
    concurrent(&url, dir.path());
    namespaced(&url, dir.path());
    exact_holds(&url);
    two_engines(&url, dir.path());
    upgrade(&url, dir.path());
}

#[test]
#[cfg_attr(not(policyc_test_mysql), ignore = "needs POLICYC_TEST_MYSQL_URL")]
fn mysql_runs() {
    let url = common::service_url("POLICYC_TEST_MYSQL_URL");
    let dir = tempfile::tempdir().unwrap();
    concurrent(&url, dir.path());
    namespaced(&url, dir.path());
    exact_holds(&url);
    two_engines(&url, dir.path());
    mysql_time_zone(&url);
    upgrade(&url, dir.path());
}

#[test]
fn sqlite_runs() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("runs.db").display());
    concurrent(&url, dir.path());
    namespaced(&url, dir.path());
    exact_holds(&url);
    upgrade(&url, dir.path());
    // A run that died (its row still `running`) is closed by the next run.
    let text = policy_text("runs_died", &[("db", "sqlite")], &[Cat("runs_died_c", "db", "runs_died_t", "id")]);
    let mut db = live::sql::connect(&url).unwrap();
    fill(db.as_mut(), "runs_died_t", 3, 1);
    let plan = sql::plan(&compile(&text), DialectKind::Sqlite).unwrap();
    live::sql::install(db.as_mut(), &plan, false).unwrap();
    let job = &plan.jobs[0].name;
    db.exec(&format!(
        "INSERT INTO policyc_retention_audit (policy, job, category, table_name, cutoff, started_at, outcome) VALUES ('runs_died', '{job}', 'c', 't', datetime('now'), datetime('now'), 'running')"
    ))
    .unwrap();
    let r = live::sql::purge(db.as_mut(), &plan, 2, false, &mut |_, _| {}).unwrap();
    assert_eq!(r[0].rows, 3);
    let outcomes =
        db.query_text(&format!("SELECT outcome FROM policyc_retention_audit WHERE job = '{job}' ORDER BY id")).unwrap();
    assert_eq!(outcomes, vec![vec!["interrupted".to_string()], vec!["ok".to_string()]]);
}

/// On a database policyc was never installed in: a dry run counts, a purge refuses and says
/// how to install (creating nothing), verify reports "not installed" and checks the rest; after
/// `setup` the purge runs.
#[test]
fn setup_is_its_own_command() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("fresh.db");
    let url = format!("sqlite://{}", db_path.display());
    let text = policy_text("runs_fresh", &[("db", "sqlite")], &[Cat("runs_fresh_c", "db", "runs_fresh_t", "id")]);
    let path = write(dir.path(), "fresh.policy", &text);
    let p = path.to_str().unwrap();
    let mut db = live::sql::connect(&url).unwrap();
    fill(db.as_mut(), "runs_fresh_t", 4, 2);
    let tables = |db: &mut dyn Db| db.query_text("SELECT name FROM sqlite_master WHERE name LIKE 'policyc%'").unwrap();

    let (code, out, err) = cli(&["purge", "--dry-run", "--format", "json", "--database-url", &url, p]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(json(&out)["jobs"][0]["rows"], 4, "{out}");

    let (code, _, err) = cli(&["purge", "--database-url", &url, p]);
    assert_eq!(code, 2);
    assert!(err.contains("not installed") && err.contains("policyc setup --database-url"), "{err}");
    assert!(tables(db.as_mut()).is_empty(), "a refused purge creates nothing");
    assert_eq!(ids(db.as_mut(), "runs_fresh_t").len(), 6);

    let (code, out, err) = cli(&["verify", "--format", "json", "--database-url", &url, p]);
    assert_eq!(code, 1, "findings, not an error: {err}");
    let doc = json(&out);
    let findings = doc["findings"].as_array().unwrap();
    let setup = findings.iter().find(|f| f["check"] == "setup").unwrap();
    assert!(setup["ok"] == false && setup["detail"].as_str().unwrap().contains("not installed"), "{setup}");
    let overdue = findings.iter().find(|f| f["check"] == "overdue rows").unwrap();
    assert!(overdue["detail"].as_str().unwrap().starts_with("4 rows"), "{overdue}");

    let (code, out, err) = cli(&["setup", "--database-url", &url, p]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("installed 1 job(s)"), "{out}");
    let (code, out, err) = cli(&["purge", "--format", "json", "--database-url", &url, p]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(json(&out)["jobs"][0]["rows"], 4, "{out}");
    // Setup again is a no-op; a changed definition is reported stale until setup runs.
    assert_eq!(cli(&["setup", "--database-url", &url, p]).0, 0);
    db.exec("UPDATE policyc_installed SET hash = 'old' WHERE object <> 'policyc_tables'").unwrap();
    let (code, _, err) = cli(&["purge", "--database-url", &url, p]);
    assert_eq!(code, 2);
    assert!(err.contains("another definition"), "{err}");
}

/// SQLite wants `CREATE INDEX s.idx ON t` for a table of an attached schema.
#[test]
fn sqlite_schema_qualified_index() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("main.db").display());
    let mut db = live::sql::connect(&url).unwrap();
    db.exec(&format!("ATTACH DATABASE '{}' AS arch", dir.path().join("arch.db").display())).unwrap();
    db.exec("CREATE TABLE arch.t (id BIGINT PRIMARY KEY, at TEXT NOT NULL)").unwrap();
    db.exec(&format!(
        "INSERT INTO arch.t VALUES (1, {}), (2, {})",
        ago(DialectKind::Sqlite, 30),
        ago(DialectKind::Sqlite, 1)
    ))
    .unwrap();
    let text = policy_text("runs_schema", &[("db", "sqlite")], &[Cat("runs_schema_c", "db", "arch.t", "id")]);
    let plan = sql::plan(&compile(&text), DialectKind::Sqlite).unwrap();
    live::sql::install(db.as_mut(), &plan, false).unwrap();
    let idx = db
        .query_text(
            "SELECT name FROM arch.sqlite_master WHERE type = 'index' AND tbl_name = 't' AND name LIKE 'policyc%'",
        )
        .unwrap();
    assert_eq!(idx, vec![vec![plan.jobs[0].indexes[0].0.clone()]]);
    let r = live::sql::purge(db.as_mut(), &plan, 10, false, &mut |_, _| {}).unwrap();
    assert_eq!(r[0].rows, 1, "{r:?}");
    let findings = live::sql::verify(db.as_mut(), &plan).unwrap();
    assert!(findings.iter().filter(|f| f.check == "indexes" || f.check == "columns").all(|f| f.ok), "{findings:?}");
}

/// Names stay within the engines' limits (63 bytes), deterministically, and distinct.
#[test]
fn long_names_are_bounded_and_distinct() {
    let long = "p".repeat(60);
    let text = policy_text(
        &long,
        &[("db", "postgres")],
        &[
            Cat(&format!("{}_one", "c".repeat(50)), "db", "t1", "id"),
            Cat(&format!("{}_two", "c".repeat(50)), "db", "t2", "id"),
        ],
    );
    let plan = sql::plan(&compile(&text), DialectKind::Postgres).unwrap();
    let names: BTreeSet<&str> = plan.jobs.iter().map(|j| j.name.as_str()).collect();
    assert_eq!(names.len(), 2);
    for j in &plan.jobs {
        assert!(j.name.len() <= 63 && j.indexes.iter().all(|(n, _)| n.len() <= 63), "{}", j.name);
    }
    assert_eq!(sql::plan(&compile(&text), DialectKind::Postgres).unwrap().jobs[0].name, plan.jobs[0].name);
}

/// `--format json` prints one JSON document; a closed stdout ends the program quietly.
#[test]
fn machine_output_and_closed_pipes() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("j.db").display());
    let text = policy_text("runs_json", &[("db", "sqlite")], &[Cat("runs_json_c", "db", "runs_json_t", "id")]);
    let path = write(dir.path(), "j.policy", &text);
    let p = path.to_str().unwrap();
    let mut db = live::sql::connect(&url).unwrap();
    fill(db.as_mut(), "runs_json_t", 3, 1);
    assert_eq!(cli(&["setup", "--database-url", &url, p]).0, 0);
    for args in [
        vec!["purge", "--dry-run", "--format", "json", "--database-url", &url, p],
        vec!["purge", "--format", "json", "--database-url", &url, p],
        vec!["verify", "--format", "json", "--database-url", &url, p],
        vec!["setup", "--format", "json", "--database-url", &url, p],
    ] {
        let (_, out, err) = cli(&args);
        let doc = json(&out);
        assert!(doc["diagnostics"].is_array(), "{args:?}: {doc}\n{err}");
    }
    for args in [vec!["verify", "--database-url", &url, p], vec!["check", "--format", "json", p], vec!["--help"]] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let o = Command::new(env!("CARGO_BIN_EXE_policyc"))
            .args(&args)
            .stdout(Stdio::from(writer))
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!err.contains("panicked") && !err.contains("Broken pipe"), "{args:?}: {err}");
        #[cfg(unix)]
        {
            use std::os::unix::process::ExitStatusExt;
            assert!(
                o.status.signal() == Some(libc_sigpipe()) || o.status.code().is_some_and(|c| c <= 2),
                "{args:?}: {:?}",
                o.status
            );
        }
    }
}

#[cfg(unix)]
fn libc_sigpipe() -> i32 {
    13
}
