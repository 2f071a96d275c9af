//! SQL retention jobs: one file per dialect (`sql/<dialect>.sql`) holding the idempotent setup
//! (audit table, legal-hold table, indexes, purge procedures) and the schedule.
//!
//! Every category with a binding to a SQL table (a store of kind postgres, mysql or sqlite) gets
//! a job in every dialect's file; the store's kind says which file is deployed. The runner
//! (`crate::live::sql`) executes the same [`Plan`] the files are rendered from.
//!
//! Expiry is exactly [`crate::semantics::expiry`]: a row is purged when its expiry instant is
//! `<=` the run's captured "now". Calendar units compare `collected + N months <= now` per row
//! (not `collected <= now - N months`, which differs at month ends); a range prefilter
//! `collected <= now - D` with `D` the shortest span of N calendar months keeps that on the
//! index. Rules kept indefinitely or not stored produce no job.
//!
//! Statements in a file are separated by lines starting with [`STATEMENT_MARK`]; see
//! [`split_statements`]. No `DELIMITER` is needed.

pub mod dialect;

use crate::backend::OutputFile;
use crate::model::{Anchor, Clock, EndAction, Location, Policy, Rule, Store};
use crate::semantics;
pub use dialect::{Dialect, DialectKind};
use dialect::{ProcJob, split};
use std::fmt::Write;

/// Line prefix that starts every statement in a generated file.
pub const STATEMENT_MARK: &str = "-- policyc:statement";
/// Audit table name.
pub const AUDIT_TABLE: &str = "policyc_retention_audit";
/// Legal-hold table name.
pub const HOLD_TABLE: &str = "policyc_legal_hold";
/// What setup installed: one row per job (its policy and the hash of its definition) and one
/// for the shared tables ([`TABLES_OBJECT`]).
pub const INSTALLED_TABLE: &str = "policyc_installed";
/// The [`INSTALLED_TABLE`] row of the shared audit and hold tables.
pub const TABLES_OBJECT: &str = "policyc_tables";
/// Version of the shared tables' layout, recorded in the [`TABLES_OBJECT`] row.
pub const TABLES_VERSION: &str = "2";
/// Rows per batch unless the runner is told otherwise.
pub const DEFAULT_BATCH: u32 = 10_000;
/// Key column used to match held rows when a binding declares none.
pub const DEFAULT_KEY: &str = "id";

/// The purge of one bound table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// Category name.
    pub category: String,
    /// The store the table is bound in.
    pub store: String,
    /// Procedure / schedule name (unquoted), namespaced by the policy.
    pub name: String,
    /// Quoted, schema-qualified table.
    pub table: String,
    /// `schema.table` or `table`, unquoted.
    pub table_text: String,
    /// Schema, if qualified.
    pub schema: Option<String>,
    /// Table name.
    pub table_name: String,
    /// Columns the job reads (unquoted): key, collection time, event times.
    pub columns: Vec<String>,
    /// Timestamp columns among them.
    pub time_columns: Vec<String>,
    /// Indexes the job needs: (name, column).
    pub indexes: Vec<(String, String)>,
    /// Expiry-and-not-held predicate over the captured now ([`Dialect::now_var`]).
    pub pred: String,
    /// The same predicate over the statement's own clock ([`Dialect::now_expr`]).
    pub pred_live: String,
    /// Expiry alone (no hold test) over the statement's own clock: what is overdue when the
    /// hold table does not exist.
    pub expired_live: String,
    /// `FROM` clause naming the row as the predicates expect.
    pub from: String,
    /// Quoted ordering column (collection time, or first event column).
    pub order: String,
    /// When a single column decides expiry: the bound over [`Dialect::now_var`] that every
    /// expired row's `order` column is at or below. The procedures then walk that column's
    /// index in slices instead of re-scanning it for every batch.
    pub range_cut: Option<String>,
    /// Cron schedule.
    pub schedule: String,
    /// Hash of the job's setup statements, recorded in [`INSTALLED_TABLE`].
    pub hash: String,
    /// How much later than its expiry the rule lets a row go (its `tolerance`), in seconds;
    /// calendar months count as 31 days.
    pub tolerance_secs: i64,
    /// The period when one column decides expiry (then `order` is that column).
    pub period: Option<crate::model::Duration>,
}

