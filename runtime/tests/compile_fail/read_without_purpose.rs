#![allow(dead_code)]
mod policy {
    include!("../../../generated/tencent_im/rust/tencent_im.rs");
}
use policy::category::LogData;

// The fields of a record are private: they are read through `use_for::<Purpose>()`.
fn api(log: &LogData) -> &str {
    &log.0.api_name
}

fn main() {}
