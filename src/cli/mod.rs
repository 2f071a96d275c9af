//! Command-line interface: argument parsing and one module per subcommand.
//!
//! Exit codes: 0 success, 1 the policy has errors, 2 usage or I/O errors.

mod build;
mod check;
mod diff;
mod explain;
mod export;
mod fmt;
mod init;
mod lifecycle;
mod lsp;
mod manual;
mod purge;
#[cfg(feature = "schema")]
mod schema;
mod setup;
mod verify;
mod verify_redis;

use crate::Compiled;
use crate::diagnostics::{self, Format};
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
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
    /// When to colour output (`auto` honours `NO_COLOR` and `CLICOLOR_FORCE`).
    #[arg(long, global = true, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
    /// Treat warnings as errors (`-D warnings`, as rustc).
    #[arg(short = 'D', long = "deny", global = true, value_name = "LINT", value_parser = ["warnings"])]
    pub deny: Vec<String>,
    /// Treat warnings as errors (the same as `-D warnings`).
    #[arg(long, global = true)]
    pub deny_warnings: bool,
    /// Print only errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print more about what is done.
    #[arg(short, long, global = true)]
    pub verbose: bool,
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
    /// As rustc prints them: `error[E101]: message`, the source underlined, the hint.
    Human,
    /// One line per diagnostic, `file:line:col: error[E101]: message` (editors' quickfix).
    Short,
    /// A JSON array, one object per diagnostic (for CI; `policyc schema diagnostics`).
    Json,
    /// A SARIF 2.1.0 log (code-scanning interfaces).
    Sarif,
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
    /// Install (or update) a policy's SQL retention jobs in a database: shared tables,
    /// indexes, procedures, and with `--schedule` the schedule.
    Setup(setup::Args),
    /// Run the SQL retention jobs of a policy against a database.
    Purge(purge::Args),
    /// Check a live database against a policy's retention jobs.
    Verify(verify::Args),
    /// Print the long explanation of a diagnostic code, e.g. `policyc explain E101`.
    Explain(explain::Args),
    /// Write a commented starter policy.
    Init(init::Args),
    /// Rewrite policy files in the one layout (`--check` only reports).
    Fmt(fmt::Args),
    /// Run the language server over stdio (for editors).
    Lsp(lsp::Args),
    /// Print shell completions or the manual page.
    Manual(manual::Args),
    /// Write the policy in another privacy tool's format (Fides, W3C DPV).
    Export(export::Args),
    /// Print the JSON Schema of `policy.json` or of JSON diagnostics.
    #[cfg(feature = "schema")]
    Schema(schema::Args),
}

/// The command line as parsed and as `--help` and the manual page show it: the global options
/// are documented once, in `policyc --help`, and not repeated in every subcommand's help.
///
/// clap copies a global option into a subcommand unless the subcommand already has an option of
/// that id, so each subcommand gets a hidden copy first: still global (accepted after the
/// subcommand, its value reaching the top-level matches), but not listed.
pub fn command() -> clap::Command {
    const GLOBALS_SEE_TOP: &str = "Global options (--format, --color, -D, -q, -v, …): see `policyc --help`.";
    fn hide_globals(cmd: clap::Command, globals: &[clap::Arg]) -> clap::Command {
        cmd.mut_subcommands(|sub| {
            let sub = globals.iter().fold(sub, |sub, a| sub.arg(a.clone().hide(true)));
            hide_globals(sub, globals).after_help(GLOBALS_SEE_TOP)
        })
    }
    // `--version` names the policy language and output formats it reads and writes too.
    let version = format!(
        "{} (policy language {}, policy.json format {}, JSON diagnostics {})",
        env!("CARGO_PKG_VERSION"),
        crate::syntax::LANGUAGE_VERSION,
        crate::model::FORMAT_VERSION,
        crate::diagnostics::JSON_VERSION
    );
    let cmd = Cli::command()
        .version(clap::builder::Str::from(&*Box::leak(version.into_boxed_str())))
        .mut_args(|a| if a.is_global_set() { a.help_heading("Global options") } else { a });
    let globals: Vec<clap::Arg> = cmd.get_arguments().filter(|a| a.is_global_set()).cloned().collect();
    hide_globals(cmd, &globals).after_help("Global options are accepted before or after the subcommand.")
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    quiet_on_closed_pipe();
    let cli = match command().try_get_matches().and_then(|m| Cli::from_arg_matches(&m)) {
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
            FormatArg::Short => Format::Short,
            FormatArg::Json => Format::Json,
            FormatArg::Sarif => Format::Sarif,
        },
        color: match cli.color {
            ColorArg::Always => true,
            ColorArg::Never => false,
            ColorArg::Auto => auto_color(std::io::stderr().is_terminal()),
        },
        deny_warnings: cli.deny_warnings || !cli.deny.is_empty(),
        quiet: cli.quiet,
        verbose: cli.verbose,
        import_root: cli.import_root,
    };
    let result = match cli.command {
        Command::Check(a) => check::run(&ctx, a),
        Command::Build(a) => build::run(&ctx, a),
        Command::Lifecycle(a) => lifecycle::run(&ctx, a),
        Command::Diff(a) => diff::run(&ctx, a),
        Command::Setup(a) => setup::run(&ctx, a),
        Command::Purge(a) => purge::run(&ctx, a),
        Command::Verify(a) => verify::run(&ctx, a),
        Command::Export(a) => export::run(&ctx, a),
        Command::Explain(a) => explain::run(&ctx, a),
        Command::Init(a) => init::run(&ctx, a),
        Command::Fmt(a) => fmt::run(&ctx, a),
        Command::Lsp(a) => lsp::run(&ctx, a),
        Command::Manual(a) => manual::run(&ctx, a),
        #[cfg(feature = "schema")]
        Command::Schema(a) => schema::run(&ctx, a),
    };
    ExitCode::from(result.code())
}

