//! Property tests of `policyc::escape`, one per output context, each reading the escaped text
//! back with a real reader of that language (SQLite, a CSV reader, an XML parser, a Markdown
//! parser, an HTML parser, `syn`, a POSIX shell, Java's `Properties`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test fails by panicking")]

use policyc::escape::{self, SqlDialect};
use proptest::prelude::*;
use pulldown_cmark::{Event, Parser, Tag, TagEnd};

/// Text with the characters that break out of things: quotes, backslashes, markup, every line
/// terminator, controls, bidi controls and arbitrary Unicode.
fn nasty() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => "[a-z ]{0,4}",
        2 => prop::sample::select(vec![
            "'", "\"", "`", "\\", "\n", "\r", "\r\n", "\t", "\u{2028}", "\u{2029}", "\u{85}", "\u{1b}[2J", "\u{0}",
            "\u{7f}", "\u{9b}", "\u{202e}", "\u{2066}", "\u{feff}", "*/", "/*", "-->", "<!--", "]]>", "<script>", "&amp;",
            "```", "~~~", "    ", "#", "- ", "1. ", "> ", "|", "[x](javascript:alert(1))", "$(id)", "${x}", "=", ":", "!",
            ",", "''", "--", "é", "日志", "😀", "\u{ffff}", "\u{fffe}",
        ])
        .prop_map(str::to_string),
        1 => any::<char>().prop_map(|c| c.to_string()),
    ];
    prop::collection::vec(piece, 0..12).prop_map(|v| v.concat())
}

fn sqlite() -> rusqlite::Connection {
    rusqlite::Connection::open_in_memory().unwrap()
}

