//! Backends: each turns the validated model into output files. They never re-check the policy.
//!
//! Every backend returns [`OutputFile`]s (a relative path and its bytes) and does no I/O;
//! [`write_all`] writes them atomically and only when their content changed.

#[cfg(feature = "docs")]
pub mod docs;
#[cfg(feature = "docs")]
pub mod exchange;
pub mod json;
pub mod rust;
pub mod sql;
pub mod stores;

use crate::model::Policy;

/// Why a backend could not produce its output. A validated model never causes one; each is a
/// defect of policyc, reported instead of writing a wrong or empty file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A document template failed to render.
    #[cfg(feature = "docs")]
    #[error("cannot render {what}: {source}")]
    Render {
        /// The output being rendered.
        what: String,
        /// The template engine's error.
        source: askama::Error,
    },
    /// A JSON output failed to serialise.
    #[error("cannot serialise {what}: {source}")]
    Json {
        /// The output being serialised.
        what: String,
        /// The serialiser's error.
        source: serde_json::Error,
    },
    /// A schedule the checker should have refused reached a backend.
    #[error("invalid schedule `{cron}`: {why}")]
    Schedule {
        /// The cron line.
        cron: String,
        /// Why it is invalid.
        why: String,
    },
}

/// A backend's result.
pub type Result<T> = std::result::Result<T, Error>;

/// `value` as pretty JSON with a final newline: the one form of every JSON output.
pub fn json_text(what: &str, value: &impl serde::Serialize) -> Result<String> {
    let mut s = serde_json::to_string_pretty(value).map_err(|source| Error::Json { what: what.into(), source })?;
    s.push('\n');
    Ok(s)
}

/// Which outputs a build produces. `policy.json` is always written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Targets {
    /// Rust types (`rust/<id>.rs`).
    pub rust: bool,
    /// SQL retention jobs, per dialect (`sql/<dialect>.sql`).
    pub sql: Vec<sql::DialectKind>,
    /// Policy documents (`docs/`).
    #[cfg(feature = "docs")]
    pub docs: bool,
    /// Native TTL settings of the other stores (`stores/`).
    pub stores: bool,
}

impl Targets {
    /// Every output.
    pub fn all() -> Self {
        Targets {
            rust: true,
            sql: sql::DialectKind::ALL.to_vec(),
            #[cfg(feature = "docs")]
            docs: true,
            stores: true,
        }
    }
}