/// Everything generated for one dialect.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Dialect.
    pub dialect: DialectKind,
    /// The policy's identifier, which namespaces every object of its jobs.
    pub policy: String,
    /// Idempotent setup statements, in order.
    pub setup: Vec<String>,
    /// Jobs, in policy order.
    pub jobs: Vec<Job>,
    /// Schedule statements (pg_cron, events); empty for SQLite.
    pub schedule: Vec<String>,
    /// Notes for the file header (skipped categories and why).
    pub notes: Vec<String>,
}

impl Plan {
    /// The dialect's syntax.
    pub fn syntax(&self) -> &'static dyn Dialect {
        self.dialect.syntax()
    }

    /// The call running a job's procedure (`None` for SQLite: loop [`Plan::batch_delete`]).
    pub fn call(&self, job: &Job, batch: u32) -> Option<String> {
        self.syntax().call(&job.name, &batch.to_string())
    }

    /// One batch of a job (SQLite binds `:now`, captured once per run).
    pub fn batch_delete(&self, job: &Job, batch: u32) -> String {
        self.syntax().batch_delete(&job.table, &job.pred, &job.order, &batch.to_string())
    }

    /// Rows a run now would delete.
    pub fn count_expired(&self, job: &Job) -> String {
        format!("SELECT COUNT(*) FROM {} WHERE {}", job.from, job.pred_live)
    }

    /// Rows past retention, holds aside (for a database without the hold table).
    pub fn count_expired_unheld(&self, job: &Job) -> String {
        format!("SELECT COUNT(*) FROM {} WHERE {}", job.from, job.expired_live)
    }

    /// Rows still there `grace_secs` after they were due (verify's overdue rows), and the
    /// epoch of the oldest one's ordering column.
    /// Without the hold table (`holds` false) no row is held.
    pub fn count_overdue(&self, job: &Job, grace_secs: i64, holds: bool) -> String {
        let d = self.syntax();
        // `pred_live` is the predicate over `now_expr`; moving that clock back by the grace
        // gives the same rule evaluated `grace_secs` ago.
        let then = d.sub_seconds(d.now_expr(), u64::try_from(grace_secs).unwrap_or(0));
        let live = if holds { &job.pred_live } else { &job.expired_live };
        let pred = live.replace(d.now_expr(), &then);
        let row = d.row(&job.table);
        format!("SELECT COUNT(*), MIN({}) FROM {} WHERE {pred}", d.epoch(&format!("{row}.{}", job.order)), job.from)
    }

    /// Rows a run skips because a time column holds no usable instant (PostgreSQL
    /// infinities, MariaDB zero dates, SQLite text that is no date).
    pub fn count_unusable(&self, job: &Job) -> String {
        let d = self.syntax();
        let row = d.row(&job.table);
        let any: Vec<String> = job.time_columns.iter().map(|c| d.unusable(&format!("{row}.{}", d.quote(c)))).collect();
        format!("SELECT COUNT(*) FROM {} WHERE {}", job.from, any.join(" OR "))
    }

    /// Age in seconds of the oldest row a run now would keep (NULL when none).
    pub fn oldest_surviving(&self, job: &Job) -> String {
        let d = self.syntax();
        let row = d.row(&job.table);
        format!(
            "SELECT {} - MIN({}) FROM {} WHERE (CASE WHEN {} THEN 1 ELSE 0 END) = 0",
            d.epoch(d.now_expr()),
            d.epoch(&format!("{row}.{}", job.order)),
            job.from,
            job.pred_live
        )
    }

    /// SQLite audit: start a run (binds `:policy`, `:job`, `:category`, `:table`, `:cutoff`, see
    /// [`Plan::cutoff`]).
    pub fn audit_start(&self) -> String {
        format!(
            "INSERT INTO {} (policy, job, category, table_name, cutoff, rows_deleted, started_at, outcome) VALUES (:policy, :job, :category, :table, :cutoff, 0, {}, 'running')",
            self.syntax().quote(AUDIT_TABLE),
            self.syntax().now_expr()
        )
    }

    /// The audit's cut-off of a run at `now`: when one column decides expiry by a fixed length
    /// of time, the retention boundary (rows at or before it go); otherwise `now` itself, as
    /// calendar months have no single boundary (Oct 31 + 1 month = Nov 30 = Oct 30 + 1 month).
    pub fn cutoff(&self, job: &Job, now: semantics::Instant) -> semantics::Instant {
        match job.period.map(split) {
            Some(Ok(secs)) => now.saturating_sub(i64::try_from(secs).unwrap_or(i64::MAX)),
            _ => now,
        }
    }

    /// SQLite audit: record progress or the end (binds `:id`, `:rows`, `:outcome`).
    pub fn audit_update(&self) -> String {
        format!(
            "UPDATE {} SET rows_deleted = :rows, outcome = :outcome, finished_at = CASE WHEN :outcome = 'running' THEN NULL ELSE {} END WHERE id = :id",
            self.syntax().quote(AUDIT_TABLE),
            self.syntax().now_expr()
        )
    }
}

