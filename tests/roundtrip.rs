//! Every construct of the language reaches the model with its meaning:
//! `tests/fixtures/every_construct.policy` uses each once, and each is asserted here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test fails by panicking")]

use policyc::model::*;
use std::collections::BTreeMap;
use std::path::Path;

fn compile() -> (Policy, policyc::Compiled) {
    let c = policyc::compile_file(Path::new("tests/fixtures/every_construct.policy")).unwrap();
    let p = c.policy.clone().unwrap_or_else(|| panic!("fixture has errors:\n{}", c.render(false)));
    (p, c)
}

fn text(pairs: &[(&str, &str)]) -> Text {
    Text(pairs.iter().map(|(l, t)| (l.to_string(), t.to_string())).collect())
}

fn d(amount: u32, unit: Unit) -> Duration {
    Duration { amount, unit }
}

fn events(names: &[&str]) -> Anchor {
    Anchor::Events(names.iter().map(|s| s.to_string()).collect())
}

fn cat<'p>(p: &'p Policy, name: &str) -> &'p Category {
    p.category(name).unwrap_or_else(|| panic!("no category {name}"))
}

#[test]
fn only_the_expected_warning() {
    let (_, c) = compile();
    let codes: Vec<&str> = c.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["W202"], "{}", c.render(false));
}

#[test]
fn imports_are_loaded_once_and_shared() {
    let (p, c) = compile();
    assert_eq!(p.source, "every_construct.policy");
    // `bases.policy` imports `common.policy` again: it is read once.
    assert_eq!(p.imports, ["common.policy", "bases.policy"]);
    assert_eq!(c.files_read().len(), 3);
    // Imported declarations are part of the model.
    assert!(p.purpose("service_delivery").is_some());
    assert_eq!(p.event("termination").unwrap().subject, EventSubject::Account);
    let b = p.basis("marketing_consent").unwrap();
    assert_eq!(b.kind, BasisKind::Consent);
    assert!(!b.builtin);
    assert_eq!(b.citation, "GDPR Art. 6(1)(a); PIPL Art. 13(1)");
    assert_eq!(b.withdrawal.as_ref().unwrap().get("en"), "Withdraw consent in the console at any time.");
}

#[test]
fn header() {
    let (p, _) = compile();
    assert_eq!(p.format_version, FORMAT_VERSION);
    assert_eq!(p.id, "every_construct");
    assert_eq!(p.version, "2.1.0");
    assert_eq!(p.effective, "2024-02-29");
    assert_eq!(p.locales, ["en", "zh"]);
    assert_eq!(p.default_locale, "en");
    assert_eq!(p.role, Role::Controller);
    assert_eq!(p.title, text(&[("en", "Every Construct Module"), ("zh", "全部构造模块")]));
    assert_eq!(p.feature, text(&[("en", "Every Construct"), ("zh", "全部构造")]));
    assert_eq!(
        p.parent,
        Some(Parent {
            title: text(&[("en", "Privacy Policy"), ("zh", "隐私政策")]),
            url: "https://example.com/privacy".into(),
            precedence: Precedence::Parent,
        })
    );
    assert_eq!(
        p.controller,
        Controller::Entity {
            name: text(&[("en", "Example Ltd"), ("zh", "示例有限公司")]),
            contact: Some("privacy@example.com".into()),
        }
    );
    assert_eq!(p.availability.regions, ["eu", "cn"]);
    // Adjacent string literals are joined.
    assert_eq!(p.availability.note.as_ref().unwrap().get("en"), "Mainly for users in the service region.");
    assert_eq!(p.schedule, "30 2 * * *");
}

#[test]
fn controller_as_parent_and_default_schedule() {
    let c = policyc::compile_file(Path::new("examples/tencent_im/im.policy")).unwrap();
    let p = c.policy.unwrap();
    assert_eq!(p.controller, Controller::AsParent);
    assert_eq!(p.parent.unwrap().precedence, Precedence::Module);
    assert_eq!(p.schedule, "0 3 * * *");
    assert_eq!(p.default_locale, "zh");
}

#[test]
fn stores_of_every_kind() {
    let (p, _) = compile();
    let kinds: Vec<(&str, StoreKind)> = p.stores.iter().map(|s| (s.name.as_str(), s.kind)).collect();
    assert_eq!(
        kinds,
        [
            ("main_db", StoreKind::Postgres),
            ("config_db", StoreKind::Mysql),
            ("local_db", StoreKind::Sqlite),
            ("documents", StoreKind::Mongodb),
            ("cache", StoreKind::Redis),
            ("events", StoreKind::Kafka),
            ("archive", StoreKind::ObjectStorage),
            ("gateway", StoreKind::LoadBalancer),
            ("warehouse", StoreKind::Other),
        ]
    );
    assert_eq!(p.store("main_db").unwrap().schedule.as_deref(), Some("0 4 * * 1-5"));
    assert_eq!(p.store("config_db").unwrap().schedule, None);
    assert_eq!(p.store("cache").unwrap().display, text(&[("en", "Cache"), ("zh", "缓存")]));
}

