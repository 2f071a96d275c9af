//! Redis retention against the real server: the runtime helper writes keys with the policy's
//! expiry, and `policyc verify --redis-url` finds planted violations, fixes them, and is then clean.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test fails by panicking")]

mod common;

use assert_cmd::Command;
use policyc::live::redis::{self as rt, Written};
use policyc::semantics;
use std::path::{Path, PathBuf};

const DAY: i64 = 86_400;

/// The example policy with its Redis key patterns moved under a prefix unique to the test, so
/// concurrent tests and other users of the server never see each other's keys.
fn example_with_prefix(prefix: &str) -> (tempfile::TempDir, PathBuf, policyc::model::Policy) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("examples/tencent_im/im.policy")).unwrap();
    let text = text
        .replace("\"im:log:*\"", &format!("\"{prefix}:log:*\""))
        .replace("\"im:mon:*\"", &format!("\"{prefix}:mon:*\""));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("im.policy");
    std::fs::write(&path, text).unwrap();
    let compiled = policyc::compile_file(&path).unwrap();
    let policy = compiled.policy.clone().unwrap_or_else(|| panic!("{}", compiled.render(false)));
    (dir, path, policy)
}

fn pttl(conn: &mut redis::Connection, key: &str) -> i64 {
    redis::cmd("PTTL").arg(key).query(conn).unwrap()
}

fn cleanup(conn: &mut redis::Connection, prefix: &str, held: &[&str]) {
    let mut cursor = 0u64;
    loop {
        let (next, keys): (u64, Vec<String>) = redis::cmd("SCAN")
            .arg(cursor)
            .arg("MATCH")
            .arg(format!("{prefix}:*"))
            .arg("COUNT")
            .arg(1000)
            .query(conn)
            .unwrap();
        for k in keys {
            let _: () = redis::cmd("DEL").arg(k).query(conn).unwrap();
        }
        if next == 0 {
            break;
        }
        cursor = next;
    }
    for h in held {
        let _: () = redis::cmd("SREM").arg(rt::LEGAL_HOLD_SET).arg(*h).query(conn).unwrap();
    }
}

fn assert_near(actual_ms: i64, expected_s: i64, what: &str) {
    let expected_ms = expected_s * 1000;
    assert!(
        actual_ms <= expected_ms && actual_ms > expected_ms - 10_000,
        "{what}: PTTL {actual_ms} ms, expected about {expected_ms} ms"
    );
}

#[test]
#[cfg_attr(not(policyc_test_redis), ignore = "needs POLICYC_TEST_REDIS_URL")]
fn keys_written_through_the_helper_carry_the_policys_expiry() {
    let (_, mut conn) = common::redis();
    let prefix = "policyc-test:stores:helper";
    let held = format!("{prefix}:log:held");
    cleanup(&mut conn, prefix, &[&held]);
    let (_dir, _path, policy) = example_with_prefix(prefix);
    let now = rt::now();
    let no_event = |_: &str| None;

    assert_eq!(rt::ttl_for(&policy, "log_data"), Some(7 * DAY as u64));
    assert_eq!(rt::ttl_for(&policy, "monitoring_data"), Some(2 * DAY as u64));
    assert_eq!(rt::ttl_for(&policy, "configuration_data"), None, "event-based: no fixed TTL");

    let k = format!("{prefix}:log:fresh");
    let w = rt::set_with_policy(&mut conn, &policy, "log_data", &k, "v", now, &no_event).unwrap();
    assert_eq!(w, Written::ExpiresAt(now + 7 * DAY));
    assert_near(pttl(&mut conn, &k), 7 * DAY, "log written now");

    let k = format!("{prefix}:log:old");
    rt::set_with_policy(&mut conn, &policy, "log_data", &k, "v", now - 3 * DAY, &no_event).unwrap();
    assert_near(pttl(&mut conn, &k), 4 * DAY, "log collected 3 days ago");

    let k = format!("{prefix}:mon:1");
    rt::set_with_policy(&mut conn, &policy, "monitoring_data", &k, "v", now, &no_event).unwrap();
    assert_near(pttl(&mut conn, &k), 2 * DAY, "monitoring written now");

    // Past its end: not written, and an old value is removed.
    let k = format!("{prefix}:log:expired");
    let _: () = redis::cmd("SET").arg(&k).arg("stale").query(&mut conn).unwrap();
    let w = rt::set_with_policy(&mut conn, &policy, "log_data", &k, "v", now - 8 * DAY, &no_event).unwrap();
    assert_eq!(w, Written::AlreadyExpired);
    assert_eq!(pttl(&mut conn, &k), -2);

    // Held keys get no TTL.
    let _: () = redis::cmd("SADD").arg(rt::LEGAL_HOLD_SET).arg(&held).query(&mut conn).unwrap();
    let w = rt::set_with_policy(&mut conn, &policy, "log_data", &held, "v", now, &no_event).unwrap();
    assert_eq!(w, Written::Held);
    assert_eq!(pttl(&mut conn, &held), -1);

    // Event-based (2 calendar months after termination): no TTL until the event, then
    // PEXPIREAT at the exact calendar end.
    let k = format!("{prefix}:cfg:1");
    let w = rt::set_with_policy(&mut conn, &policy, "configuration_data", &k, "v", now, &no_event).unwrap();
    assert_eq!(w, Written::NoExpiry);
    assert_eq!(pttl(&mut conn, &k), -1);
    let terminated = now - DAY;
    let event = |e: &str| (e == "termination").then_some(terminated);
    let w = rt::expire_on_event(&mut conn, &policy, "configuration_data", &k, now, &event).unwrap();
    let end = semantics::add_months(terminated, 2);
    assert_eq!(w, Written::ExpiresAt(end));
    let at: i64 = redis::cmd("PEXPIRETIME").arg(&k).query(&mut conn).unwrap();
    assert_eq!(at, end * 1000);

    cleanup(&mut conn, prefix, &[&held]);
}