/// Builds the plan of a policy in a dialect, for every SQL store.
pub fn plan(policy: &Policy, dialect: DialectKind) -> crate::backend::Result<Plan> {
    plan_stores(policy, dialect, &|_| true)
}

/// Builds the plan of a policy in a dialect for the SQL stores `keep` accepts.
pub fn plan_stores(
    policy: &Policy,
    dialect: DialectKind,
    keep: &dyn Fn(&Store) -> bool,
) -> crate::backend::Result<Plan> {
    let d = dialect.syntax();
    let mut jobs = Vec::new();
    let mut notes = Vec::new();
    for c in &policy.categories {
        let sql_bindings: Vec<_> = c
            .bindings
            .iter()
            .filter(|b| policy.store(&b.store).is_some_and(|s| s.kind.is_sql() && keep(s)))
            .filter_map(|b| match &b.location {
                Location::Table { schema, name } => Some((b, schema, name)),
                _ => None,
            })
            .collect();
        if sql_bindings.is_empty() {
            continue;
        }
        let clocks = match &c.retention.rule {
            Rule::Expires { clocks, .. } => clocks,
            Rule::Indefinite { .. } => {
                notes.push(format!("{}: kept indefinitely, no job", c.name));
                continue;
            }
            Rule::NotStored => {
                notes.push(format!("{}: not stored, no job", c.name));
                continue;
            }
        };
        if c.retention.action == EndAction::Anonymise {
            notes.push(format!("{}: anonymised at the end of retention, not enforced by SQL jobs", c.name));
            continue;
        }
        for (i, (b, schema, name)) in sql_bindings.iter().enumerate() {
            let table = match schema {
                Some(s) => format!("{}.{}", d.quote(s), d.quote(name)),
                None => d.quote(name),
            };
            let table_text = match schema {
                Some(s) => format!("{s}.{name}"),
                None => name.to_string(),
            };
            let row = d.row(&table);
            let col = |c: &str| format!("{row}.{}", d.quote(c));
            let usable: Vec<(&Clock, Vec<&String>)> = clocks
                .iter()
                .filter_map(|k| {
                    let cols: Vec<&String> = match &k.anchor {
                        Anchor::Collection => b.collected_at.iter().collect(),
                        Anchor::Events(es) => es.iter().filter_map(|e| b.events.get(e)).collect(),
                    };
                    (!cols.is_empty()).then_some((k, cols))
                })
                .collect();
            if usable.is_empty() {
                notes.push(format!("{}: `{table_text}` holds no column any clock starts from, no job", c.name));
                continue;
            }
            let key = b.key.clone().unwrap_or_else(|| DEFAULT_KEY.to_string());
            let mut time_columns: Vec<String> = Vec::new();
            for (_, cols) in &usable {
                for c in cols {
                    if !time_columns.contains(c) {
                        time_columns.push((*c).clone());
                    }
                }
            }
            let mut columns = vec![key.clone()];
            columns.extend(time_columns.iter().filter(|c| **c != key).cloned());
            let order_col = usable[0].1[0].clone();
            let range_cut = match usable.as_slice() {
                [(k, cols)] if cols.len() == 1 => Some(d.range_bound(&latest_start(d, k, d.now_var()))),
                _ => None,
            };
            let expired = |now: &str| {
                let parts: Vec<String> = usable
                    .iter()
                    .map(|(k, cols)| {
                        let (raw, start) = if cols.len() == 1 {
                            (Some(col(cols[0])), d.instant(&col(cols[0])))
                        } else {
                            // Earliest event that happened: LEAST of rotated COALESCEs skips NULLs
                            // in every dialect.
                            let args: Vec<String> = (0..cols.len())
                                .map(|i| {
                                    let rot: Vec<String> = cols
                                        .iter()
                                        .cycle()
                                        .skip(i)
                                        .take(cols.len())
                                        .map(|c| d.instant(&col(c)))
                                        .collect();
                                    format!("COALESCE({})", rot.join(", "))
                                })
                                .collect();
                            (None, d.least(&args))
                        };
                        clock_pred(d, raw.as_deref(), &start, k, now)
                    })
                    .collect();
                if parts.len() == 1 { parts.concat() } else { format!("({})", parts.join(" OR ")) }
            };
            // The first test is uncorrelated, so each statement evaluates it once: a table with
            // no held rows skips the per-row lookup. Both run in the delete's own snapshot.
            let hold = format!(
                "(NOT EXISTS (SELECT 1 FROM {hold_table} AS h0 WHERE h0.table_name = {tl}) OR NOT EXISTS (SELECT 1 FROM {hold_table} AS h WHERE h.table_name = {tl} AND h.row_key = {}))",
                d.key_text(&col(&key)),
                hold_table = d.quote(HOLD_TABLE),
                tl = d.literal(&table_text),
            );
            // Every object is namespaced by the policy, so policies sharing a database and a
            // category name never replace each other's procedures, schedules or indexes.
            let pid = &policy.id;
            let job_name = if i == 0 {
                bounded(&format!("policyc_purge_{pid}__{}", c.name))
            } else {
                bounded(&format!("policyc_purge_{pid}__{}_{}", c.name, i + 1))
            };
            let indexes = time_columns
                .iter()
                .map(|tc| (bounded(&format!("policyc_{pid}__{name}_{tc}_idx")), tc.clone()))
                .collect();
            let schedule =
                policy.store(&b.store).and_then(|s| s.schedule.clone()).unwrap_or_else(|| policy.schedule.clone());
            let from = if row == table { table.clone() } else { format!("{table} AS {row}") };
            jobs.push(Job {
                category: c.name.clone(),
                store: b.store.clone(),
                name: job_name,
                table: table.clone(),
                table_text,
                schema: (*schema).clone(),
                table_name: name.to_string(),
                columns,
                time_columns,
                indexes,
                pred: format!("{} AND {hold}", expired(d.now_var())),
                pred_live: format!("{} AND {hold}", expired(d.now_expr())),
                expired_live: expired(d.now_expr()),
                from,
                order: d.quote(&order_col),
                period: range_cut.as_ref().map(|_| usable[0].0.duration),
                range_cut,
                schedule,
                hash: String::new(),
                tolerance_secs: c.retention.tolerance.map_or(0, upper_secs),
            });
        }
    }

    let (id, ts, short, long) = d.types();
    let exact = d.exact_text();
    let mut setup = vec![
        format!(
            "CREATE TABLE IF NOT EXISTS {} (\n  id {id},\n  policy {short},\n  job {short} NOT NULL,\n  category {short} NOT NULL,\n  table_name {short} NOT NULL,\n  cutoff {ts} NOT NULL,\n  rows_deleted BIGINT NOT NULL DEFAULT 0,\n  started_at {ts} NOT NULL,\n  finished_at {ts},\n  outcome {short} NOT NULL,\n  detail {long}\n)",
            d.quote(AUDIT_TABLE)
        ),
        format!(
            "CREATE TABLE IF NOT EXISTS {} (\n  table_name {exact} NOT NULL,\n  row_key {exact} NOT NULL,\n  reason {long},\n  placed_at {ts},\n  PRIMARY KEY (table_name, row_key)\n)",
            d.quote(HOLD_TABLE)
        ),
        format!(
            "CREATE TABLE IF NOT EXISTS {} (\n  object {short} NOT NULL PRIMARY KEY,\n  policy {short} NOT NULL,\n  hash {short} NOT NULL,\n  installed_at {ts} NOT NULL\n)",
            d.quote(INSTALLED_TABLE)
        ),
    ];
    // Tables from earlier versions: the audit gains its policy column, the hold table exact
    // matching (where the engine can say so in one idempotent statement).
    setup.extend(d.add_column_if_missing(AUDIT_TABLE, "policy", short));
    setup.extend(d.exact_hold_columns(HOLD_TABLE));
    setup.push(d.record_installed(TABLES_OBJECT, "*", TABLES_VERSION));
    let audit = d.quote(AUDIT_TABLE);
    let mut schedule = Vec::new();
    for j in &mut jobs {
        let mut mine = Vec::new();
        for (name, column) in &j.indexes {
            mine.push(d.create_index(name, j.schema.as_deref(), &j.table, &j.table_name, &d.quote(column)));
        }
        mine.extend(d.procedure(&ProcJob {
            policy: &policy.id,
            name: &j.name,
            category: &j.category,
            table: &j.table,
            table_text: &j.table_text,
            audit: &audit,
            pred: &j.pred,
            order: &j.order,
            range_cut: j.range_cut.as_deref(),
            schema: j.schema.as_deref(),
            table_name: &j.table_name,
            key: &j.columns[0],
        }));
        // The SQLite batch is part of what a run executes, so it is part of the version too.
        mine.push(format!("-- {}", d.batch_delete(&j.table, &j.pred, &j.order, ":batch")));
        j.hash = format!("{:016x}", fnv(mine.join("\n").as_bytes()));
        mine.pop();
        mine.push(d.record_installed(&j.name, &policy.id, &j.hash));
        setup.extend(mine);
        if let Some(call) = d.call(&j.name, &DEFAULT_BATCH.to_string()) {
            schedule.extend(
                d.schedule(&j.name, &j.schedule, &call)
                    .map_err(|why| crate::backend::Error::Schedule { cron: j.schedule.clone(), why })?,
            );
            if let Some(n) = d.schedule_note(&j.schedule) {
                let n = format!("{}: {n}", j.name);
                if !notes.contains(&n) {
                    notes.push(n);
                }
            }
        }
    }
    Ok(Plan { dialect, policy: policy.id.clone(), setup, jobs, schedule, notes })
}

