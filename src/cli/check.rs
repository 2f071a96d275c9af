//! `policyc check FILE...`

use super::{Ctx, Outcome, compile_all};
use std::path::PathBuf;

/// Arguments of `check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Policy files to check.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

pub(crate) fn run(ctx: &Ctx, args: Args) -> Outcome {
    let (_, outcome) = compile_all(ctx, &args.files);
    outcome
}
