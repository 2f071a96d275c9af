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
use std::path::{Path, PathBuf};

/// Settings for compiling policies to Rust.
#[derive(Debug, Clone)]
pub struct Config {
    out_dir: Option<PathBuf>,
    rerun_if_changed: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config { out_dir: None, rerun_if_changed: true }
    }
}

/// Why compiling policies failed. `Debug` prints the same text as `Display`, so a build script
/// returning this error shows the rendered diagnostics rather than a struct dump.
pub enum BuildError {
    /// A policy has errors; holds every diagnostic, rendered.
    Policy(String),
    /// A policy file could not be read.
    Read(crate::load::ReadError),
    /// Neither an output directory nor `OUT_DIR` is set.
    NoOutDir,
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
            BuildError::Policy(rendered) => write!(f, "policy errors:\n{rendered}"),
            BuildError::Read(e) => write!(f, "{e}"),
            BuildError::NoOutDir => {
                write!(f, "no output directory: set `Config::out_dir` or run under cargo (`OUT_DIR`)")
            }
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
            BuildError::Write { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl Config {
    /// Default settings: output into `OUT_DIR`, announce files to cargo.
    pub fn new() -> Self {
        Self::default()
    }

    /// Writes the generated files into `dir` instead of `OUT_DIR`.
    pub fn out_dir(&mut self, dir: impl Into<PathBuf>) -> &mut Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// Whether to print `cargo:rerun-if-changed` lines (on by default; off outside cargo).
    pub fn rerun_if_changed(&mut self, on: bool) -> &mut Self {
        self.rerun_if_changed = on;
        self
    }

    /// Compiles each policy into `<policy id>.rs` in the output directory, writing only files
    /// whose content changed. Nothing is written unless every policy compiles. Returns the paths
    /// of the generated files, in input order.
    pub fn compile(&self, policies: &[impl AsRef<Path>]) -> Result<Vec<PathBuf>, BuildError> {
        let out = match &self.out_dir {
            Some(d) => d.clone(),
            None => std::env::var_os("OUT_DIR").map(PathBuf::from).ok_or(BuildError::NoOutDir)?,
        };
        let mut files: Vec<OutputFile> = Vec::new();
        let mut errors = String::new();
        for path in policies {
            let path = path.as_ref();
            if self.rerun_if_changed {
                // Announced before reading, so a missing file is watched too.
                println!("cargo:rerun-if-changed={}", path.display());
            }
            let compiled = crate::compile_file(path).map_err(BuildError::Read)?;
            if self.rerun_if_changed {
                for f in compiled.files_read().iter().skip(1) {
                    println!("cargo:rerun-if-changed={}", f.display());
                }
            }
            if compiled.diagnostics.has_errors() {
                errors.push_str(&compiled.render(false));
                continue;
            }
            if !compiled.diagnostics.is_empty() && self.rerun_if_changed {
                for line in compiled.render(false).lines() {
                    println!("cargo:warning={line}");
                }
            }
            if let Some(policy) = &compiled.policy {
                let file = backend::rust::generate(policy);
                files.push(OutputFile { path: PathBuf::from(format!("{}.rs", policy.id)), contents: file.contents });
            }
        }
        if !errors.is_empty() {
            return Err(BuildError::Policy(errors));
        }
        backend::write_all(&out, &files).map_err(|source| BuildError::Write { dir: out.clone(), source })?;
        Ok(files.iter().map(|f| out.join(&f.path)).collect())
    }
}

/// One-line form for `build.rs`: compiles `policies` into `OUT_DIR` with default settings.
/// Returning its error from `main` fails the build with the rendered diagnostics.
pub fn compile_policies(policies: &[impl AsRef<Path>]) -> Result<Vec<PathBuf>, BuildError> {
    Config::new().compile(policies)
}
