//! `policyc setup --database-url URL POLICY`: installs a policy's retention jobs.

use super::{Ctx, Outcome, open_db};
use crate::live::sql;
use std::path::PathBuf;

/// Arguments of `setup`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// postgres://…, mysql://… or sqlite://PATH (default: `DATABASE_URL`).
    #[arg(long)]
    pub database_url: Option<String>,
    /// How to connect.
    #[command(flatten)]
    pub conn: super::ConnArgs,
    /// Only this store's jobs (default: every store of the URL's engine).
    #[arg(long)]
    pub store: Option<String>,
    /// Also install the schedule (pg_cron job or MariaDB event).
    #[arg(long)]
    pub schedule: bool,
    /// The policy file.
    pub policy: PathBuf,
}

pub(crate) fn run(ctx: &Ctx, args: Args) -> Outcome {
    let url = match super::database_url(args.database_url.clone()) {
        Ok(u) => u,
        Err(e) => {
            let report = super::Report { diagnostics: Vec::new(), notes: Vec::new(), error: Some(e) };
            report.finish(ctx, "installed", serde_json::json!([]));
            return Outcome::UsageOrIo;
        }
    };
    let (target, mut report, outcome) = open_db(ctx, &args.policy, &url, &args.conn, args.store.as_deref());
    let mut target = match target {
        Ok(t) => t,
        Err(o) => {
            report.finish(ctx, "installed", serde_json::json!([]));
            return o;
        }
    };
    let plan = &target.plan;
    let res = sql::install(target.db.as_mut(), plan, args.schedule);
    let names: Vec<&str> = plan.jobs.iter().map(|j| j.name.as_str()).collect();
    let result = match res {
        Ok(()) => {
            if ctx.format == crate::diagnostics::Format::Human {
                println!(
                    "installed {} job(s) of policy `{}`{}: {}",
                    names.len(),
                    plan.policy,
                    if args.schedule { " with their schedule" } else { "" },
                    names.join(", ")
                );
            }
            outcome
        }
        Err(e) => {
            report.error = Some(format!("setup failed: {e}"));
            Outcome::UsageOrIo
        }
    };
    let installed = if result == Outcome::UsageOrIo { Vec::new() } else { names };
    report.finish(ctx, "installed", serde_json::json!(installed));
    result
}
