//! `policyc schema policy|diagnostics`: the JSON Schema of a machine format.

use super::{Ctx, Outcome};
use crate::schema;

/// Which schema.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Which {
    /// `policy.json`.
    Policy,
    /// `--format json` diagnostics.
    Diagnostics,
}

/// Arguments of `schema`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The format whose schema to print.
    #[arg(value_enum)]
    pub which: Which,
}

pub(crate) fn run(_ctx: &Ctx, args: Args) -> Outcome {
    let s = match args.which {
        Which::Policy => schema::policy_schema(),
        Which::Diagnostics => schema::diagnostics_schema(),
    };
    match schema::to_file_text(&s) {
        Ok(text) => {
            print!("{text}");
            Outcome::Ok
        }
        Err(e) => Outcome::backend_failed(&e),
    }
}
