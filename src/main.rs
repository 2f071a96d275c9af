//! The `policyc` command line. The work is in the library; see `src/cli/`.

fn main() -> std::process::ExitCode {
    policyc::cli::main()
}
