//! The generated Redis helpers against a real server (`POLICYC_TEST_REDIS_URL`): a key written
//! with their arguments expires exactly when the generated `expires_at` says. Reported as ignored
//! when the variable is unset (the build script decides); an unreachable server fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test fails by panicking")]

use im_service::policy::Events;
use im_service::policy::category::{ConfigurationData, LogData, MonitoringData};
use policyc_runtime::Timestamp;

/// A connection to the configured server; the tests are ignored when none is configured.
fn connect() -> redis::Connection {
    let url = std::env::var("POLICYC_TEST_REDIS_URL").expect("POLICYC_TEST_REDIS_URL is not set");
    match redis::Client::open(url.as_str()).and_then(|c| c.get_connection()) {
        Ok(conn) => conn,
        Err(e) => panic!("Redis at {url} is unreachable: {e}"),
    }
}

fn now() -> Timestamp {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    Timestamp::from_unix(i64::try_from(secs).unwrap())
}

/// A key of the category's pattern, unique to this run.
fn key(pattern: &str, name: &str) -> String {
    format!("{}test:{}:{name}", pattern.trim_end_matches('*'), std::process::id())
}

fn run(conn: &mut redis::Connection, args: &[Vec<u8>]) {
    redis::Cmd::new().arg(args).query::<redis::Value>(conn).unwrap();
}

/// `PEXPIRETIME`: the expiry in ms, -1 without one, -2 without the key.
fn pexpiretime(conn: &mut redis::Connection, key: &str) -> i64 {
    redis::cmd("PEXPIRETIME").arg(key).query(conn).unwrap()
}

#[test]
#[cfg_attr(not(policyc_test_redis), ignore = "needs POLICYC_TEST_REDIS_URL")]
fn keys_expire_when_the_policy_says() {
    let mut conn = connect();
    let collected = now();
    let none = Events::default();

    // The TTL constant is the one stores/redis.json carries.
    assert_eq!(LogData::REDIS_TTL_SECONDS, Some(7 * 86_400));
    assert_eq!(MonitoringData::REDIS_TTL_SECONDS, Some(2 * 86_400));
    assert_eq!(LogData::REDIS_KEYS, ["im:log:*"]);

    let (log, mon) = (key(LogData::REDIS_KEYS[0], "set"), key(MonitoringData::REDIS_KEYS[0], "set"));
    for (k, end, ttl, args) in [
        (
            &log,
            LogData::expires_at(collected, &none),
            LogData::REDIS_TTL_SECONDS,
            LogData::redis_set_args(&log, b"{}", collected, &none, false),
        ),
        (
            &mon,
            MonitoringData::expires_at(collected, &none),
            MonitoringData::REDIS_TTL_SECONDS,
            MonitoringData::redis_set_args(&mon, b"{}", collected, &none, false),
        ),
    ] {
        assert_eq!(args[..3], [b"SET".to_vec(), k.as_bytes().to_vec(), b"{}".to_vec()]);
        assert_eq!(args[3], b"PXAT");
        run(&mut conn, &args);
        let end = end.expect("a fixed rule has an end");
        assert_eq!(pexpiretime(&mut conn, k), end.unix() * 1_000, "{k}");
        assert_eq!(Some((end.unix() - collected.unix()) as u64), ttl, "{k}: TTL and expiry agree");
        let _: () = redis::cmd("DEL").arg(k).query(&mut conn).unwrap();
    }
}

#[test]
#[cfg_attr(not(policyc_test_redis), ignore = "needs POLICYC_TEST_REDIS_URL")]
fn held_keys_and_keys_without_a_running_clock_do_not_expire() {
    let mut conn = connect();
    let collected = now();
    let none = Events::default();

    let held = key(LogData::REDIS_KEYS[0], "held");
    let args = LogData::redis_set_args(&held, "{}", collected, &none, true);
    assert_eq!(args.len(), 3, "no PXAT for a held key");
    run(&mut conn, &args);
    assert_eq!(pexpiretime(&mut conn, &held), -1);
    assert_eq!(LogData::redis_pexpireat_args(&held, collected, &none, true), None);
    assert_eq!(policyc_runtime::redis::LEGAL_HOLD_SET, "policyc:legal_hold");

    // Configuration data is kept while the feature is in use: no expiry until termination,
    // then PEXPIREAT at two months after it.
    let k = key(LogData::REDIS_KEYS[0], "config");
    run(&mut conn, &policyc_runtime::redis::set_args(&k, "{}", ConfigurationData::expires_at(collected, &none), false));
    assert_eq!(pexpiretime(&mut conn, &k), -1);
    assert_eq!(
        policyc_runtime::redis::pexpireat_args(&k, ConfigurationData::expires_at(collected, &none), false),
        None
    );
    let ended = Events { termination: Some(collected) };
    let end = ConfigurationData::expires_at(collected, &ended).unwrap();
    run(&mut conn, &policyc_runtime::redis::pexpireat_args(&k, Some(end), false).unwrap());
    assert_eq!(pexpiretime(&mut conn, &k), end.unix() * 1_000);
    // LT: a later end never extends an earlier one.
    run(
        &mut conn,
        &policyc_runtime::redis::pexpireat_args(&k, Some(Timestamp::from_unix(end.unix() + 86_400)), false).unwrap(),
    );
    assert_eq!(pexpiretime(&mut conn, &k), end.unix() * 1_000);

    // An end already past deletes the key at once.
    let past = key(LogData::REDIS_KEYS[0], "past");
    run(
        &mut conn,
        &LogData::redis_set_args(&past, "{}", Timestamp::from_unix(collected.unix() - 8 * 86_400), &none, false),
    );
    assert_eq!(pexpiretime(&mut conn, &past), -2);

    let _: () = redis::cmd("DEL").arg(&held).arg(&k).query(&mut conn).unwrap();
}
