//! The MongoDB, Kafka and S3 outputs checked by real tools: botocore's S3 service model and
//! REST-XML parser, `node --check` (and the script's index logic run under node), `sh`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test fails by panicking")]

mod common;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The example's outputs written to a temporary directory.
fn example_outputs() -> (tempfile::TempDir, PathBuf) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let compiled = policyc::compile_file(&root.join("examples/tencent_im/im.policy")).unwrap();
    let policy = compiled.policy.unwrap();
    let files =
        policyc::backend::generate(&policy, &policyc::backend::Targets { stores: true, ..Default::default() }).unwrap();
    let dir = tempfile::tempdir().unwrap();
    policyc::backend::write_all(dir.path(), &files).unwrap();
    let stores = dir.path().join("stores");
    (dir, stores)
}

fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/stores").join(name)
}

/// Runs the botocore validator; `Ok(rules per file)` or `Err(stderr)`.
fn botocore(files: &[PathBuf]) -> Result<Vec<(String, Value)>, String> {
    let out = Command::new("python3").arg(script("validate_s3.py")).args(files).output().unwrap();
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (v["file"].as_str().unwrap().to_string(), v["rules"].clone())
        })
        .collect())
}

#[test]
fn s3_lifecycle_is_accepted_by_botocore_and_xml_equals_json() {
    if common::tool("python3", &["-c", "import botocore"]).is_none() {
        return;
    }
    let (_dir, stores) = example_outputs();
    let mut files = Vec::new();
    for bucket in ["im-logs", "im-monitoring"] {
        files.push(stores.join(format!("s3-lifecycle/{bucket}.xml")));
        files.push(stores.join(format!("s3-lifecycle/{bucket}.json")));
    }
    let rules = botocore(&files).unwrap_or_else(|e| panic!("botocore rejected the configuration: {e}"));
    assert_eq!(rules.len(), 4);
    for pair in rules.chunks(2) {
        assert_eq!(pair[0].1, pair[1].1, "the XML ({}) and JSON forms differ", pair[0].0);
    }
    let logs = &rules[0].1[0];
    assert_eq!(logs["ID"], "policyc:tencent_im:log_data");
    assert_eq!(logs["Filter"]["Prefix"], "logs/");
    assert_eq!(logs["Expiration"]["Days"], 7);
    assert_eq!(logs["NoncurrentVersionExpiration"]["NoncurrentDays"], 1);
    assert_eq!(logs["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"], 1);
    assert_eq!(rules[2].1[0]["Expiration"]["Days"], 2);

    // The validator does reject a malformed configuration.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, r#"{"Rules":[{"ID":"x","Filter":{"Prefix":""},"Expiration":{"Days":"seven"}}]}"#).unwrap();
    assert!(botocore(&[bad]).is_err());
}

#[test]
fn merged_lifecycle_keeps_foreign_rules_and_is_accepted_by_botocore() {
    if common::tool("python3", &["-c", "import botocore"]).is_none() {
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let existing = dir.path().join("existing.xml");
    std::fs::write(
        &existing,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Rule><ID>archive-old</ID><Filter><Prefix>archive/</Prefix></Filter><Status>Enabled</Status>
    <Transition><Days>30</Days><StorageClass>GLACIER</StorageClass></Transition></Rule>
  <Rule><ID>policyc:log_data</ID><Filter><Prefix>logs/</Prefix></Filter><Status>Enabled</Status>
    <Expiration><Days>90</Days></Expiration></Rule>
</LifecycleConfiguration>
"#,
    )
    .unwrap();
    let merged = dir.path().join("merged.xml");
    let out = assert_cmd::Command::cargo_bin("policyc")
        .unwrap()
        .args(["lifecycle", "merge"])
        .arg(&existing)
        .arg(root.join("examples/tencent_im/im.policy"))
        .args(["--bucket", "im-logs", "--out"])
        .arg(&merged)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rules = botocore(&[merged]).unwrap_or_else(|e| panic!("botocore rejected the merge: {e}"));
    let rules = rules[0].1.as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["ID"].as_str().unwrap()).collect();
    assert_eq!(ids, ["archive-old", "policyc:tencent_im:log_data"]);
    assert_eq!(rules[0]["Transitions"][0]["StorageClass"], "GLACIER");
    assert_eq!(rules[1]["Expiration"]["Days"], 7, "the policy's rule replaces the stale one");

    // Several buckets and no --bucket: a usage error.
    let code = assert_cmd::Command::cargo_bin("policyc")
        .unwrap()
        .args(["lifecycle", "merge"])
        .arg(&existing)
        .arg(root.join("examples/tencent_im/im.policy"))
        .output()
        .unwrap()
        .status
        .code();
    assert_eq!(code, Some(2));
}

