//! `policyc fmt [--check] FILE...`: rewrites policy files in the one layout (see [`crate::fmt`]).

use super::{Ctx, Outcome};
use crate::backend::{self, OutputFile};
use std::path::PathBuf;

/// Arguments of `fmt`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Policy files to format.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Write nothing; list the files that are not formatted and exit 1 if there are any.
    #[arg(long)]
    pub check: bool,
}

pub(crate) fn run(ctx: &Ctx, args: Args) -> Outcome {
    let mut outcome = Outcome::Ok;
    for path in &args.files {
        let src = match std::fs::read_to_string(path) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("error: cannot read `{}`: {e}", super::shown(path));
                outcome = outcome.max(Outcome::UsageOrIo);
                continue;
            }
        };
        // Only a file that parses is formatted, so formatting never hides a syntax error.
        let c = crate::compile_str(&path.display().to_string(), &src);
        if c.diagnostics.iter().any(|d| d.code == crate::diagnostics::Code::Syntax) {
            eprint!("{}", c.render(ctx.color));
            eprintln!("error: `{}` has syntax errors; it was not formatted", super::shown(path));
            outcome = outcome.max(Outcome::PolicyErrors);
            continue;
        }
        let formatted = match crate::fmt::format(&src) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("error: cannot format `{}`: {e:?}", super::shown(path));
                outcome = outcome.max(Outcome::PolicyErrors);
                continue;
            }
        };
        if formatted == src {
            continue;
        }
        if args.check {
            eprintln!("{}: not formatted", super::shown(path));
            outcome = outcome.max(Outcome::PolicyErrors);
            continue;
        }
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
        let name = PathBuf::from(path.file_name().unwrap_or_default());
        match backend::write_all(dir, &[OutputFile::text(name, formatted)]) {
            Ok(_) if ctx.verbose => eprintln!("formatted {}", super::shown(path)),
            Ok(_) => {}
            Err(e) => {
                eprintln!("error: cannot write `{}`: {e}", super::shown(path));
                outcome = outcome.max(Outcome::UsageOrIo);
            }
        }
    }
    outcome
}
