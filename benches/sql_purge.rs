//! Generated retention job vs a naive single DELETE on PostgreSQL and MariaDB: a table of
//! `POLICYC_BENCH_ROWS` rows (default 2,000,000; ids grow with time, as inserts do), half
//! expired. Each method runs `POLICYC_BENCH_ROUNDS` times (default 3), alternating, on a freshly
//! loaded table; the table shows medians. Needs POLICYC_TEST_POSTGRES_URL / POLICYC_TEST_MYSQL_URL.
//!
//!     cargo bench --bench sql_purge
//!
//! It first times SQL generation alone (no server) for a policy of 100 categories kept for
//! calendar months, whose range prefilter needs the shortest span of N months.
//!
//! The generated job is measured as deployed: one `CALL` of its procedure, which commits every
//! batch and records its longest batch in the audit row. InnoDB only delete-marks rows; its
//! purge threads remove them later (for the job, while later batches run; for the naive DELETE,
//! after it returns). Until then the data is still on disk, so for MariaDB the table also shows
//! the time until the purge has caught up (history list length back to 0).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a benchmark or build script stops at the first failure"
)]

use comfy_table::Table;
use policyc::backend::sql::{self, DialectKind, Plan};
use policyc::live::{self, sql::Db};
use std::time::{Duration, Instant};

const TEMPLATE: &str = include_str!("../tests/sql/retention.policy.in");
const PREFIX: &str = "sqlbench";

#[derive(Default, Clone)]
struct Run {
    rows: u64,
    total: Duration,
    longest: Duration,
    purged: Option<Duration>,
}

fn load(db: &mut dyn Db, d: DialectKind, table: &str, n: u64) {
    db.exec(&format!("DROP TABLE IF EXISTS {table}")).unwrap();
    let span = 14 * 86_400;
    match d {
        DialectKind::Postgres => {
            db.exec(&format!("CREATE TABLE {table} (id bigint PRIMARY KEY, at timestamptz NOT NULL, payload text)"))
                .unwrap();
            db.exec(&format!(
                "INSERT INTO {table} SELECT g, now() - (({n} + 1 - g) * {span}.0 / {n}) * interval '1 second', md5(g::text) FROM generate_series(1, {n}) g"
            ))
            .unwrap();
        }
        DialectKind::Mysql => {
            db.exec(&format!("CREATE TABLE {table} (id BIGINT PRIMARY KEY, at DATETIME(6) NOT NULL, payload TEXT)"))
                .unwrap();
            db.exec(&format!(
                "INSERT INTO {table} SELECT seq, UTC_TIMESTAMP(6) - INTERVAL (({n} + 1 - seq) * {span} DIV {n}) SECOND, MD5(seq) FROM seq_1_to_{n}"
            ))
            .unwrap();
        }
        DialectKind::Sqlite => unreachable!(),
    }
}