/// A reader that closes stdout early (`policyc verify … | head`) ends the program quietly, as
/// for any Unix tool, instead of making every later `print!` panic: the default SIGPIPE action,
/// which Rust programs otherwise ignore. One place, so every subcommand behaves alike.
fn quiet_on_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: called first thing in `main`, before any thread exists; restoring a signal's
    // default disposition installs no handler code.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Colour for `--color auto`: `NO_COLOR` (non-empty) turns it off, `CLICOLOR_FORCE` (not `0`)
/// turns it on, otherwise colour when writing to a terminal (see no-color.org, bixense.com/clicolors).
fn auto_color(terminal: bool) -> bool {
    let set = |v: &str| std::env::var_os(v).is_some_and(|x| !x.is_empty() && x != "0");
    if std::env::var_os("NO_COLOR").is_some_and(|x| !x.is_empty()) {
        false
    } else if set("CLICOLOR_FORCE") {
        true
    } else {
        terminal
    }
}

/// Settings shared by subcommands.
pub(crate) struct Ctx {
    pub format: Format,
    pub color: bool,
    /// Warnings fail the command like errors.
    pub deny_warnings: bool,
    /// Print only errors.
    pub quiet: bool,
    /// Print more about what is done.
    pub verbose: bool,
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
    /// Reports a backend failure (a defect: a checked model never causes one) and fails with
    /// status 2 instead of writing a wrong or empty file.
    pub(crate) fn backend_failed(e: &crate::backend::Error) -> Self {
        eprintln!("error: {e} (this is a defect of policyc)");
        Outcome::UsageOrIo
    }

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
    let (out, outcome, json) = compile_collect(ctx, files);
    match ctx.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&json).unwrap_or_else(|_| "[]".into())),
        Format::Sarif => {
            let all: Vec<_> = out.iter().map(|(_, c)| (&c.diagnostics, &c.sources)).collect();
            println!("{}", serde_json::to_string_pretty(&diagnostics::sarif(&all)).unwrap_or_default());
        }
        Format::Human | Format::Short => {}
    }
    (out, outcome)
}

/// [`compile_all`] for commands whose JSON document carries the diagnostics among other
/// results: human diagnostics go to stderr, JSON ones are returned, not printed.
pub(crate) fn compile_collect(
    ctx: &Ctx,
    files: &[PathBuf],
) -> (Vec<(PathBuf, Compiled)>, Outcome, Vec<serde_json::Value>) {
    let mut outcome = Outcome::Ok;
    let mut out = Vec::new();
    let mut json = Vec::new();
    for path in files {
        match crate::compile_file_in(path, ctx.import_root.as_deref()) {
            Ok(c) => {
                if c.diagnostics.has_errors() || (ctx.deny_warnings && !c.diagnostics.is_empty()) {
                    outcome = outcome.max(Outcome::PolicyErrors);
                }
                match ctx.format {
                    Format::Human => {
                        // `-q` shows errors only (and warnings denied by `-D warnings`).
                        let visible = if ctx.quiet && !ctx.deny_warnings {
                            let mut only = diagnostics::Diagnostics::default();
                            c.diagnostics
                                .iter()
                                .filter(|d| d.severity() == diagnostics::Severity::Error)
                                .for_each(|d| only.push(d.clone()));
                            only
                        } else {
                            c.diagnostics.clone()
                        };
                        if !visible.is_empty() {
                            eprint!("{}", diagnostics::render_human(&visible, &c.sources, ctx.color));
                            eprintln!("{}: {}", shown(path), diagnostics::summary(&c.diagnostics));
                        } else if ctx.verbose {
                            eprintln!("{}: no problems", shown(path));
                        }
                    }
                    Format::Short => eprint!("{}", diagnostics::render_short(&c.diagnostics, &c.sources)),
                    Format::Sarif => {}
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
                    Format::Human | Format::Short | Format::Sarif => {
                        eprintln!("error: {}", crate::escape::terminal(&e.to_string()))
                    }
                    Format::Json => json.push(serde_json::json!({
                        "code": "E002", "severity": "error", "message": e.to_string(),
                        "file": path.display().to_string(), "line": null, "column": null,
                        "end_line": null, "end_column": null, "start_offset": null, "end_offset": null,
                        "label": "", "help": null, "fixes": []
                    })),
                }
            }
        }
    }
    (out, outcome, json)
}

