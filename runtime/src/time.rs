//! Instants, dates, durations and calendar arithmetic: the one implementation of the time
//! rules of a policy, which the compiler (`policyc::semantics`) and generated code both use.
//!
//! - Instants are UTC, counted in seconds since 1970-01-01T00:00:00Z: no local time, so no
//!   daylight-saving shift.
//! - `hours`, `days` and `weeks` are fixed lengths: 3,600, 86,400 and 604,800 seconds.
//! - `months` and `years` move the calendar date by whole months (a year is 12) and keep the
//!   time of day; a day past the end of a shorter month is clamped to its last day
//!   (31 January + 1 month = 28 or 29 February).

/// An average Gregorian month in seconds (400 years are 4,800 months and 146,097 days).
pub const AVERAGE_MONTH_SECS: i64 = 2_629_746;

/// Years [`Timestamp::from_civil`] and [`Date::from_ymd`] accept: far enough for any record,
/// near enough that the day arithmetic cannot overflow.
const CIVIL_YEARS: std::ops::RangeInclusive<i64> = -1_000_000_000..=1_000_000_000;

/// Days from 1970-01-01 to a civil date (proleptic Gregorian).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date `(year, month, day)` of a day count since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    // Both are small and positive by construction: a day of month and a month.
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// True for Gregorian leap years.
pub fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Number of days in month `m` of year `y`.
pub fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `t` (seconds since the epoch) plus calendar months, clamping the day to the target month's
/// length. Saturates at the ends of the `i64` range instead of overflowing.
pub fn add_months(t: i64, months: i64) -> i64 {
    let saturated = if months < 0 { i64::MIN } else { i64::MAX };
    // Far beyond any calendar (some 290 billion years) the day arithmetic itself overflows.
    if !(-(1i64 << 62)..(1i64 << 62)).contains(&t) || !(-(1i64 << 40)..(1i64 << 40)).contains(&months) {
        return t.saturating_add(months.saturating_mul(AVERAGE_MONTH_SECS));
    }
    let (y, m, d) = civil_from_days(t.div_euclid(86_400));
    let total = y * 12 + i64::from(m) - 1 + months;
    let (ny, nm) = (total.div_euclid(12), (total.rem_euclid(12) + 1) as u32);
    days_from_civil(ny, nm, d.min(days_in_month(ny, nm)))
        .checked_mul(86_400)
        .and_then(|x| x.checked_add(t.rem_euclid(86_400)))
        .unwrap_or(saturated)
}

/// An instant in UTC, in seconds since 1970-01-01T00:00:00Z (serialised as that number).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// The instant `secs` seconds after the Unix epoch.
    pub const fn from_unix(secs: i64) -> Self {
        Timestamp(secs)
    }

    /// Seconds since the Unix epoch.
    pub const fn unix(self) -> i64 {
        self.0
    }

    /// The instant at a civil date and time in UTC, or `None` if there is no such time (or the
    /// year is beyond a billion years from now).
    pub fn from_civil(year: i64, month: u32, day: u32, hour: u32, minute: u32, second: u32) -> Option<Self> {
        let date = Date::from_ymd(year, month, day)?;
        if hour > 23 || minute > 59 || second > 59 {
            return None;
        }
        let secs = i64::from(hour) * 3_600 + i64::from(minute) * 60 + i64::from(second);
        Some(Timestamp(date.0 * 86_400 + secs))
    }

    /// This instant plus `d`: hours, days and weeks are fixed lengths; months and years move
    /// the calendar date, clamping the day to the end of a shorter month. Saturates at the
    /// ends of the `i64` range instead of overflowing.
    pub fn plus(self, d: Duration) -> Self {
        let n = i64::from(d.amount);
        Timestamp(match d.unit {
            Unit::Hours => self.0.saturating_add(n * 3_600),
            Unit::Days => self.0.saturating_add(n * 86_400),
            Unit::Weeks => self.0.saturating_add(n * 7 * 86_400),
            Unit::Months => add_months(self.0, n),
            Unit::Years => add_months(self.0, n * 12),
        })
    }

    /// The earliest of the instants that are present, if any.
    pub fn earliest(instants: &[Option<Timestamp>]) -> Option<Timestamp> {
        instants.iter().flatten().copied().min()
    }
}

impl std::fmt::Display for Timestamp {
    /// `YYYY-MM-DDTHH:MM:SSZ`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (y, m, d) = civil_from_days(self.0.div_euclid(86_400));
        let s = self.0.rem_euclid(86_400);
        write!(f, "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", s / 3_600, s / 60 % 60, s % 60)
    }
}

impl std::str::FromStr for Timestamp {
    type Err = ParseTimestampError;