#[test]
fn purposes_bases_recipients_conditions_states_events() {
    let (p, _) = compile();
    let a = p.purpose("analytics").unwrap();
    assert_eq!(a.label.get("zh"), "分析");
    assert_eq!(a.description.as_ref().unwrap().get("en"), "Understanding how the feature is used.");
    assert_eq!(a.renamed_from.as_deref(), Some("usage_analysis"));
    assert_eq!(a.withdrawal, None);
    assert_eq!(p.purpose("marketing").unwrap().withdrawal.as_ref().unwrap().get("en"), "Unsubscribe from any message.");

    let b = p.basis("legitimate_security").unwrap();
    assert_eq!((b.kind, b.builtin, b.citation.as_str()), (BasisKind::LegitimateInterests, false, "GDPR Art. 6(1)(f)"));
    // Built-in bases appear only when used, with their citation and a label per locale.
    let g = p.basis("gdpr_contract").unwrap();
    assert!(g.builtin);
    assert_eq!(g.citation, "GDPR Art. 6(1)(b)");
    assert_eq!(g.label.0.keys().collect::<Vec<_>>(), ["en", "zh"]);
    assert_eq!(p.basis("pipl_legal_obligation").unwrap().citation, "PIPL Art. 13(3)");
    assert_eq!(p.basis("pipl_contract").unwrap().kind, BasisKind::Contract);
    assert!(p.basis("gdpr_consent").is_none());

    let r = p.recipient("partner").unwrap();
    assert_eq!(r.display.get("en"), "Partner Ltd");
    assert_eq!(r.description.as_ref().unwrap().get("zh"), "我们的交付合作方。");
    assert_eq!(r.renamed_from.as_deref(), Some("vendor"));
    assert_eq!(p.condition("partner_enabled").unwrap().label.get("en"), "you enable the partner integration");
    assert_eq!(p.state("feature_in_use").unwrap().label.get("en"), "while you use the feature");
    assert_eq!(p.event("instance_deleted").unwrap().subject, EventSubject::Resource("instance".into()));
    assert_eq!(p.event("cluster_destroyed").unwrap().subject, EventSubject::Resource("cluster".into()));
    // No `of`: the account.
    assert_eq!(p.event("deletion_requested").unwrap().subject, EventSubject::Account);
    assert_eq!(p.event("account_expired").unwrap().subject, EventSubject::Account);
}

#[test]
fn fields_of_every_type_with_flags() {
    let (p, _) = compile();
    let c = cat(&p, "account_data");
    assert_eq!(c.label, text(&[("en", "Account data"), ("zh", "账户数据")]));
    assert_eq!(c.description.as_ref().unwrap().get("en"), "Who you are.");
    assert_eq!(c.renamed_from.as_deref(), Some("user_data"));
    assert_eq!(c.role, Role::Controller);
    assert_eq!(c.only_if, None);
    let types: Vec<(&str, FieldType)> = c.fields.iter().map(|f| (f.name.as_str(), f.ty.clone())).collect();
    assert_eq!(
        types,
        [
            ("user_name", FieldType::String),
            ("login_ip", FieldType::Ip),
            ("created_at", FieldType::Timestamp),
            ("birth_date", FieldType::Date),
            ("verified", FieldType::Bool),
            ("login_count", FieldType::Integer),
            ("balance", FieldType::Decimal),
            ("homepage", FieldType::Url),
            ("email", FieldType::Email),
            ("password_hash", FieldType::Secret),
            ("tier", FieldType::Enum(vec!["free".into(), "pro".into(), "enterprise".into()])),
            ("id", FieldType::Integer),
        ]
    );
    let f = |n: &str| c.field(n).unwrap();
    assert_eq!(f("user_name").renamed_from.as_deref(), Some("full_name"));
    assert_eq!((f("birth_date").sensitive, f("birth_date").internal), (true, false));
    assert_eq!((f("created_at").sensitive, f("created_at").internal), (false, true));
    assert_eq!((f("password_hash").sensitive, f("password_hash").internal), (true, true));
    assert_eq!((f("login_ip").sensitive, f("login_ip").internal), (false, false));
    assert_eq!(f("email").label, text(&[("en", "E-mail address"), ("zh", "电子邮件地址")]));
}

