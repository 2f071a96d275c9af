//! Diff of two 10,000-category synthetic policies that differ in about 1% of items
//! (`synth::policy(10_000, 0)` vs `synth::policy(10_000, 1)`). Compiling each side is timed
//! separately from the diff itself. Run with `cargo bench --bench diff`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a benchmark or build script stops at the first failure"
)]

use comfy_table::Table;
use std::time::{Duration, Instant};

const CATEGORIES: usize = 10_000;
const RUNS: usize = 5;

fn compile(variant: u32) -> (policyc::model::Policy, Duration) {
    let text = policyc::synth::policy(CATEGORIES, variant);
    let start = Instant::now();
    let c = policyc::compile_str("synthetic.policy", &text);
    let took = start.elapsed();
    assert!(!c.diagnostics.has_errors(), "synthetic policy has errors");
    (c.policy.expect("no errors, so a model"), took)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1_000.0)
}

fn main() {
    let (old, old_time) = compile(0);
    let (new, new_time) = compile(1);
    let mut times = Vec::new();
    let mut changes = Vec::new();
    for _ in 0..RUNS {
        let start = Instant::now();
        changes = policyc::diff::diff(&old, &new);
        times.push(start.elapsed());
    }
    let notice_start = Instant::now();
    let notices = policyc::diff::notice::generate(&old, &new, &changes).unwrap();
    let notice_time = notice_start.elapsed();
    let count = |s: policyc::diff::Severity| changes.iter().filter(|c| c.severity == s).count();
    let mut t = Table::new();
    t.set_header(["step", "ms", "notes"]);
    t.add_row([
        "compile old".to_string(),
        ms(old_time),
        format!("{CATEGORIES} categories, {} fields", old.categories.iter().map(|c| c.fields.len()).sum::<usize>()),
    ]);
    t.add_row(["compile new".to_string(), ms(new_time), "variant 1".to_string()]);
    t.add_row([
        "diff".to_string(),
        ms(median(times.clone())),
        format!(
            "median of {RUNS}; {} changes: {} material, {} minor, {} editorial",
            changes.len(),
            count(policyc::diff::Severity::Material),
            count(policyc::diff::Severity::Minor),
            count(policyc::diff::Severity::Editorial)
        ),
    ]);
    t.add_row(["notices".to_string(), ms(notice_time), format!("{} files", notices.len())]);
    println!("{t}");
    assert!(changes.len() > CATEGORIES / 100, "the variants should differ in about 1% of items");
}
