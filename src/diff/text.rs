//! Wording: text attributes and free-text sections, always editorial.

use super::{Change, Differ, Editorial, Kind, Subject};
use crate::model::{self, Text};
use std::collections::BTreeSet;

impl<'a> Differ<'a> {
    /// Reports a wording change of a text attribute (compared in the locales both versions have).
    pub(super) fn text(&mut self, subject: impl FnOnce() -> Subject, what: &str, old: &Text, new: &Text) {
        if old != new {
            self.push(Change::new(Kind::TextChanged, subject(), Editorial, format!("the wording of {what} changed")));
        }
    }

    pub(super) fn opt_text(
        &mut self,
        subject: impl FnOnce() -> Subject,
        what: &str,
        old: Option<&Text>,
        new: Option<&Text>,
    ) {
        let empty = Text::default();
        self.text(subject, what, old.unwrap_or(&empty), new.unwrap_or(&empty));
    }

    pub(super) fn sections(&mut self) {
        let keys: BTreeSet<_> = self.old.sections.keys().chain(self.new.sections.keys()).collect();
        for k in keys {
            let name = model::Section::ALL.iter().find(|(_, s)| s == k).map_or("section", |(n, _)| n);
            self.opt_text(
                || Subject::Section(*k),
                &format!("the free text of the {name} section"),
                self.old.sections.get(k),
                self.new.sections.get(k),
            );
        }
    }
}
