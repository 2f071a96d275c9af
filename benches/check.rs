//! `check` on synthetic policies of growing size: parse and check time, throughput, and how
//! time grows when the input doubles (it should at most double).
//!
//! Run with `cargo bench --bench check` (sizes may follow: `-- 10000 20000`). Each size is
//! measured a few times and the fastest run is kept. Times are CPU time of the measuring thread
//! where Linux reports it (`/proc/thread-self/schedstat`), so other processes on a shared
//! machine do not inflate them; the wall-clock total is shown beside.
//!
//! A second table measures scale cases with peak memory (the peak resident set of a fresh
//! process per case, `VmHWM`): policies of 1, 10 and 50 MB through `check` (memory should stay
//! under 10× the source), a chain of 5,000 imports, 3,000
//! flat imports, and 20,000 names on one line with their diagnostics rendered. Sizes there are
//! fixed; `POLICYC_BENCH_SCALE=0` skips them.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a benchmark or build script stops at the first failure"
)]

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
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--scale-case") {
        scale_case(args.get(i + 1).map_or("", String::as_str));
        return;
    }
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
    if std::env::var("POLICYC_BENCH_SCALE").is_ok_and(|v| v == "0") {
        return;
    }
    scale();
}

/// Peak resident set of this process in KiB (`VmHWM`), if Linux reports it.
fn peak_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The scale cases, each run in a fresh process (`check --scale-case NAME`) so that its peak
/// resident set is its own.
const SCALE_CASES: &[&str] = &["1mb", "10mb", "50mb", "chain", "flat", "names"];

/// Runs one scale case in this process; returns (description, source bytes, items).
fn run_case(name: &str) -> (&'static str, usize, usize) {
    match name {
        "1mb" | "10mb" | "50mb" => {
            // About 925 bytes a category.
            let (n, case) = match name {
                "1mb" => (1_080, "check, 1 MB policy"),
                "10mb" => (10_800, "check, 10 MB policy"),
                _ => (54_000, "check, 50 MB policy"),
            };
            let large = std::env::var("POLICYC_BENCH_LARGE").ok().and_then(|v| v.parse().ok());
            let n = if name == "50mb" { large.unwrap_or(n) } else { n };
            let text = policyc::synth::policy(n, 0);
            let c = policyc::compile_str("large.policy", &text);
            assert!(!c.diagnostics.has_errors());
            (case, text.len(), c.policy.map_or(0, |p| p.categories.len()))
        }
        "chain" | "flat" => {
            let chained = name == "chain";
            let files = policyc::synth::imports(if chained { 5_000 } else { 3_000 }, chained);
            let bytes = files.values().map(String::len).sum();
            let reader = MemReader(files);
            let loaded = load::load(std::path::Path::new("root.policy"), &reader).unwrap();
            let c = policyc::compile_loaded(loaded);
            assert!(!c.diagnostics.has_errors());
            let case = if chained { "check, chain of 5,000 imports" } else { "check, 3,000 flat imports" };
            (case, bytes, c.sources.files().count())
        }
        _ => {
            let text = policyc::synth::names_on_one_line(20_000);
            let c = policyc::compile_str("names.policy", &text);
            let rendered = c.render(false);
            assert!(rendered.len() > c.diagnostics.len());
            ("check + render, 20,000 names on one line", text.len(), c.diagnostics.len())
        }
    }
}

/// Child side: runs the case and prints `description\tbytes\titems\tcpu ns\twall ns\tpeak KiB`.
fn scale_case(name: &str) {
    let wall = Instant::now();
    let t = cpu_now();
    let (case, bytes, items) = run_case(name);
    let cpu = cpu_now() - t;
    let wall = wall.elapsed();
    let peak = peak_kib().unwrap_or(0);
    println!("{case}\t{bytes}\t{items}\t{}\t{}\t{peak}", cpu.as_nanos(), wall.as_nanos());
}

fn scale() {
    let mut table = Table::new();
    table.set_header(["case", "source MB", "items", "cpu ms", "wall ms", "peak RSS MB", "peak / source"]);
    let Ok(exe) = std::env::current_exe() else { return };
    for name in SCALE_CASES {
        let out = std::process::Command::new(&exe).args(["--scale-case", name]).output();
        let Some(line) = out.ok().filter(|o| o.status.success()).and_then(|o| String::from_utf8(o.stdout).ok()) else {
            table.add_row([name.to_string(), "failed".into()]);
            continue;
        };
        let f: Vec<&str> = line.trim_end().split('\t').collect();
        let num = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
        let (bytes, peak) = (num(1), num(5) * 1024.0);
        table.add_row([
            f.first().copied().unwrap_or(name).to_string(),
            format!("{:.1}", bytes / 1e6),
            f.get(2).copied().unwrap_or("").to_string(),
            format!("{:.0}", num(3) / 1e6),
            format!("{:.0}", num(4) / 1e6),
            format!("{:.1}", peak / 1e6),
            format!("{:.1}", peak / bytes.max(1.0)),
        ]);
    }
    println!("{table}");
}
