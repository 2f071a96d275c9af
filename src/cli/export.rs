//! `policyc export FORMAT POLICY [--out FILE]`: the policy in another privacy tool's format.

use super::{Ctx, Outcome, compile_all};
use crate::backend::{self, OutputFile, exchange};
use std::io::Write;
use std::path::PathBuf;

/// Formats `export` writes.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// Fides resources (fideslang YAML): a system, datasets, own data categories and uses.
    Fides,
    /// The W3C Data Privacy Vocabulary as JSON-LD.
    DpvJsonld,
    /// The W3C Data Privacy Vocabulary as Turtle.
    DpvTurtle,
}

/// Arguments of `export`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The format to write.
    #[arg(value_enum, value_name = "FORMAT")]
    pub to: Format,
    /// The policy file.
    pub file: PathBuf,
    /// Write to this file (atomically) instead of standard output.
    #[arg(long, short)]
    pub out: Option<PathBuf>,
}

pub(crate) fn run(ctx: &Ctx, args: Args) -> Outcome {
    let (compiled, outcome) = compile_all(ctx, std::slice::from_ref(&args.file));
    let Some(policy) = compiled.first().and_then(|(_, c)| c.policy.as_ref()) else { return outcome };
    if outcome != Outcome::Ok {
        return outcome;
    }
    let file = match args.to {
        Format::Fides => exchange::fides::generate(policy),
        Format::DpvJsonld => match exchange::dpv::jsonld(policy) {
            Ok(f) => f,
            Err(e) => return Outcome::backend_failed(&e),
        },
        Format::DpvTurtle => exchange::dpv::turtle(policy),
    };
    match &args.out {
        Some(path) => {
            let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
            let name = path.file_name().map(PathBuf::from).unwrap_or_else(|| file.path.clone());
            match backend::write_all(dir, &[OutputFile { path: name, contents: file.contents }]) {
                Ok(_) => Outcome::Ok,
                Err(e) => {
                    eprintln!("error: cannot write `{}`: {e}", super::shown(path));
                    Outcome::UsageOrIo
                }
            }
        }
        None => match std::io::stdout().lock().write_all(&file.contents) {
            Ok(()) => Outcome::Ok,
            // A closed pipe (`| head`) is not an error of the export.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Outcome::Ok,
            Err(e) => {
                eprintln!("error: cannot write to standard output: {e}");
                Outcome::UsageOrIo
            }
        },
    }
}