#[test]
fn uses_systems_and_shares() {
    let (p, _) = compile();
    let c = cat(&p, "account_data");
    let uses: Vec<(&str, Option<&str>, Option<usize>)> =
        c.uses.iter().map(|u| (u.purpose.as_str(), u.basis.as_deref(), u.statement)).collect();
    assert_eq!(
        uses,
        [("service_delivery", Some("gdpr_contract"), None), ("marketing", Some("marketing_consent"), None)]
    );
    assert_eq!(c.systems, ["gateway", "main_db", "cache"]);
    assert_eq!(
        c.shares[0],
        Share {
            recipient: "partner".into(),
            fields: vec!["user_name".into(), "email".into()],
            requires: vec![Requirement::Consent, Requirement::Condition("partner_enabled".into())],
            basis: Some("marketing_consent".into()),
            description: Some(text(&[
                ("en", "Your name and e-mail go to the partner."),
                ("zh", "您的姓名和电子邮件会提供给合作方。")
            ])),
        }
    );
    // `share with auditor` without a block: the whole category, no condition.
    assert_eq!(
        c.shares[1],
        Share { recipient: "auditor".into(), fields: vec![], requires: vec![], basis: None, description: None }
    );
}

#[test]
fn shared_use_statements() {
    let (p, _) = compile();
    assert_eq!(
        p.use_statements,
        [
            UseStatement {
                purpose: "security".into(),
                basis: Some("legitimate_security".into()),
                categories: vec!["usage_data".into(), "instance_data".into()],
            },
            UseStatement {
                purpose: "service_delivery".into(),
                basis: Some("pipl_contract".into()),
                categories: vec!["instance_data".into()],
            },
        ]
    );
    // A category lists its own uses first, then the shared statements that name it.
    let usage: Vec<(&str, Option<usize>)> =
        cat(&p, "usage_data").uses.iter().map(|u| (u.purpose.as_str(), u.statement)).collect();
    assert_eq!(usage, [("analytics", None), ("security", Some(0))]);
    let instance: Vec<(&str, Option<&str>, Option<usize>)> =
        cat(&p, "instance_data").uses.iter().map(|u| (u.purpose.as_str(), u.basis.as_deref(), u.statement)).collect();
    assert_eq!(
        instance,
        [("security", Some("legitimate_security"), Some(0)), ("service_delivery", Some("pipl_contract"), Some(1))]
    );
}

#[test]
fn bindings_of_every_location_kind() {
    let (p, _) = compile();
    let c = cat(&p, "account_data");
    let b: BTreeMap<&str, &Binding> = c.bindings.iter().map(|b| (b.store.as_str(), b)).collect();
    assert_eq!(b["main_db"].location, Location::Table { schema: Some("app".into()), name: "accounts".into() });
    assert_eq!(b["main_db"].collected_at.as_deref(), Some("created_at"));
    assert_eq!(b["main_db"].key.as_deref(), Some("id"));
    assert_eq!(b["local_db"].location, Location::Table { schema: None, name: "accounts".into() });
    assert_eq!(b["local_db"].key, None);
    assert_eq!(b["cache"].location, Location::Keys { pattern: "acct:*".into() });
    assert_eq!(b["events"].location, Location::Topic { name: "account.events-v1".into() });
    assert_eq!(
        b["archive"].location,
        Location::Bucket { name: "account-archive".into(), prefix: Some("accounts/".into()) }
    );
    assert_eq!(b["warehouse"].location, Location::Table { schema: None, name: "accounts_copy".into() });
    assert_eq!(c.bindings.len(), 6);

    let usage = &cat(&p, "usage_data").bindings[0];
    assert_eq!(usage.location, Location::Table { schema: None, name: "usage".into() });
    let instances = &cat(&p, "instance_data").bindings[0];
    assert_eq!(instances.location, Location::Collection { name: "instances".into() });
    let cfg = &cat(&p, "configuration_data").bindings[0];
    assert_eq!(cfg.events, BTreeMap::from([("termination".to_string(), "terminated_at".to_string())]));
    let logs = &cat(&p, "cluster_logs").bindings[0];
    assert_eq!(logs.events.len(), 4);
    assert_eq!(logs.events["deletion_requested"], "requested_at");
    // Storage statements.
    assert_eq!(
        p.storage_statements,
        [StorageStatement {
            name: "appid_uin".into(),
            data: text(&[("en", "Your APPID and UIN"), ("zh", "您的 APPID 和 UIN")]),
            stores: vec!["config_db".into(), "main_db".into()],
            backed_up: true,
        }]
    );
}

#[test]
fn fixed_period_with_options() {
    let (p, _) = compile();
    let r = &cat(&p, "account_data").retention;
    assert_eq!(
        r.rule,
        Rule::Expires {
            while_state: None,
            clocks: vec![Clock { bound: Bound::Exact, duration: d(30, Unit::Days), anchor: Anchor::Collection }],
        }
    );
    assert_eq!(r.action, EndAction::Delete);
    assert_eq!(r.backups, Some(d(35, Unit::Days)));
    // Three days: main_db purges on weekdays only (singular units: `1 year` in cluster_logs).
    assert_eq!(r.tolerance, Some(d(3, Unit::Days)));
    assert_eq!(r.wording.get("en").map(String::as_str), Some("We keep account data for 30 days."));
    assert_eq!(r.wording.len(), 2);
}

