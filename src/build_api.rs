//! Compiling policies from a service's `build.rs`, the way `prost-build` compiles protobufs:
//!
//! ```no_run
//! // build.rs
//! fn main() -> Result<(), policyc::BuildError> {
//!     policyc::Config::new().compile(&["policies/im.policy"])?;
//!     Ok(())
//! }
//! ```
//!
//! and in the service: `mod policy { include!(concat!(env!("OUT_DIR"), "/tencent_im.rs")); }`.
//! Each policy becomes `<policy id>.rs` in the output directory (`OUT_DIR` unless set). That one
//! file is a policy's whole output set, so replacing it by rename(2) is atomic for the set; the
//! directory is not swapped (cargo and other build steps own `OUT_DIR`), and a file of a policy
//! no longer compiled is left in place (nothing includes it).
//! Every file read, imports included, is announced with `cargo:rerun-if-changed`, so cargo
//! reruns the build script exactly when a policy changes. Policy errors fail the build with
//! the diagnostics the CLI prints (file:line:col and the underlined source).

use crate::backend::{self, OutputFile};
use crate::diagnostics::Severity;
use std::path::{Path, PathBuf};

/// Settings for compiling policies from `build.rs`.
#[derive(Debug, Clone)]
pub struct Config {
    out_dir: Option<PathBuf>,
    import_root: Option<PathBuf>,
    rerun_if_changed: bool,
    outputs: Vec<Output>,
}

impl Default for Config {
    fn default() -> Self {
        Config { out_dir: None, import_root: None, rerun_if_changed: true, outputs: Vec::new() }
    }
}

/// An output besides the Rust types (which are always written). Extra outputs of a policy go
/// under `<out>/<policy id>/`, as `policyc build` lays them out, with its `policy.json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Output {
    /// The SQL retention jobs of one dialect (`sql/<dialect>.sql`).
    Sql(backend::sql::DialectKind),
    /// The native retention settings of Redis, MongoDB, Kafka and object storage (`stores/`).
    Stores,
    /// The documents in every locale (`docs/`).
    #[cfg(feature = "docs")]
    Docs,
}

/// One diagnostic of a failed build, located in its file.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BuildDiagnostic {
    /// The code, e.g. `E104`.
    pub code: String,
    /// Error or warning.
    pub severity: Severity,
    /// The message.
    pub message: String,
    /// The file, if the diagnostic has a position.
    pub file: Option<PathBuf>,
    /// 1-based line and column (in characters), if it has a position.
    pub position: Option<(usize, usize)>,
    /// The hint, if any.
    pub help: Option<String>,
}

/// Why compiling policies failed. `Debug` prints the same text as `Display`, so a build script
/// returning this error shows the rendered diagnostics rather than a struct dump.
#[non_exhaustive]
pub enum BuildError {
    /// Policies have errors.
    Policy {
        /// Every diagnostic of every policy, in order.
        diagnostics: Vec<BuildDiagnostic>,
        /// The same, rendered as `policyc check` prints them.
        rendered: String,
    },
    /// A policy file could not be read.
    Read(crate::load::ReadError),
    /// Neither an output directory nor `OUT_DIR` is set.
    NoOutDir,
    /// A backend failed (a defect of policyc; nothing was written).
    Backend(backend::Error),
    /// Writing the output failed.
    Write {
        /// The output directory.
        dir: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::Policy { rendered, .. } => write!(f, "policy errors:\n{rendered}"),
            BuildError::Read(e) => write!(f, "{e}"),
            BuildError::NoOutDir => {
                write!(f, "no output directory: set `Config::out_dir` or run under cargo (`OUT_DIR`)")
            }
            BuildError::Backend(e) => write!(f, "{e} (this is a defect of policyc)"),
            BuildError::Write { dir, source } => write!(f, "cannot write to `{}`: {source}", dir.display()),
        }
    }
}

