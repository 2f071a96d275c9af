//! policyc: a compiler for privacy policies.
//!
//! The pipeline flows one way:
//! source text → [`syntax`] (syntax tree with spans) → [`check`] (resolved, validated
//! [`model::Policy`]) → [`backend`]s (JSON, Rust, SQL, documents, store settings). Backends read
//! only the validated model; they never re-parse or re-check.
//! [`diff`] compares two validated versions of a policy by meaning (`policyc diff`).

pub mod backend;
mod build_api;
pub mod capability;
pub mod check;
#[cfg(feature = "cli")]
pub mod cli;
pub mod diagnostics;
#[cfg(feature = "docs")]
pub mod diff;
pub mod escape;
pub mod explain;
pub mod fmt;
#[cfg(feature = "cli")]
pub mod live;
pub mod load;
#[cfg(feature = "cli")]
pub mod lsp;
pub mod model;
pub mod names;
pub mod schedule;
#[cfg(feature = "schema")]
pub mod schema;
pub mod semantics;
pub mod source;
pub mod syntax;
pub mod synth;

use std::path::Path;

pub use build_api::{BuildDiagnostic, BuildError, Config, Output, compile_policies};

/// The result of compiling one policy file.
#[derive(Debug)]
pub struct Compiled {
    /// Every file read (for rendering diagnostics).
    pub sources: source::SourceMap,
    /// The validated model, if the policy has no errors.
    pub policy: Option<model::Policy>,
    /// Errors and warnings, in source order.
    pub diagnostics: diagnostics::Diagnostics,
}

impl Compiled {
    /// Diagnostics rendered for a terminal (`color` adds ANSI colours).
    pub fn render(&self, color: bool) -> String {
        diagnostics::render_human(&self.diagnostics, &self.sources, color)
    }

    /// Paths of every file read, root first (for `cargo:rerun-if-changed`).
    pub fn files_read(&self) -> Vec<std::path::PathBuf> {
        self.sources.files().map(|(_, f)| f.path.clone()).collect()
    }
}

/// Compiles the policy at `path` (and its imports) from the file system.
pub fn compile_file(path: &Path) -> Result<Compiled, load::ReadError> {
    compile_file_in(path, None)
}

/// As [`compile_file`], with imports confined to `import_root` instead of the directory of
/// `path`.
pub fn compile_file_in(path: &Path, import_root: Option<&Path>) -> Result<Compiled, load::ReadError> {
    let loaded = load::load_in(path, &load::FsReader, import_root)?;
    Ok(finish(loaded))
}

/// Compiles a policy held in memory; `name` is used in diagnostics. Imports are resolved
/// against the file system relative to `name`.
pub fn compile_str(name: &str, text: &str) -> Compiled {
    finish(load::load_str(name, text, &load::FsReader))
}

/// Checks a policy already loaded (e.g. through a custom [`load::Reader`]).
pub fn compile_loaded(loaded: load::Loaded) -> Compiled {
    finish(loaded)
}

fn finish(loaded: load::Loaded) -> Compiled {
    let (policy, diagnostics) = check::check(&loaded);
    Compiled { sources: loaded.sources, policy, diagnostics }
}
