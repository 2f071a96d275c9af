//! Data-subject rights: deletion on request, its deadline, self-service, minimum age.

use super::{Change, Differ, Kind, Material, Minor, RightsItem, Subject, Value, retention, retention::Cmp};

impl<'a> Differ<'a> {
    pub(super) fn rights(&mut self) {
        let (a, b) = (&self.old.rights, &self.new.rights);
        let at = Subject::Rights;
        if a.deletion_on_request != b.deletion_on_request {
            let c = if b.deletion_on_request {
                Change::new(Kind::RightsExtended, at(RightsItem::Deletion), Minor, "deletion on request is now offered")
            } else {
                Change::new(
                    Kind::RightsReduced,
                    at(RightsItem::Deletion),
                    Material,
                    "deletion on request is no longer offered",
                )
            };
            self.push(c);
        } else if b.deletion_on_request && a.deletion_deadline != b.deletion_deadline {
            let path = || at(RightsItem::DeletionDeadline);
            let values = (a.deletion_deadline.map(Value::Duration), b.deletion_deadline.map(Value::Duration));
            let c = match (a.deletion_deadline, b.deletion_deadline) {
                (Some(x), Some(y)) => match retention::compare_durations(x, y) {
                    Cmp::Equal => None,
                    Cmp::Longer => {
                        Some(Change::new(Kind::RightsReduced, path(), Material, "deletion on request may take longer"))
                    }
                    Cmp::Shorter => {
                        Some(Change::new(Kind::RightsExtended, path(), Minor, "deletion on request is done sooner"))
                    }
                    Cmp::Incomparable => Some(Change::new(
                        Kind::RightsReduced,
                        path(),
                        Material,
                        "the deadline for deletion on request is longer for some start dates",
                    )),
                },
                (None, Some(_)) => {
                    Some(Change::new(Kind::RightsExtended, path(), Minor, "deletion on request now has a deadline"))
                }
                _ => Some(Change::new(
                    Kind::RightsReduced,
                    path(),
                    Material,
                    "deletion on request no longer has a stated deadline",
                )),
            };
            if let Some(c) = c {
                self.push(c.values(values.0, values.1));
            }
        }
        match (&a.self_service, &b.self_service) {
            (Some(_), None) => self.push(Change::new(
                Kind::RightsReduced,
                at(RightsItem::SelfService),
                Material,
                "users can no longer delete data themselves as described",
            )),
            (None, Some(_)) => self.push(Change::new(
                Kind::RightsExtended,
                at(RightsItem::SelfService),
                Minor,
                "users can now delete data themselves",
            )),
            (Some(x), Some(y)) => self.text(|| at(RightsItem::SelfService), "what users can delete themselves", x, y),
            (None, None) => {}
        }
        if a.minimum_age != b.minimum_age {
            let lowered = match (a.minimum_age, b.minimum_age) {
                (Some(x), Some(y)) => y < x,
                (Some(_), None) => true,
                _ => false,
            };
            let c = if lowered {
                Change::new(
                    Kind::RightsReduced,
                    at(RightsItem::MinimumAge),
                    Material,
                    "younger users may now use the feature, so more children's data may be processed",
                )
            } else {
                Change::new(
                    Kind::RightsExtended,
                    at(RightsItem::MinimumAge),
                    Minor,
                    "the minimum age of users is raised",
                )
            };
            self.push(c.values(a.minimum_age.map(Value::Age), b.minimum_age.map(Value::Age)));
        }
    }
}
