//! `policyc lsp`: the language server over stdio (see [`crate::lsp`]).

use super::{Ctx, Outcome};

/// Arguments of `lsp`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Accepted for editors that pass it; the server always speaks over stdio.
    #[arg(long)]
    pub stdio: bool,
}

pub(crate) fn run(_ctx: &Ctx, _args: Args) -> Outcome {
    match crate::lsp::run() {
        Ok(()) => Outcome::Ok,
        Err(e) => {
            eprintln!("error: language server: {e}");
            Outcome::UsageOrIo
        }
    }
}