/// The condition that a row whose time is in `column` (qualified, quoted) has been kept for
/// `duration` by `now`: exactly what a job tests for a one-column clock.
pub fn due(d: &dyn Dialect, column: &str, duration: crate::model::Duration, now: &str) -> String {
    let k = Clock { bound: crate::model::Bound::Exact, duration, anchor: Anchor::Collection };
    clock_pred(d, Some(column), &d.instant(column), &k, now)
}

/// `start + duration <= now`, exact in every session and storage form ([`Dialect::instant`]).
/// When the start is one column (`raw`), a range test on it comes first so the index serves
/// the scan; it is a superset of the exact test (a lower bound for calendar units).
fn clock_pred(d: &dyn Dialect, raw: Option<&str>, start: &str, k: &Clock, now: &str) -> String {
    let bound = latest_start(d, k, now);
    let exact = match split(k.duration) {
        Ok(_) => d.at_or_before(start, &bound),
        Err(months) => d.months_expired(start, months, now),
    };
    match raw {
        Some(raw) => format!("{raw} <= {} AND {exact}", d.range_bound(&bound)),
        None => exact,
    }
}

/// The latest start a clock can have and have run out by `now`: exact for fixed lengths of
/// time, a lower bound of N calendar months otherwise.
fn latest_start(d: &dyn Dialect, k: &Clock, now: &str) -> String {
    match split(k.duration) {
        Ok(secs) => d.sub_seconds(now, secs),
        Err(months) => d.sub_seconds(now, min_span_days(months) * 86_400),
    }
}

