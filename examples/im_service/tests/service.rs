//! The service against its policy: what the generated types allow, compute and refuse.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test fails by panicking")]

use im_service::policy::category::{ConfigurationData, LogData, MonitoringData};
use im_service::policy::purpose::{PerformanceAnalysis, ProvideConfiguredFeature};
use im_service::policy::{self, Events, fields};
use im_service::{ConsentRow, LogStore, Refused, configuration_expiry, log_expiry, share_with_trtc};
use policyc_runtime::{BasisKind, Category, ConsentError, Permits, Secret, Timestamp};

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn config(created: &str) -> ConfigurationData {
    ConfigurationData::new(fields::ConfigurationData {
        callbacks_enabled: true,
        callback_url: "https://example.com/cb".into(),
        plan: "pro".into(),
        admin_accounts: "admin".into(),
        app_name: "chat".into(),
        sdk_app_id: "1400000000".into(),
        app_introduction: "a chat app".into(),
        app_type: "social".into(),
        app_key: Secret::new("k3y-do-not-log"),
        app_id: "42".into(),
        app_description: "demo".into(),
        app_status: "active".into(),
        app_created_at: at(created),
        app_updated_at: at(created),
        verify_friendship_by_message: false,
        check_blocklist: true,
        multi_platform_login_instances: 2,
        push_cert_package_name: "com.example.chat".into(),
        push_cert_app_id: "push-app".into(),
        push_cert_app_secret: Secret::new("push-s3cret"),
        tag_config: String::new(),
        av_group_new_member_history: true,
        message_recall_settings: "2m".into(),
        message_history_retention: "7d".into(),
        recent_contacts_to_pull: 100,
        default_friend_verification: "ask".into(),
        custom_friend_fields: String::new(),
        custom_user_fields: String::new(),
        custom_group_member_fields: String::new(),
        custom_group_fields: String::new(),
        terminated_at: at("1970-01-01"),
        purge_at: at("1970-01-01"),
    })
}

fn consent(given: Option<&str>, withdrawn: Option<&str>) -> ConsentRow {
    ConsentRow { id: 7, recipient: "trtc".into(), given_at: given.map(at), withdrawn_at: withdrawn.map(at) }
}

#[test]
fn log_data_is_kept_seven_days() {
    let mut store = LogStore::default();
    let rec = store.record("203.0.113.7".parse().unwrap(), "sendmsg", at("2024-02-26T23:30:00Z"), None).clone();
    assert_eq!(log_expiry(&rec), Some(at("2024-03-04T23:30:00Z")), "7 fixed days across Feb 29");
    store.record("2001:db8::1".parse().unwrap(), "sendmsg", at("2024-03-01T00:00:00Z"), Some(("timeout", "backend")));
    assert_eq!(store.failure_rate("sendmsg"), 0.5);
    assert_eq!(store.purge(at("2024-03-04T23:30:00Z")), 0, "not yet past the deadline");
    assert_eq!(store.purge(at("2024-03-04T23:30:01Z")), 1);
    assert_eq!(store.len(), 1);
    assert_eq!(
        MonitoringData::expires_at(at("2024-12-31T12:00:00Z"), &Events::default()),
        Some(at("2025-01-02T12:00:00Z"))
    );
}

#[test]
fn configuration_is_kept_while_in_use_then_two_months() {
    let created = at("2023-05-05T08:00:00Z");
    assert_eq!(configuration_expiry(created, None), None, "kept while the feature is in use");
    // Month ends clamp: 31 Dec + 2 months = 29 Feb in a leap year, 28 Feb otherwise.
    assert_eq!(configuration_expiry(created, Some(at("2023-12-31T10:00:00Z"))), Some(at("2024-02-29T10:00:00Z")));
    assert_eq!(configuration_expiry(created, Some(at("2024-12-31T10:00:00Z"))), Some(at("2025-02-28T10:00:00Z")));
    assert_eq!(configuration_expiry(created, Some(at("2024-08-31T00:00:00Z"))), Some(at("2024-10-31T00:00:00Z")));
}

