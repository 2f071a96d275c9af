//! `policyc verify --redis-url URL [--pattern P] [--fix] POLICY`: scans the keys bound to
//! the policy's categories (SCAN, never KEYS) and reports keys without a TTL or with a TTL
//! longer than the rule allows, and keys under legal hold. `--fix` gives violating keys the
//! rule's period from now; held keys (members of the set `policyc:legal_hold`) are reported,
//! never changed. Exit code 0 when no violation remains, 1 when some do, 2 on usage or
//! connection errors.

use super::{Ctx, Outcome, compile_all};
use crate::live::redis::{self as rt, Problem};
use std::path::PathBuf;

/// Arguments of `verify --redis-url` (built by `verify`).
#[derive(Debug)]
pub struct Args {
    /// The policy.
    pub policy: PathBuf,
    /// Redis URL, e.g. `redis://127.0.0.1:6379/0`.
    pub redis_url: String,
    /// Check only the category bound to this key pattern (as written in the policy).
    pub pattern: Option<String>,
    /// Set the rule's TTL on violating keys.
    pub fix: bool,
    /// TLS and password.
    pub conn: super::ConnArgs,
}

pub(crate) fn run(ctx: &Ctx, args: Args) -> Outcome {
    let (compiled, outcome) = compile_all(ctx, std::slice::from_ref(&args.policy));
    if outcome != Outcome::Ok {
        return outcome;
    }
    let Some(p) = compiled.first().and_then(|(_, c)| c.policy.as_ref()) else { return Outcome::PolicyErrors };
    let mut patterns = rt::patterns(p);
    if let Some(want) = &args.pattern {
        patterns.retain(|b| &b.pattern == want);
        if patterns.is_empty() {
            let all: Vec<String> = rt::patterns(p).into_iter().map(|b| format!("`{}`", b.pattern)).collect();
            eprintln!("error: no category is bound to the key pattern `{want}` (bound: {})", all.join(", "));
            return Outcome::UsageOrIo;
        }
    }
    let conn = args.conn.options().and_then(|o| {
        crate::live::conn::redis_connect(&args.redis_url, &o).map_err(|e| format!("cannot connect to Redis: {e}"))
    });
    let mut conn = match conn {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return Outcome::UsageOrIo;
        }
    };
    let report = match rt::verify(&mut conn, &patterns, args.fix) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: Redis: {e}");
            return Outcome::UsageOrIo;
        }
    };
    for f in &report.findings {
        let what = match f.problem {
            Problem::NoTtl => "no TTL".to_string(),
            Problem::TooLong(ms) => format!("TTL {} s is longer than the policy allows", ms / 1000),
            Problem::Held => "under legal hold: no TTL, left alone".to_string(),
        };
        let fixed = if f.fixed { " (fixed)" } else { "" };
        println!("{}\t{}\t{what}{fixed}", f.key, f.category);
    }
    let unresolved = report.unresolved();
    println!(
        "{} keys scanned in {} pattern(s): {} violation(s), {} fixed, {} held",
        report.scanned,
        patterns.len(),
        report.findings.iter().filter(|f| f.problem != Problem::Held).count(),
        report.findings.iter().filter(|f| f.fixed).count(),
        report.findings.iter().filter(|f| f.problem == Problem::Held).count(),
    );
    if unresolved > 0 { Outcome::PolicyErrors } else { Outcome::Ok }
}
