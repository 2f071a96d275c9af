//! Texts in every declared locale: unknown locales, repeated texts, missing translations and
//! the fallback to the default locale.

use super::names::did_you_mean;
use super::{Checker, err};
use crate::diagnostics::Code;
use crate::model::Text;
use crate::syntax::ast::LText;
use std::collections::BTreeMap;

impl<'a> Checker<'a> {
    pub(super) fn text(&mut self, lt: &LText, what: &str) -> Text {
        let mut map = BTreeMap::new();
        for (loc, val) in &lt.entries {
            if !self.locales.contains(&loc.name) {
                let help = did_you_mean(&loc.name, self.locales.iter().map(String::as_str))
                    .unwrap_or_else(|| format!("declared locales are {}", self.locales.join(", ")));
                self.push(
                    err(Code::UnknownLocale, loc.span, format!("locale `{}` is not declared by the policy", loc.name))
                        .label("unknown locale")
                        .help(help),
                );
                continue;
            }
            if map.insert(loc.name.clone(), val.value.clone()).is_some() {
                self.push(
                    err(Code::Duplicate, loc.span, format!("{what} has two `{}` texts", loc.name))
                        .label("second text")
                        .help("keep one text per locale; adjacent strings are joined, so long text can span lines"),
                );
            }
        }
        let missing: Vec<String> = self.locales.iter().filter(|l| !map.contains_key(*l)).cloned().collect();
        if !missing.is_empty() {
            let list = missing.iter().map(|l| format!("`{l}`")).collect::<Vec<_>>().join(", ");
            match self.fallback.clone().and_then(|f| map.get(&f).cloned()) {
                Some(text) => {
                    self.push(
                        err(
                            Code::Fallback,
                            lt.span,
                            format!("{what} has no {list} text; the default locale's text is used"),
                        )
                        .label("translation missing")
                        .help(format!("add {} here to replace the fallback", missing_example(&missing))),
                    );
                    for l in missing {
                        map.insert(l, text.clone());
                    }
                }
                None => self.push(
                    err(Code::MissingTranslation, lt.span, format!("{what} lacks a translation for {list}"))
                        .label("missing translation")
                        .help(format!(
                            "add {} here, or declare `fallback to default` in the policy header",
                            missing_example(&missing)
                        )),
                ),
            }
        }
        Text(map.into_iter().collect())
    }
}

pub(super) fn missing_example(missing: &[String]) -> String {
    missing.iter().map(|l| format!("`{l} \"…\"`")).collect::<Vec<_>>().join(" and ")
}
