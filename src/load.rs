//! Reading a policy and its imports: the only stage that touches the file system.

use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::source::{FileId, SourceMap, Span};
use crate::syntax::{self, ast};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Where source text comes from: the file system, or memory in tests and fuzzing.
pub trait Reader {
    /// Reads one file as UTF-8.
    fn read(&self, path: &Path) -> std::io::Result<String>;
}

/// Reads from the file system.
#[derive(Debug, Default, Clone, Copy)]
pub struct FsReader;

/// Largest policy file read, in bytes: anything larger is not a policy someone wrote.
pub const MAX_FILE_BYTES: u64 = 16 << 20;

impl Reader for FsReader {
    fn read(&self, path: &Path) -> std::io::Result<String> {
        use std::io::Read;
        // Only regular files: a device or FIFO (`/dev/zero`) would never end.
        let meta = std::fs::metadata(path)?;
        if !meta.is_file() {
            return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a regular file"));
        }
        // Files under /proc report length 0: the limit is enforced on what is read too.
        let mut bytes = Vec::new();
        std::fs::File::open(path)?.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
        if meta.len() > MAX_FILE_BYTES || bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("larger than {} MiB: not a policy", MAX_FILE_BYTES >> 20),
            ));
        }
        text_of(bytes)
    }
}

/// The text of a policy file, refused before anything quotes it when it is not UTF-8 text or
/// holds a NUL byte (a binary file); the error gives the position of the first bad byte.
pub fn text_of(bytes: Vec<u8>) -> std::io::Result<String> {
    let bad = |bytes: &[u8], at: usize, what: &str| {
        let before = &bytes[..at];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&before[line_start..]).chars().count() + 1;
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("{what} at line {line}, column {column} (byte {at}): not a policy"),
        )
    };
    match String::from_utf8(bytes) {
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            Err(bad(e.as_bytes(), at, "invalid UTF-8"))
        }
        Ok(s) => match s.find('\0') {
            Some(at) => Err(bad(s.as_bytes(), at, "a NUL byte")),
            None => Ok(s),
        },
    }
}

/// In-memory files, keyed by path.
#[derive(Debug, Default, Clone)]
pub struct MemReader(pub std::collections::BTreeMap<PathBuf, String>);

impl Reader for MemReader {
    fn read(&self, path: &Path) -> std::io::Result<String> {
        self.0.get(path).cloned().ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"))
    }
}

/// A policy and everything it imports, parsed.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Every file read.
    pub sources: SourceMap,
    /// Parsed files; the root is first.
    pub files: Vec<(FileId, ast::File)>,
    /// Syntax and import problems.
    pub diags: Diagnostics,
}

/// Error when the root file itself cannot be read (exit code 2, not a policy error).
#[derive(Debug, thiserror::Error)]
#[error("cannot read `{path}`: {source}")]
pub struct ReadError {
    /// The path.
    pub path: PathBuf,
    /// The cause.
    #[source]
    pub source: std::io::Error,
}

/// Loads `root` and, recursively, its imports (paths relative to the importing file), which
/// must stay inside `root`'s directory tree.
pub fn load(root: &Path, reader: &dyn Reader) -> Result<Loaded, ReadError> {
    load_in(root, reader, None)
}

/// As [`load`], with imports confined to `import_root` (a directory) instead of `root`'s
/// directory when given.
pub fn load_in(root: &Path, reader: &dyn Reader, import_root: Option<&Path>) -> Result<Loaded, ReadError> {
    let text = reader.read(root).map_err(|source| ReadError { path: root.to_path_buf(), source })?;
    let mut loaded = Loaded::default();
    let id = loaded.sources.add(root, text);
    let fence = import_root.map_or_else(|| resolved(dir_of(root)), resolved);
    visit(id, reader, &mut loaded, &mut Walk::new(canonical(root)), &fence);
    Ok(loaded)
}

/// Loads a policy given as text (the root may not import: there is no directory to resolve
/// against other than `name`'s).
pub fn load_str(name: &str, text: &str, reader: &dyn Reader) -> Loaded {
    let mut loaded = Loaded::default();
    let id = loaded.sources.add(name, text);
    let fence = resolved(dir_of(Path::new(name)));
    visit(id, reader, &mut loaded, &mut Walk::new(canonical(Path::new(name))), &fence);
    loaded
}

