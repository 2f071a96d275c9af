//! Conversions between [`Timestamp`] and the instants of `jiff`, `time` and `chrono`, each
//! behind the feature of that name. Sub-second parts are dropped towards the past, so an
//! instant converts to the second it falls in.

use crate::time::Timestamp;

/// A [`Timestamp`] outside the range of the crate it is converted to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutOfRange(pub Timestamp);

impl std::fmt::Display for OutOfRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "instant {} seconds from the epoch is out of range", self.0.unix())
    }
}

impl std::error::Error for OutOfRange {}

/// The whole second `nanos` nanoseconds from the epoch falls in.
#[cfg(any(feature = "jiff", feature = "time"))]
fn floor_second(nanos: i128) -> Timestamp {
    // Every instant these crates represent is within a few thousand years: it fits.
    Timestamp(i64::try_from(nanos.div_euclid(1_000_000_000)).unwrap_or(if nanos < 0 { i64::MIN } else { i64::MAX }))
}

#[cfg(feature = "jiff")]
impl TryFrom<Timestamp> for jiff::Timestamp {
    type Error = OutOfRange;

    fn try_from(t: Timestamp) -> Result<Self, OutOfRange> {
        jiff::Timestamp::from_second(t.unix()).map_err(|_| OutOfRange(t))
    }
}

#[cfg(feature = "jiff")]
impl From<jiff::Timestamp> for Timestamp {
    fn from(t: jiff::Timestamp) -> Self {
        floor_second(t.as_nanosecond())
    }
}

#[cfg(feature = "time")]
impl TryFrom<Timestamp> for time::OffsetDateTime {
    type Error = OutOfRange;

    fn try_from(t: Timestamp) -> Result<Self, OutOfRange> {
        time::OffsetDateTime::from_unix_timestamp(t.unix()).map_err(|_| OutOfRange(t))
    }
}

#[cfg(feature = "time")]
impl From<time::OffsetDateTime> for Timestamp {
    fn from(t: time::OffsetDateTime) -> Self {
        floor_second(t.unix_timestamp_nanos())
    }
}

#[cfg(feature = "chrono")]
impl TryFrom<Timestamp> for chrono::DateTime<chrono::Utc> {
    type Error = OutOfRange;

    fn try_from(t: Timestamp) -> Result<Self, OutOfRange> {
        chrono::DateTime::from_timestamp(t.unix(), 0).ok_or(OutOfRange(t))
    }
}

#[cfg(feature = "chrono")]
impl<Tz: chrono::TimeZone> From<chrono::DateTime<Tz>> for Timestamp {
    fn from(t: chrono::DateTime<Tz>) -> Self {
        // `timestamp` counts whole seconds towards the past: the nanoseconds are never negative.
        Timestamp(t.timestamp())
    }
}

#[cfg(test)]
mod tests {
    #[allow(unused_imports)]
    use super::*;

    #[cfg(feature = "jiff")]
    #[test]
    fn jiff_round_trip() {
        let t: Timestamp = "2024-02-29T01:02:03Z".parse().unwrap();
        let j = jiff::Timestamp::try_from(t).unwrap();
        assert_eq!(j.to_string(), "2024-02-29T01:02:03Z");
        assert_eq!(Timestamp::from(j), t);
        let before_epoch = jiff::Timestamp::new(-1, -500_000_000).unwrap();
        assert_eq!(Timestamp::from(before_epoch), Timestamp(-2), "rounds towards the past");
        assert_eq!(jiff::Timestamp::try_from(Timestamp(i64::MAX)), Err(OutOfRange(Timestamp(i64::MAX))));
    }

    #[cfg(feature = "time")]
    #[test]
    fn time_round_trip() {
        let t: Timestamp = "2024-02-29T01:02:03Z".parse().unwrap();
        let o = time::OffsetDateTime::try_from(t).unwrap();
        assert_eq!((o.year(), u8::from(o.month()), o.day(), o.hour(), o.second()), (2024, 2, 29, 1, 3));
        assert_eq!(Timestamp::from(o), t);
        let before_epoch = time::OffsetDateTime::from_unix_timestamp_nanos(-1_500_000_000).unwrap();
        assert_eq!(Timestamp::from(before_epoch), Timestamp(-2), "rounds towards the past");
        assert!(time::OffsetDateTime::try_from(Timestamp(i64::MAX)).is_err());
    }

    #[cfg(feature = "chrono")]
    #[test]
    fn chrono_round_trip() {
        let t: Timestamp = "2024-02-29T01:02:03Z".parse().unwrap();
        let c = chrono::DateTime::<chrono::Utc>::try_from(t).unwrap();
        assert_eq!(c.to_rfc3339(), "2024-02-29T01:02:03+00:00");
        assert_eq!(Timestamp::from(c), t);
        let before_epoch = chrono::DateTime::from_timestamp(-2, 500_000_000).unwrap();
        assert_eq!(Timestamp::from(before_epoch), Timestamp(-2), "rounds towards the past");
        assert!(chrono::DateTime::<chrono::Utc>::try_from(Timestamp(i64::MAX)).is_err());
    }
}
