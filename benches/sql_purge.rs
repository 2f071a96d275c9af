//! Generated retention job vs a naive single DELETE on PostgreSQL and MariaDB: a table of
//! `POLICYC_BENCH_ROWS` rows (default 2,000,000), half expired. Prints rows/second and the
//! longest single transaction of each. Needs POLICYC_TEST_POSTGRES_URL / POLICYC_TEST_MYSQL_URL.
//!
//! The generated job is measured by issuing its batch statement (the same SQL the procedure
//! runs, one autocommitted transaction per batch) so each transaction can be timed.

use comfy_table::Table;
use policyc::backend::sql::{self, DialectKind, Plan};
use policyc::runner::{self, Db};
use std::time::{Duration, Instant};

const TEMPLATE: &str = include_str!("../tests/sql/retention.policy.in");
const PREFIX: &str = "sqlbench";

struct Outcome {
    engine: &'static str,
    method: String,
    rows: u64,
    total: Duration,
    longest: Duration,
}

fn load(db: &mut dyn Db, d: DialectKind, table: &str, n: u64) {
    db.exec(&format!("DROP TABLE IF EXISTS {table}")).unwrap();
    let span = 14 * 86_400;
    match d {
        DialectKind::Postgres => {
            db.exec(&format!("CREATE TABLE {table} (id bigint PRIMARY KEY, at timestamptz NOT NULL, payload text)"))
                .unwrap();
            db.exec(&format!(
                "INSERT INTO {table} SELECT g, now() - (g * {span}.0 / {n}) * interval '1 second', md5(g::text) FROM generate_series(1, {n}) g"
            ))
            .unwrap();
        }
        DialectKind::Mysql => {
            db.exec(&format!("CREATE TABLE {table} (id BIGINT PRIMARY KEY, at DATETIME(6) NOT NULL, payload TEXT)"))
                .unwrap();
            db.exec(&format!(
                "INSERT INTO {table} SELECT seq, UTC_TIMESTAMP(6) - INTERVAL (seq * {span} DIV {n}) SECOND, MD5(seq) FROM seq_1_to_{n}"
            ))
            .unwrap();
        }
        DialectKind::Sqlite => unreachable!(),
    }
}

fn now_literal(db: &mut dyn Db, plan: &Plan) -> String {
    let s = plan.syntax();
    let t = db.query_i64(&format!("SELECT {}", s.epoch(s.now_expr()))).unwrap().unwrap();
    let iso = policyc::semantics::format_instant(t).replace('T', " ").replace('Z', "");
    match plan.dialect {
        DialectKind::Postgres => format!("'{iso}+00'::timestamptz"),
        _ => format!("CAST('{iso}' AS DATETIME(6))"),
    }
}

fn bench(engine: &'static str, url: &str, n: u64, batch: u32, out: &mut Vec<Outcome>) {
    let mut db = runner::connect(url).unwrap();
    let d = db.dialect();
    let policy = policyc::compile_str("bench.policy", &TEMPLATE.replace("PFX", PREFIX)).policy.unwrap();
    let plan = sql::plan(&policy, d);
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
    let analyze = |db: &mut dyn Db| match d {
        DialectKind::Postgres => db.exec(&format!("VACUUM ANALYZE {}", job.table)).unwrap(),
        _ => db.exec(&format!("ANALYZE TABLE {}", job.table)).unwrap(),
    };

    // Generated job: keyset batches in index order, one short transaction each.
    load(db.as_mut(), d, &job.table_name, n);
    runner::install(db.as_mut(), &plan, false).unwrap();
    analyze(db.as_mut());
    let now = now_literal(db.as_mut(), &plan);
    let stmt = plan.batch_delete(&job, batch).replace(plan.syntax().now_var(), &now);
    let (mut rows, mut longest, start) = (0u64, Duration::ZERO, Instant::now());
    loop {
        let t = Instant::now();
        let k = db.exec_count(&stmt).unwrap();
        let took = t.elapsed();
        longest = longest.max(took);
        rows += k;
        if k < u64::from(batch) {
            break;
        }
    }
    let total = start.elapsed();
    out.push(Outcome { engine, method: format!("generated job (batch {batch})"), rows, total, longest });

    // Naive: one DELETE, one transaction.
    load(db.as_mut(), d, &job.table_name, n);
    runner::install(db.as_mut(), &plan, false).unwrap();
    analyze(db.as_mut());
    let cutoff = plan.syntax().sub_seconds(&now_literal(db.as_mut(), &plan), 7 * 86_400);
    let t = Instant::now();
    let deleted = db.exec_count(&format!("DELETE FROM {} WHERE at < {cutoff}", job.table)).unwrap();
    let took = t.elapsed();
    out.push(Outcome { engine, method: "naive single DELETE".into(), rows: deleted, total: took, longest: took });
    for j in &plan.jobs {
        db.exec(&format!("DROP TABLE IF EXISTS {}", j.table)).unwrap();
    }
}

fn main() {
    let n: u64 = std::env::var("POLICYC_BENCH_ROWS").ok().and_then(|v| v.parse().ok()).unwrap_or(2_000_000);
    let batch: u32 =
        std::env::var("POLICYC_BENCH_BATCH").ok().and_then(|v| v.parse().ok()).unwrap_or(sql::DEFAULT_BATCH);
    let mut out = Vec::new();
    for (engine, var) in [("PostgreSQL", "POLICYC_TEST_POSTGRES_URL"), ("MariaDB", "POLICYC_TEST_MYSQL_URL")] {
        match std::env::var(var) {
            Ok(url) if !url.is_empty() => bench(engine, &url, n, batch, &mut out),
            _ => eprintln!("skipped {engine}: {var} is not set"),
        }
    }
    let mut t = Table::new();
    t.set_header(["engine", "method", "rows deleted", "total (s)", "rows/s", "longest transaction (ms)"]);
    for o in &out {
        let secs = o.total.as_secs_f64();
        t.add_row([
            o.engine.to_string(),
            o.method.clone(),
            o.rows.to_string(),
            format!("{secs:.2}"),
            format!("{:.0}", o.rows as f64 / secs.max(1e-9)),
            o.longest.as_millis().to_string(),
        ]);
    }
    println!("{n} rows, half expired\n{t}");
}
