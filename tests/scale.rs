//! Inputs at the scale where quadratic code broke (deep import chains, thousands of
//! diagnostics on one line, calendar rules by the hundred): each must complete with exact
//! results. Their speed is measured by the benchmarks (`cargo bench --bench check`,
//! `--bench sql_purge`), not asserted here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test fails by panicking")]

use policyc::backend::sql::{self, DialectKind};
use policyc::load::{self, MemReader};
use std::path::Path;

/// Runs `f`; names the case for readers of the test.
fn timed<T>(_what: &str, f: impl FnOnce() -> T) -> T {
    f()
}

/// A policy of `n` categories, each kept a different number of calendar months.
fn month_policy(n: usize) -> String {
    let mut out = String::new();
    let mut k = 0;
    for line in policyc::synth::policy(n, 0).lines() {
        if line.starts_with("  retain ") {
            k += 1;
            out.push_str(&format!("  retain {k} months\n"));
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[test]
fn sql_for_many_calendar_month_rules_is_fast() {
    let c = policyc::compile_str("months.policy", &month_policy(100));
    let Some(policy) = c.policy.as_ref() else { panic!("{}", c.render(false)) };
    timed("SQL generation of 100 calendar-month categories", || {
        for d in [DialectKind::Postgres, DialectKind::Mysql, DialectKind::Sqlite] {
            assert!(!sql::generate(policy, d).unwrap().contents.is_empty());
        }
    });
}

fn load_imports(n: usize, chained: bool) {
    let reader = MemReader(policyc::synth::imports(n, chained));
    let what = if chained { format!("a chain of {n} imports") } else { format!("{n} flat imports") };
    let loaded = timed(&what, || load::load(Path::new("root.policy"), &reader).expect("root is there"));
    assert!(!loaded.diags.has_errors(), "{:?}", loaded.diags.iter().next());
    assert_eq!(loaded.files.len(), n + 1);
    assert!(!loaded.diags.has_errors(), "{:?}", loaded.diags);
    let (policy, diags) = policyc::check::check(&loaded);
    assert!(!diags.has_errors());
    let purposes = policy.map_or(0, |p| p.purposes.iter().filter(|p| p.name.starts_with("imported_")).count());
    assert_eq!(purposes, n);
}

#[test]
fn a_deep_import_chain_loads_in_linear_time() {
    load_imports(5_000, true);
}

#[test]
fn many_flat_imports_load_in_linear_time() {
    load_imports(3_000, false);
}

#[test]
fn many_diagnostics_on_one_long_line_render_in_linear_time() {
    let text = policyc::synth::names_on_one_line(20_000);
    let c = policyc::compile_str("names.policy", &text);
    assert!(c.diagnostics.len() >= 20_000);
    let rendered = timed("rendering 20,000 diagnostics on one line", || c.render(false));
    // Each excerpt is a window of the line, not the line: output stays proportional.
    assert!(rendered.len() < c.diagnostics.len() * 2_000, "{} bytes", rendered.len());
    // Positions stay exact: the header of the last one names its real line and column.
    let last = c.diagnostics.iter().filter_map(|d| d.span).max_by_key(|s| s.start).unwrap();
    let (line, col) = c.sources.line_col(last.file, last.start);
    assert!(col > 100_000, "the last name is far along the line");
    assert!(rendered.contains(&format!("--> names.policy:{line}:{col}\n")), "no header names.policy:{line}:{col}");
    let json = timed("JSON of 20,000 diagnostics on one line", || {
        policyc::diagnostics::render_json(&c.diagnostics, &c.sources)
    });
    assert!(json.contains(&format!("\"column\": {col}")));
}
