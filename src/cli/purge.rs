//! `policyc purge --database-url URL POLICY`: runs the retention jobs of a policy.

use super::{Ctx, Outcome, compile_all};
use crate::runner;
use comfy_table::Table;
use std::io::IsTerminal;
use std::path::PathBuf;

/// Arguments of `purge`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// postgres://…, mysql://… or sqlite://PATH.
    #[arg(long)]
    pub database_url: String,
    /// The policy file.
    pub policy: PathBuf,
    /// Count what would be deleted; delete nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Rows per batch (each batch is its own transaction).
    #[arg(long, default_value_t = crate::backend::sql::DEFAULT_BATCH)]
    pub batch_size: u32,
    /// Also install the schedule (pg_cron job or MariaDB event).
    #[arg(long)]
    pub schedule: bool,
}

pub(crate) fn run(ctx: &Ctx, args: Args) -> Outcome {
    let (compiled, outcome) = compile_all(ctx, std::slice::from_ref(&args.policy));
    let Some(policy) = compiled.first().and_then(|(_, c)| c.policy.clone()) else {
        return outcome.max(Outcome::PolicyErrors);
    };
    let mut db = match runner::connect(&args.database_url) {
        Ok(db) => db,
        Err(e) => {
            eprintln!("error: cannot connect: {e}");
            return Outcome::UsageOrIo;
        }
    };
    let plan = runner::plan_for(&policy, db.as_ref());
    if args.schedule
        && !args.dry_run
        && let Err(e) = runner::install(db.as_mut(), &plan, true)
    {
        eprintln!("error: cannot install the schedule: {e}");
        return Outcome::UsageOrIo;
    }
    let bar = std::io::stderr().is_terminal().then(|| {
        let b = indicatif::ProgressBar::new(plan.jobs.len() as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    let mut started = String::new();
    let res = runner::purge(db.as_mut(), &plan, args.batch_size, args.dry_run, &mut |job, rows| {
        if let Some(b) = &bar {
            if started != job.name {
                if !started.is_empty() {
                    b.inc(1);
                }
                started = job.name.clone();
            }
            b.set_message(format!("{} ({rows} rows)", job.category));
        }
    });
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let reports = match res {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return Outcome::UsageOrIo;
        }
    };
    let mut t = Table::new();
    if args.dry_run {
        t.set_header(["category", "table", "rows to delete", "oldest kept (s)", "status"]);
    } else {
        t.set_header(["category", "table", "rows deleted", "time (ms)", "status"]);
    }
    let mut failed = false;
    for r in &reports {
        failed |= r.error.is_some();
        let status = r.error.clone().unwrap_or_else(|| "ok".into());
        let third = if args.dry_run {
            r.oldest_surviving.map_or_else(|| "-".into(), |s| s.to_string())
        } else {
            r.elapsed.as_millis().to_string()
        };
        t.add_row([r.category.clone(), r.table.clone(), r.rows.to_string(), third, status]);
    }
    println!("{t}");
    if failed { Outcome::PolicyErrors } else { outcome }
}
