//! Runs and checks generated retention jobs on a live database (`policyc purge`, `policyc
//! verify`). The runner executes the same [`Plan`] the SQL files are rendered from.

mod mysql;
mod postgres;
mod sqlite;

use crate::backend::sql::{
    AUDIT_TABLE, DialectKind, HOLD_TABLE, INSTALLED_TABLE, Job, Plan, TABLES_OBJECT, TABLES_VERSION,
};
use crate::model::{Policy, StoreKind};
use std::time::{Duration, Instant};

pub use super::RunError;
use super::conn;

/// The minimal operations the runner needs from an engine.
pub trait Db {
    /// Which dialect it speaks.
    fn dialect(&self) -> DialectKind;
    /// Executes one statement.
    fn exec(&mut self, sql: &str) -> Result<(), RunError>;
    /// Executes one statement; returns the rows it changed.
    fn exec_count(&mut self, sql: &str) -> Result<u64, RunError>;
    /// The first column of the first row as an integer (`None` when NULL or no row).
    fn query_i64(&mut self, sql: &str) -> Result<Option<i64>, RunError>;
    /// Rows of text columns (NULL as empty).
    fn query_text(&mut self, sql: &str) -> Result<Vec<Vec<String>>, RunError>;
    /// Runs one job to completion with `batch` rows per transaction; returns rows deleted.
    fn run_job(&mut self, plan: &Plan, job: &Job, batch: u32, on_batch: &mut dyn FnMut(u64)) -> Result<u64, RunError>;
    /// Foreign keys as (child table, parent table, delete rule), lower-case rule.
    fn foreign_keys(&mut self, tables: &[&Job]) -> Result<Vec<(String, String, String)>, RunError>;
    /// Columns of a table as (name, type), lower-case types; empty when the table is missing.
    fn columns(&mut self, job: &Job) -> Result<Vec<(String, String)>, RunError>;
    /// Names of the indexes on a table.
    fn indexes(&mut self, job: &Job) -> Result<Vec<String>, RunError>;
    /// Whether the job's schedule is installed, runs `call`, and the scheduler runs
    /// (`Ok(None)`: the runner is the scheduler).
    fn schedule_status(&mut self, job: &Job, call: &str) -> Result<Option<Result<(), String>>, RunError>;
    /// Whether a table of the connection's default schema exists.
    fn table_exists(&mut self, name: &str) -> Result<bool, RunError>;
    /// Starts a setup: waits for any other setup to finish (a lock) and, where DDL is
    /// transactional, opens the transaction it runs in.
    fn begin_setup(&mut self) -> Result<(), RunError>;
    /// Ends a setup: commits (or with `ok` false rolls back) and releases the lock.
    fn end_setup(&mut self, ok: bool) -> Result<(), RunError>;
}

/// Opens `postgres://…`, `mysql://…` or `sqlite://PATH` with the URL's own settings.
pub fn connect(url: &str) -> Result<Box<dyn Db>, RunError> {
    connect_with(url, &conn::ConnectOptions::default())
}

/// Opens a database with TLS and password settings from `opts` (see [`conn`]). No message
/// holds the URL's password or the one in `opts`.
pub fn connect_with(url: &str, opts: &conn::ConnectOptions) -> Result<Box<dyn Db>, RunError> {
    let db: Result<Box<dyn Db>, RunError> = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        postgres::Pg::connect(url, opts).map(|d| Box::new(d) as Box<dyn Db>)
    } else if url.starts_with("mysql://") || url.starts_with("mariadb://") {
        mysql::My::connect(url, opts).map(|d| Box::new(d) as Box<dyn Db>)
    } else if let Some(path) = url.strip_prefix("sqlite://") {
        sqlite::Lite::open(path).map(|d| Box::new(d) as Box<dyn Db>)
    } else {
        Err(RunError(format!(
            "unsupported database URL `{}`: use postgres://, mysql:// or sqlite://PATH",
            conn::redact_url(url)
        )))
    };
    let secrets: Vec<String> = conn::UrlParts::parse(url).secrets().into_iter().chain(opts.password.clone()).collect();
    db.map_err(|e| RunError(conn::scrub(&e.0, &secrets)))
}