/// The directory of a file (`.` for a bare file name).
fn dir_of(p: &Path) -> &Path {
    p.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

/// Where a path really is: canonical (symlinks followed) when it exists, otherwise absolute
/// with `.` and `..` resolved by name.
fn resolved(p: &Path) -> PathBuf {
    if let Ok(c) = std::fs::canonicalize(p) {
        return c;
    }
    let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

/// The import walk's bookkeeping, with set lookups so that each import costs the same however
/// many files are loaded or open (a long chain or many flat imports stay linear).
struct Walk {
    /// Canonical paths of the files being imported, outermost first (for cycle messages).
    stack: Vec<PathBuf>,
    /// The same paths, for lookups.
    on_stack: HashSet<PathBuf>,
    /// Canonical paths of every file loaded so far.
    seen: HashSet<PathBuf>,
}

impl Walk {
    fn new(root: PathBuf) -> Self {
        Walk { stack: vec![root.clone()], on_stack: HashSet::from([root.clone()]), seen: HashSet::from([root]) }
    }
}

/// A file whose imports are being followed: its directory and the imports not yet followed.
struct Frame {
    dir: PathBuf,
    imports: std::vec::IntoIter<ast::Str>,
}

/// Parses a loaded file and returns its frame.
fn open(id: FileId, loaded: &mut Loaded) -> Frame {
    let (file, diags) = syntax::parse(id, &loaded.sources.file(id).text);
    loaded.diags.extend(diags);
    let imports: Vec<ast::Str> =
        file.items.iter().filter_map(|i| if let ast::Item::Import(s) = i { Some(s.clone()) } else { None }).collect();
    loaded.files.push((id, file));
    let dir = loaded.sources.file(id).path.parent().map(Path::to_path_buf).unwrap_or_default();
    Frame { dir, imports: imports.into_iter() }
}

/// Follows the imports of `id` depth first (files in the order they are first reached), with an
/// explicit stack: an import chain thousands deep must not exhaust the thread's stack.
fn visit(id: FileId, reader: &dyn Reader, loaded: &mut Loaded, walk: &mut Walk, fence: &Path) {
    let mut frames = vec![open(id, loaded)];
    while let Some(frame) = frames.last_mut() {
        let Some(import) = frame.imports.next() else {
            frames.pop();
            if let Some(done) = walk.stack.pop() {
                walk.on_stack.remove(&done);
            }
            continue;
        };
        if Path::new(&import.value).is_absolute() || import.value.is_empty() {
            // Absolute paths would tie the policy (and its outputs) to one machine.
            loaded.diags.push(
                Diagnostic::new(Code::BadValue, import.span, format!("`{}` is not a relative path", import.value))
                    .label("import paths are relative")
                    .help("write the path relative to this file, e.g. `import \"shared/common.policy\"`"),
            );
            continue;
        }
        let path = frame.dir.join(&import.value);
        // Checked before reading: a file outside the tree (`../../proc/self/environ`) would be
        // quoted in diagnostics.
        if !resolved(&path).starts_with(fence) {
            loaded.diags.push(
                Diagnostic::new(
                    Code::BadValue,
                    import.span,
                    format!("`{}` is outside the policy's directory", import.value),
                )
                .label("imports stay inside the root policy's directory tree")
                .help(format!("move the file under `{}`, or widen the tree with `--import-root DIR`", fence.display())),
            );
            continue;
        }
        let key = canonical(&path);
        if walk.on_stack.contains(&key) {
            let pos = walk.stack.iter().position(|p| *p == key).unwrap_or(0);
            let chain: Vec<String> = walk.stack[pos..]
                .iter()
                .chain(std::iter::once(&key))
                .map(|p| p.file_name().map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into_owned()))
                .collect();
            loaded.diags.push(
                Diagnostic::new(Code::ImportCycle, import.span, format!("import cycle: {}", chain.join(" → ")))
                    .label("this import leads back to a file being imported")
                    .help("move the shared declarations into a file that imports neither"),
            );
            continue;
        }
        // Compare canonical paths: `a/../b.policy` and `b.policy` are one file.
        if walk.seen.contains(&key) {
            continue; // already loaded through another import: declarations are shared, not duplicated
        }
        match reader.read(&path) {
            Ok(text) => {
                let child = loaded.sources.add(&path, text);
                walk.seen.insert(key.clone());
                walk.on_stack.insert(key.clone());
                walk.stack.push(key);
                frames.push(open(child, loaded));
            }
            Err(e) => loaded.diags.push(
                Diagnostic::new(Code::Io, import.span, format!("cannot read imported file `{}`", path.display()))
                    .label(e.to_string())
                    .help("import paths are relative to the importing file"),
            ),
        }
    }
}

/// A span covering the start of a file, for problems without a better place.
pub fn file_start(id: FileId) -> Span {
    Span::new(id, 0, 0)
}
