//! Arbitrary UTF-8 through the parser and checker: nothing may panic, and every diagnostic
//! span must lie inside its file on character boundaries.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    // A name in a directory that does not exist, so imports in the input cannot read real files.
    let compiled = policyc::compile_str("/nonexistent-policyc-fuzz/input.policy", text);
    for d in compiled.diagnostics.iter() {
        if let Some(s) = d.span {
            let file = &compiled.sources.file(s.file).text;
            assert!(s.start <= s.end && s.end <= file.len(), "span {s:?} outside the file");
            assert!(file.is_char_boundary(s.start) && file.is_char_boundary(s.end), "span {s:?} splits a character");
        }
    }
    let _ = compiled.render(false);
    if let Some(policy) = &compiled.policy {
        let _ = policyc::backend::generate(policy, &policyc::backend::Targets::all());
    }
});