/// Applies the idempotent setup (shared tables, indexes, procedures, the record of what was
/// installed) and, when `schedule` is set, the schedule: under a lock, so concurrent setups
/// take turns, and in one transaction where the engine's DDL is transactional (PostgreSQL,
/// SQLite), so a failed setup leaves nothing half-applied there.
pub fn install(db: &mut dyn Db, plan: &Plan, schedule: bool) -> Result<(), RunError> {
    db.begin_setup()?;
    let res = install_locked(db, plan, schedule);
    match db.end_setup(res.is_ok()) {
        Ok(()) => res,
        Err(e) => res.and(Err(e)),
    }
}

fn install_locked(db: &mut dyn Db, plan: &Plan, schedule: bool) -> Result<(), RunError> {
    let d = plan.syntax();
    // An engine without `ADD COLUMN IF NOT EXISTS` (SQLite): look, then add.
    if d.add_column_if_missing(AUDIT_TABLE, "policy", "TEXT").is_none()
        && db.table_exists(AUDIT_TABLE)?
        && db.query_i64(&format!("SELECT COUNT(*) FROM pragma_table_info('{AUDIT_TABLE}') WHERE name = 'policy'"))?
            == Some(0)
    {
        db.exec(&format!("ALTER TABLE {} ADD COLUMN policy TEXT", d.quote(AUDIT_TABLE)))?;
    }
    for s in &plan.setup {
        db.exec(s)?;
    }
    if schedule {
        for s in &plan.schedule {
            db.exec(s)?;
        }
    }
    Ok(())
}

/// What is missing or stale in a database for running a plan's jobs; empty when the setup
/// installed is this plan's.
pub fn setup_problems(db: &mut dyn Db, plan: &Plan) -> Result<Vec<String>, RunError> {
    let mut out = Vec::new();
    for t in [AUDIT_TABLE, HOLD_TABLE, INSTALLED_TABLE] {
        if !db.table_exists(t)? {
            out.push(format!("table `{t}` does not exist"));
        }
    }
    if !out.is_empty() {
        return Ok(out);
    }
    let d = plan.syntax();
    let mut names = vec![d.literal(TABLES_OBJECT)];
    names.extend(plan.jobs.iter().map(|j| d.literal(&j.name)));
    let rows = db.query_text(&format!(
        "SELECT object, policy, hash FROM {} WHERE object IN ({})",
        d.quote(INSTALLED_TABLE),
        names.join(", ")
    ))?;
    let row = |name: &str| rows.iter().find(|r| r[0] == name);
    match row(TABLES_OBJECT) {
        Some(r) if r[2] == TABLES_VERSION => {}
        Some(r) => out.push(format!("the shared tables are at version {}, this policyc needs {TABLES_VERSION}", r[2])),
        None => out.push("the shared tables' version is not recorded".into()),
    }
    for j in &plan.jobs {
        match row(&j.name) {
            None => out.push(format!("job `{}` ({}) is not installed", j.name, j.category)),
            Some(r) if r[1] != plan.policy => {
                out.push(format!("job `{}` is installed by policy `{}`: the name collides", j.name, r[1]))
            }
            Some(r) if r[2] != j.hash => out.push(format!(
                "job `{}` ({}) was installed from another definition (another version of the policy or of policyc)",
                j.name, j.category
            )),
            Some(_) => {}
        }
    }
    Ok(out)
}

/// The result of one job.
#[derive(Debug, Clone)]
pub struct JobReport {
    /// Category.
    pub category: String,
    /// Table.
    pub table: String,
    /// Rows deleted (or, in a dry run, that would be).
    pub rows: u64,
    /// Age in seconds of the oldest row that stays (dry run).
    pub oldest_surviving: Option<i64>,
    /// Time taken.
    pub elapsed: Duration,
    /// Why it failed.
    pub error: Option<String>,
}

/// Jobs ordered so a table is purged before the tables it references (children first).
pub fn order_jobs<'a>(plan: &'a Plan, fks: &[(String, String, String)]) -> Vec<&'a Job> {
    let mut left: Vec<&Job> = plan.jobs.iter().collect();
    let mut out = Vec::new();
    while !left.is_empty() {
        // A job is ready when no remaining job's table references its table.
        let pos = left
            .iter()
            .position(|j| {
                !left.iter().any(|o| {
                    o.table_name != j.table_name && fks.iter().any(|(c, p, _)| *c == o.table_name && *p == j.table_name)
                })
            })
            .unwrap_or(0);
        out.push(left.remove(pos));
    }
    out
}

