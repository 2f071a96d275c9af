//! The `stores` stage: what must hold is in `stages::run` (`fuzz/src/stages.rs`).
#![no_main]

use libfuzzer_sys::{Corpus, fuzz_target};

fuzz_target!(|text: &str| -> Corpus {
    // Inputs that do not reach the stage are kept out of the corpus, so it stays made of inputs
    // that exercise it.
    if policyc_fuzz::stages::run("stores", text) { Corpus::Keep } else { Corpus::Reject }
});
