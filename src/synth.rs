//! Synthetic policies for benchmarks and scale tests: valid, deterministic, and as large as
//! asked. Each category has ten fields, one purpose, a store binding and a retention rule that
//! cycles through the rule forms.

use std::fmt::Write;

/// A valid policy with `categories` categories (about ten fields each). `variant` changes the
/// retention of every hundredth category and adds a purpose, so two variants differ in about
/// 1% of items (for diff benchmarks).
pub fn policy(categories: usize, variant: u32) -> String {
    let mut s = String::with_capacity(categories * 1_200 + 4_096);
    s.push_str(
        "policy synthetic {\n  version \"1.0.0\"\n  effective 2024-01-01\n  locales en, zh\n  default en\n\
         \x20 title { en \"Synthetic\" zh \"合成\" }\n  feature { en \"Synthetic feature\" zh \"合成功能\" }\n\
         \x20 controller { name { en \"Example Ltd\" zh \"示例公司\" } contact \"privacy@example.com\" }\n}\n\n\
         store main_db: postgres { name { en \"Main database\" zh \"主数据库\" } }\n\
         store cache: redis { name { en \"Cache\" zh \"缓存\" } }\n\
         state in_use { label { en \"while you use the service\" zh \"您使用本服务期间\" } }\n\
         event closed { label { en \"you close your account\" zh \"您注销账户\" } }\n\
         event expired { label { en \"your subscription expires\" zh \"您的订阅到期\" } }\n\
         recipient partner { name { en \"Partner\" zh \"合作方\" } }\n\
         condition opted_in { label { en \"you opt in\" zh \"您选择加入\" } }\n\n",
    );
    let purposes = 50;
    for p in 0..purposes {
        let _ = writeln!(s, "purpose purpose_{p} {{ label {{ en \"Purpose {p}\" zh \"用途 {p}\" }} }}");
    }
    if variant > 0 {
        s.push_str("purpose purpose_new { label { en \"New purpose\" zh \"新用途\" } }\n");
    }
    s.push('\n');
    for c in 0..categories {
        let _ = writeln!(s, "category category_{c} {{");
        let _ = writeln!(s, "  label {{ en \"Category {c}\" zh \"类别 {c}\" }}");
        for f in 0..8 {
            let ty = ["string", "ip", "integer", "bool", "url", "decimal", "secret", "email"][f % 8];
            let _ = writeln!(s, "  field field_{f}: {ty} {{ label {{ en \"Field {f}\" zh \"字段 {f}\" }} }}");
        }
        s.push_str("  field collected_at: timestamp { label { en \"Collected\" zh \"收集时间\" } }\n");
        s.push_str("  field closed_at: timestamp { label { en \"Closed\" zh \"注销时间\" } internal }\n");
        let purpose =
            if variant > 0 && c % 100 == 0 { "purpose_new".to_string() } else { format!("purpose_{}", c % purposes) };
        let _ = writeln!(s, "  use {purpose} under gdpr_contract");
        if c % 10 == 0 {
            s.push_str("  share with partner { fields field_0 requires consent, opted_in }\n");
        }
        let _ = writeln!(
            s,
            "  stored in main_db {{ table category_{c} collected at collected_at event closed at closed_at }}"
        );
        let days = if variant > 0 && c % 100 == 50 { 30 + c % 7 } else { 7 + c % 7 };
        let rule = match c % 4 {
            0 => format!("{days} days"),
            1 => "while in_use, then 2 months after closed".to_string(),
            2 => format!("earliest of (1 year, {days} days after closed)"),
            _ => format!("at most {days} days"),
        };
        let _ = writeln!(s, "  retain {rule}\n}}\n");
    }
    s
}

/// A policy importing `n` files (file `i` declares purpose `imported_i`), as in-memory files
/// keyed by path; the root is `root.policy`. `chained`: each file imports the next (a chain
/// `n` deep); otherwise the root imports every file (`n` flat imports).
pub fn imports(n: usize, chained: bool) -> std::collections::BTreeMap<std::path::PathBuf, String> {
    let mut files = std::collections::BTreeMap::new();
    let mut root = policy(1, 0);
    if chained {
        root.insert_str(0, "import \"imported_0.policy\"\n");
    } else {
        let lines: String = (0..n).map(|i| format!("import \"imported_{i}.policy\"\n")).collect();
        root.insert_str(0, &lines);
    }
    files.insert("root.policy".into(), root);
    for i in 0..n {
        let mut text = String::new();
        if chained && i + 1 < n {
            let _ = writeln!(text, "import \"imported_{}.policy\"", i + 1);
        }
        let _ = writeln!(text, "purpose imported_{i} {{ label {{ en \"Imported {i}\" zh \"导入 {i}\" }} }}");
        files.insert(format!("imported_{i}.policy").into(), text);
    }
    files
}

/// A small policy whose category lists `n` undeclared systems on one line: `n` diagnostics,
/// all pointing into the same long line.
pub fn names_on_one_line(n: usize) -> String {
    let mut s = policy(1, 0);
    let names: Vec<String> = (0..n).map(|i| format!("system_{i}")).collect();
    let at = s.find("  retain ").unwrap_or(s.len());
    s.insert_str(at, &format!("  systems {}\n", names.join(", ")));
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn synthetic_policies_check_cleanly() {
        for variant in [0, 1] {
            let c = crate::compile_str("synthetic.policy", &super::policy(200, variant));
            assert!(!c.diagnostics.has_errors(), "{}", c.render(false));
            assert_eq!(c.policy.map(|p| p.categories.len()), Some(200));
        }
    }
}
