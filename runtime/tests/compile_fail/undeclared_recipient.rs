#![allow(dead_code)]
mod policy {
    include!("../../../generated/tencent_im/rust/tencent_im.rs");
}
use policy::category::LogData;
use policy::recipient::Trtc;

// Log data is shared with no one.
fn share(log: &LogData) {
    let _ = log.share_with::<Trtc>(());
}

fn main() {}
