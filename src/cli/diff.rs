//! `policyc diff OLD NEW [--fail-on material|minor] [--notice-out DIR]`

use super::{Ctx, Outcome};
use crate::Compiled;
use crate::diagnostics::{self, Format};
use crate::diff::{self, Change, Severity};
use crate::load::{self, Reader};
use crate::model::Policy;
use std::path::{Component, Path, PathBuf};
use std::process::Command;

/// Arguments of `diff`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The old version: a file, or `git:REV:PATH` to read it (and its imports) from git.
    /// PATH is relative to the repository root, or to the current directory when it starts
    /// with `./` or `../` (as in `git show`).
    pub old: String,
    /// The new version: a file, or `git:REV:PATH`.
    pub new: String,
    /// Exit with 1 when a change of this severity or higher is not announced: every such change
    /// needs a new `version`, and material ones also `acknowledges "<old version>"` in the new
    /// file's header.
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Write change notices (`<locale>.md`, `<locale>.html`) into this directory.
    #[arg(long)]
    pub notice_out: Option<PathBuf>,
}

/// Severity threshold of the CI gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// Material changes only.
    Material,
    /// Minor and material changes.
    Minor,
}

pub(crate) fn run(ctx: &Ctx, args: Args) -> Outcome {
    let old = compile_spec(ctx, &args.old);
    let new = compile_spec(ctx, &args.new);
    let (old, new) = match (old, new) {
        (Ok(o), Ok(n)) => (o, n),
        (a, b) => return a.err().unwrap_or(Outcome::Ok).max(b.err().unwrap_or(Outcome::Ok)),
    };
    let changes = diff::diff(&old, &new);
    let threshold = args.fail_on.map(|f| match f {
        FailOn::Material => Severity::Material,
        FailOn::Minor => Severity::Minor,
    });
    let problem = threshold.and_then(|t| diff::gate(&old, &new, &changes, t));
    match ctx.format {
        Format::Json | Format::Sarif => {
            println!("{}", json_report(&old, &new, &changes, threshold, problem.as_deref()))
        }
        Format::Human | Format::Short => print!("{}", human_report(&old, &new, &changes)),
    }
    let mut outcome = Outcome::Ok;
    if let Some(dir) = &args.notice_out {
        let files = match diff::notice::generate(&old, &new, &changes) {
            Ok(files) => files,
            Err(e) => return Outcome::backend_failed(&e),
        };
        if let Err(e) = crate::backend::write_all(dir, &files) {
            eprintln!("error: cannot write to `{}`: {e}", dir.display());
            outcome = Outcome::UsageOrIo;
        }
    }
    if let Some(problem) = problem {
        if matches!(ctx.format, Format::Human | Format::Short) {
            eprintln!("error: {problem}");
            eprintln!(
                "help: announce the changes (see the notice from `--notice-out`), then give the new file a new `version` and add `acknowledges \"{}\"` to its header",
                old.version
            );
        }
        outcome = outcome.max(Outcome::PolicyErrors);
    }
    outcome
}

/// The report as JSON: both versions, counts, the gate's verdict (with `--fail-on`) and every
/// change.
pub fn json_report(
    old: &Policy,
    new: &Policy,
    changes: &[Change],
    threshold: Option<Severity>,
    problem: Option<&str>,
) -> String {
    let count = |s: Severity| changes.iter().filter(|c| c.severity == s).count();
    let v = serde_json::json!({
        "old": { "id": old.id, "version": old.version },
        "new": { "id": new.id, "version": new.version, "acknowledges": new.acknowledges },
        "summary": {
            "material": count(Severity::Material),
            "minor": count(Severity::Minor),
            "editorial": count(Severity::Editorial),
        },
        "gate": threshold.map(|t| serde_json::json!({
            "fail_on": t.word(),
            "passes": problem.is_none(),
            "problem": problem,
        })),
        "changes": changes,
    });
    serde_json::to_string_pretty(&v).unwrap_or_else(|_| "{}".into())
}

