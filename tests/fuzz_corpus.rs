//! Replays the committed fuzz corpus (`fuzz/corpus/<target>/`) through the same stage functions
//! the fuzz targets call, on stable: the corpus keeps being checked without a fuzzer.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a fuzz stage fails by panicking")]

#[allow(dead_code)]
#[path = "../fuzz/src/stages.rs"]
mod stages;

use std::path::Path;

/// Runs every input of `fuzz/corpus/<target>/` through the target's stage.
fn replay(target: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus").join(target);
    let mut inputs = 0;
    let mut reached = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("a directory entry").path();
        let bytes = std::fs::read(&path).expect("a corpus file");
        // The targets take `&str`: libFuzzer never hands them other bytes.
        let Ok(text) = std::str::from_utf8(&bytes) else { continue };
        inputs += 1;
        match std::panic::catch_unwind(|| stages::run(target, text)) {
            Ok(true) => reached += 1,
            Ok(false) => {}
            Err(_) => panic!("fuzz/corpus/{target}/{} fails its stage", path.file_name().unwrap().to_string_lossy()),
        }
    }
    assert!(inputs > 0, "no corpus for `{target}`");
    // Backend corpora hold only inputs the checker accepts: one it now refuses no longer tests
    // its backend (after a language change, minimise the corpus again: docs/fuzzing.md).
    assert_eq!(reached, inputs, "`{target}`: only {reached} of {inputs} inputs reach the stage");
}

/// A test per target, so they run in parallel.
macro_rules! targets {
    ($($name:ident)*) => {
        $(
            #[test]
            fn $name() {
                replay(stringify!($name));
            }
        )*

        #[test]
        fn every_target_has_a_test() {
            assert_eq!(stages::TARGETS, [$(stringify!($name)),*]);
        }
    };
}

targets!(parse check rust sql stores docs exchange);
