//! Where data is kept: storage systems, storage statements, and the systems of each category.
//! None of these adds a recipient, so none is material.

use super::{CategoryItem, Change, Differ, Kind, Minor, StorageItem, StoreItem, Subject, Value, matching::match_items};
use crate::model::{self, Category};
use std::collections::BTreeSet;

impl<'a> Differ<'a> {
    pub(super) fn stores(&mut self) {
        let m = match_items(&self.old.stores, &self.new.stores, |s| &s.name, |_| None);
        let store = |name: &str, item| Subject::Store { store: name.to_string(), item };
        for s in m.added {
            self.push(
                Change::new(
                    Kind::StoreAdded,
                    store(&s.name, StoreItem::Whole),
                    Minor,
                    "a new storage system of ours; it adds no recipient",
                )
                .values(None, Value::StoreKind(s.kind)),
            );
        }
        for (a, b) in m.pairs {
            if a.kind != b.kind {
                self.push(
                    Change::new(
                        Kind::StoreChanged,
                        store(&b.name, StoreItem::Whole),
                        Minor,
                        "the storage system runs on a different engine; it adds no recipient",
                    )
                    .values(Value::StoreKind(a.kind), Value::StoreKind(b.kind)),
                );
            }
            self.text(|| store(&b.name, StoreItem::Name), "a storage system's name", &a.display, &b.display);
        }
        for s in m.removed {
            self.push(Change::new(
                Kind::StoreRemoved,
                store(&s.name, StoreItem::Whole),
                Minor,
                "a storage system is no longer used, so the data is kept in fewer places",
            ));
        }
    }

    pub(super) fn storage_statements(&mut self) {
        let m = match_items(&self.old.storage_statements, &self.new.storage_statements, |s| &s.name, |_| None);
        let at = |name: &str, item| Subject::Storage { statement: name.to_string(), item };
        let value = |s: &model::StorageStatement| Value::Storage { stores: s.stores.clone(), backed_up: s.backed_up };
        for s in m.added {
            self.push(
                Change::new(
                    Kind::StorageChanged,
                    at(&s.name, StorageItem::Whole),
                    Minor,
                    "a new statement of where data is stored; it adds no recipient",
                )
                .values(None, Value::Stores(s.stores.clone())),
            );
        }
        for (a, b) in m.pairs {
            let (x, y): (BTreeSet<_>, BTreeSet<_>) = (a.stores.iter().collect(), b.stores.iter().collect());
            if x != y || a.backed_up != b.backed_up {
                self.push(
                    Change::new(
                        Kind::StorageChanged,
                        at(&b.name, StorageItem::Whole),
                        Minor,
                        "the data is stored or backed up in other systems of ours; it adds no recipient",
                    )
                    .values(value(a), value(b)),
                );
            }
            self.text(|| at(&b.name, StorageItem::Data), "a storage statement", &a.data, &b.data);
        }
        for s in m.removed {
            self.push(Change::new(
                Kind::StorageChanged,
                at(&s.name, StorageItem::Whole),
                Minor,
                "a storage statement was removed",
            ));
        }
    }

    pub(super) fn systems(&mut self, cat: &str, a: &Category, b: &Category) {
        fn stores(c: &Category) -> BTreeSet<&str> {
            c.systems.iter().map(String::as_str).chain(c.bindings.iter().map(|b| b.store.as_str())).collect()
        }
        let at = |store: &str| Subject::category(cat, CategoryItem::System { store: store.to_string() });
        let (x, y) = (stores(a), stores(b));
        for s in y.difference(&x) {
            self.push(Change::new(
                Kind::StorageChanged,
                at(s),
                Minor,
                "the data is also processed or stored in another of our systems; it adds no recipient",
            ));
        }
        for s in x.difference(&y) {
            self.push(Change::new(
                Kind::StorageChanged,
                at(s),
                Minor,
                "the data is no longer processed or stored in this system",
            ));
        }
    }
}
