#![allow(dead_code)]
mod policy {
    include!("../../../generated/tencent_im/rust/tencent_im.rs");
}
use policy::recipient::Trtc;
use policyc_runtime::{Consent, Timestamp};

// Consent is proved only by `Consent::checked_against` a consent record.
fn forge() -> Consent<Trtc> {
    Consent::given(Timestamp::from_unix(0))
}

fn main() {}
