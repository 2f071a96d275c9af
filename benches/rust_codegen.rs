//! Rust code generation at scale: the 10,000-category synthetic policy.
//!
//!     cargo bench --bench rust_codegen
//!     POLICYC_BENCH_RUSTC=1 cargo bench --bench rust_codegen   # also `cargo check` the output
//!     POLICYC_BENCH_CATEGORIES=1000 cargo bench --bench rust_codegen   # another size
//!     POLICYC_BENCH_OUT=/tmp/synthetic.rs cargo bench --bench rust_codegen   # keep the output
//!
//! Prints the time to generate (tokens, formatting) and the output size; with
//! `POLICYC_BENCH_RUSTC=1`, also how long `cargo check` takes on the generated file.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a benchmark or build script stops at the first failure"
)]

use std::time::Instant;

fn main() {
    let n = std::env::var("POLICYC_BENCH_CATEGORIES").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    let src = policyc::synth::policy(n, 0);
    let t = Instant::now();
    let compiled = policyc::compile_str("synthetic.policy", &src);
    let check = t.elapsed();
    let Some(policy) = compiled.policy else {
        eprintln!("{}", compiled.render(false));
        std::process::exit(1);
    };
    let mut gen_times = Vec::new();
    let mut out = String::new();
    for _ in 0..3 {
        let t = Instant::now();
        out = policyc::backend::rust::render(&policy);
        gen_times.push(t.elapsed());
    }
    gen_times.sort();
    let t = Instant::now();
    let tokens = policyc::backend::rust::tokens(&policy);
    let token_time = t.elapsed();
    drop(tokens);

    if let Some(path) = std::env::var_os("POLICYC_BENCH_OUT") {
        std::fs::write(&path, &out).expect("write POLICYC_BENCH_OUT");
    }

    let mut table = comfy_table::Table::new();
    table.set_header(["measure", "value"]);
    table.add_row(["categories".to_string(), n.to_string()]);
    table.add_row(["check (parse + validate)".to_string(), format!("{:.2?}", check)]);
    table.add_row(["generate Rust, median of 3".to_string(), format!("{:.2?}", gen_times[1])]);
    table.add_row(["  of which tokens (quote)".to_string(), format!("{:.2?}", token_time)]);
    table.add_row(["output size".to_string(), format!("{:.1} MiB", out.len() as f64 / 1_048_576.0)]);
    table.add_row(["output lines".to_string(), out.lines().count().to_string()]);

    if std::env::var_os("POLICYC_BENCH_RUSTC").is_some() {
        let dir = tempfile::tempdir().expect("temp dir");
        let d = dir.path();
        std::fs::create_dir_all(d.join("src")).expect("src dir");
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        // The generated code needs serde and the runtime, as a service using it does.
        let manifest = format!(
            "[package]\nname = \"bench_check\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n\
             [dependencies]\nserde = {{ version = \"1\", features = [\"derive\"] }}\n\
             policyc-runtime = {{ path = {:?} }}\n\n[workspace]\n",
            root.join("runtime").display().to_string()
        );
        std::fs::write(d.join("Cargo.toml"), manifest).expect("manifest");
        std::fs::copy(root.join("Cargo.lock"), d.join("Cargo.lock")).expect("lock file");
        std::fs::write(d.join("src/synthetic.rs"), &out).expect("generated file");
        std::fs::write(
            d.join("src/lib.rs"),
            "//! Synthetic policy.\n#![deny(warnings, missing_docs)]\n/// Generated.\npub mod synthetic { include!(\"synthetic.rs\"); }\n",
        )
        .expect("lib");
        let target = root.join("target/policyc-test-crates");
        let cargo = || {
            std::process::Command::new(env!("CARGO"))
                .args(["check", "--quiet", "--lib"])
                .current_dir(d)
                .env("CARGO_TARGET_DIR", &target)
                .env_remove("RUSTFLAGS")
                .output()
                .expect("cargo runs")
        };
        let t = Instant::now();
        let o = cargo();
        let elapsed = t.elapsed();
        if !o.status.success() {
            eprintln!("{}", String::from_utf8_lossy(&o.stderr));
            std::process::exit(1);
        }
        table.add_row(["cargo check of the output".to_string(), format!("{:.2?}", elapsed)]);
    }
    println!("{table}");
}
