//! SLA clock: counts either plain wall time or a territory's working time.
//!
//! Working windows are local wall-clock times converted to UTC one day at a
//! time, so DST changes and holidays are handled by looking at each day.

use std::collections::BTreeSet;

use chrono::offset::LocalResult;
use chrono::{
    DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Utc,
    Weekday,
};

/// How far ahead (or across) the business clock looks, in days (~10 years).
/// It bounds the work of every call; no SLA target comes anywhere near it.
const HORIZON_DAYS: i64 = 3653;

/// Built by `match` so a bad literal fails the build instead of panicking at run time.
const DEFAULT_START: NaiveTime = match NaiveTime::from_hms_opt(8, 0, 0) {
    Some(t) => t,
    None => panic!("invalid default start"),
};
const DEFAULT_END: NaiveTime = match NaiveTime::from_hms_opt(19, 0, 0) {
    Some(t) => t,
    None => panic!("invalid default end"),
};

/// A territory's working hours, in its local time: the same window on each working day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkingHours {
    pub days: Vec<Weekday>,
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl Default for WorkingHours {
    /// Monday-Friday 08:00-19:00.
    fn default() -> Self {
        WorkingHours {
            days: vec![
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
            ],
            start: DEFAULT_START,
            end: DEFAULT_END,
        }
    }
}

impl WorkingHours {
    /// Validates: at least one day, no day twice, start < end.
    pub fn new(
        days: Vec<Weekday>,
        start: NaiveTime,
        end: NaiveTime,
    ) -> Result<WorkingHours, String> {
        if days.is_empty() {
            return Err("working hours need at least one working day".to_string());
        }
        for (i, day) in days.iter().enumerate() {
            if days[..i].contains(day) {
                return Err(format!("working day {day} is listed twice"));
            }
        }
        if start >= end {
            return Err("working hours must start before they end".to_string());
        }
        Ok(WorkingHours { days, start, end })
    }
}

/// Where working time is counted: a timezone, its working hours and its public holidays (local dates).
#[derive(Debug, Clone)]
pub struct Calendar {
    pub tz: chrono_tz::Tz,
    pub hours: WorkingHours,
    pub holidays: BTreeSet<NaiveDate>,
}

/// How a policy counts time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlaClock {
    Calendar,
    Business,
}

impl SlaClock {
    pub fn as_str(&self) -> &'static str {
        match self {
            SlaClock::Calendar => "calendar",
            SlaClock::Business => "business",
        }
    }

    /// Exact, lower-case names only, so stored values round-trip through `as_str`.
    pub fn parse(s: &str) -> Result<SlaClock, String> {
        match s {
            "calendar" => Ok(SlaClock::Calendar),
            "business" => Ok(SlaClock::Business),
            _ => Err(format!(
                "unknown SLA clock \"{s}\" (expected \"calendar\" or \"business\")"
            )),
        }
    }
}

impl std::fmt::Display for SlaClock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for SlaClock {
    type Err = String;

    fn from_str(s: &str) -> Result<SlaClock, String> {
        SlaClock::parse(s)
    }
}

impl Calendar {
    /// The instant at which `work` of working time has elapsed counting from `start`.
    ///
    /// `work <= 0` returns `start`. If `start` is outside working hours, counting
    /// begins at the next opening.
    ///
    /// The search stops after `HORIZON_DAYS` (~10 years) of local days from
    /// `start`. If `work` is not used up by then (every day a holiday, or an
    /// absurdly large `work`), the result is `start` + ~10 years: a finite,
    /// storable instant that is unmistakably "never" for an SLA, rather than a
    /// sentinel like `DateTime::MAX_UTC` or an endless loop. (Only a `start`
    /// within 10 years of chrono's maximum saturates to `DateTime::MAX_UTC`.)
    pub fn add_working(&self, start: DateTime<Utc>, work: Duration) -> DateTime<Utc> {
        if work <= Duration::zero() {
            return start;
        }
        let give_up = start
            .checked_add_signed(Duration::days(HORIZON_DAYS))
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
        let mut left = work;
        let mut day = self.local_date(start);
        for _ in 0..HORIZON_DAYS {
            if let Some((open, close)) = self.window(day) {
                let from = open.max(start);
                if close > from {
                    let available = close - from;
                    if left <= available {
                        return from + left;
                    }
                    left -= available;
                }
            }
            day = match day.succ_opt() {
                Some(next) => next,
                None => break,
            };
        }
        give_up
    }

