//! Exchange with other privacy tools, validated by those tools: the JSON Schemas of
//! `policy.json` and of JSON diagnostics (Python `jsonschema`), Fides export (loaded by
//! `fideslang`), W3C DPV export (parsed and queried with SPARQL by `rdflib`), and the checker's
//! validation of `maps to` terms.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test fails by panicking")]

mod common;

use assert_cmd::Command;
use policyc::model::{Rule, Taxonomy};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every policy that compiles: the example and the fixtures.
fn policies() -> Vec<PathBuf> {
    let mut out = vec![root().join("examples/tencent_im/im.policy")];
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(root().join("tests/fixtures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "policy"))
        .collect();
    fixtures.sort();
    out.extend(fixtures);
    out
}

fn compile(path: &Path) -> policyc::model::Policy {
    let c = policyc::compile_file(path).unwrap();
    match c.policy {
        Some(p) => p,
        None => panic!("{} has errors:\n{}", path.display(), c.render(false)),
    }
}

/// Runs `python3 script args…`; `None` (skipped) when Python or a package is missing.
fn python(script: &str, args: &[&str], packages: &str) -> Option<std::process::Output> {
    common::tool("python3", &["-c", &format!("import {packages}")])?;
    Some(
        std::process::Command::new("python3")
            .arg(root().join("tests/exchange").join(script))
            .args(args)
            .output()
            .unwrap(),
    )
}

#[test]
fn committed_schemas_are_fresh() {
    let update = std::env::var_os("UPDATE_GENERATED").is_some();
    for (file, schema) in [
        ("schema/policy.schema.json", policyc::schema::policy_schema()),
        ("schema/diagnostics.schema.json", policyc::schema::diagnostics_schema()),
    ] {
        let text = policyc::schema::to_file_text(&schema).unwrap();
        let path = root().join(file);
        if update {
            std::fs::write(&path, &text).unwrap();
        }
        assert_eq!(
            std::fs::read_to_string(&path).unwrap_or_default(),
            text,
            "{file} is stale: refresh with UPDATE_GENERATED=1 cargo test --test exchange"
        );
    }
}

#[test]
fn policy_json_names_its_schema() {
    let policy = compile(&root().join("examples/tencent_im/im.policy"));
    let file = policyc::backend::json::generate(&policy).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&file.contents).unwrap();
    assert_eq!(v["$schema"], "urn:policyc:schema:policy-json:1");
    assert_eq!(policyc::schema::policy_schema()["$id"], v["$schema"]);
    // The document still reads back as the model.
    let back: policyc::model::Policy = serde_json::from_slice(&file.contents).unwrap();
    assert_eq!(back, policy);
}

#[test]
fn every_policy_json_and_json_diagnostics_validate_against_their_schemas() {
    let dir = tempfile::tempdir().unwrap();
    let mut docs = Vec::new();
    for p in policies() {
        let file = policyc::backend::json::generate(&compile(&p)).unwrap();
        let out = dir.path().join(format!("{}.json", p.file_stem().unwrap().to_string_lossy()));
        std::fs::write(&out, &file.contents).unwrap();
        docs.push(out);
    }
    let schema = root().join("schema/policy.schema.json");
    let mut args: Vec<&str> = vec![schema.to_str().unwrap()];
    args.extend(docs.iter().map(|d| d.to_str().unwrap()));
    let Some(out) = python("validate_schema.py", &args, "jsonschema") else { return };
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));

    // A document that breaks the schema is caught (the validation can fail).
    let mut broken: serde_json::Value = serde_json::from_slice(&std::fs::read(&docs[0]).unwrap()).unwrap();
    broken["categories"][0]["retention"]["rule"]["kind"] = "sometimes".into();
    let bad = dir.path().join("broken.json");
    std::fs::write(&bad, serde_json::to_vec(&broken).unwrap()).unwrap();
    let out = python("validate_schema.py", &[schema.to_str().unwrap(), bad.to_str().unwrap()], "jsonschema").unwrap();
    assert!(!out.status.success(), "a broken policy.json passed the schema");

    // Diagnostics of every invalid fixture.
    let invalid: Vec<PathBuf> = std::fs::read_dir(root().join("tests/invalid"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "policy"))
        .collect();
    let mut cmd = Command::cargo_bin("policyc").unwrap();
    let output = cmd.args(["check", "--format", "json"]).args(&invalid).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let diags = dir.path().join("diagnostics.json");
    std::fs::write(&diags, &output.stdout).unwrap();
    let schema = root().join("schema/diagnostics.schema.json");
    let out = python("validate_schema.py", &[schema.to_str().unwrap(), diags.to_str().unwrap()], "jsonschema").unwrap();
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
}

