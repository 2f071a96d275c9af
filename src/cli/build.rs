//! `policyc build FILE... --out DIR`

use super::{Ctx, Outcome, compile_all};
use crate::backend::{self, OutputFile};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Arguments of `build`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Policy files to compile.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Output directory. With one input file its outputs go straight into it; with several,
    /// into one subdirectory per file (named after the file; two inputs with one file name are
    /// refused). Each policy's directory is replaced as a whole, atomically (file by file when it
    /// holds other files too); files of a previous build it no longer produces are removed (only
    /// those listed in `.policyc-manifest`).
    #[arg(long, short)]
    pub out: PathBuf,
    /// Write Rust types.
    #[arg(long)]
    pub rust: bool,
    /// Write SQL retention jobs for these dialects.
    #[arg(long, value_delimiter = ',', value_enum)]
    pub sql: Vec<crate::backend::sql::DialectKind>,
    /// Write policy documents.
    #[arg(long)]
    pub docs: bool,
    /// Write native retention settings for Redis, MongoDB, Kafka and object storage.
    #[arg(long)]
    pub stores: bool,
}

impl Args {
    /// The chosen targets; none chosen means all.
    fn targets(&self) -> backend::Targets {
        let t = backend::Targets { rust: self.rust, sql: self.sql.clone(), docs: self.docs, stores: self.stores };
        if t == backend::Targets::default() { backend::Targets::all() } else { t }
    }
}

pub(crate) fn run(ctx: &Ctx, args: Args) -> Outcome {
    let (compiled, mut outcome) = compile_all(ctx, &args.files);
    if outcome != Outcome::Ok {
        // Write nothing unless every input compiles: outputs of one build stay consistent.
        return outcome;
    }
    let several = compiled.len() > 1;
    let dir_of = |path: &PathBuf| if several { args.out.join(super::stem(path)) } else { args.out.clone() };
    // Two inputs with one file name would share (and mix) one output directory: refuse before
    // writing anything.
    let mut owners: BTreeMap<PathBuf, &PathBuf> = BTreeMap::new();
    for (path, _) in &compiled {
        if let Some(first) = owners.insert(dir_of(path), path) {
            eprintln!(
                "error: `{}` and `{}` would both be written to `{}`; build them with separate --out directories",
                first.display(),
                path.display(),
                dir_of(path).display()
            );
            return Outcome::UsageOrIo;
        }
    }
    for (path, c) in &compiled {
        let Some(policy) = &c.policy else { continue };
        let files: Vec<OutputFile> = match backend::generate(policy, &args.targets()) {
            Ok(files) => files,
            Err(e) => return Outcome::backend_failed(&e),
        };
        let dir = dir_of(path);
        match backend::write_set(&dir, &files) {
            // One line per policy: what a rebuild changed is the useful part.
            Ok(written) if !ctx.quiet => {
                eprintln!("{}: {} files, {} changed", super::shown(&dir), files.len(), written.len())
            }
            Ok(_) => {}
            Err(e) => {
                eprintln!("error: cannot write to `{}`: {e}", super::shown(&dir));
                outcome = outcome.max(Outcome::UsageOrIo);
            }
        }
    }
    outcome
}
