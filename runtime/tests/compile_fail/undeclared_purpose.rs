#![allow(dead_code)]
mod policy {
    include!("../../../generated/tencent_im/rust/tencent_im.rs");
}
use policy::category::LogData;
use policy::purpose::QualityAnalysis;

// Log data is declared for performance analysis only.
fn analyse(log: &LogData) -> String {
    log.use_for::<QualityAnalysis>().api_name.clone()
}

fn main() {}