/// The fewest days `months` calendar months can span: if `start + months <= now` then
/// `start <= now - min_span_days(months)` days, because adding months keeps the time of day.
pub fn min_span_days(months: u64) -> u64 {
    semantics::month_span_days(months).0
}

/// The most days `months` calendar months can span: a start that many days before now is due
/// whatever its day of month.
pub fn max_span_days(months: u64) -> u64 {
    semantics::month_span_days(months).1
}

/// Seconds in a duration, calendar months counted at their longest (31 days): an upper bound.
pub fn upper_secs(d: crate::model::Duration) -> i64 {
    match split(d) {
        Ok(s) => i64::try_from(s).unwrap_or(i64::MAX),
        Err(months) => i64::try_from(months).unwrap_or(i64::MAX / 2_678_400).saturating_mul(31 * 86_400),
    }
}

/// FNV-1a: stable across runs and machines.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3))
}

/// Keeps a generated identifier within 63 bytes (PostgreSQL's limit; MariaDB's is 64, and 64
/// for `GET_LOCK` names), deterministically: a long name keeps its first 50 bytes and gains a
/// hash of the whole, so two long names sharing a prefix stay apart.
pub fn bounded(name: &str) -> String {
    if name.len() <= 63 {
        return name.to_string();
    }
    let cut = (0..=50).rev().find(|i| name.is_char_boundary(*i)).unwrap_or(0);
    format!("{}_{:08x}", &name[..cut], fnv(name.as_bytes()) as u32)
}