/// Runs (or with `dry_run` counts) every job; `progress` is told each job's start and rows.
pub fn purge(
    db: &mut dyn Db,
    plan: &Plan,
    batch: u32,
    dry_run: bool,
    progress: &mut dyn FnMut(&Job, u64),
) -> Result<Vec<JobReport>, RunError> {
    // A purge never installs: half a setup applied by a purge that then fails is worse than
    // a clear refusal. A dry run reads only the tables, and the holds where they exist.
    let holds = db.table_exists(HOLD_TABLE)?;
    if !dry_run {
        let problems = setup_problems(db, plan)?;
        if !problems.is_empty() {
            return Err(RunError(format!("the retention jobs are not installed: {}", problems.join("; "))));
        }
    }
    if let Some(pin) = plan.syntax().pin_session() {
        db.exec(pin)?;
    }
    let jobs: Vec<&Job> = plan.jobs.iter().collect();
    let fks = db.foreign_keys(&jobs).unwrap_or_default();
    let mut out = Vec::new();
    for job in order_jobs(plan, &fks) {
        let t = Instant::now();
        progress(job, 0);
        let mut r = JobReport {
            category: job.category.clone(),
            table: job.table_text.clone(),
            rows: 0,
            oldest_surviving: None,
            elapsed: Duration::ZERO,
            error: None,
        };
        let res = if dry_run {
            let count = if holds { plan.count_expired(job) } else { plan.count_expired_unheld(job) };
            db.query_i64(&count).and_then(|n| {
                r.rows = n.and_then(|n| u64::try_from(n).ok()).unwrap_or(0);
                r.oldest_surviving = if holds { db.query_i64(&plan.oldest_surviving(job))? } else { None };
                Ok(())
            })
        } else {
            let mut seen = 0;
            db.run_job(plan, job, batch.max(1), &mut |n| {
                seen += n;
                progress(job, seen);
            })
            .map(|n| r.rows = n)
        };
        if let Err(e) = res {
            r.error = Some(e.0);
        }
        r.elapsed = t.elapsed();
        out.push(r);
    }
    Ok(out)
}

/// One verification result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Category.
    pub category: String,
    /// What was checked.
    pub check: String,
    /// Passed.
    pub ok: bool,
    /// Details.
    pub detail: String,
}

/// How long ago the last successful run may have finished: the schedule's longest gap between
/// runs, plus a quarter of it (at least an hour) for the run itself.
fn run_within_secs(cron: &str) -> i64 {
    let gap = crate::schedule::parse(cron).map_or(86_400, |c| c.longest_gap_secs());
    gap + (gap / 4).max(3_600)
}

/// The category of findings about the database as a whole.
pub const SETUP_CATEGORY: &str = "(setup)";

