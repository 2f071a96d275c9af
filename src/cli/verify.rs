//! `policyc verify --database-url URL POLICY`: checks a live database against the policy.

use super::{Ctx, Outcome, compile_all};
use crate::runner;
use comfy_table::Table;
use std::path::PathBuf;

/// Arguments of `verify`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// postgres://…, mysql://… or sqlite://PATH.
    #[arg(long)]
    pub database_url: String,
    /// The policy file.
    pub policy: PathBuf,
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
