//! Command-line interface: argument parsing and one module per subcommand.
//!
//! Exit codes: 0 success, 1 the policy has errors, 2 usage or I/O errors.

mod build;
mod check;
mod diff;
mod lifecycle;
mod purge;
mod verify;
mod verify_redis;

use crate::Compiled;
use crate::diagnostics::{self, Format};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// policyc compiles privacy policies into Rust types, retention jobs and policy documents.
#[derive(Debug, Parser)]
#[command(name = "policyc", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// How diagnostics are printed.
    #[arg(long, global = true, value_enum, default_value_t = FormatArg::Human)]
    pub format: FormatArg,
    /// When to colour output.
    #[arg(long, global = true, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
    /// Directory that imports must stay inside (default: the directory of each policy file).
    #[arg(long, global = true, value_name = "DIR")]
    pub import_root: Option<PathBuf>,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// Diagnostic format.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    /// Source excerpts with the problem underlined.
    Human,
    /// A JSON array, one object per diagnostic (for CI).
    Json,
}

/// Colour choice.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ColorArg {
    /// Colour when writing to a terminal.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check policies and report every problem; writes nothing.
    Check(check::Args),
    /// Check policies and write their outputs into a directory.
    Build(build::Args),
    /// Object-storage lifecycle configurations (merge the policy's rules into a bucket's).
    Lifecycle(lifecycle::Args),
    /// Compare two versions of a policy by meaning; classify each change (material, minor,
    /// editorial), write change notices, and gate CI on unannounced material changes.
    Diff(diff::Args),
    /// Run the SQL retention jobs of a policy against a database.
    Purge(purge::Args),
    /// Check a live database against a policy's retention jobs.
    Verify(verify::Args),
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let ctx = Ctx {
        format: match cli.format {
            FormatArg::Human => Format::Human,
            FormatArg::Json => Format::Json,
        },
        color: match cli.color {
            ColorArg::Always => true,
            ColorArg::Never => false,
            ColorArg::Auto => std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        },
        import_root: cli.import_root,
    };
    let result = match cli.command {
        Command::Check(a) => check::run(&ctx, a),
        Command::Build(a) => build::run(&ctx, a),
        Command::Lifecycle(a) => lifecycle::run(&ctx, a),
        Command::Diff(a) => diff::run(&ctx, a),
        Command::Purge(a) => purge::run(&ctx, a),
        Command::Verify(a) => verify::run(&ctx, a),
    };
    ExitCode::from(result.code())
}

/// Settings shared by subcommands.
pub(crate) struct Ctx {
    pub format: Format,
    pub color: bool,
    /// `--import-root`.
    pub import_root: Option<PathBuf>,
}

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Ok,
    PolicyErrors,
    UsageOrIo,
}

impl Outcome {
    fn code(self) -> u8 {
        match self {
            Outcome::Ok => 0,
            Outcome::PolicyErrors => 1,
            Outcome::UsageOrIo => 2,
        }
    }

    /// The worse of two outcomes.
    pub fn max(self, other: Outcome) -> Outcome {
        if other.code() > self.code() { other } else { self }
    }
}

/// Compiles each file and prints its diagnostics. Returns the compiled files (those that could
/// be read) and the combined outcome.
pub(crate) fn compile_all(ctx: &Ctx, files: &[PathBuf]) -> (Vec<(PathBuf, Compiled)>, Outcome) {
    let mut outcome = Outcome::Ok;
    let mut out = Vec::new();
    let mut json = Vec::new();
    for path in files {
        match crate::compile_file_in(path, ctx.import_root.as_deref()) {
            Ok(c) => {
                if c.diagnostics.has_errors() {
                    outcome = outcome.max(Outcome::PolicyErrors);
                }
                match ctx.format {
                    Format::Human => {
                        if !c.diagnostics.is_empty() {
                            eprint!("{}", c.render(ctx.color));
                            let name = crate::escape::terminal(&path.display().to_string());
                            eprintln!("{name}: {}", diagnostics::summary(&c.diagnostics));
                        }
                    }
                    Format::Json => json.extend(
                        c.diagnostics
                            .iter()
                            .map(|d| serde_json::to_value(diagnostics::to_json(d, &c.sources)).unwrap_or_default()),
                    ),
                }
                out.push((path.clone(), c));
            }
            Err(e) => {
                outcome = outcome.max(Outcome::UsageOrIo);
                match ctx.format {
                    // The path (and an import's text) may hold terminal control characters.
                    Format::Human => eprintln!("error: {}", crate::escape::terminal(&e.to_string())),
                    Format::Json => json.push(serde_json::json!({
                        "code": "E002", "severity": "error", "message": e.to_string(),
                        "file": path.display().to_string(), "line": null, "column": null,
                        "end_line": null, "end_column": null, "label": "", "help": null
                    })),
                }
            }
        }
    }
    if ctx.format == Format::Json {
        println!("{}", serde_json::to_string_pretty(&json).unwrap_or_else(|_| "[]".into()));
    }
    (out, outcome)
}

/// The file stem used to name a policy's output directory.
pub(crate) fn stem(path: &Path) -> String {
    path.file_stem().map_or_else(|| "policy".to_string(), |s| s.to_string_lossy().into_owned())
}