/// Checks a live database against the plan; what setup never installed is reported, and the
/// rest is checked all the same.
pub fn verify(db: &mut dyn Db, plan: &Plan) -> Result<Vec<Finding>, RunError> {
    let mut out = Vec::new();
    let jobs: Vec<&Job> = plan.jobs.iter().collect();
    let fks = db.foreign_keys(&jobs)?;
    let d = plan.syntax();
    let audit = db.table_exists(AUDIT_TABLE)?;
    let holds = db.table_exists(HOLD_TABLE)?;
    let problems = setup_problems(db, plan)?;
    let tables_missing = problems.iter().any(|p| p.starts_with("table "));
    out.push(Finding {
        category: SETUP_CATEGORY.into(),
        check: "setup".into(),
        ok: !tables_missing,
        detail: if tables_missing {
            format!("not installed: {} (install with `policyc setup`)", problems.join("; "))
        } else {
            "shared tables present".into()
        },
    });
    if let Some(pin) = d.pin_session() {
        db.exec(pin)?;
    }
    for job in &plan.jobs {
        let mut f = |check: &str, ok: bool, detail: String| {
            out.push(Finding { category: job.category.clone(), check: check.to_string(), ok, detail })
        };
        if !tables_missing {
            let mine: Vec<&String> = problems.iter().filter(|p| p.contains(&format!("`{}`", job.name))).collect();
            f(
                "installed",
                mine.is_empty(),
                if mine.is_empty() {
                    format!("`{}` installed by policy `{}`", job.name, plan.policy)
                } else {
                    mine.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("; ")
                },
            );
        }
        let cols = db.columns(job)?;
        if cols.is_empty() {
            f("table", false, format!("table `{}` does not exist", job.table_text));
            continue;
        }
        let mut missing = Vec::new();
        let mut notes = Vec::new();
        for c in &job.columns {
            match cols.iter().find(|(n, _)| n.eq_ignore_ascii_case(c)) {
                None => missing.push(format!("`{c}` is missing")),
                Some((_, ty)) if job.time_columns.contains(c) => match time_type(plan.dialect, ty) {
                    TimeType::Instant => {}
                    TimeType::Utc => notes.push(format!("`{c}` ({ty}) is read as UTC")),
                    TimeType::Refused(why) => missing.push(format!("`{c}` has type `{ty}`: {why}")),
                },
                _ => {}
            }
        }
        let cols_ok = missing.is_empty();
        let present = std::iter::once(format!("{} present", job.columns.join(", "))).chain(notes).collect::<Vec<_>>();
        f("columns", cols_ok, if cols_ok { present.join("; ") } else { missing.join("; ") });
        let idx = db.indexes(job)?;
        let lacking: Vec<&str> =
            job.indexes.iter().filter(|(n, _)| !idx.iter().any(|i| i == n)).map(|(n, _)| n.as_str()).collect();
        f(
            "indexes",
            lacking.is_empty(),
            if lacking.is_empty() { "present".into() } else { format!("missing {}", lacking.join(", ")) },
        );
        let call = plan.call(job, crate::backend::sql::DEFAULT_BATCH).unwrap_or_default();
        match db.schedule_status(job, &call)? {
            None => f("schedule", true, "run by `policyc purge` (no scheduler in SQLite)".into()),
            Some(Ok(())) => f("schedule", true, format!("scheduled `{}`", job.schedule)),
            Some(Err(e)) => f("schedule", false, e),
        }
        let last = if !audit {
            None
        } else {
            db.query_i64(&format!(
                "SELECT {} - MAX({}) FROM {} WHERE job = {} AND outcome = 'ok'",
                d.epoch(d.now_expr()),
                d.epoch("finished_at"),
                d.quote(AUDIT_TABLE),
                d.literal(&job.name)
            ))
            .unwrap_or(None)
        };
        let within = run_within_secs(&job.schedule);
        match last {
            Some(age) if age <= within => f("last run", true, format!("succeeded {age} s ago")),
            Some(age) => f(
                "last run",
                false,
                format!("last success {age} s ago (expected within {within} s, schedule `{}`)", job.schedule),
            ),
            None if !audit => f("last run", false, format!("no audit table `{AUDIT_TABLE}` (not installed)")),
            None => f("last run", false, "no successful run recorded".into()),
        }
        if cols_ok {
            let unusable = db.query_i64(&plan.count_unusable(job))?.unwrap_or(0);
            f(
                "unusable times",
                unusable == 0,
                if unusable == 0 {
                    "none".into()
                } else {
                    format!(
                        "{unusable} rows hold no usable instant in {} (infinity, zero date or unreadable value); jobs skip them",
                        job.time_columns.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
                    )
                },
            );
            let grace = overdue_grace(job);
            let row = db.query_text(&plan.count_overdue(job, grace, holds))?;
            let overdue: i64 = row.first().and_then(|r| r[0].parse().ok()).unwrap_or(0);
            let oldest: Option<i64> = row.first().and_then(|r| r.get(1)).and_then(|v| v.parse().ok());
            let now = db.query_i64(&format!("SELECT {}", d.epoch(d.now_expr())))?.unwrap_or(0);
            f(
                "overdue rows",
                overdue == 0,
                if overdue == 0 {
                    format!("none past expiry + {grace} s (tolerance and the schedule's longest gap)")
                } else {
                    let by = match (job.period, oldest) {
                        (Some(p), Some(t)) => {
                            format!("; the oldest is {} s past its expiry", now - crate::semantics::add(t, p))
                        }
                        _ => String::new(),
                    };
                    format!(
                        "{overdue} rows past expiry + {grace} s (tolerance and the schedule's longest gap){by} (compliance finding)"
                    )
                },
            );
        }
        for (child, parent, rule) in &fks {
            if *parent == job.table_name && *child != job.table_name {
                let purged = plan.jobs.iter().any(|j| j.table_name == *child);
                let ok = rule == "cascade" || rule == "set null";
                f(
                    "foreign keys",
                    ok,
                    if ok {
                        format!("`{child}` references it ON DELETE {}", rule.to_uppercase())
                    } else if purged {
                        format!("`{child}` references it ({rule}); purged first, but its rows may outlive these")
                    } else {
                        format!("`{child}` references it ({rule}) and is not purged: deletes would fail or orphan rows")
                    },
                );
            }
        }
    }
    Ok(out)
}