#[test]
fn configuration_reaches_trtc_only_with_consent_and_subscription() {
    let cfg = config("2024-01-01");
    let now = at("2024-02-01");
    let given = consent(Some("2024-01-02"), None);
    assert_eq!(share_with_trtc(&cfg, &consent(None, None), true, now), Err(Refused::NoConsent(ConsentError::NotGiven)));
    assert_eq!(
        share_with_trtc(&cfg, &consent(Some("2024-01-02"), Some("2024-01-20")), true, now),
        Err(Refused::NoConsent(ConsentError::Withdrawn(at("2024-01-20"))))
    );
    let other = ConsentRow { recipient: "cos".into(), ..given.clone() };
    assert!(matches!(
        share_with_trtc(&cfg, &other, true, now),
        Err(Refused::NoConsent(ConsentError::OtherRecipient { .. }))
    ));
    assert_eq!(share_with_trtc(&cfg, &given, false, now), Err(Refused::NotSubscribed));
    let shared = share_with_trtc(&cfg, &given, true, now).unwrap();
    assert_eq!(shared.app_name, "chat");
    // Only the fields the policy lists are handed over: no key, no plan.
    let json = serde_json::to_value(&shared).unwrap();
    let mut keys: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "app_created_at",
            "app_description",
            "app_id",
            "app_introduction",
            "app_name",
            "app_status",
            "app_type",
            "app_updated_at",
            "sdk_app_id"
        ]
    );
}

#[test]
fn secrets_do_not_print() {
    let cfg = config("2024-01-01");
    let debug = format!("{cfg:?}");
    assert!(debug.contains("app_key: <redacted>"), "{debug}");
    assert!(!debug.contains("k3y-do-not-log") && !debug.contains("push-s3cret"), "{debug}");
    assert_eq!(cfg.use_for::<ProvideConfiguredFeature>().app_key.expose(), "k3y-do-not-log");
    // Stored as the plain value, and read back.
    let json = serde_json::to_string(&cfg).unwrap();
    assert!(json.contains("\"app_key\":\"k3y-do-not-log\""));
    let back: ConfigurationData = serde_json::from_str(&json).unwrap();
    assert_eq!(back, cfg);
}

#[test]
fn records_read_back_as_the_serde_derives_would() {
    let log = r#"{"public_ip":"192.0.2.1","api_name":"sendmsg","requested_at":1704067200,
                  "exception_info":"","exception_cause":"","trace_id":"ignored"}"#;
    let rec: LogData = serde_json::from_str(log).expect("unknown keys are ignored");
    assert_eq!(rec.use_for::<PerformanceAnalysis>().requested_at, at("2024-01-01"));
    assert_eq!(serde_json::from_str::<LogData>(&serde_json::to_string(&rec).unwrap()).unwrap(), rec);
    // A sequence in field order is a record too.
    let seq: LogData = serde_json::from_str(r#"["192.0.2.1","sendmsg",1704067200,"",""]"#).unwrap();
    assert_eq!(seq, rec);

    let missing = serde_json::from_str::<LogData>(r#"{"public_ip":"192.0.2.1","api_name":"x"}"#).unwrap_err();
    assert!(missing.to_string().contains("missing field `requested_at`"), "{missing}");
    let twice = r#"{"api_name":"a","api_name":"b"}"#;
    let twice = serde_json::from_str::<LogData>(twice).unwrap_err();
    assert!(twice.to_string().contains("duplicate field `api_name`"), "{twice}");
    let short = serde_json::from_str::<LogData>(r#"["192.0.2.1"]"#).unwrap_err();
    assert!(short.to_string().contains("invalid length 1, expected struct LogData"), "{short}");
}

#[test]
fn legal_basis_and_descriptor() {
    let basis = <LogData as Permits<PerformanceAnalysis>>::BASIS.unwrap();
    assert_eq!(basis.name, "contract_with_you");
    assert_eq!(basis.kind, BasisKind::Contract);
    assert_eq!(<ConfigurationData as Permits<ProvideConfiguredFeature>>::BASIS.unwrap().kind, BasisKind::Contract);

    let p = &policy::POLICY;
    assert_eq!((p.id, p.source, p.default_locale), ("tencent_im", "im.policy", "zh"));
    let names: Vec<&str> = p.categories.iter().map(|c| c.name).collect();
    assert_eq!(names, ["log_data", "monitoring_data", "configuration_data"]);
    let log = p.category("log_data").unwrap();
    assert_eq!(log, &LogData::DESCRIPTOR);
    assert_eq!(log.label.get("en"), Some("Log data"));
    assert_eq!(log.stores, ["mysql", "mongodb", "redis", "ckafka", "cos"]);
    assert_eq!(log.uses[0].purpose, "performance_analysis");
    let cfg = &ConfigurationData::DESCRIPTOR;
    assert_eq!(cfg.shares[0].recipient, "trtc");
    assert_eq!(
        cfg.shares[0].requires,
        [policyc_runtime::Requirement::Consent, policyc_runtime::Requirement::Condition("trtc_subscribed")]
    );
    assert!(matches!(
        cfg.fields.iter().find(|f| f.name == "app_key").unwrap().kind,
        policyc_runtime::FieldKind::Secret
    ));
    assert_eq!(
        p.stores.iter().map(|s| s.kind).collect::<Vec<_>>(),
        ["load_balancer", "mysql", "mongodb", "redis", "kafka", "object_storage"]
    );
}