/// How `setup`, `purge` and `verify` reach a database: TLS and where the password comes from.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ConnArgs {
    /// TLS: disable, prefer, require (encrypt, trust any certificate), verify-ca (check the
    /// chain), verify-full (check the chain and the host name). Overrides the URL's
    /// `sslmode` / `ssl-mode` / `rediss://`.
    #[arg(long, value_name = "MODE", value_parser = parse_tls_mode)]
    pub tls_mode: Option<crate::live::conn::TlsMode>,
    /// PEM certificates of the authorities to trust (default: the system's). Overrides the
    /// URL's `sslrootcert` / `ssl-ca`.
    #[arg(long, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
    /// Read the password from the first line of FILE instead of the URL or the environment.
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
}

fn parse_tls_mode(s: &str) -> Result<crate::live::conn::TlsMode, String> {
    crate::live::conn::TlsMode::parse(s).map_err(|e| e.0)
}

impl ConnArgs {
    /// The connection options, the password file read.
    pub fn options(&self) -> Result<crate::live::conn::ConnectOptions, String> {
        let password = match &self.password_file {
            Some(p) => Some(crate::live::conn::read_password_file(p).map_err(|e| e.0)?),
            None => None,
        };
        Ok(crate::live::conn::ConnectOptions { tls_mode: self.tls_mode, ca_file: self.ca_file.clone(), password })
    }
}

/// `--database-url`, else `DATABASE_URL` (so the password need not be on the command line).
pub(crate) fn database_url(arg: Option<String>) -> Result<String, String> {
    arg.or_else(|| std::env::var("DATABASE_URL").ok().filter(|u| !u.is_empty()))
        .ok_or_else(|| "no database URL: pass --database-url or set DATABASE_URL".to_string())
}

/// A policy's jobs on one database, for `setup`, `purge` and `verify`.
pub(crate) struct DbTarget {
    pub db: Box<dyn crate::live::sql::Db>,
    pub plan: crate::backend::sql::Plan,
}

/// The outcome of a database command: its JSON document (diagnostics, notes, an error, and
/// the command's results) or, for humans, notes and errors on stderr.
pub(crate) struct Report {
    pub diagnostics: Vec<serde_json::Value>,
    pub notes: Vec<String>,
    pub error: Option<String>,
}

impl Report {
    /// Prints the notes and error (human) or the whole document with `results` under `key`
    /// (JSON, the only thing on stdout).
    pub fn finish(&self, ctx: &Ctx, key: &str, results: serde_json::Value) {
        match ctx.format {
            Format::Human | Format::Short => {
                for n in &self.notes {
                    eprintln!("note: {n}");
                }
                if let Some(e) = &self.error {
                    eprintln!("error: {e}");
                }
            }
            Format::Json | Format::Sarif => {
                let doc = serde_json::json!({
                    "diagnostics": self.diagnostics,
                    "notes": self.notes,
                    "error": self.error,
                    key: results,
                });
                println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".into()));
            }
        }
    }
}

/// Compiles the policy, connects, and plans the jobs of the stores the URL's engine serves
/// (or only `store`). On failure, the report says why and the outcome how bad it is.
pub(crate) fn open_db(
    ctx: &Ctx,
    policy: &Path,
    url: &str,
    conn: &ConnArgs,
    store: Option<&str>,
) -> (Result<DbTarget, Outcome>, Report, Outcome) {
    let (compiled, outcome, diagnostics) = compile_collect(ctx, &[policy.to_path_buf()]);
    let mut report = Report { diagnostics, notes: Vec::new(), error: None };
    let Some(policy) = compiled.first().and_then(|(_, c)| c.policy.clone()) else {
        return (Err(outcome.max(Outcome::PolicyErrors)), report, outcome);
    };
    let opts = match conn.options() {
        Ok(o) => o,
        Err(e) => {
            report.error = Some(e);
            return (Err(Outcome::UsageOrIo), report, outcome);
        }
    };
    let db = match crate::live::sql::connect_with(url, &opts) {
        Ok(db) => db,
        Err(e) => {
            report.error = Some(format!("cannot connect: {e}"));
            return (Err(Outcome::UsageOrIo), report, outcome);
        }
    };
    match crate::live::sql::plan_for(&policy, db.as_ref(), store) {
        Ok((plan, notes)) => {
            report.notes = notes;
            report.notes.extend(plan.notes.iter().cloned());
            (Ok(DbTarget { db, plan }), report, outcome)
        }
        Err(e) => {
            report.error = Some(e.0);
            (Err(Outcome::UsageOrIo), report, outcome)
        }
    }
}

/// Writes `text` to standard output; a closed pipe (`| head`) ends the output quietly.
pub(crate) fn print_stdout(text: &str) {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

/// A path as shown in a message: terminal control characters escaped.
pub(crate) fn shown(path: &Path) -> String {
    crate::escape::terminal(&path.display().to_string())
}

/// The file stem used to name a policy's output directory.
pub(crate) fn stem(path: &Path) -> String {
    path.file_stem().map_or_else(|| "policy".to_string(), |s| s.to_string_lossy().into_owned())
}