impl std::fmt::Debug for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BuildError::Read(e) => Some(e),
            BuildError::Backend(e) => Some(e),
            BuildError::Write { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl Config {
    /// Default settings: Rust types into `OUT_DIR`, imports confined to each policy's directory,
    /// files announced to cargo.
    pub fn new() -> Self {
        Self::default()
    }

    /// Writes the generated files into `dir` instead of `OUT_DIR`.
    pub fn out_dir(&mut self, dir: impl Into<PathBuf>) -> &mut Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// Lets imports reach any file under `dir` (by default, only under the policy's directory).
    pub fn import_root(&mut self, dir: impl Into<PathBuf>) -> &mut Self {
        self.import_root = Some(dir.into());
        self
    }

    /// Also writes `output` for every policy, under `<out>/<policy id>/`.
    pub fn output(&mut self, output: Output) -> &mut Self {
        if !self.outputs.contains(&output) {
            self.outputs.push(output);
        }
        self
    }

    /// Whether to print `cargo:rerun-if-changed` lines (on by default; off outside cargo).
    pub fn rerun_if_changed(&mut self, on: bool) -> &mut Self {
        self.rerun_if_changed = on;
        self
    }

    /// The backend targets of the extra outputs, if any were asked for.
    fn extra_targets(&self) -> Option<backend::Targets> {
        if self.outputs.is_empty() {
            return None;
        }
        let mut t = backend::Targets::default();
        for o in &self.outputs {
            match *o {
                Output::Sql(d) => t.sql.push(d),
                Output::Stores => t.stores = true,
                #[cfg(feature = "docs")]
                Output::Docs => t.docs = true,
            }
        }
        Some(t)
    }

    /// Compiles each policy into `<policy id>.rs` in the output directory (and the extra
    /// outputs under `<policy id>/`), writing only files whose content changed. Nothing is
    /// written unless every policy compiles. Returns the paths of the generated Rust files, in
    /// input order.
    pub fn compile(&self, policies: &[impl AsRef<Path>]) -> Result<Vec<PathBuf>, BuildError> {
        let out = match &self.out_dir {
            Some(d) => d.clone(),
            None => std::env::var_os("OUT_DIR").map(PathBuf::from).ok_or(BuildError::NoOutDir)?,
        };
        let extra = self.extra_targets();
        let mut rust: Vec<OutputFile> = Vec::new();
        let mut sets: Vec<(PathBuf, Vec<OutputFile>)> = Vec::new();
        let mut diagnostics = Vec::new();
        let mut rendered = String::new();
        for path in policies {
            let path = path.as_ref();
            if self.rerun_if_changed {
                // Announced before reading, so a missing file is watched too.
                println!("cargo:rerun-if-changed={}", path.display());
            }
            let compiled = crate::compile_file_in(path, self.import_root.as_deref()).map_err(BuildError::Read)?;
            if self.rerun_if_changed {
                for f in compiled.files_read().iter().skip(1) {
                    println!("cargo:rerun-if-changed={}", f.display());
                }
            }
            if compiled.diagnostics.has_errors() {
                diagnostics.extend(compiled.diagnostics.iter().map(|d| located(d, &compiled.sources)));
                rendered.push_str(&compiled.render(false));
                continue;
            }
            if !compiled.diagnostics.is_empty() && self.rerun_if_changed {
                for line in compiled.render(false).lines() {
                    println!("cargo:warning={line}");
                }
            }
            if let Some(policy) = &compiled.policy {
                let file = backend::rust::generate(policy);
                rust.push(OutputFile { path: PathBuf::from(format!("{}.rs", policy.id)), contents: file.contents });
                if let Some(targets) = &extra {
                    let files = backend::generate(policy, targets).map_err(BuildError::Backend)?;
                    sets.push((out.join(&policy.id), files));
                }
            }
        }
        if !diagnostics.is_empty() {
            return Err(BuildError::Policy { diagnostics, rendered });
        }
        backend::write_all(&out, &rust).map_err(|source| BuildError::Write { dir: out.clone(), source })?;
        for (dir, files) in &sets {
            backend::write_set(dir, files).map_err(|source| BuildError::Write { dir: dir.clone(), source })?;
        }
        Ok(rust.iter().map(|f| out.join(&f.path)).collect())
    }
}

/// A diagnostic with its file and position resolved.
fn located(d: &crate::diagnostics::Diagnostic, sources: &crate::source::SourceMap) -> BuildDiagnostic {
    let json = crate::diagnostics::to_json(d, sources);
    BuildDiagnostic {
        code: json.code.to_string(),
        severity: json.severity,
        message: d.message.clone(),
        file: json.file.map(PathBuf::from),
        position: json.line.zip(json.column),
        help: d.help.clone(),
    }
}

/// One-line form for `build.rs`: compiles `policies` into `OUT_DIR` with default settings.
/// Returning its error from `main` fails the build with the rendered diagnostics.
pub fn compile_policies(policies: &[impl AsRef<Path>]) -> Result<Vec<PathBuf>, BuildError> {
    Config::new().compile(policies)
}
