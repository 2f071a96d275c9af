//! Runs and checks generated retention jobs on a live database (`policyc purge`, `policyc
//! verify`). The runner executes the same [`Plan`] the SQL files are rendered from.

mod mysql;
mod postgres;
mod sqlite;

use crate::backend::sql::{AUDIT_TABLE, DialectKind, Job, Plan};
use crate::model::Policy;
use std::time::{Duration, Instant};

/// A failure talking to the database.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct RunError(pub String);

impl RunError {
    fn from(e: impl std::fmt::Display) -> Self {
        RunError(e.to_string())
    }
}

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
    /// Whether the job's schedule is installed and the scheduler runs (`Ok(None)`: the runner
    /// is the scheduler).
    fn schedule_status(&mut self, job: &Job) -> Result<Option<Result<(), String>>, RunError>;
}

/// Opens `postgres://…`, `mysql://…` or `sqlite://PATH`.
pub fn connect(url: &str) -> Result<Box<dyn Db>, RunError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Box::new(postgres::Pg::connect(url)?))
    } else if url.starts_with("mysql://") || url.starts_with("mariadb://") {
        Ok(Box::new(mysql::My::connect(url)?))
    } else if let Some(path) = url.strip_prefix("sqlite://") {
        Ok(Box::new(sqlite::Lite::open(path)?))
    } else {
        Err(RunError(format!("unsupported database URL `{url}`: use postgres://, mysql:// or sqlite://PATH")))
    }
}

/// Applies the idempotent setup (audit and hold tables, indexes, procedures) and, when
/// `schedule` is set, the schedule.
pub fn install(db: &mut dyn Db, plan: &Plan, schedule: bool) -> Result<(), RunError> {
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
    if !dry_run {
        install(db, plan, false)?;
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
            db.query_i64(&plan.count_expired(job)).and_then(|n| {
                r.rows = n.and_then(|n| u64::try_from(n).ok()).unwrap_or(0);
                r.oldest_surviving = db.query_i64(&plan.oldest_surviving(job))?;
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

/// Checks a live database against the plan.
pub fn verify(db: &mut dyn Db, plan: &Plan) -> Result<Vec<Finding>, RunError> {
    let mut out = Vec::new();
    let jobs: Vec<&Job> = plan.jobs.iter().collect();
    let fks = db.foreign_keys(&jobs)?;
    let d = plan.syntax();
    if let Some(pin) = d.pin_session() {
        db.exec(pin)?;
    }
    for job in &plan.jobs {
        let mut f = |check: &str, ok: bool, detail: String| {
            out.push(Finding { category: job.category.clone(), check: check.to_string(), ok, detail })
        };
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
        match db.schedule_status(job)? {
            None => f("schedule", true, "run by `policyc purge` (no scheduler in SQLite)".into()),
            Some(Ok(())) => f("schedule", true, format!("scheduled `{}`", job.schedule)),
            Some(Err(e)) => f("schedule", false, e),
        }
        let last = db
            .query_i64(&format!(
                "SELECT {} - MAX({}) FROM {} WHERE job = {} AND outcome = 'ok'",
                d.epoch(d.now_expr()),
                d.epoch("finished_at"),
                d.quote(AUDIT_TABLE),
                d.literal(&job.name)
            ))
            .unwrap_or(None);
        let within = run_within_secs(&job.schedule);
        match last {
            Some(age) if age <= within => f("last run", true, format!("succeeded {age} s ago")),
            Some(age) => f(
                "last run",
                false,
                format!("last success {age} s ago (expected within {within} s, schedule `{}`)", job.schedule),
            ),
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
            let row = db.query_text(&plan.count_overdue(job, grace))?;
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

/// The plan for a database URL's dialect.
pub fn plan_for(policy: &Policy, db: &dyn Db) -> Plan {
    crate::backend::sql::plan(policy, db.dialect())
}
