//! `policyc lifecycle merge EXISTING POLICY [--bucket B]`: a lifecycle configuration to PUT
//! that keeps the bucket's existing rules not owned by the policy (IDs not starting with
//! `policyc:<policy>:`, other policies' included) and replaces the policy's own. Input it cannot
//! represent faithfully (a DTD, processing instructions, an unknown root…) is refused, exit 2. A PUT replaces the whole configuration, so apply
//! the merged one, never the generated one alone on a bucket that has other rules.

use super::{Ctx, Outcome, compile_all};
use crate::backend::stores::object_storage;
use std::path::PathBuf;

/// Arguments of `lifecycle`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to do.
    #[command(subcommand)]
    pub action: Action,
}

/// Lifecycle actions.
#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Merge the policy's rules into an existing configuration (XML or JSON, by its first
    /// character) and print the result.
    Merge {
        /// The bucket's current configuration (`-` for standard input).
        existing: PathBuf,
        /// The policy.
        policy: PathBuf,
        /// The bucket (required when the policy binds several).
        #[arg(long)]
        bucket: Option<String>,
        /// Write here instead of standard output.
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
}

pub(crate) fn run(ctx: &Ctx, args: Args) -> Outcome {
    let Action::Merge { existing, policy, bucket, out } = args.action;
    let (compiled, outcome) = compile_all(ctx, std::slice::from_ref(&policy));
    if outcome != Outcome::Ok {
        return outcome;
    }
    let Some(p) = compiled.first().and_then(|(_, c)| c.policy.as_ref()) else { return Outcome::PolicyErrors };
    let buckets = object_storage::buckets(p);
    let names: Vec<&str> = buckets.keys().map(String::as_str).collect();
    let chosen = match (&bucket, names.as_slice()) {
        (Some(b), _) => b.as_str(),
        (None, [only]) => only,
        (None, []) => {
            eprintln!("error: the policy binds no object-storage bucket");
            return Outcome::UsageOrIo;
        }
        (None, _) => {
            eprintln!("error: the policy binds several buckets ({}); choose one with --bucket", names.join(", "));
            return Outcome::UsageOrIo;
        }
    };
    let Some(rules) = buckets.get(chosen) else {
        eprintln!("error: the policy binds no bucket `{chosen}` (it binds: {})", names.join(", "));
        return Outcome::UsageOrIo;
    };
    let text = if existing.as_os_str() == "-" {
        std::io::read_to_string(std::io::stdin())
    } else {
        std::fs::read_to_string(&existing)
    };
    let text = match text {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: cannot read `{}`: {e}", existing.display());
            return Outcome::UsageOrIo;
        }
    };
    let merged = if text.trim_start().starts_with('{') {
        object_storage::merge_json(&text, &p.id, rules)
    } else {
        object_storage::merge_xml(&text, &p.id, rules)
    };
    let merged = match merged {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: `{}`: {e}", existing.display());
            return Outcome::UsageOrIo;
        }
    };
    match out {
        Some(path) => {
            let file =
                crate::backend::OutputFile::text(path.file_name().map(PathBuf::from).unwrap_or_default(), merged);
            let dir = path.parent().map(PathBuf::from).unwrap_or_default();
            if let Err(e) = crate::backend::write_all(&dir, &[file]) {
                eprintln!("error: cannot write `{}`: {e}", path.display());
                return Outcome::UsageOrIo;
            }
        }
        None => print!("{merged}"),
    }
    Outcome::Ok
}
