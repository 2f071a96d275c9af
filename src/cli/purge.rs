//! `policyc purge --database-url URL POLICY`: runs the retention jobs of a policy.

use super::{Ctx, Outcome, open_db};
use crate::diagnostics::Format;
use crate::live::sql;
use comfy_table::Table;
use std::io::IsTerminal;
use std::path::PathBuf;

/// Arguments of `purge`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// postgres://…, mysql://… or sqlite://PATH (default: `DATABASE_URL`).
    #[arg(long)]
    pub database_url: Option<String>,
    /// How to connect.
    #[command(flatten)]
    pub conn: super::ConnArgs,
    /// The policy file.
    pub policy: PathBuf,
    /// Only this store's jobs (default: every store of the URL's engine).
    #[arg(long)]
    pub store: Option<String>,
    /// Count what would be deleted; delete nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Rows per batch (each batch is its own transaction).
    #[arg(long, default_value_t = crate::backend::sql::DEFAULT_BATCH)]
    pub batch_size: u32,
}

pub(crate) fn run(ctx: &Ctx, args: Args) -> Outcome {
    let url = match super::database_url(args.database_url.clone()) {
        Ok(u) => u,
        Err(e) => {
            let report = super::Report { diagnostics: Vec::new(), notes: Vec::new(), error: Some(e) };
            report.finish(ctx, "jobs", serde_json::json!([]));
            return Outcome::UsageOrIo;
        }
    };
    let (target, mut report, outcome) = open_db(ctx, &args.policy, &url, &args.conn, args.store.as_deref());
    let mut target = match target {
        Ok(t) => t,
        Err(o) => {
            report.finish(ctx, "jobs", serde_json::json!([]));
            return o;
        }
    };
    let (db, plan) = (target.db.as_mut(), &target.plan);
    if !args.dry_run {
        match sql::setup_problems(db, plan) {
            Ok(p) if p.is_empty() => {}
            Ok(p) => {
                report.error = Some(format!(
                    "the retention jobs are not installed: {}; install them with `policyc setup --database-url {} {}`",
                    p.join("; "),
                    crate::live::conn::redact_url(&url),
                    args.policy.display()
                ));
                report.finish(ctx, "jobs", serde_json::json!([]));
                return Outcome::UsageOrIo;
            }
            Err(e) => {
                report.error = Some(e.0);
                report.finish(ctx, "jobs", serde_json::json!([]));
                return Outcome::UsageOrIo;
            }
        }
    }
    let bar = (matches!(ctx.format, Format::Human | Format::Short) && std::io::stderr().is_terminal()).then(|| {
        let b = indicatif::ProgressBar::new(plan.jobs.len() as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} jobs, {msg}, about {eta} left")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    let mut started = String::new();
    let mut job_start = std::time::Instant::now();
    let res = sql::purge(db, plan, args.batch_size, args.dry_run, &mut |job, rows| {
        if let Some(b) = &bar {
            if started != job.name {
                if !started.is_empty() {
                    b.inc(1);
                }
                started = job.name.clone();
                job_start = std::time::Instant::now();
            }
            let rate = rate(rows, job_start.elapsed()).map_or_else(String::new, |r| format!(", {r}"));
            b.set_message(format!("{}: {rows} rows{rate}", job.category));
        }
    });
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let reports = match res {
        Ok(r) => r,
        Err(e) => {
            report.error = Some(e.0);
            report.finish(ctx, "jobs", serde_json::json!([]));
            return Outcome::UsageOrIo;
        }
    };
    let failed = reports.iter().any(|r| r.error.is_some());
    match ctx.format {
        Format::Json | Format::Sarif => {
            let jobs: Vec<serde_json::Value> = reports
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "category": r.category, "table": r.table, "rows": r.rows,
                        "oldest_kept_secs": r.oldest_surviving,
                        "elapsed_ms": u64::try_from(r.elapsed.as_millis()).unwrap_or(u64::MAX),
                        "error": r.error,
                    })
                })
                .collect();
            report.finish(ctx, "jobs", serde_json::json!(jobs));
        }
        Format::Human | Format::Short => {
            report.finish(ctx, "jobs", serde_json::Value::Null);
            let mut t = Table::new();
            if args.dry_run {
                t.set_header(["category", "table", "rows to delete", "oldest kept", "status"]);
            } else {
                t.set_header(["category", "table", "rows deleted", "time", "rows/s", "status"]);
            }
            for r in &reports {
                let status = r.error.clone().unwrap_or_else(|| "ok".into());
                if args.dry_run {
                    let oldest = r.oldest_surviving.map_or_else(
                        || "-".into(),
                        |s| duration(std::time::Duration::from_secs(u64::try_from(s).unwrap_or(0))),
                    );
                    t.add_row([r.category.clone(), r.table.clone(), r.rows.to_string(), oldest, status]);
                } else {
                    let per_sec = rate(r.rows, r.elapsed).unwrap_or_else(|| "-".into());
                    t.add_row([
                        r.category.clone(),
                        r.table.clone(),
                        r.rows.to_string(),
                        duration(r.elapsed),
                        per_sec,
                        status,
                    ]);
                }
            }
            println!("{t}");
        }
    }
    if failed { Outcome::PolicyErrors } else { outcome }
}

/// A duration as people read it: `340 ms`, `2.4 s`, `3 min 5 s`, `2 h 10 min`, `3 d 4 h`.
fn duration(d: std::time::Duration) -> String {
    let ms = d.as_millis();
    let s = d.as_secs();
    match s {
        0 => format!("{ms} ms"),
        1..=59 => format!("{:.1} s", d.as_secs_f64()),
        60..=3_599 => format!("{} min {} s", s / 60, s % 60),
        3_600..=86_399 => format!("{} h {} min", s / 3_600, s % 3_600 / 60),
        _ => format!("{} d {} h", s / 86_400, s % 86_400 / 3_600),
    }
}

/// Rows per second, when there is enough time to say (`12,400 rows/s`).
fn rate(rows: u64, elapsed: std::time::Duration) -> Option<String> {
    let secs = elapsed.as_secs_f64();
    (secs >= 0.001 && rows > 0).then(|| format!("{:.0} rows/s", rows as f64 / secs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn durations_read_as_durations() {
        assert_eq!(duration(Duration::from_millis(340)), "340 ms");
        assert_eq!(duration(Duration::from_millis(2_400)), "2.4 s");
        assert_eq!(duration(Duration::from_secs(185)), "3 min 5 s");
        assert_eq!(duration(Duration::from_secs(7_800)), "2 h 10 min");
        assert_eq!(duration(Duration::from_secs(4 * 3_600 + 3 * 86_400)), "3 d 4 h");
        assert_eq!(rate(1_000, Duration::from_millis(500)).as_deref(), Some("2000 rows/s"));
        assert_eq!(rate(0, Duration::from_secs(1)), None);
    }
}
