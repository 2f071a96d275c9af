//! Compiles the Instant Messaging policy into Rust types in `OUT_DIR`.

fn main() -> Result<(), policyc::BuildError> {
    policyc::Config::new().compile(&["../tencent_im/im.policy"])?;
    Ok(())
}
