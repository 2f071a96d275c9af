#![allow(dead_code)]
mod policy {
    include!("../../../generated/tencent_im/rust/tencent_im.rs");
}
use policy::condition::TrtcSubscribed;

// A proof is made with `confirmed()` where the condition is known, never as a literal.
fn forge() -> TrtcSubscribed {
    TrtcSubscribed { _private: () }
}

fn main() {}