fn verify(url: &str, path: &Path, pattern: &str, fix: bool) -> (i32, String) {
    let mut cmd = Command::cargo_bin("policyc").unwrap();
    cmd.args(["verify", "--redis-url", url, "--pattern", pattern]);
    if fix {
        cmd.arg("--fix");
    }
    let out = cmd.arg(path).output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
#[cfg_attr(not(policyc_test_redis), ignore = "needs POLICYC_TEST_REDIS_URL")]
fn verify_finds_planted_violations_fixes_them_and_is_then_clean() {
    let (url, mut conn) = common::redis();
    let prefix = "policyc-test:stores:verify";
    let held = format!("{prefix}:log:held");
    cleanup(&mut conn, prefix, &[&held]);
    let (_dir, path, _policy) = example_with_prefix(prefix);
    let pattern = format!("{prefix}:log:*");
    let (no_ttl, too_long, good, other) = (
        format!("{prefix}:log:no-ttl"),
        format!("{prefix}:log:too-long"),
        format!("{prefix}:log:good"),
        format!("{prefix}:mon:no-ttl"),
    );
    let _: () = redis::cmd("SET").arg(&no_ttl).arg("v").query(&mut conn).unwrap();
    let _: () = redis::cmd("SET").arg(&too_long).arg("v").arg("EX").arg(30 * DAY).query(&mut conn).unwrap();
    let _: () = redis::cmd("SET").arg(&good).arg("v").arg("EX").arg(7 * DAY).query(&mut conn).unwrap();
    let _: () = redis::cmd("SET").arg(&other).arg("v").query(&mut conn).unwrap();
    let _: () = redis::cmd("SET").arg(&held).arg("v").query(&mut conn).unwrap();
    let _: () = redis::cmd("SADD").arg(rt::LEGAL_HOLD_SET).arg(&held).query(&mut conn).unwrap();
    // Many keys, so SCAN needs several round trips.
    for i in 0..2500 {
        let _: () = redis::cmd("SET")
            .arg(format!("{prefix}:log:bulk{i}"))
            .arg("v")
            .arg("EX")
            .arg(DAY)
            .query(&mut conn)
            .unwrap();
    }

    let (code, out) = verify(&url, &path, &pattern, false);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains(&format!("{no_ttl}\tlog_data\tno TTL")), "{out}");
    assert!(out.contains(&format!("{too_long}\tlog_data\tTTL")), "{out}");
    assert!(out.contains(&format!("{held}\tlog_data\tunder legal hold")), "{out}");
    assert!(!out.contains(&good) && !out.contains(&other), "{out}");
    assert!(out.contains("2504 keys scanned") && out.contains("2 violation(s), 0 fixed, 1 held"), "{out}");

    let (code, out) = verify(&url, &path, &pattern, true);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("2 violation(s), 2 fixed, 1 held"), "{out}");
    assert_near(pttl(&mut conn, &no_ttl), 7 * DAY, "fixed key without TTL");
    assert_near(pttl(&mut conn, &too_long), 7 * DAY, "fixed key with too long a TTL");
    assert_eq!(pttl(&mut conn, &held), -1, "held keys are never changed");
    assert_eq!(pttl(&mut conn, &other), -1, "other patterns are not touched");

    let (code, out) = verify(&url, &path, &pattern, false);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("0 violation(s), 0 fixed, 1 held"), "{out}");

    // An unknown pattern is a usage error.
    let (code, _) = verify(&url, &path, "nope:*", false);
    assert_eq!(code, 2);
    cleanup(&mut conn, prefix, &[&held]);
}
