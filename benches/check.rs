//! `check` on synthetic policies of growing size: parse and check time, throughput, and how
//! time grows when the input doubles (it should at most double).
//!
//! Run with `cargo bench --bench check` (sizes may follow: `-- 10000 20000`). Each size is
//! measured a few times and the fastest run is kept. Times are CPU time of the measuring thread
//! where Linux reports it (`/proc/thread-self/schedstat`), so other processes on a shared
//! machine do not inflate them; the wall-clock total is shown beside.

use comfy_table::Table;
use pest::Parser;
use policyc::load::{self, MemReader};
use policyc::syntax::{PolicyParser, Rule};
use std::time::{Duration, Instant};

const SIZES: &[usize] = &[2_500, 5_000, 10_000, 20_000];
const RUNS: usize = 3;

/// CPU time of this thread, if the OS says; else wall time since the first call.
fn cpu_now() -> Duration {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    let start = *START.get_or_init(Instant::now);
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|n| n.parse::<u64>().ok()))
        .map_or_else(|| start.elapsed(), Duration::from_nanos)
}

#[derive(Clone, Copy)]
struct Run {
    pest: Duration,
    parse: Duration,
    check: Duration,
    wall: Duration,
}

fn main() {
    let sizes: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let sizes = if sizes.is_empty() { SIZES.to_vec() } else { sizes };
    let mut table = Table::new();
    table.set_header([
        "categories",
        "fields",
        "bytes",
        "parse ms",
        "(pest alone)",
        "check ms",
        "total ms",
        "MB/s",
        "× previous",
        "wall ms",
    ]);
    let mut previous: Option<Duration> = None;
    for n in sizes {
        let text = policyc::synth::policy(n, 0);
        let mut best: Option<Run> = None;
        let mut fields = 0;
        for _ in 0..RUNS {
            // The generated parser alone, without building the syntax tree.
            let t = cpu_now();
            let pairs = PolicyParser::parse(Rule::file, &text).map(|p| p.len());
            let pest = cpu_now() - t;
            assert!(pairs.is_ok());

            let wall = Instant::now();
            let t0 = cpu_now();
            let loaded = load::load_str("synthetic.policy", &text, &MemReader::default());
            let t1 = cpu_now();
            let (policy, diags) = policyc::check::check(&loaded);
            let t2 = cpu_now();
            let wall = wall.elapsed();
            assert!(!diags.has_errors(), "the synthetic policy must be valid");
            fields = policy.as_ref().map_or(0, |p| p.categories.iter().map(|c| c.fields.len()).sum());
            drop((policy, loaded));
            let run = Run { pest, parse: t1 - t0, check: t2 - t1, wall };
            if best.is_none_or(|b| run.parse + run.check < b.parse + b.check) {
                best = Some(run);
            }
        }
        let Some(b) = best else { continue };
        let total = b.parse + b.check;
        let ms = |d: Duration| format!("{:.1}", d.as_secs_f64() * 1e3);
        let ratio = previous.map_or("-".to_string(), |p| format!("{:.2}", total.as_secs_f64() / p.as_secs_f64()));
        table.add_row([
            n.to_string(),
            fields.to_string(),
            text.len().to_string(),
            ms(b.parse),
            ms(b.pest),
            ms(b.check),
            ms(total),
            format!("{:.1}", text.len() as f64 / 1e6 / total.as_secs_f64()),
            ratio,
            ms(b.wall),
        ]);
        previous = Some(total);
    }
    println!("{table}");
}
