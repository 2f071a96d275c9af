//! `check` on synthetic policies of growing size: parse and check time, throughput, and how
//! time grows when the input doubles (it should at most double).
//!
//! Run with `cargo bench --bench check`. Each size is measured a few times and the fastest run
//! is reported, which filters out noise from other processes on a shared machine.

use comfy_table::Table;
use policyc::load::{self, MemReader};
use std::time::{Duration, Instant};

const SIZES: &[usize] = &[2_500, 5_000, 10_000, 20_000];
const RUNS: usize = 3;

fn main() {
    // `cargo bench` passes `--bench`; a size list may follow to measure other sizes.
    let sizes: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let sizes = if sizes.is_empty() { SIZES.to_vec() } else { sizes };
    let mut table = Table::new();
    table.set_header(["categories", "fields", "bytes", "parse ms", "check ms", "total ms", "MB/s", "× previous"]);
    let mut previous: Option<Duration> = None;
    for n in sizes {
        let text = policyc::synth::policy(n, 0);
        let (mut parse, mut check) = (Duration::MAX, Duration::MAX);
        let mut fields = 0;
        for _ in 0..RUNS {
            let t0 = Instant::now();
            let loaded = load::load_str("synthetic.policy", &text, &MemReader::default());
            let t1 = Instant::now();
            let (policy, diags) = policyc::check::check(&loaded);
            let t2 = Instant::now();
            assert!(!diags.has_errors(), "the synthetic policy must be valid");
            fields = policy.as_ref().map_or(0, |p| p.categories.iter().map(|c| c.fields.len()).sum());
            // Dropping the tree and model is part of a real run but not of checking.
            drop((policy, loaded));
            if t2 - t0 < parse + check {
                (parse, check) = (t1 - t0, t2 - t1);
            }
        }
        let total = parse + check;
        let ms = |d: Duration| format!("{:.1}", d.as_secs_f64() * 1e3);
        let ratio = previous.map_or("-".to_string(), |p| format!("{:.2}", total.as_secs_f64() / p.as_secs_f64()));
        table.add_row([
            n.to_string(),
            fields.to_string(),
            text.len().to_string(),
            ms(parse),
            ms(check),
            ms(total),
            format!("{:.1}", text.len() as f64 / 1e6 / total.as_secs_f64()),
            ratio,
        ]);
        previous = Some(total);
    }
    println!("{table}");
}
