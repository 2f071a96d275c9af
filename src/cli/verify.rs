//! `policyc verify --database-url URL POLICY`: checks a live database against the policy;
//! `policyc verify --redis-url URL [--pattern P] [--fix] POLICY`: checks Redis key TTLs.

use super::{Ctx, Outcome, compile_all};
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
    let (compiled, outcome) = compile_all(ctx, std::slice::from_ref(&args.policy));
    let Some(policy) = compiled.first().and_then(|(_, c)| c.policy.clone()) else {
        return outcome.max(Outcome::PolicyErrors);
    };
    let mut db = match runner::connect(&database_url) {
        Ok(db) => db,
        Err(e) => {
            eprintln!("error: cannot connect: {e}");
            return Outcome::UsageOrIo;
        }
    };
    let plan = runner::plan_for(&policy, db.as_ref());
    let findings = match runner::verify(db.as_mut(), &plan) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return Outcome::UsageOrIo;
        }
    };
    let mut t = Table::new();
    t.set_header(["category", "check", "result", "detail"]);
    for f in &findings {
        t.add_row([f.category.clone(), f.check.clone(), if f.ok { "ok" } else { "FAIL" }.into(), f.detail.clone()]);
    }
    println!("{t}");
    let failed = findings.iter().filter(|f| !f.ok).count();
    if failed > 0 {
        eprintln!("{failed} finding(s)");
        Outcome::PolicyErrors
    } else {
        outcome
    }
}
