//! Document generation speed on synthetic policies. Run with `cargo bench --bench docs`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a benchmark or build script stops at the first failure"
)]

use std::time::Instant;

fn main() {
    println!("{:>10} {:>8} {:>12} {:>12}", "categories", "files", "bytes", "ms/build");
    for n in [10, 100, 1_000] {
        let c = policyc::compile_str("synthetic.policy", &policyc::synth::policy(n, 0));
        let Some(p) = c.policy else {
            eprintln!("synthetic policy has errors");
            return;
        };
        let runs = if n >= 1_000 { 3 } else { 10 };
        let start = Instant::now();
        let mut files = Vec::new();
        for _ in 0..runs {
            files = policyc::backend::docs::generate(&p).unwrap();
        }
        let ms = start.elapsed().as_secs_f64() * 1_000.0 / f64::from(runs);
        let bytes: usize = files.iter().map(|f| f.contents.len()).sum();
        println!("{n:>10} {:>8} {bytes:>12} {ms:>12.1}", files.len());
    }
}