fn merge(existing: &str, dir: &Path) -> (Option<i32>, PathBuf, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let input = dir.join("existing.xml");
    std::fs::write(&input, existing).unwrap();
    let merged = dir.join("merged.xml");
    let _ = std::fs::remove_file(&merged);
    let out = Command::new(env!("CARGO_BIN_EXE_policyc"))
        .args(["lifecycle", "merge"])
        .arg(&input)
        .arg(root.join("examples/tencent_im/im.policy"))
        .args(["--bucket", "im-logs", "--out"])
        .arg(&merged)
        .output()
        .unwrap();
    (out.status.code(), merged, String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn merge_parses_xml_keeps_other_policies_rules_and_refuses_what_it_cannot_represent() {
    if common::tool("python3", &["-c", "import botocore"]).is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // Spacing inside tags, a namespace prefix, comments (one holding a rule), CDATA, another
    // policy's rules on the shared bucket, and this policy's rule from before IDs named it.
    let existing = r#"<?xml version="1.0" encoding="UTF-8"?>
<LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/" xmlns:s3="http://s3.amazonaws.com/doc/2006-03-01/">
  <Rule ><ID>spaced</ID><Filter><Prefix>a/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>5</Days></Expiration></Rule >
  <s3:Rule><s3:ID>prefixed</s3:ID><s3:Filter><s3:Prefix>b/</s3:Prefix></s3:Filter><s3:Status>Enabled</s3:Status><s3:Expiration><s3:Days>6</s3:Days></s3:Expiration></s3:Rule>
  <!-- <Rule><ID>commented</ID><Filter><Prefix>c/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule> -->
  <Rule><ID><![CDATA[cdata-id]]></ID><Filter><Prefix>d/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>8</Days></Expiration></Rule>
  <Rule><ID>policyc:billing:log_data</ID><Filter><Prefix>billing/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>365</Days></Expiration></Rule>
  <Rule><ID>policyc:log_data</ID><Filter><Prefix>logs/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>90</Days></Expiration></Rule>
</LifecycleConfiguration>
"#;
    let (code, merged, err) = merge(existing, dir.path());
    assert_eq!(code, Some(0), "{err}");
    let rules = botocore(std::slice::from_ref(&merged)).unwrap_or_else(|e| panic!("botocore rejected the merge: {e}"));
    let rules = rules[0].1.as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["ID"].as_str().unwrap()).collect();
    assert_eq!(ids, ["spaced", "prefixed", "cdata-id", "policyc:billing:log_data", "policyc:tencent_im:log_data"]);
    let days: Vec<i64> = rules.iter().map(|r| r["Expiration"]["Days"].as_i64().unwrap()).collect();
    assert_eq!(days, [5, 6, 8, 365, 7]);
    assert_eq!(rules[1]["Filter"]["Prefix"], "b/");

    // Merging a second policy's rules into that result keeps the first policy's.
    let again = std::fs::read_to_string(&merged).unwrap().replace("policyc:tencent_im:", "policyc:other:");
    let (code, merged, err) = merge(&again, dir.path());
    assert_eq!(code, Some(0), "{err}");
    let rules = botocore(&[merged]).unwrap();
    let ids: Vec<String> = rules[0].1.as_array().unwrap().iter().map(|r| r["ID"].as_str().unwrap().into()).collect();
    assert!(ids.contains(&"policyc:other:log_data".to_string()) && ids.contains(&"policyc:tencent_im:log_data".into()));

    for bad in [
        "<!DOCTYPE LifecycleConfiguration><LifecycleConfiguration></LifecycleConfiguration>",
        "<?xml-stylesheet href=\"x\"?><LifecycleConfiguration></LifecycleConfiguration>",
        "<BucketLoggingStatus></BucketLoggingStatus>",
        "<LifecycleConfiguration><Rule><ID>x</ID></Rule>",
    ] {
        let (code, merged, err) = merge(bad, dir.path());
        assert_eq!(code, Some(2), "accepted {bad}");
        assert!(err.contains("error:"), "{err}");
        assert!(!merged.exists(), "nothing may be written for {bad}");
    }
}

fn harness(script_path: &Path, state_in: &str, state_out: &Path) -> (bool, String) {
    let out = Command::new("node")
        .arg(script("mongo_harness.js"))
        .arg(script_path)
        .arg(state_in)
        .arg(state_out)
        .output()
        .unwrap();
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

#[test]
fn mongosh_script_passes_node_check_and_is_idempotent() {
    if common::tool("node", &["--version"]).is_none() {
        return;
    }
    let (dir, stores) = example_outputs();
    let js = stores.join("mongodb.js");
    let check = Command::new("node").arg("--check").arg(&js).output().unwrap();
    assert!(check.status.success(), "node --check: {}", String::from_utf8_lossy(&check.stderr));

    let s1 = dir.path().join("s1.json");
    let (ok, out) = harness(&js, "-", &s1);
    assert!(ok, "{out}");
    assert!(out.contains("calls: create im_log_data.policyc:tencent_im:ttl:log_data; create im_monitoring_data.policyc:tencent_im:ttl:monitoring_data; create im_configuration_data.policyc:tencent_im:ttl:configuration_data"), "{out}");
    let state: Value = serde_json::from_str(&std::fs::read_to_string(&s1).unwrap()).unwrap();
    let log = &state["im_log_data"][1];
    assert_eq!(log["key"], serde_json::json!({ "requested_at": 1 }));
    assert_eq!(log["expireAfterSeconds"], 7 * 86_400);
    assert_eq!(log["partialFilterExpression"], serde_json::json!({ "legalHold": false }));
    let cfg = &state["im_configuration_data"][1];
    assert_eq!(cfg["key"], serde_json::json!({ "purge_at": 1 }));
    assert_eq!(cfg["expireAfterSeconds"], 0);
    assert_eq!(
        cfg["partialFilterExpression"],
        serde_json::json!({ "legalHold": false, "purge_at": { "$exists": true } })
    );

    // A second run changes nothing.
    let s2 = dir.path().join("s2.json");
    let (ok, out) = harness(&js, s1.to_str().unwrap(), &s2);
    assert!(ok && out.contains("calls: \n"), "{out}");

    // A changed period is fixed in place; a changed filter is dropped and recreated.
    let mut drift = state.clone();
    drift["im_log_data"][1]["expireAfterSeconds"] = 1.into();
    drift["im_monitoring_data"][1]["partialFilterExpression"] = serde_json::json!({});
    let s3 = dir.path().join("s3.json");
    std::fs::write(&s3, drift.to_string()).unwrap();
    let (ok, out) = harness(&js, s3.to_str().unwrap(), &s2);
    assert!(ok, "{out}");
    assert!(
        out.contains("calls: collMod im_log_data.policyc:tencent_im:ttl:log_data=604800; drop im_monitoring_data.policyc:tencent_im:ttl:monitoring_data; create im_monitoring_data.policyc:tencent_im:ttl:monitoring_data\n"),
        "{out}"
    );

    // Someone else's index on the same key is not dropped: the script fails instead.
    let mut clash = serde_json::json!({});
    clash["im_log_data"] = serde_json::json!([{ "v": 2, "key": { "_id": 1 }, "name": "_id_" }, { "v": 2, "key": { "requested_at": 1 }, "name": "by_time" }]);
    let s4 = dir.path().join("s4.json");
    std::fs::write(&s4, clash.to_string()).unwrap();
    let (ok, out) = harness(&js, s4.to_str().unwrap(), &s2);
    assert!(!ok && out.contains("index by_time has the same key; not touched"), "{out}");

    // Another policy's TTL index on the same collection (another key) is its own: a run of this
    // policy's script creates its index beside it and neither replaces the other.
    let mut shared = serde_json::json!({});
    shared["im_log_data"] = serde_json::json!([{ "v": 2, "key": { "_id": 1 }, "name": "_id_" }, { "v": 2, "key": { "other_at": 1 }, "name": "policyc:billing:ttl:log_data", "expireAfterSeconds": 60, "partialFilterExpression": { "legalHold": false } }]);
    let s5 = dir.path().join("s5.json");
    std::fs::write(&s5, shared.to_string()).unwrap();
    let s6 = dir.path().join("s6.json");
    let (ok, out) = harness(&js, s5.to_str().unwrap(), &s6);
    assert!(ok, "{out}");
    let after: Value = serde_json::from_str(&std::fs::read_to_string(&s6).unwrap()).unwrap();
    let names: Vec<&str> =
        after["im_log_data"].as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["_id_", "policyc:billing:ttl:log_data", "policyc:tencent_im:ttl:log_data"]);
}

#[test]
fn kafka_values_are_integer_ms_equal_to_the_rule() {
    let (dir, stores) = example_outputs();
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(stores.join("kafka.json")).unwrap()).unwrap();
    let topics = doc["topics"].as_array().unwrap();
    let by_topic = |t: &str| topics.iter().find(|x| x["topic"] == t).unwrap().clone();
    let log = by_topic("im_log_data");
    assert_eq!(log["config"]["retention.ms"].as_u64(), Some(7 * 86_400_000));
    assert_eq!(log["config"]["segment.ms"].as_u64(), Some(86_400_000), "segment fits the 1-day tolerance");
    assert_eq!(log["config"]["cleanup.policy"], "delete");
    assert_eq!(log["worst_case_ms"].as_u64(), Some(8 * 86_400_000));
    let mon = by_topic("im_monitoring_data");
    assert_eq!(mon["config"]["retention.ms"].as_u64(), Some(2 * 86_400_000));
    assert_eq!(mon["config"]["segment.ms"].as_u64(), Some(3_600_000));
    let props = std::fs::read_to_string(stores.join("kafka/im_log_data.properties")).unwrap();
    assert!(props.contains("\nretention.ms=604800000\nsegment.ms=86400000\n"), "{props}");

    // The script runs under sh and calls kafka-configs.sh with exactly these values.
    let fake = dir.path().join("fake-kafka-configs.sh");
    let log_file = dir.path().join("calls.txt");
    std::fs::write(&fake, format!("#!/bin/sh\necho \"$*\" >> '{}'\n", log_file.display())).unwrap();
    std::fs::set_permissions(&fake, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let out = Command::new("sh")
        .arg(stores.join("kafka.sh"))
        .arg("--command-config")
        .arg("client.properties")
        .env("KAFKA_BOOTSTRAP", "broker:9092")
        .env("KAFKA_CONFIGS", &fake)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let calls = std::fs::read_to_string(&log_file).unwrap();
    assert_eq!(
        calls,
        "--bootstrap-server broker:9092 --command-config client.properties --alter --entity-type topics --entity-name im_log_data --add-config cleanup.policy=delete,retention.ms=604800000,segment.ms=86400000\n\
         --bootstrap-server broker:9092 --command-config client.properties --alter --entity-type topics --entity-name im_monitoring_data --add-config cleanup.policy=delete,retention.ms=172800000,segment.ms=3600000\n"
    );
    // Without a bootstrap server the script stops before calling anything.
    let out = Command::new("sh")
        .arg(stores.join("kafka.sh"))
        .env_remove("KAFKA_BOOTSTRAP")
        .env("KAFKA_CONFIGS", &fake)
        .output()
        .unwrap();
    assert!(!out.status.success());
}