/// An ISO 8601 duration as `months+seconds`: readers may write `PT48H` as `P2D`.
fn normal(iso: &str) -> String {
    let (mut months, mut seconds, mut n, mut time) = (0u64, 0u64, 0u64, false);
    for c in iso.chars().skip(1) {
        match c {
            'T' => time = true,
            '0'..='9' => n = n * 10 + u64::from(c.to_digit(10).unwrap()),
            _ => {
                match (c, time) {
                    ('Y', false) => months += 12 * n,
                    ('M', false) => months += n,
                    ('W', false) => seconds += 7 * 86_400 * n,
                    ('D', false) => seconds += 86_400 * n,
                    ('H', true) => seconds += 3_600 * n,
                    ('M', true) => seconds += 60 * n,
                    ('S', true) => seconds += n,
                    _ => panic!("unexpected duration {iso}"),
                }
                n = 0;
            }
        }
    }
    format!("{months}+{seconds}")
}

fn export(format: &str, policy: &Path, out: &Path) {
    Command::cargo_bin("policyc")
        .unwrap()
        .args(["export", format])
        .arg(policy)
        .arg("--out")
        .arg(out)
        .assert()
        .success();
}

#[test]
fn fides_export_loads_in_fideslang_with_every_key_known() {
    let dir = tempfile::tempdir().unwrap();
    for p in policies() {
        let policy = compile(&p);
        let file = dir.path().join(format!("{}.yml", policy.id));
        export("fides", &p, &file);
        let Some(out) = python("load_fides.py", &[file.to_str().unwrap()], "fideslang, yaml") else { return };
        assert!(
            out.status.success(),
            "{}: {}{}",
            p.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let declarations = summary["declarations"].as_array().unwrap();
        let uses: usize = policy.categories.iter().map(|c| c.uses.len()).sum();
        assert!(declarations.len() >= uses, "{}: {} declarations for {uses} uses", p.display(), declarations.len());
        // Mapped purposes export their Fides data use.
        for c in &policy.categories {
            for u in &c.uses {
                let purpose = policy.purpose(&u.purpose).unwrap();
                for m in purpose.mappings.iter().filter(|m| m.scheme == Taxonomy::Fides) {
                    assert!(declarations.iter().any(|d| d["data_use"] == m.term.as_str()), "{} missing", m.term);
                }
            }
        }
    }
}

#[test]
fn dpv_exports_answer_each_categorys_retention_by_sparql() {
    let dir = tempfile::tempdir().unwrap();
    for p in policies() {
        let policy = compile(&p);
        let expected: BTreeMap<String, Vec<String>> = policy
            .categories
            .iter()
            .map(|c| {
                let mut d: Vec<String> = match &c.retention.rule {
                    Rule::Expires { clocks, .. } => {
                        clocks.iter().map(|k| normal(&policyc::backend::exchange::iso_duration(k.duration))).collect()
                    }
                    _ => Vec::new(),
                };
                d.sort();
                d.dedup();
                (c.name.clone(), d)
            })
            .collect();
        for (format, rdflib_format, ext) in [("dpv-jsonld", "json-ld", "jsonld"), ("dpv-turtle", "turtle", "ttl")] {
            let file = dir.path().join(format!("{}.{ext}", policy.id));
            export(format, &p, &file);
            let Some(out) = python("query_dpv.py", &[file.to_str().unwrap(), rdflib_format], "rdflib") else {
                return;
            };
            assert!(out.status.success(), "{}: {}", p.display(), String::from_utf8_lossy(&out.stderr));
            let got: BTreeMap<String, serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
            let got_durations: BTreeMap<String, Vec<String>> = got
                .iter()
                .map(|(k, v)| {
                    let mut d: Vec<String> =
                        v["durations"].as_array().unwrap().iter().map(|s| normal(s.as_str().unwrap())).collect();
                    d.sort();
                    d.dedup();
                    (k.clone(), d)
                })
                .collect();
            assert_eq!(got_durations, expected, "{} ({format})", p.display());
            for c in &policy.categories {
                let mut purposes: Vec<&str> = c.uses.iter().map(|u| u.purpose.as_str()).collect();
                purposes.sort();
                purposes.dedup();
                let got: Vec<&str> =
                    got[&c.name]["purposes"].as_array().unwrap().iter().map(|s| s.as_str().unwrap()).collect();
                assert_eq!(got, purposes, "{} {} ({format})", p.display(), c.name);
            }
        }
    }
}

#[test]
fn hostile_text_stays_inside_its_literals() {
    let hostile = "x\" ; a <urn:evil> .\n# \\ - &a *a !!str 'q' : }]} \"\"\"";
    let src = std::fs::read_to_string(root().join("tests/fixtures/exchange.policy"))
        .unwrap()
        .replace("Call recordings", &hostile.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n"));
    let c = policyc::compile_str("hostile.policy", &src);
    let Some(policy) = c.policy.clone() else { panic!("{}", c.render(false)) };
    let dir = tempfile::tempdir().unwrap();
    let ttl = policyc::backend::exchange::dpv::turtle(&policy);
    let jsonld = policyc::backend::exchange::dpv::jsonld(&policy).unwrap();
    let fides = policyc::backend::exchange::fides::generate(&policy);
    for f in [&ttl, &jsonld, &fides] {
        std::fs::write(dir.path().join(&f.path), &f.contents).unwrap();
    }
    let Some(out) = python("query_dpv.py", &[dir.path().join("dpv.ttl").to_str().unwrap(), "turtle"], "rdflib") else {
        return;
    };
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = python("load_fides.py", &[dir.path().join("fides.yml").to_str().unwrap()], "fideslang, yaml").unwrap();
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> =
        summary["declarations"].as_array().unwrap().iter().map(|d| d["name"].as_str().unwrap()).collect();
    assert!(names.iter().any(|n| n.starts_with(hostile)), "the label did not round-trip: {names:?}");
}

fn codes(src: &str) -> Vec<(String, String)> {
    let c = policyc::compile_str("t.policy", src);
    c.diagnostics.iter().map(|d| (d.code.as_str().to_string(), d.message.clone())).collect()
}

fn with(mapping_line: &str, place: &str) -> String {
    let base = std::fs::read_to_string(root().join("tests/fixtures/exchange.policy")).unwrap();
    base.replace(place, &format!("{place}\n  {mapping_line}"))
}

#[test]
fn the_checker_validates_mapped_terms() {
    let purpose = "label { en \"Improving the service\" zh \"改进服务\" }";
    let category = "label { en \"Call recordings\" zh \"通话录音\" }";
    let basis = "citation \"GDPR Art. 6(1)(a)\"";

    let d = codes(&with("maps to fides \"user.contact.emial\"", category));
    assert!(
        d.iter().any(|(c, m)| c == "E101" && m.contains("`user.contact.emial` is not a Fides data category")),
        "{d:?}"
    );
    let c = policyc::compile_str("t.policy", &with("maps to fides \"user.contact.emial\"", category));
    let help = c.diagnostics.iter().find_map(|d| d.help.clone()).unwrap_or_default();
    assert!(help.contains("user.contact.email"), "{help}");

    // A data category is not a data use.
    let d = codes(&with("maps to fides \"user.contact.email\"", purpose));
    assert!(d.iter().any(|(c, m)| c == "E101" && m.contains("is not a Fides data use")), "{d:?}");
    let d = codes(&with("maps to fides \"essential\"", basis));
    assert!(d.iter().any(|(c, m)| c == "E108" && m.contains("cannot map to a Fides term")), "{d:?}");
    let d = codes(&with("maps to dpv \"ServiceProvision\"", purpose));
    assert!(d.iter().any(|(c, m)| c == "E108" && m.contains("is not a DPV concept")), "{d:?}");
    let d = codes(&with("maps to odrl \"x:y\"", purpose));
    assert!(d.iter().any(|(c, m)| c == "E101" && m.contains("unknown taxonomy `odrl`")), "{d:?}");
    let d = codes(&with("maps to dpv \"dpv:ServiceProvision\"\n  maps to dpv \"dpv:ServiceProvision\"", purpose));
    assert!(d.iter().any(|(c, _)| c == "E102"), "{d:?}");

    let ok = policyc::compile_str("t.policy", &with("maps to dpv \"dpv:ServiceOptimisation\"", purpose));
    let Some(policy) = ok.policy.clone() else { panic!("{}", ok.render(false)) };
    let p = policy.purpose("improve_service").unwrap();
    assert_eq!(p.mappings.len(), 1);
    assert_eq!(p.mappings[0].term, "dpv:ServiceOptimisation");
}

#[test]
fn embedded_fides_taxonomy_matches_the_installed_fideslang() {
    let Some(()) = common::tool("python3", &["-c", "import fideslang"]) else { return };
    let out = std::process::Command::new("python3").arg(root().join("scripts/fides-taxonomy.py")).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let committed = std::fs::read_to_string(root().join("data/fides-taxonomy.txt")).unwrap();
    assert_eq!(
        committed,
        String::from_utf8_lossy(&out.stdout),
        "data/fides-taxonomy.txt differs from the installed fideslang: regenerate with scripts/fides-taxonomy.py"
    );
}
