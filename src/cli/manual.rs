//! `policyc manual completions SHELL` and `policyc manual page`: shell completions
//! (`clap_complete`) and a roff manual page (`clap_mangen`), both generated from the argument
//! definitions so they cannot drift from them.

use super::{Cli, Ctx, Outcome};
use clap::CommandFactory;

/// What to print.
#[derive(Debug, clap::Subcommand)]
pub enum What {
    /// Completions for a shell, e.g. `policyc manual completions bash > /etc/bash_completion.d/policyc`.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// The manual page in roff, e.g. `policyc manual page > policyc.1`.
    Page,
}

/// Arguments of `manual`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to print.
    #[command(subcommand)]
    pub what: What,
}

pub(crate) fn run(_ctx: &Ctx, args: Args) -> Outcome {
    let mut out = Vec::new();
    match args.what {
        // Completions offer the global options after a subcommand too, where they are accepted,
        // so they come from the definitions without the help's hiding.
        What::Completions { shell } => clap_complete::generate(shell, &mut Cli::command(), "policyc", &mut out),
        What::Page => {
            if let Err(e) = clap_mangen::Man::new(super::command()).render(&mut out) {
                eprintln!("error: cannot render the manual page: {e}");
                return Outcome::UsageOrIo;
            }
        }
    }
    super::print_stdout(&String::from_utf8_lossy(&out));
    Outcome::Ok
}
