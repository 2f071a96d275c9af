//! `policyc verify --database-url URL POLICY`: checks a live database against the policy;
//! `policyc verify --redis-url URL [--pattern P] [--fix] POLICY`: checks Redis key TTLs.

use super::{Ctx, Outcome, open_db};
use crate::diagnostics::Format;
use crate::runner;
use comfy_table::Table;
use std::path::PathBuf;

/// Arguments of `verify`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// postgres://…, mysql://… or sqlite://PATH.
    #[arg(long, required_unless_present = "redis_url", conflicts_with = "redis_url")]
    pub database_url: Option<String>,
    /// Redis URL, e.g. `redis://127.0.0.1:6379/0`: check the TTLs of keys bound to categories
    /// (SCAN, never KEYS).
    #[arg(long)]
    pub redis_url: Option<String>,
    /// With `--redis-url`: check only the category bound to this key pattern.
    #[arg(long, requires = "redis_url")]
    pub pattern: Option<String>,
    /// With `--redis-url`: set the rule's TTL on violating keys (keys under legal hold are
    /// reported, never changed).
    #[arg(long, requires = "redis_url")]
    pub fix: bool,
    /// With `--database-url`: only this store's jobs (default: every store of the URL's
    /// engine).
    #[arg(long, requires = "database_url")]
    pub store: Option<String>,
    /// The policy file.
    pub policy: PathBuf,
}

pub(crate) fn run(ctx: &Ctx, args: Args) -> Outcome {
    let database_url = match (args.database_url, args.redis_url) {
        (_, Some(redis_url)) => {
            let redis =
                super::verify_redis::Args { policy: args.policy, redis_url, pattern: args.pattern, fix: args.fix };
            return super::verify_redis::run(ctx, redis);
        }
        (Some(url), None) => url,
        (None, None) => return Outcome::UsageOrIo,
    };
    let (target, mut report, outcome) = open_db(ctx, &args.policy, &database_url, args.store.as_deref());
    let mut target = match target {
        Ok(t) => t,
        Err(o) => {
            report.finish(ctx, "findings", serde_json::json!([]));
            return o;
        }
    };
    let findings = match runner::verify(target.db.as_mut(), &target.plan) {
        Ok(f) => f,
        Err(e) => {
            report.error = Some(e.0);
            report.finish(ctx, "findings", serde_json::json!([]));
            return Outcome::UsageOrIo;
        }
    };
    let failed = findings.iter().filter(|f| !f.ok).count();
    match ctx.format {
        Format::Json | Format::Sarif => {
            let list: Vec<serde_json::Value> = findings
                .iter()
                .map(|f| serde_json::json!({"category": f.category, "check": f.check, "ok": f.ok, "detail": f.detail}))
                .collect();
            report.finish(ctx, "findings", serde_json::json!(list));
        }
        Format::Human | Format::Short => {
            report.finish(ctx, "findings", serde_json::Value::Null);
            let mut t = Table::new();
            t.set_header(["category", "check", "result", "detail"]);
            for f in &findings {
                t.add_row([
                    f.category.clone(),
                    f.check.clone(),
                    if f.ok { "ok" } else { "FAIL" }.into(),
                    f.detail.clone(),
                ]);
            }
            println!("{t}");
            if failed > 0 {
                eprintln!("{failed} finding(s)");
            }
        }
    }
    if failed > 0 { Outcome::PolicyErrors } else { outcome }
}