/// Renders the file of a dialect.
pub fn render(policy: &Policy, plan: &Plan) -> String {
    let mut out = String::new();
    let dn = plan.dialect.name();
    let _ = writeln!(
        out,
        "-- Retention jobs of policy `{}` version {} ({dn}).",
        policy.id,
        crate::escape::line_comment(&policy.version)
    );
    let _ = writeln!(out, "-- Generated by policyc from {}; do not edit.", crate::escape::line_comment(&policy.source));
    out.push_str(
        "--\n-- Apply statement by statement: each starts at a line beginning with\n-- `-- policyc:statement`. Every statement is idempotent.\n",
    );
    out.push_str(match plan.dialect {
        DialectKind::Postgres => {
            "-- Time columns are timestamptz, or timestamp holding UTC; the session time zone never\n-- matters. Schedules need the pg_cron extension.\n"
        }
        DialectKind::Mysql => {
            "-- Time columns are DATETIME holding UTC, or TIMESTAMP. Events run only with\n-- `SET GLOBAL event_scheduler = ON`.\n"
        }
        DialectKind::Sqlite => {
            "-- Time columns hold integer epoch seconds or date text (`YYYY-MM-DD HH:MM:SS`, RFC 3339 with\n-- `Z` or an offset, fractions). `policyc purge` runs the batches (binding :now, UTC\n-- `YYYY-MM-DD HH:MM:SS`, once per run and :batch) and enables PRAGMA secure_delete.\n"
        }
    });
    out.push_str("-- Legal hold: a row whose key is in policyc_legal_hold (table_name, row_key) is never purged;\n-- keys match as exact bytes (no case folding, no trailing-space padding).\n");
    out.push_str("-- policyc_installed records each job's policy and definition hash: `policyc purge` runs only\n-- what `policyc setup` (or this file) installed.\n");
    for n in &plan.notes {
        let _ = writeln!(out, "-- Note: {}.", crate::escape::line_comment(n));
    }
    let mut section = |title: &str, stmts: &[String]| {
        if stmts.is_empty() {
            return;
        }
        let _ = writeln!(out, "\n-- ==== {title} ====");
        for s in stmts {
            let _ = writeln!(out, "{STATEMENT_MARK}\n{s};");
        }
    };
    section("setup", &plan.setup);
    section("schedule", &plan.schedule);
    if plan.dialect == DialectKind::Sqlite {
        let batches: Vec<String> = plan
            .jobs
            .iter()
            .map(|j| {
                format!(
                    "-- job {} (repeat until no row changes)\n{}",
                    j.name,
                    plan.syntax().batch_delete(&j.table, &j.pred, &j.order, ":batch")
                )
            })
            .collect();
        section("purge batches", &batches);
    }
    out
}

