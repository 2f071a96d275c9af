//! Cron schedules (`minute hour day-of-month month day-of-week`, UTC), defined once: the checker
//! validates them, the SQL backend turns them into MariaDB events, and `verify` derives from
//! them how recent the last successful run must be.

use crate::semantics::civil_from_days;

/// A parsed cron line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cron {
    minutes: u64,
    hours: u64,
    days: u64,
    months: u64,
    weekdays: u64,
    /// Day-of-month and day-of-week both restricted: cron runs when either matches.
    either_day: bool,
}

/// When a schedule runs, read off a 28-year window (every weekday/leap-year combination).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cadence {
    /// Shortest gap between two runs, in minutes.
    pub min_gap: i64,
    /// Longest gap between two runs, in minutes.
    pub max_gap: i64,
    /// First run at or after 2000-01-01 00:00 UTC, in seconds since the epoch.
    pub first: i64,
}

/// The first day of the window: 2000-01-01.
const WINDOW_START: i64 = 10_957;
/// 28 years: the Gregorian calendar repeats weekdays on leap years every 28 years within a century.
const WINDOW_DAYS: i64 = 10_227;

fn field(text: &str, lo: u32, hi: u32, what: &str) -> Result<u64, String> {
    let mut bits = 0u64;
    for part in text.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => {
                let step: u32 = s.parse().map_err(|_| format!("`{s}` is not a step in the {what} field"))?;
                if step == 0 {
                    return Err(format!("a step of 0 in the {what} field"));
                }
                (r, step)
            }
            None => (part, 1),
        };
        let num = |s: &str| -> Result<u32, String> {
            let v: u32 = s.parse().map_err(|_| format!("`{s}` is not a number in the {what} field"))?;
            if v < lo || v > hi {
                return Err(format!("{v} is outside {lo}-{hi} in the {what} field"));
            }
            Ok(v)
        };
        let (a, b) = match range {
            "*" => (lo, hi),
            r => match r.split_once('-') {
                Some((a, b)) => (num(a)?, num(b)?),
                None if step > 1 => (num(r)?, hi),
                None => {
                    let v = num(r)?;
                    (v, v)
                }
            },
        };
        if a > b {
            return Err(format!("the range {a}-{b} is reversed in the {what} field"));
        }
        let mut v = a;
        while v <= b {
            bits |= 1 << v;
            v += step;
        }
    }
    Ok(bits)
}

/// Parses a five-field cron line; the error says which field is wrong and why.
pub fn parse(line: &str) -> Result<Cron, String> {
    let f: Vec<&str> = line.split_whitespace().collect();
    let [mi, h, dom, mo, dow] = f.as_slice() else {
        return Err(format!("expected five fields, found {}", f.len()));
    };
    let mut weekdays = field(dow, 0, 7, "day-of-week")?;
    if weekdays & (1 << 7) != 0 {
        weekdays = (weekdays | 1) & !(1 << 7);
    }
    let cron = Cron {
        minutes: field(mi, 0, 59, "minute")?,
        hours: field(h, 0, 23, "hour")?,
        days: field(dom, 1, 31, "day-of-month")?,
        months: field(mo, 1, 12, "month")?,
        weekdays,
        either_day: !dom.starts_with('*') && !dow.starts_with('*'),
    };
    if cron.cadence().is_none() {
        return Err("the schedule never runs (no such day)".into());
    }
    Ok(cron)
}

impl Cron {
    fn day_matches(&self, day: i64) -> bool {
        let (_, m, d) = civil_from_days(day);
        // 1970-01-01 was a Thursday (4).
        let wd = (day + 4).rem_euclid(7);
        let dom = self.days & (1 << d) != 0;
        let dow = self.weekdays & (1 << wd) != 0;
        self.months & (1 << m) != 0 && if self.either_day { dom || dow } else { dom && dow }
    }

