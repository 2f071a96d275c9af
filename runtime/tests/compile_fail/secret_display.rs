#![allow(dead_code)]
mod policy {
    include!("../../../generated/tencent_im/rust/tencent_im.rs");
}
use policy::category::ConfigurationData;
use policy::purpose::ProvideConfiguredFeature;

// Secrets have no `Display`: they cannot be formatted into a log line.
fn log_line(cfg: &ConfigurationData) -> String {
    format!("app key {}", cfg.use_for::<ProvideConfiguredFeature>().app_key)
}

fn main() {}