    /// Parses `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SSZ` (UTC; also with a space for the `T`, and
    /// without seconds or the `Z`). Years are 0 to 9999, as in SQL.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim().trim_end_matches('Z');
        let (date, time) = match s.split_once(['T', ' ']) {
            Some((d, t)) => (d, Some(t)),
            None => (s, None),
        };
        let mut dp = date.splitn(3, '-');
        let mut num = || dp.next().and_then(|p| p.parse::<i64>().ok()).ok_or(ParseTimestampError);
        let (y, m, d) = (num()?, num()?, num()?);
        let small = |n: i64| u32::try_from(n).map_err(|_| ParseTimestampError);
        let (h, mi, se) = match time {
            None => (0, 0, 0),
            Some(t) => {
                let mut tp = t.splitn(3, ':');
                let h = tp.next().and_then(|p| p.parse().ok()).ok_or(ParseTimestampError)?;
                let mi = tp.next().and_then(|p| p.parse().ok()).ok_or(ParseTimestampError)?;
                let se = tp.next().unwrap_or("0").parse().map_err(|_| ParseTimestampError)?;
                (h, mi, se)
            }
        };
        if !(0..=9999).contains(&y) {
            return Err(ParseTimestampError);
        }
        Timestamp::from_civil(y, small(m)?, small(d)?, h, mi, se).ok_or(ParseTimestampError)
    }
}

/// A string that is not `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SSZ`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseTimestampError;

impl std::fmt::Display for ParseTimestampError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("expected `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SSZ` with a year from 0 to 9999")
    }
}

impl std::error::Error for ParseTimestampError {}

/// A calendar date, in days since 1970-01-01 (serialised as that number).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Date(pub i64);

impl Date {
    /// The date `year-month-day`, or `None` if there is no such date (or the year is beyond a
    /// billion years from now).
    pub fn from_ymd(year: i64, month: u32, day: u32) -> Option<Self> {
        if !CIVIL_YEARS.contains(&year) || !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date(days_from_civil(year, month, day)))
    }
}

impl std::fmt::Display for Date {
    /// `YYYY-MM-DD`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (y, m, d) = civil_from_days(self.0);
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

/// A length of time in one unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Duration {
    /// How many units.
    pub amount: u32,
    /// Which unit.
    pub unit: Unit,
}

/// Units of time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Unit {
    /// 3,600 seconds.
    Hours,
    /// 86,400 seconds (UTC has no daylight-saving shifts).
    Days,
    /// 7 days.
    Weeks,
    /// Calendar months, clamped to the end of a shorter month.
    Months,
    /// 12 calendar months.
    Years,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn month_ends_clamp_and_leap_days_move() {
        let months = |amount| Duration { amount, unit: Unit::Months };
        assert_eq!(at("2023-01-31T10:00:00Z").plus(months(1)), at("2023-02-28T10:00:00Z"));
        assert_eq!(at("2024-01-31").plus(months(1)), at("2024-02-29"));
        assert_eq!(at("2023-12-31").plus(months(2)), at("2024-02-29"));
        let years = |amount| Duration { amount, unit: Unit::Years };
        assert_eq!(at("2024-02-29T12:00:00Z").plus(years(1)), at("2025-02-28T12:00:00Z"));
        assert_eq!(at("2024-02-29T12:00:00Z").plus(years(4)), at("2028-02-29T12:00:00Z"));
        assert_eq!(at("1969-12-31T23:00:00Z").plus(months(1)), at("1970-01-31T23:00:00Z"));
    }

    #[test]
    fn saturates_instead_of_overflowing() {
        let days = Duration { amount: 100_000, unit: Unit::Days };
        assert_eq!(Timestamp(i64::MAX - 5).plus(days), Timestamp(i64::MAX));
        assert_eq!(add_months(i64::MIN + 5, -3), i64::MIN);
        assert_eq!(add_months(i64::MAX - 5, 12_000), i64::MAX);
    }

    #[test]
    fn parses_and_prints() {
        assert_eq!(at("2024-02-29"), Timestamp(1_709_164_800));
        assert_eq!(at("2024-02-29T01:02:03Z"), Timestamp(1_709_164_800 + 3_723));
        assert_eq!(at("2024-02-29 01:02"), Timestamp(1_709_164_800 + 3_720));
        assert_eq!(at("2024-02-29T01:02:03Z").to_string(), "2024-02-29T01:02:03Z");
        assert_eq!(Timestamp(-1).to_string(), "1969-12-31T23:59:59Z");
        for bad in ["2023-02-29", "2024-13-01", "2024-00-10", "2024-01-32", "10000-01-01", "-1-01-01", "x", ""] {
            assert_eq!(bad.parse::<Timestamp>(), Err(ParseTimestampError), "{bad}");
        }
        assert_eq!("99999999999999999-01-01".parse::<Timestamp>(), Err(ParseTimestampError));
        assert_eq!(Timestamp::from_civil(i64::MAX, 1, 1, 0, 0, 0), None, "no overflow");
        assert_eq!(Date::from_ymd(2024, 2, 29).map(|d| d.to_string()).as_deref(), Some("2024-02-29"));
        assert_eq!(Date::from_ymd(2023, 2, 29), None);
    }

    #[test]
    fn civil_round_trip() {
        for days in -800_000..800_000 {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }
}