    /// Runs at or after 2000-01-01, in minutes since the epoch, over the window.
    fn runs(&self) -> impl Iterator<Item = i64> + '_ {
        (WINDOW_START..WINDOW_START + WINDOW_DAYS).filter(|d| self.day_matches(*d)).flat_map(move |d| {
            (0..24i64).filter(move |h| self.hours & (1 << h) != 0).flat_map(move |h| {
                (0..60i64).filter(move |m| self.minutes & (1 << m) != 0).map(move |m| d * 1_440 + h * 60 + m)
            })
        })
    }

    /// How long after a run the next one is due at the latest, in seconds.
    pub fn longest_gap_secs(&self) -> i64 {
        self.cadence().map_or(86_400, |c| c.max_gap * 60)
    }

    /// How often it runs; `None` when it never does.
    pub fn cadence(&self) -> Option<Cadence> {
        let mut runs = self.runs();
        let first = runs.next()?;
        let (mut prev, mut min_gap, mut max_gap) = (first, i64::MAX, 0);
        for r in runs {
            min_gap = min_gap.min(r - prev);
            max_gap = max_gap.max(r - prev);
            prev = r;
        }
        if max_gap == 0 {
            // One run in 28 years (e.g. 29 February on a Monday): call it the window.
            (min_gap, max_gap) = (WINDOW_DAYS * 1_440, WINDOW_DAYS * 1_440);
        }
        Some(Cadence { min_gap, max_gap, first: first * 60 })
    }

    /// Runs on one fixed day of every month (day 1-28, at one time of day).
    pub fn monthly_on(&self) -> Option<u32> {
        let one = |bits: u64| bits.count_ones() == 1;
        let all_months = self.months == 0b1_1111_1111_1110;
        (one(self.minutes) && one(self.hours) && one(self.days) && all_months && !self.either_day)
            .then(|| self.days.trailing_zeros())
            .filter(|d| *d <= 28 && self.weekdays == 0b111_1111)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn midnight(y: i64, m: u32, d: u32) -> i64 {
        crate::semantics::days_from_civil(y, m, d) * 86_400
    }

    fn cad(s: &str) -> Cadence {
        parse(s).unwrap().cadence().unwrap()
    }

    #[test]
    fn cadences() {
        let daily = cad("15 3 * * *");
        assert_eq!((daily.min_gap, daily.max_gap), (1_440, 1_440));
        assert_eq!(daily.first, midnight(2000, 1, 1) + 3 * 3_600 + 15 * 60);
        assert_eq!(cad("*/15 * * * *").max_gap, 15);
        assert_eq!(cad("0 */6 * * *").max_gap, 360);
        // 2000-01-03 was the first Monday.
        let weekly = cad("0 3 * * 1");
        assert_eq!((weekly.min_gap, weekly.max_gap, weekly.first), (10_080, 10_080, midnight(2000, 1, 3) + 10_800));
        assert_eq!(cad("0 3 * * 7"), cad("0 3 * * 0"));
        let weekdays = cad("0 3 * * 1-5");
        assert_eq!((weekdays.min_gap, weekdays.max_gap), (1_440, 3 * 1_440));
        let monthly = cad("0 3 1 * *");
        assert_eq!((monthly.min_gap, monthly.max_gap), (28 * 1_440, 31 * 1_440));
        assert_eq!(parse("0 3 1 * *").unwrap().monthly_on(), Some(1));
        assert_eq!(parse("0 3 31 * *").unwrap().monthly_on(), None);
        // Day-of-month or day-of-week when both are restricted.
        assert_eq!(cad("0 0 1 * 1").min_gap, 1_440);
    }

    #[test]
    fn errors_name_the_field() {
        assert!(parse("60 3 * * *").unwrap_err().contains("minute"));
        assert!(parse("0 3 * *").unwrap_err().contains("five fields"));
        assert!(parse("0 3 30 2 *").unwrap_err().contains("never runs"));
        assert!(parse("*/0 * * * *").unwrap_err().contains("step of 0"));
        assert!(parse("0 5-2 * * *").unwrap_err().contains("reversed"));
        assert!(parse("0 3 29 2 *").is_ok());
    }
}
