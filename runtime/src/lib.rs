//! Runtime support for the Rust code `policyc` generates from a privacy policy, as `prost` is
//! for `prost-build`: generated code names these items by absolute path
//! (`::policyc_runtime::…`), so every policy compiled into a crate shares one [`Timestamp`],
//! one set of traits and one implementation of the time rules, which the compiler itself uses.
//!
//! It knows nothing of any policy. A crate whose `build.rs` runs `policyc` depends on it as a
//! normal dependency, next to `serde`.
//!
//! - [`Timestamp`], [`Date`], [`Duration`] and the calendar arithmetic of retention rules.
//! - [`Category`], [`Purpose`], [`Recipient`], [`Permits`], [`ShareWith`]: the traits
//!   generated types implement exactly as the policy declares; [`Use`], the purpose-typed view
//!   through which a record's fields are read; [`Consent`], the proof sharing may require.
//! - [`descriptor`]: the static description of a policy.
//! - [`record`]: generic serde support for generated structs.
//! - [`redis`]: Redis command arguments that make a key expire when the policy says.
//!
//! Optional features `jiff`, `time` and `chrono` convert [`Timestamp`] to and from those
//! crates' instants.

pub mod descriptor;
mod enforce;
pub mod record;
pub mod redis;
pub mod time;

mod convert;

pub use convert::OutOfRange;
pub use descriptor::*;
pub use enforce::{
    Category, Consent, ConsentError, ConsentRecord, Permits, Purpose, ReceivesFrom, Recipient, Secret, ShareWith, Use,
};
pub use time::{Date, Duration, ParseTimestampError, Timestamp, Unit};
