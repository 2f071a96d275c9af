//! Policy documents: the example carries every fact of the seed, output is snapshotted, HTML is
//! well-formed with consistent anchors, and hostile text renders safely in HTML and Markdown.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test fails by panicking")]

use policyc::backend::docs;
use policyc::model::Policy;
use scraper::{Html, Selector};
use std::collections::BTreeSet;
use std::path::Path;

fn compile(path: &str) -> Policy {
    let c = policyc::compile_file(&Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap();
    assert!(!c.diagnostics.has_errors(), "{path} has errors:\n{}", c.render(false));
    c.policy.unwrap()
}

fn compile_str(text: &str) -> Policy {
    let c = policyc::compile_str("hostile.policy", text);
    assert!(!c.diagnostics.has_errors(), "{}", c.render(false));
    c.policy.unwrap()
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The visible text of an HTML page, whitespace collapsed.
fn html_text(doc: &Html) -> String {
    match doc.select(&sel("body")).next() {
        Some(body) => squash(&body.text().collect::<String>()),
        None => squash(&doc.root_element().text().collect::<String>()),
    }
}

/// Markdown rendered by a real CommonMark parser (with GFM tables), parsed as HTML.
fn md_to_html(md: &str) -> Html {
    let mut out = String::new();
    let opts = pulldown_cmark::Options::ENABLE_TABLES;
    pulldown_cmark::html::push_html(&mut out, pulldown_cmark::Parser::new_ext(md, opts));
    Html::parse_fragment(&out)
}

/// Rows of every table as cell texts.
fn tables(doc: &Html) -> Vec<Vec<Vec<String>>> {
    doc.select(&sel("table"))
        .map(|t| {
            t.select(&sel("tr"))
                .map(|r| r.select(&sel("th, td")).map(|c| squash(&c.text().collect::<String>())).collect())
                .collect()
        })
        .collect()
}

/// Structural checks every generated page must pass.
fn assert_valid_page(html: &str, what: &str) -> Html {
    let doc = Html::parse_document(html);
    assert!(doc.errors.is_empty(), "{what}: HTML parse errors {:?}", doc.errors);
    assert!(html.starts_with("<!DOCTYPE html>"), "{what}: no doctype");
    assert_eq!(doc.select(&sel("h1")).count(), 1, "{what}: exactly one h1");
    assert_eq!(doc.select(&sel("html[lang]")).count(), 1, "{what}: html has lang");
    assert_eq!(doc.select(&sel("meta[charset]")).count(), 1, "{what}: charset");
    assert_eq!(doc.select(&sel("meta[name=viewport]")).count(), 1, "{what}: viewport");
    for bad in ["script", "img", "iframe", "link", "object", "embed", "[src]", "[onclick]", "[onload]"] {
        assert_eq!(doc.select(&sel(bad)).count(), 0, "{what}: has {bad}");
    }
    let mut ids = BTreeSet::new();
    for e in doc.select(&sel("[id]")) {
        let id = e.value().attr("id").unwrap();
        assert!(ids.insert(id.to_string()), "{what}: duplicate id {id}");
    }
    for a in doc.select(&sel("a[href]")) {
        let href = a.value().attr("href").unwrap();
        if let Some(target) = href.strip_prefix('#') {
            assert!(ids.contains(target), "{what}: link to missing #{target}");
        } else {
            assert!(
                href.starts_with("https://")
                    || href.starts_with("http://")
                    || href.starts_with("mailto:")
                    || !href.contains(':'),
                "{what}: unexpected link {href}"
            );
        }
    }
    for t in tables(&doc) {
        let width = t[0].len();
        assert!(t.iter().all(|r| r.len() == width), "{what}: ragged table {t:?}");
    }
    doc
}

// ------------------------------------------------------------------ seed facts

/// Facts of `/work/shared/seed/im-privacy-module.en.md`, as the seed states them (the English
/// working translation; compared case-insensitively, "per-application" as "per application").
const EN_FACTS: &[&str] = &[
    // categories
    "Log data",
    "Monitoring data",
    "Configuration data",
    // fields
    "public egress IP",
    "API request log",
    "name of the requested API",
    "time of the request",
    "API exception information",
    "cause of the exception",
    "per application",
    "API success rate",
    "average latency",
    "application configuration",
    "whether callbacks are enabled",
    "callback URL",
    "your plan / monthly package",
    "administrator accounts",
    "application details",
    "application name",
    "SDK AppID",
    "introduction",
    "application type",
    "application key",
    "application ID",
    "application description",
    "application status",
    "creation time",
    "update time",
    "whether a single chat message is used to verify the friend relationship",
    "whether the blocklist is checked",
    "number of instances allowed to log in on multiple platforms",
    "offline push certificate configuration",
    "package name",
    "AppID",
    "AppSecret",
    "tag configuration",
    "whether new members of audio/video groups see message history",
    "message recall settings",
    "message history retention period",
    "how many recent contacts to pull (100 to 500)",
    "default verification for adding friends",
    "custom friend fields",
    "custom user fields",
    "custom group member fields",
    "custom group fields",
    // purposes
    "Performance analysis, to provide and improve the Feature",
    "Network quality analysis, optimising the quality of the Feature, locating problems and debugging, and improving the Feature",
    "To provide the Feature according to the specific configuration of your application, and to analyse performance to improve the Feature",
    // integrated systems
    "Cloud Load Balancer (CLB)",
    "TencentDB for MySQL (MySQL)",
    "TencentDB for MongoDB (MongoDB)",
    "TencentDB for Redis (Redis)",
    "Message Queue CKafka (CKafka)",
    "Cloud Object Storage (COS)",
    // legal basis
    "Necessary to perform our contract with you",
    // TRTC sharing and its condition
    "If you agree to",
    "subscribe to our Tencent Real-Time Communication (TRTC) feature",
    "shared with and integrated into TRTC",
    // storage statement
    "APPID and UIN",
    "stored and backed up in TencentDB for MySQL",
    // introduction, controller, availability
    "applies only when you use Instant Messaging",
    "incorporated into the Privacy Policy",
    "Terms used in this module but not defined have the meaning given in the Privacy Policy",
    "this module prevails for that inconsistency",
    "controller of the personal information",
    "as specified in the Privacy Policy",
    "available to users worldwide, but for best performance it is mainly intended for users in the same country/region as the selected service region",
];

/// Facts of `/work/shared/seed/im-privacy-module.zh.md` (the original; the seed's stray spaces
/// from typesetting removed).
const ZH_FACTS: &[&str] = &[
    "日志数据",
    "监控数据",
    "配置数据",
    "公网出口 IP",
    "接口请求日志",
    "请求的接口名称",
    "接口异常信息",
    "发生异常的原因",
    "应用维度",
    "接口的成功率",
    "平均延迟",
    "应用程序配置信息",
    "是否启用回拨功能",
    "回拨 URL",
    "您的套餐/包月信息",
    "管理员账号",
    "应用详情",
    "应用名称",
    "SDK 应用 ID",
    "简介",
    "应用类型",
    "应用密钥",
    "应用 ID",
    "应用描述",
    "应用状态",
    "应用创建时间",
    "应用更新时间",
    "单条聊天消息是否用于验证好友关系",
    "是否检测黑名单",
    "多平台登录实例数",
    "离线推送证书配置",
    "应用程序包名称",
    "AppID",
    "AppSecret",
    "标签配置",
    "是否为音视频组的新成员显示消息历史",
    "消息撤回设置",
    "历史消息存储周期设置",
    "要拉取的最近联系人的配置（100 到 500 个联系人）",
    "添加好友的默认验证",
    "自定义好友字段",
    "自定义用户字段",
    "自定义组成员字段",
    "自定义组字段",
    "我们使用此数据进行性能分析，进而提供并改进本功能",
    "我们使用此信息来执行网络质量分析，优化本功能质量，定位问题并进行调试，以及改进本功能",
    "我们使用此信息旨在根据您的应用程序中的特定配置提供本功能，并开展性能分析以改进本功能",
    "负载均衡 (CLB)",
    "腾讯云数据库 MySQL (MySQL)",
    "腾讯云数据库 MongoDB (MongoDB)",
    "腾讯云数据库 Redis (Redis)",
    "消息队列 CKafka (CKafka)",
    "对象存储 (COS)",
    "功能完美兼容",
    "我们会处理此类信息，因为这对于我们履行与您签订的合同以便向您提供本功能而言是必要的",
    "同意共享和集成",
    "订阅了我们的 TRTC 功能",
    "腾讯实时音视频 (TRTC)",
    "您的 APPID 和 UIN",
    "存储和备份在腾讯云数据库 MySQL",
    "本模块仅在您使用即时通信",
    "本模块已纳入隐私政策",
    "本模块中使用但未作定义的术语应具有在隐私政策中规定的含义",
    "如果隐私政策与本模块之间发生任何冲突，对于此等不一致，则本模块适用",
    "本模块中所述个人信息的控制方见隐私政策中的规定",
    "本功能可供全球范围内的用户使用，但为确保最佳性能，主要供与所选服务区域相同的国家/地区内的用户使用",
];

/// The three retention rules of the seed, by category.
const EN_RETENTION: &[(&str, &str)] = &[
    ("Log data", "Stored for 7 days."),
    ("Monitoring data", "Stored for 2 days."),
    ("Configuration data", "Kept while you use the Feature. If you stop using the Feature, deleted 2 months later."),
];
const ZH_RETENTION: &[(&str, &str)] = &[
    ("日志数据", "存储 7 天。"),
    ("监控数据", "存储 2 天。"),
    ("配置数据", "我们会在您使用本功能期间保留此类数据。若您终止使用本功能，我们将在 2 个月后删除此数据。"),
];

const PARENT_URL: &str = "https://intl.cloud.tencent.com/document/product/301/17345";

fn normalise(s: &str, locale: &str) -> String {
    let s = squash(s);
    if locale == "en" { s.to_lowercase().replace('-', " ") } else { s }
}

fn check_facts(text: &str, locale: &str, facts: &[&str], what: &str) {
    let hay = normalise(text, locale);
    let missing: Vec<&&str> = facts.iter().filter(|f| !hay.contains(&normalise(f, locale))).collect();
    assert!(missing.is_empty(), "{what} lacks seed facts: {missing:?}");
}

fn check_retention(doc: &Html, rules: &[(&str, &str)], what: &str) {
    let rows: Vec<Vec<String>> = tables(doc).into_iter().flatten().collect();
    for (cat, rule) in rules {
        assert!(
            // The seed's sentence opens the cell; a note on store enforcement lag may follow.
            rows.iter().any(|r| r.len() == 2 && r[0] == *cat && r[1].starts_with(rule)),
            "{what}: no retention row `{cat}` → `{rule}`"
        );
    }
}

fn check_parent_link(doc: &Html, what: &str) {
    let a = doc.select(&sel("a[href]")).find(|a| a.value().attr("href") == Some(PARENT_URL));
    assert!(a.is_some(), "{what}: no link to the parent policy");
}

#[test]
fn example_documents_carry_every_seed_fact() {
    let p = compile("examples/tencent_im/im.policy");
    for (locale, facts, retention) in [("en", EN_FACTS, EN_RETENTION), ("zh", ZH_FACTS, ZH_RETENTION)] {
        let md = docs::markdown(&p, locale).unwrap();
        let html = docs::html(&p, locale).unwrap();
        // Markdown: rendered by a CommonMark parser (the raw text has link and table syntax).
        assert!(md.contains(&format!("]({PARENT_URL})")), "{locale}.md: parent link");
        let rendered = md_to_html(&md);
        check_facts(&html_text(&rendered), locale, facts, &format!("{locale}.md rendered"));
        check_retention(&rendered, retention, &format!("{locale}.md"));
        check_parent_link(&rendered, &format!("{locale}.md"));
        // HTML.
        let doc = assert_valid_page(&html, &format!("{locale}.html"));
        check_facts(&html_text(&doc), locale, facts, &format!("{locale}.html"));
        check_retention(&doc, retention, &format!("{locale}.html"));
        check_parent_link(&doc, &format!("{locale}.html"));
    }
}

#[test]
fn fact_check_detects_a_missing_fact() {
    // The check above must be able to fail: drop one field and one retention rule.
    let mut p = compile("examples/tencent_im/im.policy");
    p.categories[2].fields.retain(|f| f.name != "check_blocklist");
    p.categories[0].retention.rule = policyc::model::Rule::NotStored;
    let html = docs::html(&p, "en").unwrap();
    let doc = Html::parse_document(&html);
    let text = normalise(&html_text(&doc), "en");
    assert!(!text.contains("whether the blocklist is checked"));
    let rows: Vec<Vec<String>> = tables(&doc).into_iter().flatten().collect();
    assert!(!rows.iter().any(|r| r.len() == 2 && r[0] == "Log data" && r[1] == "Stored for 7 days."));
}

// ------------------------------------------------------------------ snapshots and structure

#[test]
fn example_snapshots() {
    let p = compile("examples/tencent_im/im.policy");
    insta::assert_snapshot!("example_en_md", docs::markdown(&p, "en").unwrap());
    insta::assert_snapshot!("example_zh_md", docs::markdown(&p, "zh").unwrap());
    insta::assert_snapshot!("example_en_html", docs::html(&p, "en").unwrap());
    insta::assert_snapshot!("example_ropa_csv", docs::ropa::csv(&p));
}

#[test]
fn every_construct_snapshots() {
    let p = compile("tests/fixtures/every_construct_docs.policy");
    insta::assert_snapshot!("every_construct_en_md", docs::markdown(&p, "en").unwrap());
    insta::assert_snapshot!("every_construct_zh_md", docs::markdown(&p, "zh").unwrap());
    insta::assert_snapshot!("every_construct_en_html", docs::html(&p, "en").unwrap());
    insta::assert_snapshot!("every_construct_ropa_csv", docs::ropa::csv(&p));
    insta::assert_snapshot!("every_construct_ropa_en_html", docs::ropa::html(&p, "en").unwrap());
}

#[test]
fn every_page_is_valid_html() {
    for path in ["examples/tencent_im/im.policy", "tests/fixtures/every_construct_docs.policy"] {
        let p = compile(path);
        for f in docs::generate(&p).unwrap() {
            let name = f.path.display().to_string();
            let text = String::from_utf8(f.contents).unwrap();
            if name.ends_with(".html") {
                let doc = assert_valid_page(&text, &format!("{path}: {name}"));
                // Category headings carry stable anchors from their identifiers.
                if !name.contains("ropa") {
                    for c in &p.categories {
                        let id = format!("category-{}", c.name);
                        assert_eq!(doc.select(&sel(&format!("section#{id} > h3"))).count(), 1, "{name}: #{id}");
                        assert_eq!(doc.select(&sel(&format!("nav a[href=\"#{id}\"]"))).count(), 1, "{name}: toc");
                    }
                }
            }
        }
    }
}

#[test]
fn document_adapts_to_the_policy() {
    let p = compile("tests/fixtures/every_construct_docs.policy");
    let en = docs::markdown(&p, "en").unwrap();
    // Purposes shared by several categories are stated once, with all their categories.
    assert_eq!(en.matches("To detect and prevent abuse.").count(), 1, "{en}");
    assert!(en.contains("**Session data, Telemetry, Account data and Audit log** | To detect and prevent abuse."));
    // Conditional categories say their condition; rights get their section.
    assert!(en.contains("Applies only if you store personal data in an instance."));
    assert!(en.contains("## 7. Your rights"));
    assert!(en.contains("We delete it within 30 days of receiving your request."));
    assert!(en.contains("not intended for anyone under the age of 16"));
    // Precedence of the parent policy; the controller entity.
    assert!(en.contains("the Group Privacy Policy prevails"));
    assert!(en.contains("is Example Ltd."));
    // Every retention form in words.
    for s in [
        "Deleted at whichever comes first: 3 years after collection; 30 days after you close your account or your subscription expires.",
        "Backup copies are deleted 14 days after the primary copy.",
        "Stored for at most 24 hours.",
        "Kept indefinitely: tax law requires us to keep invoices.",
        "Kept for one year, then stripped of anything that identifies you.",
        "Kept until you delete the instance, then deleted.",
        "Kept while your subscription is active. If your subscription expires, anonymised at most 1 month later.",
        "Not stored: processed in transit only.",
    ] {
        assert!(en.contains(s), "missing `{s}`");
    }
    // The author's wording covers only English; Chinese is generated.
    let zh = docs::markdown(&p, "zh").unwrap();
    assert!(zh.contains("存储 1 年，之后进行匿名化处理。"), "{zh}");
    // Author Markdown: sanitised in both, headings demoted below the section heading.
    let html = docs::html(&p, "en").unwrap();
    assert!(!en.contains("<script>") && en.contains("alert('x')"), "{en}");
    assert!(en.contains("#### Why we keep data"), "{en}");
    assert!(html.contains("<h4>Why we keep data</h4>"), "`##` is demoted below the section heading");
    assert!(!html.contains("alert("));
    // A processor-only policy has no legal-basis column.
    let mut proc = p.clone();
    for c in &mut proc.categories {
        c.role = policyc::model::Role::Processor;
    }
    let doc = Html::parse_document(&docs::html(&proc, "en").unwrap());
    let headers: Vec<String> = doc.select(&sel("#use th")).map(|h| h.text().collect()).collect();
    assert_eq!(headers, ["Personal information", "Purpose"]);
    // The ROPA has one row per category and purpose.
    let csv = docs::ropa::csv(&p);
    let uses: usize = p.categories.iter().map(|c| c.uses.len()).sum();
    assert_eq!(csv.split("\r\n").filter(|l| !l.is_empty()).count(), uses + 1);
}

#[test]
fn output_is_deterministic_and_dated_by_the_policy() {
    let p = compile("tests/fixtures/every_construct_docs.policy");
    assert_eq!(docs::generate(&p).unwrap(), docs::generate(&p).unwrap());
    let html = docs::html(&p, "en").unwrap();
    assert!(html.contains("Version: 2.3.0 · Effective: 2025-02-28"));
}

// ------------------------------------------------------------------ hostile text

const HOSTILE: &str = r##"
policy hostile {
  version "1.0"
  effective 2024-01-01
  locales en, ar, zh
  default en
  title { en "Hostile <b>title</b>" ar "سياسة الخصوصية" zh "隐私<政策>" }
  feature { en "Chat | Rooms" ar "الدردشة" zh "聊天" }
  part of {
    title { en "Parent [policy](javascript:alert(1))" ar "السياسة الأم" zh "上级政策" }
    url "https://example.com/p?a=1&b=(2)|x"
    precedence module
  }
  controller as parent
}
store db: postgres { name { en "DB *star* _under_" ar "قاعدة البيانات" zh "数据库" } }
purpose p { label { en "# Heading?\n- list?" ar "تحليل الأداء" zh "性能分析" } }
category c {
  label { en "<script>alert(1)</script>" ar "بيانات السجل" zh "日志数据" }
  field f1: string { label { en "a | b" ar "عنوان IP العام" zh "公网出口 IP" } }
  field f2: string { label { en "Supercalifragilisticexpialidocious_Supercalifragilisticexpialidocious_Supercalifragilisticexpialidocious_Supercalifragilisticexpialidocious" ar "נתוני יומן" zh "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十" } }
  field f3: string { label { en "line one\nline two" ar "سطر" zh "行" } }
  field t: timestamp { label { en "=HYPERLINK(\"x\")" ar "الوقت" zh "时间" } }
  use p under gdpr_contract
  stored in db { table c collected at t }
  retain 7 days
}
section use { en "<img src=\"https://tracker.example/x.png\" onerror=\"alert(1)\"> **fine**" ar "نص" zh "文本" }
"##;

#[test]
fn hostile_text_is_escaped_in_html() {
    let p = compile_str(HOSTILE);
    for locale in ["en", "ar", "zh"] {
        let html = docs::html(&p, locale).unwrap();
        let doc = assert_valid_page(&html, locale);
        let text = html_text(&doc);
        assert!(!html.contains("onerror"), "{locale}: event handler survived");
        if locale == "en" {
            assert!(text.contains("<script>alert(1)</script>"), "label shown as text");
            assert!(text.contains("Hostile <b>title</b>"));
            assert!(text.contains("a | b"));
            assert!(text.contains("line one line two"));
            assert_eq!(doc.select(&sel("b")).count(), 0);
            assert!(text.contains("fine"));
            // The long word is intact; the stylesheet lets it wrap.
            assert!(text.contains("Supercalifragilisticexpialidocious_Supercalifragilisticexpialidocious_"));
            assert!(html.contains("overflow-wrap: anywhere"));
            // The URL stays one attribute value.
            assert_eq!(doc.select(&sel("a[href=\"https://example.com/p?a=1&b=(2)|x\"]")).count(), 1);
        }
        if locale == "ar" {
            assert_eq!(doc.select(&sel("html[dir=rtl][lang=ar]")).count(), 1);
            assert!(text.contains("بيانات السجل") && text.contains("נתוני יומן"));
        } else {
            assert_eq!(doc.select(&sel("html[dir=ltr]")).count(), 1);
        }
        if locale == "zh" {
            assert!(text.contains("隐私<政策>"));
            assert!(text.contains("一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十"));
        }
        // Every table keeps its shape (checked in assert_valid_page); the use table has 3 columns.
        assert!(tables(&doc).iter().all(|t| t[0].len() <= 3));
    }
}

#[test]
fn hostile_text_is_escaped_in_markdown() {
    // Author sections are Markdown the author wrote, inserted as is; everything else is escaped.
    let start = HOSTILE.find("section use").unwrap();
    let p = compile_str(&HOSTILE[..start]);
    let md = docs::markdown(&p, "en").unwrap();
    let doc = md_to_html(&md);
    assert_eq!(doc.select(&sel("script, img, b, em")).count(), 0, "{md}");
    assert!(!doc.select(&sel("a[href]")).any(|a| a.value().attr("href").unwrap().starts_with("javascript")));
    // Only the document's own headings: h1, h2s for sections, h3s for categories.
    assert_eq!(doc.select(&sel("h1")).count(), 1);
    let text = html_text(&doc);
    for s in [
        "<script>alert(1)</script>",
        "Hostile <b>title</b>",
        "a | b",
        "line one line two",
        "DB *star* _under_",
        "# Heading? - list?",
        "Parent [policy](javascript:alert(1))",
        "Chat | Rooms",
    ] {
        assert!(text.contains(s), "`{s}` not rendered as text:\n{md}");
    }
    // `|` in a label neither splits nor adds cells.
    for t in tables(&doc) {
        assert!(t.iter().all(|r| r.len() == t[0].len()), "{t:?}");
    }
    let use_table = &tables(&doc)[0];
    assert_eq!(use_table[0].len(), 3);
    assert!(use_table[1][0].contains("a | b"));
    // The parent URL survives as one link.
    assert_eq!(
        doc.select(&sel("a[href]")).filter(|a| a.value().attr("href").unwrap().contains("example.com/p")).count(),
        1
    );
    let href = doc.select(&sel("a[href*=\"example.com/p\"]")).next().unwrap().value().attr("href").unwrap().to_string();
    assert_eq!(href, "https://example.com/p?a=1&b=%282%29%7Cx");
    // CSV: quoted per RFC 4180 and formula-safe.
    let csv = docs::ropa::csv(&p);
    assert!(csv.contains("\"'<script>") || csv.contains("<script>alert(1)</script>"));
    assert!(csv.contains("\"a | b; Supercalifragilisticexpialidocious") || csv.contains("a | b"));
}

#[test]
fn unknown_locales_fall_back_to_english_words() {
    let p = compile_str(
        r#"policy fb { version "1" effective 2024-01-01 locales en, fr default en fallback to default
           title { en "T" fr "Titre" } feature { en "F" fr "Fonction" } controller { name { en "Acme" } } }
           purpose p { label { en "P" fr "But" } }
           category c { label { en "C" fr "Catégorie" } field x: string { label { en "X" } }
             use p under gdpr_contract not stored }"#,
    );
    let html = docs::html(&p, "fr").unwrap();
    let doc = assert_valid_page(&html, "fr");
    assert_eq!(doc.select(&sel("html[lang=fr]")).count(), 1);
    let text = html_text(&doc);
    assert!(text.contains("How we use personal information"), "fixed words in English");
    assert!(text.contains("Catégorie") && text.contains("Titre"), "policy text in French");
}

// ------------------------------------------------------------------ real browser

/// Width and height from a PNG's IHDR chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (be(&bytes[16..20]), be(&bytes[20..24]))
}