/// Splits a generated file into its statements (without the trailing `;`).
pub fn split_statements(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur: Option<String> = None;
    for line in text.lines() {
        if line.starts_with(STATEMENT_MARK) {
            if let Some(s) = cur.take() {
                out.push(s);
            }
            cur = Some(String::new());
        } else if let Some(s) = cur.as_mut() {
            if line.starts_with("-- ====") {
                out.push(std::mem::take(s));
                cur = None;
                continue;
            }
            s.push_str(line);
            s.push('\n');
        }
    }
    out.extend(cur);
    out.into_iter().map(|s| s.trim().trim_end_matches(';').trim_end().to_string()).filter(|s| !s.is_empty()).collect()
}

/// The file `sql/<dialect>.sql`.
pub fn generate(policy: &Policy, dialect: DialectKind) -> crate::backend::Result<OutputFile> {
    let p = plan(policy, dialect)?;
    Ok(OutputFile::text(format!("sql/{}.sql", dialect.name()), render(policy, &p)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn min_spans() {
        assert_eq!(min_span_days(1), 28);
        assert_eq!(min_span_days(12), 365);
        assert_eq!(max_span_days(1), 31);
        assert_eq!(max_span_days(12), 366);
        assert!(min_span_days(2) >= 58);
    }

    #[test]
    fn prefilter_is_a_superset() {
        // Every instant whose N-month expiry is <= now also passes the range prefilter.
        for months in [1u64, 2, 3, 12, 24] {
            let span = i64::try_from(min_span_days(months) * 86_400).unwrap_or(0);
            for day in (0..3_000i64).step_by(1) {
                let t = 1_700_000_000 + day * 86_400 + (day * 7_919) % 86_400;
                let e = semantics::add_months(t, months as i64);
                assert!(t <= e - span, "{months} months from {t}");
            }
        }
    }

    #[test]
    fn a_schedule_the_checker_would_refuse_is_an_error_not_another_schedule() {
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/tencent_im/im.policy")).unwrap();
        let mut policy = crate::compile_str("im.policy", &text).policy.unwrap();
        policy.schedule = "every so often".into();
        for store in &mut policy.stores {
            store.schedule = Some("every so often".into());
        }
        // The example's jobs run on MariaDB, which used to fall back to a daily event.
        let e = generate(&policy, DialectKind::Mysql).unwrap_err().to_string();
        assert!(e.contains("every so often"), "{e}");
        assert!(generate(&policy, DialectKind::Sqlite).is_ok(), "SQLite installs no schedule");
    }

    #[test]
    fn long_names_are_bounded() {
        let n = bounded(&format!("policyc_purge_{}", "x".repeat(63)));
        assert!(n.len() <= 63);
        assert_eq!(n, bounded(&format!("policyc_purge_{}", "x".repeat(63))));
    }
}
