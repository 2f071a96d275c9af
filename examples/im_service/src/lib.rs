//! A small Instant Messaging back end whose data handling is checked against its privacy
//! policy (`examples/tencent_im/im.policy`) by the compiler: log data can only be read for the
//! purposes the policy declares, configuration data reaches TRTC only with proof of consent and
//! subscription, and retention deadlines come from the policy's rules.
#![deny(warnings, missing_docs)]

/// Types generated from the policy by `build.rs`.
pub mod policy {
    include!(concat!(env!("OUT_DIR"), "/tencent_im.rs"));
}

use policy::Events;
use policy::category::{ConfigurationData, LogData};
use policy::condition::TrtcSubscribed;
use policy::fields;
use policy::purpose::PerformanceAnalysis;
use policy::recipient::Trtc;
use policy::shared::configuration_data::Trtc as TrtcPayload;
use policyc_runtime::{Consent, ConsentError, ConsentRecord, Timestamp};
use std::net::IpAddr;

/// A log record as the service stores it: the record, and when it was collected (the start of
/// its retention clock, which the service keeps beside the data rather than reading the data).
#[derive(Debug, Clone)]
pub struct StoredLog {
    /// When the request was logged.
    pub collected_at: Timestamp,
    /// The record.
    pub record: LogData,
}

/// Request logs, as the service keeps them.
#[derive(Debug, Default)]
pub struct LogStore {
    records: Vec<StoredLog>,
}

impl LogStore {
    /// Records one API request.
    pub fn record(&mut self, ip: IpAddr, api: &str, at: Timestamp, exception: Option<(&str, &str)>) -> &StoredLog {
        let (info, cause) = exception.unwrap_or(("", ""));
        let record = LogData::new(fields::LogData {
            public_ip: ip,
            api_name: api.to_string(),
            requested_at: at,
            exception_info: info.to_string(),
            exception_cause: cause.to_string(),
        });
        self.records.push(StoredLog { collected_at: at, record });
        &self.records[self.records.len() - 1]
    }

    /// Number of records held.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// True when no record is held.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Share of requests that failed, per API name: performance analysis, which the policy
    /// permits for log data (`use_for` would not compile otherwise, and the fields are out of
    /// reach without it).
    pub fn failure_rate(&self, api: &str) -> f64 {
        let matching: Vec<_> = self
            .records
            .iter()
            .map(|s| s.record.use_for::<PerformanceAnalysis>())
            .filter(|r| r.api_name == api)
            .collect();
        if matching.is_empty() {
            return 0.0;
        }
        let failed = matching.iter().filter(|r| !r.exception_info.is_empty()).count();
        failed as f64 / matching.len() as f64
    }

    /// Deletes every record whose retention period has ended at `now`; returns how many.
    pub fn purge(&mut self, now: Timestamp) -> usize {
        let before = self.records.len();
        self.records.retain(|s| log_expiry(s).is_none_or(|end| now <= end));
        before - self.records.len()
    }
}

/// When a log record must be gone.
pub fn log_expiry(stored: &StoredLog) -> Option<Timestamp> {
    LogData::expires_at(stored.collected_at, &Events::default())
}

/// When an application's configuration, created at `created_at`, must be gone: kept while the
/// feature is in use, then two months after termination.
pub fn configuration_expiry(created_at: Timestamp, terminated_at: Option<Timestamp>) -> Option<Timestamp> {
    ConfigurationData::expires_at(created_at, &Events { termination: terminated_at })
}

/// A customer's decision about sharing with a recipient, as the service's consent table
/// holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentRow {
    /// Primary key.
    pub id: u64,
    /// The recipient, as the policy names it (`trtc`).
    pub recipient: String,
    /// When consent was given, if it was.
    pub given_at: Option<Timestamp>,
    /// When it was withdrawn, if it was.
    pub withdrawn_at: Option<Timestamp>,
}

impl ConsentRecord for ConsentRow {
    fn id(&self) -> String {
        format!("consents/{}", self.id)
    }

    fn recipient(&self) -> &str {
        &self.recipient
    }

    fn given_at(&self) -> Option<Timestamp> {
        self.given_at
    }

    fn withdrawn_at(&self) -> Option<Timestamp> {
        self.withdrawn_at
    }
}

/// Why configuration data was not shared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// The consent record does not show consent to sharing with TRTC in force.
    NoConsent(ConsentError),
    /// The customer does not subscribe to TRTC.
    NotSubscribed,
}

/// Hands an application's configuration to TRTC, which the policy allows only with the
/// customer's consent and a TRTC subscription. The proofs are made here, from the consent
/// record and what the service knows, and nowhere else.
pub fn share_with_trtc(
    config: &ConfigurationData,
    consent: &ConsentRow,
    subscribed_to_trtc: bool,
    now: Timestamp,
) -> Result<TrtcPayload, Refused> {
    let consent = Consent::<Trtc>::checked_against(consent, now).map_err(Refused::NoConsent)?;
    if !subscribed_to_trtc {
        return Err(Refused::NotSubscribed);
    }
    Ok(config.share_with::<Trtc>((consent, TrtcSubscribed::confirmed())))
}
