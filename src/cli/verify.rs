//! `policyc verify --database-url URL POLICY`: checks a live database against the policy;
//! `policyc verify --redis-url URL [--pattern P] [--fix] POLICY`: checks Redis key TTLs.

use super::{Ctx, Outcome, open_db};
use crate::diagnostics::Format;
use crate::live::sql;
use comfy_table::Table;
use std::path::PathBuf;

/// Arguments of `verify`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// postgres://…, mysql://… or sqlite://PATH (default: `DATABASE_URL`, unless
    /// `--redis-url` is given).
    #[arg(long, conflicts_with = "redis_url")]
    pub database_url: Option<String>,
    /// Redis URL, e.g. `redis://127.0.0.1:6379/0` or `rediss://…` for TLS: check the TTLs of
    /// keys bound to categories (SCAN, never KEYS). Default: `REDIS_URL` when neither
    /// `--database-url` nor `DATABASE_URL` is given.
    #[arg(long)]
    pub redis_url: Option<String>,
    /// With a Redis URL: check only the category bound to this key pattern.
    #[arg(long)]
    pub pattern: Option<String>,
    /// With a Redis URL: set the rule's TTL on violating keys (keys under legal hold are
    /// reported, never changed).
    #[arg(long)]
    pub fix: bool,
    /// With a database URL: only this store's jobs (default: every store of the URL's
    /// engine).
    #[arg(long)]
    pub store: Option<String>,
    /// How to connect.
    #[command(flatten)]
    pub conn: super::ConnArgs,
    /// The policy file.
    pub policy: PathBuf,
}

pub(crate) fn run(ctx: &Ctx, args: Args) -> Outcome {
    let env = |v: &str| std::env::var(v).ok().filter(|u| !u.is_empty());
    // Explicit flags first; then `DATABASE_URL`, then `REDIS_URL`.
    let redis_url = match (&args.database_url, args.redis_url) {
        (None, Some(u)) => Some(u),
        (None, None) if env("DATABASE_URL").is_none() => env("REDIS_URL"),
        _ => None,
    };
    let usage = |msg: &str| {
        eprintln!("error: {msg}");
        Outcome::UsageOrIo
    };
    if let Some(redis_url) = redis_url {
        if args.store.is_some() {
            return usage("--store applies to a database URL, not to Redis");
        }
        let redis = super::verify_redis::Args {
            policy: args.policy,
            redis_url,
            pattern: args.pattern,
            fix: args.fix,
            conn: args.conn,
        };
        return super::verify_redis::run(ctx, redis);
    }
    if args.pattern.is_some() || args.fix {
        return usage("--pattern and --fix apply to a Redis URL (--redis-url or REDIS_URL)");
    }
    let database_url = match super::database_url(args.database_url) {
        Ok(u) => u,
        Err(_) => return usage("no URL: pass --database-url or --redis-url, or set DATABASE_URL or REDIS_URL"),
    };
    let (target, mut report, outcome) = open_db(ctx, &args.policy, &database_url, &args.conn, args.store.as_deref());
    let mut target = match target {
        Ok(t) => t,
        Err(o) => {
            report.finish(ctx, "findings", serde_json::json!([]));
            return o;
        }
    };
    let findings = match sql::verify(target.db.as_mut(), &target.plan) {
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
