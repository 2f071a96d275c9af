//! A small YAML writer: block mappings and sequences, every scalar a double-quoted string (or a
//! boolean), so no author text is ever read back as another type, a comment or an anchor.

use crate::escape::yaml_string as quote;
use std::fmt::Write;

/// A YAML value. Mapping keys are fixed by the generator, so they are plain `&'static str`.
#[derive(Debug, Clone, PartialEq)]
pub enum Yaml {
    /// A string, always double-quoted.
    Str(String),
    /// `true` / `false`.
    Bool(bool),
    /// A block sequence (`[]` when empty).
    List(Vec<Yaml>),
    /// A block mapping, keys in the given order.
    Map(Vec<(&'static str, Yaml)>),
}

impl From<&str> for Yaml {
    fn from(s: &str) -> Self {
        Yaml::Str(s.to_string())
    }
}

impl From<String> for Yaml {
    fn from(s: String) -> Self {
        Yaml::Str(s)
    }
}

/// The document: `value` (a mapping) after a `#` comment header of plain lines.
pub fn document(header: &[String], value: &Yaml) -> String {
    let mut out = String::new();
    for h in header {
        // Header lines come from the generator; a line break in them must not end the comment.
        let line: String =
            h.chars().map(|c| if c.is_control() || c == '\u{2028}' || c == '\u{2029}' { ' ' } else { c }).collect();
        let _ = writeln!(out, "# {line}");
    }
    write_value(&mut out, value, 0, false);
    out
}

fn scalar(v: &Yaml) -> Option<String> {
    match v {
        Yaml::Str(s) => Some(quote(s)),
        Yaml::Bool(b) => Some(b.to_string()),
        Yaml::List(l) if l.is_empty() => Some("[]".into()),
        Yaml::Map(m) if m.is_empty() => Some("{}".into()),
        _ => None,
    }
}

/// Writes `v` at `indent`; `inline` when the cursor already stands after `- ` or `key:`.
fn write_value(out: &mut String, v: &Yaml, indent: usize, inline: bool) {
    let pad = " ".repeat(indent);
    match v {
        Yaml::Map(entries) if !entries.is_empty() => {
            for (i, (k, val)) in entries.iter().enumerate() {
                if !(inline && i == 0) {
                    out.push_str(&pad);
                }
                match scalar(val) {
                    Some(s) => {
                        let _ = writeln!(out, "{k}: {s}");
                    }
                    None => {
                        let _ = writeln!(out, "{k}:");
                        // Sequences under a key sit at the key's indentation (common YAML style).
                        let child = if matches!(val, Yaml::List(_)) { indent } else { indent + 2 };
                        write_value(out, val, child, false);
                    }
                }
            }
        }
        Yaml::List(items) if !items.is_empty() => {
            for item in items {
                out.push_str(&pad);
                match scalar(item) {
                    Some(s) => {
                        let _ = writeln!(out, "- {s}");
                    }
                    None => {
                        out.push_str("- ");
                        write_value(out, item, indent + 2, true);
                    }
                }
            }
        }
        other => {
            let _ = writeln!(out, "{}", scalar(other).unwrap_or_default());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_blocks() {
        let v = Yaml::Map(vec![
            ("a", Yaml::List(vec![Yaml::Map(vec![("k", "v".into()), ("l", Yaml::List(vec!["x".into()]))])])),
            ("b", Yaml::Bool(true)),
            ("c", Yaml::List(vec![])),
        ]);
        assert_eq!(document(&[], &v), "a:\n- k: \"v\"\n  l:\n  - \"x\"\nb: true\nc: []\n");
    }

    #[test]
    fn quoting_escapes_breaks_and_controls() {
        assert_eq!(quote("a\"b\\c\nd\u{2028}e\u{85}f\u{1b}"), "\"a\\\"b\\\\c\\nd\\Le\\u0085f\\u001B\"");
    }
}

#[cfg(test)]
mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Any string, quoted, reads back as exactly that string from a YAML 1.2 reader, as a
        /// mapping value and as a sequence item.
        #[test]
        fn quoted_strings_read_back(s in any::<String>()) {
            let doc = document(std::slice::from_ref(&s), &Yaml::Map(vec![("k", Yaml::List(vec![Yaml::Str(s.clone())])), ("v", Yaml::Str(s.clone()))]));
            let docs = yaml_rust2::YamlLoader::load_from_str(&doc).map_err(|e| TestCaseError::fail(format!("{e}: {doc:?}")))?;
            prop_assert_eq!(docs.len(), 1);
            prop_assert_eq!(docs[0]["v"].as_str(), Some(s.as_str()));
            prop_assert_eq!(docs[0]["k"][0].as_str(), Some(s.as_str()));
        }
    }
}