/// Every output file of a policy for the chosen targets, in a fixed order.
pub fn generate(policy: &Policy, targets: &Targets) -> Result<Vec<OutputFile>> {
    let mut files = vec![json::generate(policy)?];
    // Backends register here, each behind its flag.
    if targets.stores {
        files.extend(stores::generate(policy)?);
    }
    #[cfg(feature = "docs")]
    if targets.docs {
        files.extend(docs::generate(policy)?);
    }
    if targets.rust {
        files.push(rust::generate(policy));
    }
    for &d in &targets.sql {
        files.push(sql::generate(policy, d)?);
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
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

/// Name of the manifest policyc keeps in an output directory written by [`write_set`]: the
/// relative paths of the files it wrote there, one per line. Only these are ever pruned.
pub const MANIFEST: &str = ".policyc-manifest";

/// Prefix of every temporary file and directory policyc creates; the process id follows, so a
/// later run can tell the leftovers of a killed build from the work of one still running.
const TMP_PREFIX: &str = ".policyc-tmp-";

/// Writes every file under `dir`: each to a temporary file in the same directory, then renamed
/// over the target, so a reader never sees half a file. Files whose content is unchanged are not
/// touched (their timestamps stay, so downstream builds do not rerun). Files get the ordinary
/// permissions of the umask. Temporary files a killed run left behind are removed. Each file is
/// atomic on its own; [`write_set`] makes a whole directory atomic. Returns the paths written.
pub fn write_all(dir: &Path, files: &[OutputFile]) -> std::io::Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    let mut cleaned = std::collections::BTreeSet::new();
    for f in files {
        let target = dir.join(&f.path);
        let parent = target.parent().unwrap_or(dir).to_path_buf();
        if cleaned.insert(parent.clone()) {
            remove_leftovers(&parent, None);
        }
        if std::fs::read(&target).is_ok_and(|old| old == f.contents) {
            continue;
        }
        std::fs::create_dir_all(&parent)?;
        let mut tmp = tempfile::Builder::new()
            .prefix(&format!("{TMP_PREFIX}{}-", std::process::id()))
            // Created by `open` with mode 0666, so the umask decides (`tempfile` alone gives 0600).
            .make_in(&parent, |p| std::fs::OpenOptions::new().write(true).create_new(true).open(p))?;
        tmp.as_file_mut().write_all(&f.contents)?;
        tmp.as_file().sync_all()?;
        tmp.persist(&target).map_err(|e| e.error)?;
        written.push(target);
    }
    Ok(written)
}

/// Writes the complete output set of one policy as `dir`, atomically as a whole: the new set is
/// built in a sibling directory and swapped with `dir` by one rename(2), so a reader (or a build
/// killed at any point) sees either the complete old set or the complete new one, never a mix.
///
/// - Files whose content is unchanged are hard-linked from the old set, so they keep their
///   timestamps; when nothing changed, nothing is touched at all.
/// - The files written are recorded in [`MANIFEST`]; files the previous build wrote that this one
///   no longer produces are pruned, and nothing else.
/// - Leftovers of a killed build (sibling directories named `.policyc-tmp-<name>-…`) are removed.
///
/// A directory is only swapped while it holds nothing but policyc's outputs: when it also holds
/// other files (or is the current directory, which a swap would strand the process outside),
/// the files are written one by one, each atomically ([`write_all`]), and stale ones pruned.
/// Returns the paths written or pruned (empty when nothing changed).
pub fn write_set(dir: &Path, files: &[OutputFile]) -> std::io::Result<Vec<PathBuf>> {
    let dir = absolute(dir)?;
    let (Some(parent), Some(name)) = (dir.parent(), dir.file_name()) else {
        return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a directory policyc can replace"));
    };
    let name = name.to_string_lossy().into_owned();
    std::fs::create_dir_all(parent)?;
    remove_leftovers(parent, Some(&name));

    let new: std::collections::BTreeSet<&Path> = files.iter().map(|f| f.path.as_path()).collect();
    let old = read_manifest(&dir);
    let stale: Vec<PathBuf> =
        old.iter().filter(|p| !new.contains(p.as_path()) && dir.join(p).exists()).cloned().collect();
    let unchanged = |f: &OutputFile| std::fs::read(dir.join(&f.path)).is_ok_and(|old| old == f.contents);
    let manifest = manifest_text(files);
    let manifest_same = std::fs::read_to_string(dir.join(MANIFEST)).is_ok_and(|m| m == manifest);
    let changed: Vec<&OutputFile> = files.iter().filter(|f| !unchanged(f)).collect();
    if dir.is_dir() && changed.is_empty() && stale.is_empty() && manifest_same {
        return Ok(Vec::new());
    }
    let mut report: Vec<PathBuf> = changed.iter().map(|f| dir.join(&f.path)).collect();
    report.extend(stale.iter().map(|p| dir.join(p)));

    let ours = |rel: &Path| rel == Path::new(MANIFEST) || old.contains(rel) || new.contains(rel);
    let foreign = dir.is_dir() && !only_ours(&dir, Path::new(""), &ours)?;
    if foreign || std::env::current_dir().is_ok_and(|cwd| cwd.starts_with(&dir)) {
        let mut all = files.to_vec();
        all.push(OutputFile::text(MANIFEST, manifest));
        write_all(&dir, &all)?;
        for p in &stale {
            std::fs::remove_file(dir.join(p))?;
        }
        return Ok(report);
    }

    let staging = create_staging(parent, &name)?;
    let result = (|| {
        if dir.is_dir() {
            // Keep the directory's own permissions.
            std::fs::set_permissions(&staging, std::fs::metadata(&dir)?.permissions())?;
        }
        for f in files {
            let target = staging.join(&f.path);
            if let Some(p) = target.parent() {
                std::fs::create_dir_all(p)?;
            }
            if unchanged(f) && link_or_copy(&dir.join(&f.path), &target).is_ok() {
                continue;
            }
            write_new(&target, &f.contents)?;
        }
        write_new(&staging.join(MANIFEST), manifest.as_bytes())?;
        swap(&staging, &dir)
    })();
    // After a swap the staging path holds the old set; on failure, the partial new one.
    let _ = std::fs::remove_dir_all(&staging);
    result.map(|()| report)
}

/// `dir` made absolute, so its parent and name exist; an existing one with symbolic links
/// resolved, so the swap replaces the directory they lead to rather than a link.
fn absolute(dir: &Path) -> std::io::Result<PathBuf> {
    if dir.exists() {
        return std::fs::canonicalize(dir);
    }
    let dir = std::path::absolute(dir)?;
    // `a/..` or `.` as the last component name no directory: resolve it.
    if dir.file_name().is_none() || dir.ends_with(".") {
        return std::fs::canonicalize(&dir);
    }
    Ok(dir)
}

/// The manifest for a set of files: a comment line, then one relative path per line, sorted.
fn manifest_text(files: &[OutputFile]) -> String {
    let mut paths: Vec<String> = files.iter().map(|f| f.path.to_string_lossy().replace('\\', "/")).collect();
    paths.sort();
    let mut s = String::from("# Files policyc wrote here; a rebuild removes those it no longer produces.\n");
    for p in paths {
        s.push_str(&p);
        s.push('\n');
    }
    s
}

/// The relative paths a previous build recorded in `dir` (none without a manifest). Paths that
/// could leave the directory are ignored: pruning never reaches outside it.
fn read_manifest(dir: &Path) -> std::collections::BTreeSet<PathBuf> {
    let text = std::fs::read_to_string(dir.join(MANIFEST)).unwrap_or_default();
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(PathBuf::from)
        .filter(|p| p.components().all(|c| matches!(c, std::path::Component::Normal(_))))
        .collect()
}

/// A new, empty sibling directory `.policyc-tmp-<name>-<pid>-<n>` with the umask's permissions.
fn create_staging(parent: &Path, name: &str) -> std::io::Result<PathBuf> {
    let pid = std::process::id();
    for n in 0..1_000u32 {
        let p = parent.join(format!("{TMP_PREFIX}{name}-{pid}-{n}"));
        match std::fs::create_dir(&p) {
            Ok(()) => return Ok(p),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::new(std::io::ErrorKind::AlreadyExists, "no free staging directory name"))
}

/// Removes what killed runs left in `dir`: with `set` the staging directories of that output
/// directory (`.policyc-tmp-<set>-<pid>-<n>`), otherwise temporary files
/// (`.policyc-tmp-<pid>-<random>`), in both cases only when process `<pid>` is gone (on systems
/// without `/proc`, always: builds into one directory are not run at once).
fn remove_leftovers(dir: &Path, set: Option<&str>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let file_name = e.file_name();
        let Some(rest) = file_name.to_str().and_then(|n| n.strip_prefix(TMP_PREFIX)) else { continue };
        let Ok(kind) = e.file_type() else { continue };
        let pid = match set {
            Some(name) => {
                let mut parts = rest.rsplitn(3, '-');
                let (_, pid, owner) = (parts.next(), parts.next(), parts.next());
                if owner != Some(name) || !kind.is_dir() {
                    continue;
                }
                pid
            }
            None if kind.is_file() => rest.split('-').next(),
            None => continue,
        };
        let Some(pid) = pid.and_then(|p| p.parse::<u32>().ok()) else { continue };
        let proc = Path::new("/proc");
        if pid == std::process::id() || (proc.is_dir() && proc.join(pid.to_string()).exists()) {
            continue;
        }
        let path = e.path();
        let _ = if kind.is_dir() { std::fs::remove_dir_all(&path) } else { std::fs::remove_file(&path) };
    }
}

/// True when every file under `dir` (below `rel`) is one `ours` claims: directories only hold
/// policyc's outputs.
fn only_ours(dir: &Path, rel: &Path, ours: &dyn Fn(&Path) -> bool) -> std::io::Result<bool> {
    for e in std::fs::read_dir(dir.join(rel))? {
        let e = e?;
        let rel = rel.join(e.file_name());
        if e.file_type()?.is_dir() {
            if !only_ours(dir, &rel, ours)? {
                return Ok(false);
            }
        } else if !ours(&rel) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Hard-links `from` as `to`; where links are not supported, copies it with its timestamp.
fn link_or_copy(from: &Path, to: &Path) -> std::io::Result<()> {
    if std::fs::hard_link(from, to).is_ok() {
        return Ok(());
    }
    std::fs::copy(from, to)?;
    let modified = std::fs::metadata(from)?.modified()?;
    std::fs::File::options().write(true).open(to)?.set_modified(modified)
}

/// Creates a file in the staging directory (mode 0666 under the umask) and syncs it.
fn write_new(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(path)?;
    f.write_all(contents)?;
    f.sync_all()
}

/// Puts `staging` in place of `dir` in one step: an exchange of the two where the system has
/// one (Linux `renameat2(RENAME_EXCHANGE)`), a plain rename when `dir` does not exist yet.
fn swap(staging: &Path, dir: &Path) -> std::io::Result<()> {
    if !dir.exists() {
        return std::fs::rename(staging, dir);
    }
    exchange(staging, dir)
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let cstr = |p: &Path| {
        CString::new(p.as_os_str().as_bytes()).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))
    };
    let (a, b) = (cstr(a)?, cstr(b)?);
    // SAFETY: both arguments are valid NUL-terminated paths that live across the call.
    let rc = unsafe { libc::renameat2(libc::AT_FDCWD, a.as_ptr(), libc::AT_FDCWD, b.as_ptr(), libc::RENAME_EXCHANGE) };
    if rc == 0 { Ok(()) } else { Err(std::io::Error::last_os_error()) }
}

/// Without an atomic exchange: move the old set aside, then the new one in. A crash between the
/// two renames leaves no directory at `b` (the old set lies beside it until the next build).
#[cfg(not(target_os = "linux"))]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    let aside = a.with_extension("old");
    std::fs::rename(b, &aside)?;
    std::fs::rename(a, b)?;
    std::fs::rename(&aside, a)
}