    /// Working time in `[a, b)`; zero when `b <= a`.
    ///
    /// Only the first `HORIZON_DAYS` (~10 years) of local days from `a` are
    /// counted, which keeps every call cheap; longer spans saturate there. That
    /// matches `add_working`'s horizon, so the two stay inverse of each other.
    pub fn working_between(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> Duration {
        let mut total = Duration::zero();
        if b <= a {
            return total;
        }
        let last = self.local_date(b);
        let mut day = self.local_date(a);
        for _ in 0..HORIZON_DAYS {
            if day > last {
                break;
            }
            if let Some((open, close)) = self.window(day) {
                let (from, to) = (open.max(a), close.min(b));
                if to > from {
                    total += to - from;
                }
            }
            day = match day.succ_opt() {
                Some(next) => next,
                None => break,
            };
        }
        total
    }

    /// `t` on local clocks; `None` only within a day of chrono's range limits
    /// (where `DateTime::naive_local` would panic).
    fn local(&self, t: DateTime<Utc>) -> Option<NaiveDateTime> {
        let utc = t.naive_utc();
        utc.checked_add_offset(self.tz.offset_from_utc_datetime(&utc).fix())
    }

    /// `t`'s local date, saturating at chrono's range limits.
    fn local_date(&self, t: DateTime<Utc>) -> NaiveDate {
        match self.local(t) {
            Some(local) => local.date(),
            None if t < DateTime::UNIX_EPOCH => NaiveDate::MIN,
            None => NaiveDate::MAX,
        }
    }

    /// The UTC `[open, close)` of `day`'s working window, or `None` on a day off.
    fn window(&self, day: NaiveDate) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        if !self.hours.days.contains(&day.weekday()) || self.holidays.contains(&day) {
            return None;
        }
        let open = self.to_utc(day.and_time(self.hours.start))?;
        let close = self.to_utc(day.and_time(self.hours.end))?;
        // The fields are public, so `start < end` may not have been validated.
        (open < close).then_some((open, close))
    }

    /// A local wall-clock time as an instant: the earliest reading when it is
    /// ambiguous (fall back), the first valid instant after it when it falls
    /// in a gap (spring forward). `None` only at the edges of chrono's range.
    fn to_utc(&self, local: NaiveDateTime) -> Option<DateTime<Utc>> {
        match self.tz.from_local_datetime(&local) {
            LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
            LocalResult::Ambiguous(a, b) => Some(a.min(b).with_timezone(&Utc)),
            LocalResult::None => self.after_gap(local),
        }
    }

    /// The first instant whose local reading is at or after `local`, i.e. the
    /// end of the gap. Binary search over whole seconds, as transitions are.
    fn after_gap(&self, local: NaiveDateTime) -> Option<DateTime<Utc>> {
        // UTC offsets are well under a day, so these bracket the answer.
        let day = Duration::days(1);
        let mut lo = local.checked_sub_signed(day)?.and_utc().timestamp();
        let mut hi = local.checked_add_signed(day)?.and_utc().timestamp();
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if self.local(DateTime::from_timestamp(mid, 0)?)? >= local {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        DateTime::from_timestamp(hi, 0)
    }
}

/// `clock` applied: Calendar = plain addition of wall time (saturating at
/// chrono's range); Business = the calendar's working time (`Calendar::add_working`).
pub fn add(clock: SlaClock, cal: &Calendar, start: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
    match clock {
        SlaClock::Calendar => start
            .checked_add_signed(d)
            .unwrap_or(if d < Duration::zero() {
                DateTime::<Utc>::MIN_UTC
            } else {
                DateTime::<Utc>::MAX_UTC
            }),
        SlaClock::Business => cal.add_working(start, d),
    }
}

/// `clock` applied: Calendar = plain `b - a` (negative when `b < a`);
/// Business = working time in `[a, b)` (`Calendar::working_between`, never negative).
pub fn between(clock: SlaClock, cal: &Calendar, a: DateTime<Utc>, b: DateTime<Utc>) -> Duration {
    match clock {
        SlaClock::Calendar => b - a,
        SlaClock::Business => cal.working_between(a, b),
    }
}

#[cfg(test)]
mod tests;
