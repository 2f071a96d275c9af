#![allow(dead_code)]
mod policy {
    include!("../../../generated/tencent_im/rust/tencent_im.rs");
}
use policy::category::ConfigurationData;
use policy::condition::TrtcSubscribed;
use policy::recipient::Trtc;

// TRTC requires consent and a subscription; the subscription alone is not enough.
fn share(cfg: &ConfigurationData) {
    let _ = cfg.share_with::<Trtc>(TrtcSubscribed::confirmed());
}

fn main() {}
