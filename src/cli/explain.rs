//! `policyc explain CODE`: the long explanation of a diagnostic code.

use super::{Ctx, Outcome};

/// Arguments of `explain`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A diagnostic code, e.g. `E101`.
    pub code: String,
}

pub(crate) fn run(_ctx: &Ctx, args: Args) -> Outcome {
    match crate::explain::explain(&args.code) {
        Some(text) => {
            super::print_stdout(text);
            if text.contains("```policy") {
                super::print_stdout(&format!(
                    "\nThe `policy` examples assume this header and declarations:\n\n```policy\n{}```\n",
                    crate::explain::EXAMPLE_PRELUDE
                ));
            }
            Outcome::Ok
        }
        None => {
            let codes: Vec<&str> = crate::explain::EXPLANATIONS.iter().map(|(c, _)| *c).collect();
            eprintln!("error: no diagnostic code `{}`; the codes are {}", args.code.escape_debug(), codes.join(", "));
            Outcome::UsageOrIo
        }
    }
}
