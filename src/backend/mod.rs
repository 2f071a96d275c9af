//! Backends: each turns the validated model into output files. They never re-check the policy.
//!
//! Every backend returns [`OutputFile`]s (a relative path and its bytes) and does no I/O;
//! [`write_all`] writes them atomically and only when their content changed.

pub mod docs;
pub mod exchange;
pub mod json;
pub mod rust;
pub mod sql;
pub mod stores;

use crate::model::Policy;

/// Which outputs a build produces. `policy.json` is always written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Targets {
    /// Rust types (`rust/<id>.rs`).
    pub rust: bool,
    /// SQL retention jobs, per dialect (`sql/<dialect>.sql`).
    pub sql: Vec<String>,
    /// Policy documents (`docs/`).
    pub docs: bool,
    /// Native TTL settings of the other stores (`stores/`).
    pub stores: bool,
}

impl Targets {
    /// Every output.
    pub fn all() -> Self {
        Targets { rust: true, sql: vec!["postgres".into(), "mysql".into(), "sqlite".into()], docs: true, stores: true }
    }
}

/// Every output file of a policy for the chosen targets, in a fixed order.
pub fn generate(policy: &Policy, targets: &Targets) -> Vec<OutputFile> {
    let mut files = vec![json::generate(policy)];
    // Backends register here, each behind its flag.
    if targets.stores {
        files.extend(stores::generate(policy));
    }
    if targets.docs {
        files.extend(docs::generate(policy));
    }
    if targets.rust {
        files.push(rust::generate(policy));
    }
    files.extend(targets.sql.iter().filter_map(|d| sql::DialectKind::parse(d)).map(|d| sql::generate(policy, d)));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

use std::io::Write;
use std::path::{Path, PathBuf};

/// One generated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Path relative to the output directory.
    pub path: PathBuf,
    /// Content.
    pub contents: Vec<u8>,
}

impl OutputFile {
    /// A text file.
    pub fn text(path: impl Into<PathBuf>, contents: impl Into<String>) -> Self {
        OutputFile { path: path.into(), contents: contents.into().into_bytes() }
    }
}

/// Writes every file under `dir`: each to a temporary file in the same directory, then renamed
/// over the target, so a reader never sees half a file. Files whose content is unchanged are not
/// touched (their timestamps stay, so downstream builds do not rerun). Returns the paths written.
pub fn write_all(dir: &Path, files: &[OutputFile]) -> std::io::Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for f in files {
        let target = dir.join(&f.path);
        if std::fs::read(&target).is_ok_and(|old| old == f.contents) {
            continue;
        }
        let parent = target.parent().unwrap_or(dir);
        std::fs::create_dir_all(parent)?;
        let mut tmp = tempfile::NamedTempFile::new_in(parent)?;
        tmp.write_all(&f.contents)?;
        tmp.as_file().sync_all()?;
        tmp.persist(&target).map_err(|e| e.error)?;
        written.push(target);
    }
    Ok(written)
}