#[test]
fn at_most_and_anonymise() {
    let (p, _) = compile();
    let r = &cat(&p, "usage_data").retention;
    assert_eq!(
        r.rule,
        Rule::Expires {
            while_state: None,
            clocks: vec![Clock { bound: Bound::AtMost, duration: d(12, Unit::Weeks), anchor: Anchor::Collection }],
        }
    );
    assert_eq!(r.action, EndAction::Anonymise);
    assert_eq!((r.backups, r.tolerance), (None, None));
    assert!(r.wording.is_empty());
}

#[test]
fn while_then() {
    let (p, _) = compile();
    assert_eq!(
        cat(&p, "configuration_data").retention.rule,
        Rule::Expires {
            while_state: Some("feature_in_use".into()),
            clocks: vec![Clock { bound: Bound::Exact, duration: d(2, Unit::Months), anchor: events(&["termination"]) }],
        }
    );
}

#[test]
fn until_alternatives() {
    let (p, _) = compile();
    // `until e1 or e2` is a zero-length clock from the earliest of the events.
    assert_eq!(
        cat(&p, "instance_data").retention.rule,
        Rule::Expires {
            while_state: None,
            clocks: vec![Clock {
                bound: Bound::Exact,
                duration: d(0, Unit::Days),
                anchor: events(&["instance_deleted", "account_expired"]),
            }],
        }
    );
}

#[test]
fn earliest_of() {
    let (p, _) = compile();
    assert_eq!(
        cat(&p, "cluster_logs").retention.rule,
        Rule::Expires {
            while_state: None,
            clocks: vec![
                Clock { bound: Bound::Exact, duration: d(30, Unit::Days), anchor: events(&["cluster_destroyed"]) },
                Clock { bound: Bound::Exact, duration: d(7, Unit::Days), anchor: events(&["deletion_requested"]) },
                Clock {
                    bound: Bound::AtMost,
                    duration: d(48, Unit::Hours),
                    anchor: events(&["account_expired", "termination"]),
                },
                Clock { bound: Bound::Exact, duration: d(1, Unit::Years), anchor: Anchor::Collection },
            ],
        }
    );
}

#[test]
fn indefinitely_and_not_stored() {
    let (p, _) = compile();
    assert_eq!(
        cat(&p, "audit_records").retention.rule,
        Rule::Indefinite { justification: text(&[("en", "Required by law."), ("zh", "法律要求。")]) }
    );
    let c = cat(&p, "customer_content");
    assert_eq!(c.retention.rule, Rule::NotStored);
    assert!(c.bindings.is_empty());
    assert_eq!(c.role, Role::Processor);
    assert_eq!(c.uses, [Use { purpose: "customer_instructions".into(), basis: None, statement: None }]);
    assert_eq!(c.only_if.as_ref().unwrap().get("en"), "you store personal data in the feature");
    assert_eq!(c.systems, ["gateway"]);
}

#[test]
fn rights_and_sections() {
    let (p, _) = compile();
    assert_eq!(
        p.rights,
        Rights {
            deletion_on_request: true,
            deletion_deadline: Some(d(15, Unit::Days)),
            self_service: Some(text(&[("en", "You can delete messages yourself."), ("zh", "您可以自行删除消息。")])),
            minimum_age: Some(14),
        }
    );
    assert_eq!(
        p.sections[&Section::Retention],
        text(&[("en", "Backups are *rotated* weekly."), ("zh", "备份每周轮换。")])
    );
    // `fallback to default`: the missing `zh` text is the default locale's.
    assert_eq!(
        p.sections[&Section::Rights],
        text(&[("en", "Write to privacy@example.com."), ("zh", "Write to privacy@example.com.")])
    );
    assert_eq!(p.sections.len(), 2);
}

#[test]
fn categories_keep_source_order() {
    let (p, _) = compile();
    let names: Vec<&str> = p.categories.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "account_data",
            "usage_data",
            "configuration_data",
            "instance_data",
            "cluster_logs",
            "audit_records",
            "customer_content"
        ]
    );
}

#[test]
fn policy_json_round_trips_and_is_stable() {
    let (p, _) = compile();
    let out = policyc::backend::json::generate(&p).unwrap();
    let json = String::from_utf8(out.contents).unwrap();
    // The JSON reads back into the same model.
    let back: Policy = serde_json::from_str(&json).unwrap();
    assert_eq!(back, p);
    insta::assert_snapshot!("every_construct_policy_json", json);
}