/// Waits until InnoDB has purged every delete-marked row (no-op elsewhere).
fn wait_purged(db: &mut dyn Db) {
    if db.dialect() != DialectKind::Mysql {
        return;
    }
    let deadline = Instant::now() + Duration::from_secs(300);
    while Instant::now() < deadline {
        let rows = db.query_text("SHOW GLOBAL STATUS LIKE 'Innodb_history_list_length'").unwrap();
        if rows.first().is_some_and(|r| r.get(1).is_some_and(|v| v == "0")) {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    eprintln!("warning: InnoDB purge did not catch up within 300 s");
}

fn prepare(db: &mut dyn Db, plan: &Plan, table: &str, n: u64) {
    let d = plan.dialect;
    load(db, d, table, n);
    live::sql::install(db, plan, false).unwrap();
    match d {
        DialectKind::Postgres => db.exec(&format!("VACUUM ANALYZE {table}")).unwrap(),
        _ => db.exec(&format!("ANALYZE TABLE {table}")).unwrap(),
    }
    wait_purged(db);
}

fn generated(db: &mut dyn Db, plan: &Plan, job: &sql::Job, n: u64, batch: u32) -> Run {
    prepare(db, plan, &job.table_name, n);
    let call = plan.call(job, batch).unwrap();
    let t = Instant::now();
    db.exec(&call).unwrap();
    let total = t.elapsed();
    wait_purged(db);
    let purged = (plan.dialect == DialectKind::Mysql).then(|| t.elapsed());
    let row = db
        .query_text(&format!(
            "SELECT rows_deleted, detail FROM policyc_retention_audit WHERE job = '{}' ORDER BY id DESC LIMIT 1",
            job.name
        ))
        .unwrap();
    let rows = row[0][0].parse().unwrap();
    // detail: "<n> batches, longest <ms> ms"
    let ms: u64 = row[0][1].split("longest ").nth(1).and_then(|s| s.split(' ').next()).unwrap().parse().unwrap();
    Run { rows, total, longest: Duration::from_millis(ms), purged }
}

fn naive(db: &mut dyn Db, plan: &Plan, job: &sql::Job, n: u64) -> Run {
    prepare(db, plan, &job.table_name, n);
    let s = plan.syntax();
    // The job's own cut-off: 7 days before the statement's clock.
    let cutoff = s.sub_seconds(s.now_expr(), 7 * 86_400);
    let t = Instant::now();
    let rows = db.exec_count(&format!("DELETE FROM {} WHERE at <= {cutoff}", job.table)).unwrap();
    let total = t.elapsed();
    wait_purged(db);
    let purged = (plan.dialect == DialectKind::Mysql).then(|| t.elapsed());
    Run { rows, total, longest: total, purged }
}

fn median(mut runs: Vec<Run>) -> Run {
    runs.sort_by_key(|r| r.total);
    let mut m = runs[runs.len() / 2].clone();
    let mut purged: Vec<Duration> = runs.iter().filter_map(|r| r.purged).collect();
    purged.sort();
    m.purged = purged.get(purged.len() / 2).copied();
    m.longest = runs.iter().map(|r| r.longest).max().unwrap_or_default();
    m
}

fn bench(engine: &'static str, url: &str, n: u64, batch: u32, rounds: usize, t: &mut Table) {
    let mut db = live::sql::connect(url).unwrap();
    let d = db.dialect();
    let policy = policyc::compile_str("bench.policy", &TEMPLATE.replace("PFX", PREFIX)).policy.unwrap();
    let plan = sql::plan(&policy, d).unwrap();
    let job = plan.jobs.iter().find(|j| j.table_name == format!("{PREFIX}_days")).unwrap().clone();
    // The policy's other tables exist (empty) so its setup applies.
    let ts = if d == DialectKind::Postgres { "timestamptz" } else { "DATETIME(6)" };
    for j in plan.jobs.iter().filter(|j| j.name != job.name) {
        db.exec(&format!(
            "CREATE TABLE IF NOT EXISTS {} (id BIGINT PRIMARY KEY, at {ts}, stopped_at {ts}, closed_at {ts})",
            j.table
        ))
        .unwrap();
    }
    let (mut gen_runs, mut naive_runs) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        gen_runs.push(generated(db.as_mut(), &plan, &job, n, batch));
        naive_runs.push(naive(db.as_mut(), &plan, &job, n));
    }
    for (method, r) in [
        (format!("generated job (batch {batch})"), median(gen_runs)),
        ("naive single DELETE".into(), median(naive_runs)),
    ] {
        let secs = r.total.as_secs_f64();
        let rate = |d: Duration| format!("{:.0}", r.rows as f64 / d.as_secs_f64().max(1e-9));
        t.add_row([
            engine.to_string(),
            method,
            r.rows.to_string(),
            format!("{secs:.2}"),
            rate(r.total),
            r.longest.as_millis().to_string(),
            r.purged.map_or("-".into(), |p| format!("{:.2}", p.as_secs_f64())),
            r.purged.map_or("-".into(), rate),
        ]);
    }
    for j in &plan.jobs {
        db.exec(&format!("DROP TABLE IF EXISTS {}", j.table)).unwrap();
    }
}

/// A policy of `n` categories, each kept a different number of calendar months.
fn month_policy(n: usize) -> String {
    let mut out = String::new();
    for line in policyc::synth::policy(n, 0).lines() {
        if line.starts_with("  retain ") {
            out.push_str(&format!("  retain {} months\n", 1 + out.matches("  retain ").count()));
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// SQL generation for every dialect, without a server.
fn generation() {
    let n = 100;
    let policy = policyc::compile_str("months.policy", &month_policy(n)).policy.unwrap();
    let t = Instant::now();
    let bytes: usize = [DialectKind::Postgres, DialectKind::Mysql, DialectKind::Sqlite]
        .into_iter()
        .map(|d| sql::generate(&policy, d).unwrap().contents.len())
        .sum();
    println!(
        "SQL generation, {n} calendar-month categories, 3 dialects: {:.1} ms ({bytes} bytes)\n",
        t.elapsed().as_secs_f64() * 1e3
    );
}

fn main() {
    generation();
    let env = |k: &str| std::env::var(k).ok().and_then(|v| v.parse::<u64>().ok());
    let n = env("POLICYC_BENCH_ROWS").unwrap_or(2_000_000);
    let batch = env("POLICYC_BENCH_BATCH").and_then(|b| u32::try_from(b).ok()).unwrap_or(sql::DEFAULT_BATCH);
    let rounds = env("POLICYC_BENCH_ROUNDS").map_or(3, |r| r.max(1) as usize);
    let mut t = Table::new();
    t.set_header([
        "engine",
        "method",
        "rows deleted",
        "time (s)",
        "rows/s",
        "longest transaction (ms)",
        "until purged (s)",
        "rows/s until purged",
    ]);
    for (engine, var) in [("PostgreSQL", "POLICYC_TEST_POSTGRES_URL"), ("MariaDB", "POLICYC_TEST_MYSQL_URL")] {
        match std::env::var(var) {
            Ok(url) if !url.is_empty() => bench(engine, &url, n, batch, rounds, &mut t),
            _ => eprintln!("skipped {engine}: {var} is not set"),
        }
    }
    println!("{n} rows, half expired; medians of {rounds} rounds (longest transaction: worst of all rounds)\n{t}");
}