fn xml_expected(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}' => c,
            _ => '\u{FFFD}',
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn js_comment_keeps_to_one_line(s in nasty()) {
        let c = escape::js_comment(&s);
        prop_assert!(!c.contains(['\n', '\r', '\u{2028}', '\u{2029}', '\u{85}']), "{c:?}");
        let line = escape::line_comment(&s);
        prop_assert!(!line.contains(['\n', '\r', '\u{2028}', '\u{2029}', '\u{85}', '\u{1b}', '\u{202e}']), "{:?}", line);
    }

    #[test]
    fn js_and_json_strings_read_back(s in nasty()) {
        let j = escape::json(&s);
        prop_assert_eq!(serde_json::from_str::<String>(&j).unwrap(), s.clone());
        let js = escape::js_string(&s);
        prop_assert!(!js.contains(['\u{2028}', '\u{2029}', '\n', '\r']), "{:?}", js);
        prop_assert_eq!(serde_json::from_str::<String>(&js).unwrap(), s);
    }

    #[test]
    fn rust_strings_read_back(s in nasty()) {
        let lit = escape::rust_str(&s).to_string();
        prop_assert!(!lit.contains(['\r', '\u{202e}', '\u{2066}', '\u{2028}']), "{lit:?}");
        prop_assert_eq!(syn::parse_str::<syn::LitStr>(&lit).unwrap().value(), s);
    }

    /// The lines become one `///` block that parses, prints as `///` lines only, and that
    /// rustdoc reads as plain text: no code block (doctest), HTML or link.
    #[test]
    fn rust_docs_are_plain_text(s in nasty()) {
        let lines = escape::rust_doc(&s);
        let tokens = quote::quote!(#(#[doc = #lines])* pub struct S;);
        let file: syn::File = syn::parse2(tokens).unwrap();
        let printed = prettyplease::unparse(&file);
        prop_assert!(syn::parse_file(&printed).is_ok(), "{printed}");
        prop_assert!(!printed.contains(['\r', '\u{202e}', '\u{2066}', '\u{2028}', '\u{1b}']), "{printed:?}");
        for l in printed.lines().take_while(|l| !l.starts_with("pub struct")) {
            prop_assert!(l.starts_with("///"), "{l:?}");
        }
        let doc: String = lines.iter().map(|l| format!("{l}\n")).collect();
        for e in Parser::new(&doc) {
            let bad = matches!(
                e,
                Event::Start(Tag::CodeBlock(_) | Tag::HtmlBlock | Tag::Link { .. } | Tag::Image { .. }
                    | Tag::Heading { .. } | Tag::List(_) | Tag::BlockQuote(_))
                    | Event::Html(_) | Event::InlineHtml(_) | Event::Rule
            );
            prop_assert!(!bad, "{e:?} in {doc:?}");
        }
    }

    #[test]
    fn csv_cells_read_back(s in nasty()) {
        let line = format!("a,{}\r\n", escape::csv(&s));
        let mut r = csv::ReaderBuilder::new().has_headers(false).from_reader(line.as_bytes());
        let rec = r.records().next().unwrap().unwrap();
        let formula = s.starts_with(['=', '+', '-', '@', '\t', '\r']);
        let want = if formula { format!("'{s}") } else { s.clone() };
        prop_assert_eq!(rec.len(), 2);
        prop_assert_eq!(&rec[1], want.as_str());
    }

    #[test]
    fn sqlite_literals_and_identifiers_read_back(s in nasty().prop_filter("SQL text has no NUL", |s| !s.contains('\0'))) {
        let db = sqlite();
        let lit = escape::sql_literal(&s, SqlDialect::Sqlite);
        let got: String = db.query_row(&format!("SELECT {lit}"), [], |r| r.get(0)).unwrap();
        prop_assert_eq!(&got, &s);
        let ident = escape::sql_ident(&s, SqlDialect::Sqlite);
        let stmt = db.prepare(&format!("SELECT 1 AS {ident}")).unwrap();
        prop_assert_eq!(stmt.column_name(0).unwrap(), s.as_str());
    }

    #[test]
    fn xml_text_attributes_and_comments_read_back(s in nasty()) {
        let doc = format!(
            "<a b=\"{}\" c='{}'>{}<!--{}--></a>",
            escape::xml_attr(&s),
            escape::xml_attr(&s),
            escape::xml_text(&s),
            escape::xml_comment(&s)
        );
        let parsed = roxmltree::Document::parse(&doc).map_err(|e| TestCaseError::fail(format!("{e}: {doc:?}")))?;
        let a = parsed.root_element();
        let want = xml_expected(&s);
        prop_assert_eq!(a.attribute("b").unwrap(), want.as_str());
        prop_assert_eq!(a.attribute("c").unwrap(), want.as_str());
        let text: String = a.children().filter(|n| n.is_text()).filter_map(|n| n.text()).collect();
        prop_assert_eq!(text, want);
        prop_assert_eq!(a.children().filter(|n| n.is_comment()).count(), 1);
    }

    /// Inline Markdown is one paragraph of text that reads back as written (line breaks and
    /// tabs as spaces, controls dropped, surrounding spaces trimmed by Markdown itself).
    #[test]
    fn markdown_inline_text_reads_back(s in nasty()) {
        let md = escape::md_inline(&s);
        let mut text = String::new();
        for e in Parser::new(&md) {
            match e {
                Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph) => {}
                Event::Text(t) => text.push_str(&t),
                other => prop_assert!(false, "{other:?} in {md:?}"),
            }
        }
        let want: String = s
            .chars()
            .filter_map(|c| match c {
                '\n' | '\r' | '\t' | '\u{2028}' | '\u{2029}' => Some(' '),
                c if escape::is_hazard(c) => None,
                c => Some(c),
            })
            .collect();
        let norm = |t: &str| t.trim_matches([' ', '\u{85}']).to_string();
        prop_assert_eq!(norm(&text), norm(&want));
    }

    /// A span between other text reads back as written, its spaces kept.
    #[test]
    fn markdown_spans_read_back(s in nasty()) {
        let md = format!("x{}x", escape::md_span(&s));
        let mut text = String::new();
        for e in Parser::new(&md) {
            match e {
                Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph) => {}
                Event::Text(t) => text.push_str(&t),
                other => prop_assert!(false, "{other:?} in {md:?}"),
            }
        }
        let want: String = s
            .chars()
            .filter_map(|c| match c {
                '\n' | '\r' | '\u{2028}' | '\u{2029}' => Some(' '),
                c if escape::is_hazard(c) && c != '\t' => None,
                c => Some(c),
            })
            .collect();
        prop_assert_eq!(text, format!("x{want}x"));
    }

    #[test]
    fn html_text_reads_back(s in nasty()) {
        let page = scraper::Html::parse_fragment(&format!("<p title=\"{}\">{}</p>", escape::html(&s), escape::html(&s)));
        let p = page.select(&scraper::Selector::parse("p").unwrap()).next().unwrap();
        let want: String = s.chars().filter(|c| !escape::is_hazard(*c) || matches!(c, '\n' | '\t')).collect();
        prop_assert_eq!(p.text().collect::<String>(), want.clone());
        prop_assert_eq!(p.value().attr("title").unwrap(), want.as_str());
        prop_assert_eq!(p.children().count(), usize::from(!want.is_empty()));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn shell_words_read_back(s in nasty().prop_filter("argv has no NUL", |s| !s.contains('\0'))) {
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("printf '%s' {}", escape::shell(&s)))
            .output()
            .unwrap();
        prop_assert!(out.status.success());
        prop_assert_eq!(String::from_utf8(out.stdout).unwrap(), s);
    }
}