/// The report for a terminal, most severe first.
pub fn human_report(old: &Policy, new: &Policy, changes: &[Change]) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(s, "policy `{}`: version {} → {}", new.id, old.version, new.version);
    if changes.is_empty() {
        s.push_str("no changes in meaning\n");
        return s;
    }
    for severity in [Severity::Material, Severity::Minor, Severity::Editorial] {
        let group: Vec<&Change> = changes.iter().filter(|c| c.severity == severity).collect();
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(s, "\n{} ({}):", severity.word(), group.len());
        for c in group {
            let _ = writeln!(s, "  {:<26} {}", c.kind.name(), c.path());
            match (c.old_src(), c.new_src()) {
                (Some(o), Some(n)) => {
                    let _ = writeln!(s, "  {:<26} `{o}` → `{n}`", "");
                }
                (None, Some(n)) => {
                    let _ = writeln!(s, "  {:<26} now `{n}`", "");
                }
                (Some(o), None) => {
                    let _ = writeln!(s, "  {:<26} was `{o}`", "");
                }
                (None, None) => {}
            }
            let _ = writeln!(s, "  {:<26} {}{}", "", c.reason, if c.consent { " (rests on consent)" } else { "" });
        }
    }
    let count = |sv: Severity| changes.iter().filter(|c| c.severity == sv).count();
    let _ = writeln!(
        s,
        "\n{} material, {} minor, {} editorial",
        count(Severity::Material),
        count(Severity::Minor),
        count(Severity::Editorial)
    );
    s
}

/// Compiles one side; prints its diagnostics. Errors become the outcome.
fn compile_spec(ctx: &Ctx, spec: &str) -> Result<Policy, Outcome> {
    let compiled = match spec.strip_prefix("git:") {
        Some(rest) => compile_git(rest),
        None => crate::compile_file_in(Path::new(spec), ctx.import_root.as_deref()).map_err(|e| e.to_string()),
    };
    let c: Compiled = match compiled {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {}", crate::escape::terminal(&e));
            return Err(Outcome::UsageOrIo);
        }
    };
    if !c.diagnostics.is_empty() {
        match ctx.format {
            Format::Human | Format::Short => {
                eprint!("{}", c.render(ctx.color));
                eprintln!("{}: {}", crate::escape::terminal(spec), diagnostics::summary(&c.diagnostics));
            }
            Format::Json | Format::Sarif => {
                let json: Vec<_> = c.diagnostics.iter().map(|d| diagnostics::to_json(d, &c.sources)).collect();
                eprintln!("{}", serde_json::to_string_pretty(&json).unwrap_or_default());
            }
        }
    }
    match c.policy {
        Some(p) if !c.diagnostics.has_errors() => Ok(p),
        _ => Err(Outcome::PolicyErrors),
    }
}

/// Reads files from one git revision with `git show REV:PATH` (paths relative to the root).
struct GitReader {
    rev: String,
}

impl Reader for GitReader {
    fn read(&self, path: &Path) -> std::io::Result<String> {
        let path = normalize(path).ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::NotFound, format!("`{}` leaves the repository", path.display()))
        })?;
        let spec = format!("{}:{}", self.rev, path.to_string_lossy().replace('\\', "/"));
        let out = Command::new("git").args(["show", "--no-textconv", "--end-of-options", &spec]).output()?;
        if !out.status.success() {
            let msg = String::from_utf8_lossy(&out.stderr).trim().to_string();
            return Err(std::io::Error::new(std::io::ErrorKind::NotFound, format!("git show {spec}: {msg}")));
        }
        load::text_of(out.stdout)
    }
}

/// `REV:PATH` → the compiled policy at that revision, imports read from the same revision.
fn compile_git(spec: &str) -> Result<Compiled, String> {
    let (rev, path) = spec
        .split_once(':')
        .ok_or_else(|| format!("`git:{spec}` is not `git:REV:PATH` (e.g. `git:HEAD~1:policies/im.policy`)"))?;
    if rev.is_empty() || path.is_empty() {
        return Err(format!("`git:{spec}` is not `git:REV:PATH` (e.g. `git:HEAD~1:policies/im.policy`)"));
    }
    // git would take it as an option (`--output=FILE` writes a file).
    if rev.starts_with('-') {
        return Err(format!("`{rev}` is not a revision: revisions cannot start with `-`"));
    }
    let rooted = if path.starts_with("./") || path.starts_with("../") {
        let prefix = Command::new("git")
            .args(["rev-parse", "--show-prefix"])
            .output()
            .map_err(|e| format!("cannot run git: {e}"))?;
        if !prefix.status.success() {
            return Err("not inside a git repository".into());
        }
        format!("{}{path}", String::from_utf8_lossy(&prefix.stdout).trim())
    } else {
        path.to_string()
    };
    let rooted = normalize(Path::new(&rooted)).ok_or_else(|| format!("`{path}` leaves the repository"))?;
    let reader = GitReader { rev: rev.to_string() };
    // The reader confines paths to the repository itself.
    let loaded = load::load_in(&rooted, &reader, Some(Path::new("/"))).map_err(|e| e.to_string())?;
    Ok(crate::compile_loaded(loaded))
}

/// Removes `.` and resolves `..` lexically (git paths have no symlinks to follow).
fn normalize(p: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::Normal(x) => out.push(x),
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}