/// Renders the example's English page with headless Chromium at desktop and phone widths via
/// `scripts/screenshots.sh`. Skipped without Chromium, unless POLICYC_REQUIRE_SERVICES=1 (CI,
/// whose `.ci/run` installs it).
#[test]
fn english_page_renders_in_chromium() {
    let has_chromium = ["chromium", "chromium-browser", "google-chrome"].iter().any(|b| {
        std::process::Command::new("sh")
            .args(["-c", &format!("command -v {b}")])
            .output()
            .is_ok_and(|o| o.status.success())
    });
    if !has_chromium {
        assert!(std::env::var_os("POLICYC_REQUIRE_SERVICES").is_none(), "chromium is required under CI");
        println!("skipped: chromium not installed");
        return;
    }
    let p = compile("examples/tencent_im/im.policy");
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("en.html");
    std::fs::write(&page, docs::html(&p, "en").unwrap()).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/screenshots.sh");
    let out = std::process::Command::new("bash").arg(script).arg(&page).arg(dir.path()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for (name, width) in [("en.desktop.png", 1280), ("en.phone.png", 390)] {
        let bytes = std::fs::read(dir.path().join(name)).unwrap();
        let (w, h) = png_size(&bytes);
        assert_eq!(w, width, "{name}");
        assert!(h > 1000, "{name}");
        // A blank page compresses to almost nothing; a rendered one does not.
        assert!(bytes.len() > 20_000, "{name} looks blank ({} bytes)", bytes.len());
    }
}

#[test]
fn author_markdown_keeps_its_meaning_in_markdown() {
    // Re-emitted from its parse: hard breaks, blank lines and code blocks render as written.
    let src = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/every_construct_docs.policy"),
    )
    .unwrap()
    .replace(r#"zh "请发送邮件至"#, r#"zh "第一行  \n第二行\n\n\n```\ncode\n```\n请发送邮件至"#);
    let p = compile_str(&src);
    let doc = md_to_html(&docs::markdown(&p, "zh").unwrap());
    let html = doc.root_element().html();
    assert!(html.contains("第一行<br>"), "{html}");
    assert!(html.contains("<pre><code>code\n</code></pre>"), "{html}");
    assert!(html.contains("请发送邮件至"), "{html}");
}

#[test]
fn author_markdown_is_sanitised_in_markdown() {
    // Raw HTML, script links and unclosed constructs in one section: dropped or closed, and
    // the sections after it are still sections.
    let evil =
        r#"<script>alert(1)</script> [x](javascript:alert(1)) <b onclick=\"x\">b</b>\n\n<!-- open\n\n```\nunclosed"#;
    let plain = compile_str(HOSTILE);
    let start = HOSTILE.find("section use").unwrap();
    let text = format!("{}section use {{ en \"{evil}\" ar \"نص\" zh \"文本\" }}\n", &HOSTILE[..start]);
    let p = compile_str(&text);
    let md = docs::markdown(&p, "en").unwrap();
    assert!(!md.contains("<!-- open") && !md.contains("<b "), "{md}");
    let doc = md_to_html(&md);
    assert_eq!(doc.select(&sel("script, b")).count(), 0, "{md}");
    assert!(!doc.select(&sel("a[href]")).any(|a| a.value().attr("href").unwrap().contains("javascript")), "{md}");
    let h2 = |d: &Html| d.select(&sel("h2")).count();
    assert_eq!(h2(&doc), h2(&md_to_html(&docs::markdown(&plain, "en").unwrap())), "a section was swallowed:\n{md}");
}

#[test]
fn cli_build_writes_the_documents() {
    let dir = tempfile::tempdir().unwrap();
    let policy = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/tencent_im/im.policy");
    assert_cmd::Command::cargo_bin("policyc")
        .unwrap()
        .args(["build", "--docs", "--out"])
        .arg(dir.path())
        .arg(&policy)
        .assert()
        .success();
    for f in [
        "docs/en.md",
        "docs/en.html",
        "docs/zh.md",
        "docs/zh.html",
        "docs/ropa.csv",
        "docs/ropa.en.html",
        "docs/ropa.zh.html",
    ] {
        let on_disk = std::fs::read(dir.path().join(f)).unwrap();
        let committed =
            std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("generated/tencent_im").join(f)).unwrap();
        assert_eq!(on_disk, committed, "{f}");
    }
}