/// Java's own `Properties.load` reads every escaped key and value back.
#[test]
fn java_properties_read_back() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let cases: Vec<String> = (0..300).map(|_| nasty().new_tree(&mut runner).unwrap().current()).collect();
    let dir = tempfile::tempdir().unwrap();
    let mut values = String::from("# values\n");
    let mut keys = String::from("! keys\n");
    for (i, s) in cases.iter().enumerate() {
        values.push_str(&format!("k{i}={}\n", escape::properties_value(s)));
        keys.push_str(&format!("{}={i}\n", escape::properties_key(s)));
    }
    std::fs::write(dir.path().join("v.properties"), &values).unwrap();
    std::fs::write(dir.path().join("k.properties"), &keys).unwrap();
    // Prints each value as code points, one per line: no encoding on the way back.
    let java = r#"
import java.io.*; import java.util.*;
public class Load {
  static String cps(String s) { StringBuilder b = new StringBuilder(); s.codePoints().forEach(c -> b.append(c).append(' ')); return b.toString(); }
  public static void main(String[] a) throws Exception {
    Properties p = new Properties();
    try (InputStream in = new FileInputStream(a[0])) { p.load(in); }
    Properties q = new Properties();
    try (InputStream in = new FileInputStream(a[1])) { q.load(in); }
    int n = Integer.parseInt(a[2]);
    Map<String, String> keys = new HashMap<>();
    for (String k : q.stringPropertyNames()) keys.put(q.getProperty(k), k);
    for (int i = 0; i < n; i++) { System.out.println(cps(p.getProperty("k" + i))); System.out.println(cps(keys.getOrDefault("" + i, "?"))); }
  }
}"#;
    std::fs::write(dir.path().join("Load.java"), java).unwrap();
    let out = std::process::Command::new("java")
        .arg(dir.path().join("Load.java"))
        .arg(dir.path().join("v.properties"))
        .arg(dir.path().join("k.properties"))
        .arg(cases.len().to_string())
        .output()
        .expect("java is installed");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let mut got = text
        .lines()
        .map(|l| l.split_whitespace().map(|n| char::from_u32(n.parse().unwrap()).unwrap()).collect::<String>());
    for (i, s) in cases.iter().enumerate() {
        assert_eq!(&got.next().unwrap(), s, "value {i}");
        let key = got.next().unwrap();
        // Equal keys keep the last index.
        if cases[i + 1..].iter().all(|t| t != s) {
            assert_eq!(&key, s, "key {i}");
        }
    }
}

/// Some text for the server tests: fixed hostile strings and deterministic random ones.
fn server_cases() -> Vec<String> {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut cases: Vec<String> =
        ["", "'", "''", "\\", "\\'", "a\\' OR 1=1 -- ", "\\\\'", "$$", "$x$", "日志\u{202e}", "\n\r\t"]
            .iter()
            .map(|s| s.to_string())
            .collect();
    cases.extend((0..200).map(|_| nasty().new_tree(&mut runner).unwrap().current()));
    // Neither server stores NUL in text.
    cases.retain(|s| !s.contains('\0'));
    cases
}

#[test]
#[cfg_attr(not(policyc_test_postgres), ignore = "needs POLICYC_TEST_POSTGRES_URL")]
fn postgres_literals_read_back() {
    let url = std::env::var("POLICYC_TEST_POSTGRES_URL").expect("POLICYC_TEST_POSTGRES_URL");
    let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    for s in server_cases() {
        let row = c.query_one(&format!("SELECT {}::text", escape::sql_literal(&s, SqlDialect::Postgres)), &[]).unwrap();
        assert_eq!(row.get::<_, String>(0), s);
    }
}

#[test]
#[cfg_attr(not(policyc_test_mysql), ignore = "needs POLICYC_TEST_MYSQL_URL")]
fn mysql_literals_read_back() {
    use mysql::prelude::Queryable;
    let url = std::env::var("POLICYC_TEST_MYSQL_URL").expect("POLICYC_TEST_MYSQL_URL");
    let mut c = mysql::Conn::new(mysql::Opts::from_url(&url).unwrap()).unwrap();
    for s in server_cases() {
        let got: Option<String> =
            c.query_first(format!("SELECT CAST({} AS CHAR)", escape::sql_literal(&s, SqlDialect::Mysql))).unwrap();
        assert_eq!(got.as_deref(), Some(s.as_str()));
    }
}
