//! A small Instant Messaging back end whose data handling is checked against its privacy
//! policy (`examples/tencent_im/im.policy`) by the compiler: log data can only be used for the
//! purposes the policy declares, configuration data reaches TRTC only with proof of consent and
//! subscription, and retention deadlines come from the policy's rules.
#![deny(warnings, missing_docs)]

/// Types generated from the policy by `build.rs`.
pub mod policy {
    include!(concat!(env!("OUT_DIR"), "/tencent_im.rs"));
}

use policy::category::{ConfigurationData, LogData};
use policy::condition::TrtcSubscribed;
use policy::purpose::PerformanceAnalysis;
use policy::recipient::Trtc;
use policy::shared::configuration_data::Trtc as TrtcPayload;
use policy::{Consent, Events, Timestamp};
use std::net::IpAddr;

/// Request logs, as the service keeps them.
#[derive(Debug, Default)]
pub struct LogStore {
    records: Vec<LogData>,
}

impl LogStore {
    /// Records one API request.
    pub fn record(&mut self, ip: IpAddr, api: &str, at: Timestamp, exception: Option<(&str, &str)>) -> &LogData {
        let (info, cause) = exception.unwrap_or(("", ""));
        self.records.push(LogData {
            public_ip: ip,
            api_name: api.to_string(),
            requested_at: at,
            exception_info: info.to_string(),
            exception_cause: cause.to_string(),
        });
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
    /// permits for log data (the `use_for` call would not compile otherwise).
    pub fn failure_rate(&self, api: &str) -> f64 {
        let matching: Vec<&LogData> =
            self.records.iter().map(|r| r.use_for(PerformanceAnalysis)).filter(|r| r.api_name == api).collect();
        if matching.is_empty() {
            return 0.0;
        }
        let failed = matching.iter().filter(|r| !r.exception_info.is_empty()).count();
        failed as f64 / matching.len() as f64
    }

    /// Deletes every record whose retention period has ended at `now`; returns how many.
    pub fn purge(&mut self, now: Timestamp) -> usize {
        let before = self.records.len();
        self.records.retain(|r| LogData::expires_at(r.requested_at, &Events::default()).is_none_or(|end| now <= end));
        before - self.records.len()
    }
}

/// When a log record must be gone.
pub fn log_expiry(record: &LogData) -> Option<Timestamp> {
    LogData::expires_at(record.requested_at, &Events::default())
}

/// When an application's configuration must be gone: kept while the feature is in use, then
/// two months after termination.
pub fn configuration_expiry(config: &ConfigurationData, terminated_at: Option<Timestamp>) -> Option<Timestamp> {
    ConfigurationData::expires_at(config.app_created_at, &Events { termination: terminated_at })
}

/// Why configuration data was not shared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// The customer has not consented to sharing with TRTC.
    NoConsent,
    /// The customer does not subscribe to TRTC.
    NotSubscribed,
}

/// Hands an application's configuration to TRTC, which the policy allows only with the
/// customer's consent and a TRTC subscription. The proofs are made here, from what the service
/// knows, and nowhere else.
pub fn share_with_trtc(
    config: &ConfigurationData,
    consent_given_at: Option<Timestamp>,
    subscribed_to_trtc: bool,
) -> Result<TrtcPayload, Refused> {
    let consent = consent_given_at.map(Consent::<Trtc>::given).ok_or(Refused::NoConsent)?;
    if !subscribed_to_trtc {
        return Err(Refused::NotSubscribed);
    }
    Ok(config.share_with(Trtc, (consent, TrtcSubscribed::confirmed())))
}
