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

impl Reader for FsReader {
    fn read(&self, path: &Path) -> std::io::Result<String> {
        // Only regular files: a device or FIFO (`/dev/zero`) would never end.
        if !std::fs::metadata(path)?.is_file() {
            return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a regular file"));
        }
        std::fs::read_to_string(path)
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

/// Loads `root` and, recursively, its imports (paths relative to the importing file).
pub fn load(root: &Path, reader: &dyn Reader) -> Result<Loaded, ReadError> {
    let text = reader.read(root).map_err(|source| ReadError { path: root.to_path_buf(), source })?;
    let mut loaded = Loaded::default();
    let id = loaded.sources.add(root, text);
    visit(id, reader, &mut loaded, &mut Walk::new(canonical(root)));
    Ok(loaded)
}

/// Loads a policy given as text (the root may not import: there is no directory to resolve
/// against other than `name`'s).
pub fn load_str(name: &str, text: &str, reader: &dyn Reader) -> Loaded {
    let mut loaded = Loaded::default();
    let id = loaded.sources.add(name, text);
    visit(id, reader, &mut loaded, &mut Walk::new(canonical(Path::new(name))));
    loaded
}

fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
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
fn visit(id: FileId, reader: &dyn Reader, loaded: &mut Loaded, walk: &mut Walk) {
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
