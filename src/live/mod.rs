//! Talking to live systems: running and verifying the retention of a policy against real
//! databases ([`sql`]) and Redis ([`redis`]), over connections set up once ([`conn`]: TLS,
//! credentials, redaction). Generation lives under [`crate::backend`] and never connects.

pub mod conn;
pub mod redis;
pub mod sql;

/// A failure talking to a live system.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct RunError(pub String);

impl RunError {
    pub(crate) fn from(e: impl std::fmt::Display) -> Self {
        RunError(e.to_string())
    }
}