/// How long after its expiry a row counts as overdue: the rule's tolerance, plus the schedule's
/// longest gap between runs (a row due just after a run waits for the next one).
pub fn overdue_grace(job: &Job) -> i64 {
    let gap = crate::schedule::parse(&job.schedule).map_or(86_400, |c| c.longest_gap_secs());
    job.tolerance_secs.saturating_add(gap)
}

/// What a bound time column's type says about the instants it holds.
enum TimeType {
    /// An instant (PostgreSQL `timestamptz`, MariaDB `TIMESTAMP`, SQLite per row).
    Instant,
    /// A wall clock, read as UTC (PostgreSQL `timestamp`, MariaDB `DATETIME`).
    Utc,
    /// Not a time type the job can read.
    Refused(&'static str),
}

fn time_type(d: DialectKind, ty: &str) -> TimeType {
    match d {
        DialectKind::Postgres => match ty {
            "timestamp with time zone" => TimeType::Instant,
            "timestamp without time zone" => TimeType::Utc,
            _ => TimeType::Refused("expected timestamptz (or timestamp holding UTC)"),
        },
        DialectKind::Mysql => match ty {
            "timestamp" => TimeType::Instant,
            "datetime" => TimeType::Utc,
            _ => TimeType::Refused("expected DATETIME holding UTC or TIMESTAMP"),
        },
        // Values are read per row (integer epoch seconds or date text); REAL affinity turns
        // both into reals, which could be Julian days or epochs.
        DialectKind::Sqlite if ty.contains("real") || ty.contains("floa") || ty.contains("doub") => {
            TimeType::Refused("a REAL column holds ambiguous numbers: use TEXT or INTEGER")
        }
        DialectKind::Sqlite => TimeType::Instant,
    }
}

/// The store kind a dialect serves.
fn kind_of(d: DialectKind) -> StoreKind {
    match d {
        DialectKind::Postgres => StoreKind::Postgres,
        DialectKind::Mysql => StoreKind::Mysql,
        DialectKind::Sqlite => StoreKind::Sqlite,
    }
}

fn kind_name(k: StoreKind) -> &'static str {
    StoreKind::ALL.iter().find(|(_, v)| *v == k).map_or("other", |(n, _)| n)
}

/// The plan for the stores a connection serves: those of the URL's engine, or only `store`.
/// Also returns a note for each SQL store left out. Errors when `store` is not a store of the
/// URL's engine, or when the policy has no store of it.
pub fn plan_for(policy: &Policy, db: &dyn Db, store: Option<&str>) -> Result<(Plan, Vec<String>), RunError> {
    let d = db.dialect();
    let kind = kind_of(d);
    if let Some(name) = store {
        match policy.stores.iter().find(|s| s.name == name) {
            None => return Err(RunError(format!("the policy has no store `{name}`"))),
            Some(s) if s.kind != kind => {
                return Err(RunError(format!(
                    "store `{name}` is of kind {}, but the database URL is {}",
                    kind_name(s.kind),
                    d.name()
                )));
            }
            Some(_) => {}
        }
    }
    let keep = |s: &crate::model::Store| s.kind == kind && store.is_none_or(|n| n == s.name);
    let notes: Vec<String> = policy
        .stores
        .iter()
        .filter(|s| s.kind.is_sql() && !keep(s))
        .map(|s| {
            if s.kind == kind {
                format!("store `{}` skipped (--store {})", s.name, store.unwrap_or_default())
            } else {
                format!("store `{}` ({}) skipped: the database URL is {}", s.name, kind_name(s.kind), d.name())
            }
        })
        .collect();
    if !policy.stores.iter().any(keep) {
        return Err(RunError(format!("the policy has no {} store", d.name())));
    }
    let plan = crate::backend::sql::plan_stores(policy, d, &keep).map_err(|e| RunError(e.to_string()))?;
    Ok((plan, notes))
}
