//! Checker diagnostics for stores that expire data themselves, at the binding's position.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test fails by panicking")]

use serde_json::Value;
use std::path::Path;

fn example() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/tencent_im/im.policy")).unwrap()
}

/// Compiles a variant of the example and returns its diagnostics as JSON values.
fn diags(text: &str) -> Vec<Value> {
    let c = policyc::compile_str("im.policy", text);
    c.diagnostics.iter().map(|d| serde_json::to_value(policyc::diagnostics::to_json(d, &c.sources)).unwrap()).collect()
}

/// 1-based line of the `n`th (0-based) line containing `needle`.
fn line_of(text: &str, needle: &str, n: usize) -> u64 {
    text.lines().enumerate().filter(|(_, l)| l.contains(needle)).nth(n).map(|(i, _)| i as u64 + 1).unwrap()
}

fn replace_once(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "`{from}` must occur once");
    text.replace(from, to)
}

fn at(d: &[Value], code: &str, line: u64) -> Vec<Value> {
    d.iter().filter(|x| x["code"] == code && x["line"] == line).cloned().collect()
}

#[test]
fn the_example_compiles_cleanly() {
    assert_eq!(diags(&example()), Vec::<Value>::new());
}

#[test]
fn kafka_without_tolerance_for_the_segment_is_reported_at_the_binding() {
    let text = replace_once(&example(), "retain 7 days { tolerance 1 day }", "retain 7 days");
    let d = diags(&text);
    assert_eq!(d.len(), 1, "{d:#?}");
    let line = line_of(&text, "stored in ckafka { topic im_log_data }", 0);
    let e = &at(&d, "E111", line)[0];
    assert_eq!(e["column"], 3);
    assert!(
        e["message"].as_str().unwrap().contains("a Kafka topic cannot enforce the retention of category `log_data`")
    );
    assert!(e["help"].as_str().unwrap().contains("tolerance"));
}

#[test]
fn whole_days_beyond_the_tolerance_are_reported_for_object_storage_only() {
    let text = replace_once(&example(), "retain 7 days { tolerance 1 day }", "retain 36 hours { tolerance 6 hours }");
    let d = diags(&text);
    assert_eq!(d.len(), 1, "{d:#?}");
    let e = &at(&d, "E111", line_of(&text, "stored in cos { bucket im-logs", 0))[0];
    assert!(e["message"].as_str().unwrap().contains("up to 12 hours late"), "{e}");
    assert!(e["help"].as_str().unwrap().contains("tolerance 12 hours"), "{e}");
    // Within the tolerance, rounding up to 2 days is accepted.
    let ok = replace_once(&example(), "retain 7 days { tolerance 1 day }", "retain 36 hours { tolerance 12 hours }");
    assert_eq!(diags(&ok), Vec::<Value>::new());
    // `at most` rounds down to 1 day instead, which needs no tolerance.
    let ok = replace_once(&example(), "retain 7 days { tolerance 1 day }", "retain at most 36 hours");
    assert_eq!(diags(&ok), Vec::<Value>::new());
}

#[test]
fn calendar_months_need_the_month_variation_as_tolerance_and_mongodb_a_purge_field() {
    let text = replace_once(&example(), "retain 7 days { tolerance 1 day }", "retain 2 months");
    let d = diags(&text);
    let kafka = &at(&d, "E111", line_of(&text, "stored in ckafka { topic im_log_data }", 0))[0];
    assert!(kafka["message"].as_str().unwrap().contains("calendar months vary in length"), "{kafka}");
    let cos = &at(&d, "E111", line_of(&text, "stored in cos { bucket im-logs", 0))[0];
    assert!(cos["message"].as_str().unwrap().contains("up to 3 days late"), "{cos}");
    let mongo = &at(&d, "E103", line_of(&text, "stored in mongodb { collection im_log_data", 0))[0];
    assert!(mongo["message"].as_str().unwrap().contains("`purge_at`"), "{mongo}");
    assert_eq!(d.len(), 3, "{d:#?}");
}

#[test]
fn mongodb_event_rule_without_purge_field_is_reported() {
    let text = example();
    let purge = text.lines().find(|l| l.contains("field purge_at")).unwrap().to_string();
    let text = replace_once(&text, &format!("{purge}\n"), "");
    let d = diags(&text);
    assert_eq!(d.len(), 1, "{d:#?}");
    let e = &at(&d, "E103", line_of(&text, "stored in mongodb {", 2))[0];
    assert!(e["message"].as_str().unwrap().contains("an event-based rule of category `configuration_data`"), "{e}");
}

#[test]
fn event_based_rules_on_kafka_and_object_storage_are_reported_once_at_the_binding() {
    let text = replace_once(
        &example(),
        "  retain while feature_in_use",
        "  stored in ckafka { topic im_config }\n  stored in cos { bucket im-config }\n  retain while feature_in_use",
    );
    let d = diags(&text);
    assert_eq!(d.len(), 2, "{d:#?}");
    let k = &at(&d, "E111", line_of(&text, "stored in ckafka { topic im_config }", 0))[0];
    assert!(k["message"].as_str().unwrap().contains("cannot enforce the event-based retention"), "{k}");
    let o = &at(&d, "E111", line_of(&text, "stored in cos { bucket im-config }", 0))[0];
    assert!(o["message"].as_str().unwrap().contains("cannot enforce the event-based retention"), "{o}");
}

#[test]
fn ttl_stores_cannot_anonymise() {
    let text =
        replace_once(&example(), "retain 2 days { tolerance 1 hour }", "retain 2 days { tolerance 1 hour anonymise }");
    let d = diags(&text);
    for needle in [
        "stored in mongodb { collection im_monitoring_data",
        "stored in redis { keys \"im:mon:*\"",
        "stored in ckafka { topic im_monitoring_data",
        "stored in cos { bucket im-monitoring",
    ] {
        let e = &at(&d, "E111", line_of(&text, needle, 0));
        assert_eq!(e.len(), 1, "{needle}: {d:#?}");
        assert!(e[0]["message"].as_str().unwrap().contains("cannot anonymise"));
    }
    assert_eq!(d.len(), 4, "the SQL binding can anonymise: {d:#?}");
}

fn policyc(args: &[&str]) -> (Option<i32>, String) {
    let out = assert_cmd::Command::cargo_bin("policyc").unwrap().args(args).output().unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn store_commands_report_usage_and_io_errors_with_exit_code_2() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/tencent_im/im.policy");
    let example = example.to_str().unwrap();
    // Nothing listens on port 1.
    let (code, err) = policyc(&["verify", "--redis-url", "redis://127.0.0.1:1", example]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("cannot connect to Redis"), "{err}");
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.xml");
    std::fs::write(&bad, "<Other/>").unwrap();
    let (code, err) = policyc(&["lifecycle", "merge", bad.to_str().unwrap(), example, "--bucket", "im-logs"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("not a lifecycle configuration"), "{err}");
    let (code, err) = policyc(&["lifecycle", "merge", bad.to_str().unwrap(), example, "--bucket", "nope"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("no bucket `nope`"), "{err}");
}
