//! Store-retention throughput: checking and generating `stores/` for synthetic policies whose
//! categories are all bound to Redis, and `verify` scanning real Redis keys (when
//! `POLICYC_TEST_REDIS_URL` is set). Run with `cargo bench --bench stores`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a benchmark or build script stops at the first failure"
)]

use std::time::Instant;

/// The synthetic policy with every category also bound to the Redis store it declares.
fn policy(n: usize) -> String {
    let mut out = String::new();
    for line in policyc::synth::policy(n, 0).lines() {
        out.push_str(line);
        out.push('\n');
        if let Some(rest) = line.strip_prefix("  stored in main_db { table category_")
            && let Some(num) = rest.split_whitespace().next()
        {
            out.push_str(&format!("  stored in cache {{ keys \"category_{num}:*\" }}\n"));
        }
    }
    out
}

fn main() {
    println!("{:<40} {:>12} {:>14}", "case", "time (ms)", "per item (µs)");
    for n in [100, 1_000, 10_000] {
        let text = policy(n);
        let t = Instant::now();
        let c = policyc::compile_str("synthetic.policy", &text);
        let check = t.elapsed();
        let Some(p) = c.policy.as_ref() else { panic!("{}", c.render(false)) };
        let t = Instant::now();
        let files = policyc::backend::stores::generate(p).unwrap();
        let gen_time = t.elapsed();
        assert!(!files.is_empty());
        let per = |d: std::time::Duration| d.as_secs_f64() * 1e6 / n as f64;
        println!("{:<40} {:>12.1} {:>14.2}", format!("check, {n} categories"), check.as_secs_f64() * 1e3, per(check));
        println!(
            "{:<40} {:>12.1} {:>14.2}",
            format!("stores::generate, {n} categories"),
            gen_time.as_secs_f64() * 1e3,
            per(gen_time)
        );
    }
    let Ok(url) = std::env::var("POLICYC_TEST_REDIS_URL") else {
        println!("verify-redis: skipped (POLICYC_TEST_REDIS_URL is not set)");
        return;
    };
    let Ok(mut conn) = redis::Client::open(url.as_str()).and_then(|c| c.get_connection()) else {
        println!("verify-redis: skipped (Redis unreachable)");
        return;
    };
    let keys = 50_000;
    let prefix = "policyc-bench:stores";
    let mut pipe = redis::pipe();
    for i in 0..keys {
        pipe.cmd("SET").arg(format!("{prefix}:{i}")).arg("v").arg("EX").arg(3600).ignore();
    }
    let _: () = pipe.query(&mut conn).unwrap_or(());
    let patterns = vec![policyc::live::redis::BoundPattern {
        category: "bench".into(),
        pattern: format!("{prefix}:*"),
        ttl: policyc::live::redis::RedisTtl {
            ttl_seconds: Some(86_400),
            max_ttl_seconds: Some(86_400),
            fix_ttl_seconds: Some(86_400),
            event_based: false,
        },
    }];
    let t = Instant::now();
    let report = policyc::live::redis::verify(&mut conn, &patterns, false);
    let d = t.elapsed();
    let scanned = report.map(|r| r.scanned).unwrap_or(0);
    println!(
        "{:<40} {:>12.1} {:>14.2}",
        format!("verify-redis, {scanned} keys"),
        d.as_secs_f64() * 1e3,
        d.as_secs_f64() * 1e6 / scanned.max(1) as f64
    );
    let mut pipe = redis::pipe();
    for i in 0..keys {
        pipe.cmd("DEL").arg(format!("{prefix}:{i}")).ignore();
    }
    let _: () = pipe.query(&mut conn).unwrap_or(());
}
