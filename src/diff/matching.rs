//! Items of two versions paired by name or by `renamed from`.

use std::collections::BTreeMap;

/// Items of two versions matched by name, or by `renamed from` in the new version.
pub(super) struct Matching<'a, T> {
    pub(super) pairs: Vec<(&'a T, &'a T)>,
    pub(super) added: Vec<&'a T>,
    pub(super) removed: Vec<&'a T>,
}

pub(super) fn match_items<'a, T>(
    old: &'a [T],
    new: &'a [T],
    name: impl Fn(&T) -> &str,
    renamed: impl Fn(&T) -> Option<&str>,
) -> Matching<'a, T> {
    let index: BTreeMap<&str, usize> = old.iter().enumerate().map(|(i, o)| (name(o), i)).collect();
    let mut used = vec![false; old.len()];
    let mut matched: Vec<Option<usize>> = vec![None; new.len()];
    // Explicit renames first, so a new item reusing an old name does not steal the old item.
    for (j, n) in new.iter().enumerate() {
        if let Some(&i) = renamed(n).and_then(|r| index.get(r))
            && !used[i]
        {
            used[i] = true;
            matched[j] = Some(i);
        }
    }
    for (j, n) in new.iter().enumerate() {
        if matched[j].is_none()
            && let Some(&i) = index.get(name(n))
            && !used[i]
        {
            used[i] = true;
            matched[j] = Some(i);
        }
    }
    let mut pairs = Vec::new();
    let mut added = Vec::new();
    for (j, n) in new.iter().enumerate() {
        match matched[j] {
            Some(i) => pairs.push((&old[i], n)),
            None => added.push(n),
        }
    }
    let removed = old.iter().enumerate().filter(|(i, _)| !used[*i]).map(|(_, o)| o).collect();
    Matching { pairs, added, removed }
}
