//! `policyc init [FILE]`: writes a commented starter policy that checks clean.

use super::{Ctx, Outcome};
use std::path::PathBuf;

/// The starter policy: every part a notice needs, each with a comment saying what it is for.
pub const STARTER: &str = include_str!("starter.policy");

/// Arguments of `init`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to write the policy.
    #[arg(default_value = "privacy.policy")]
    pub file: PathBuf,
    /// Overwrite an existing file.
    #[arg(long)]
    pub force: bool,
}

pub(crate) fn run(ctx: &Ctx, args: Args) -> Outcome {
    if args.file.exists() && !args.force {
        eprintln!("error: `{}` already exists; pass --force to overwrite it", super::shown(&args.file));
        return Outcome::UsageOrIo;
    }
    let dir = args.file.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    let Some(name) = args.file.file_name() else {
        eprintln!("error: `{}` is not a file name", super::shown(&args.file));
        return Outcome::UsageOrIo;
    };
    let file = crate::backend::OutputFile::text(PathBuf::from(name), STARTER);
    match crate::backend::write_all(dir, &[file]) {
        Ok(_) => {
            if !ctx.quiet {
                eprintln!("wrote {0}; check it with `policyc check {0}`", super::shown(&args.file));
            }
            Outcome::Ok
        }
        Err(e) => {
            eprintln!("error: cannot write `{}`: {e}", super::shown(&args.file));
            Outcome::UsageOrIo
        }
    }
}
