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
mod tests {
    use super::*;
    use chrono_tz::Tz;

    fn at(tz: Tz, y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        tz.with_ymd_and_hms(y, mo, d, h, mi, 0)
            .earliest()
            .expect("test instant exists")
            .with_timezone(&Utc)
    }

    fn paris(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        at(chrono_tz::Europe::Paris, y, mo, d, h, mi)
    }

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }

    fn time(h: u32, mi: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, mi, 0).unwrap()
    }

    fn date(y: i32, mo: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, mo, d).unwrap()
    }

    fn paris_cal() -> Calendar {
        Calendar {
            tz: chrono_tz::Europe::Paris,
            hours: WorkingHours::default(),
            holidays: BTreeSet::new(),
        }
    }

    fn every_day(tz: Tz, start: NaiveTime, end: NaiveTime) -> Calendar {
        use Weekday::*;
        Calendar {
            tz,
            hours: WorkingHours::new(vec![Mon, Tue, Wed, Thu, Fri, Sat, Sun], start, end).unwrap(),
            holidays: BTreeSet::new(),
        }
    }

    #[test]
    fn friday_evening_rolls_to_monday() {
        let cal = paris_cal();
        // 2026-03-06 is a Friday: 1 h left on Friday, 1 h on Monday.
        let due = cal.add_working(paris(2026, 3, 6, 18, 0), Duration::hours(2));
        assert_eq!(due, paris(2026, 3, 9, 9, 0));
    }

    #[test]
    fn weekend_start_counts_from_monday_opening() {
        let cal = paris_cal();
        let saturday = paris(2026, 3, 7, 10, 0);
        assert_eq!(
            cal.add_working(saturday, Duration::hours(1)),
            paris(2026, 3, 9, 9, 0)
        );
        assert_eq!(
            cal.add_working(saturday, Duration::minutes(1)),
            paris(2026, 3, 9, 8, 1)
        );
        // Before opening on a working day, and after closing.
        assert_eq!(
            cal.add_working(paris(2026, 3, 9, 6, 0), Duration::hours(1)),
            paris(2026, 3, 9, 9, 0)
        );
        assert_eq!(
            cal.add_working(paris(2026, 3, 9, 19, 0), Duration::hours(1)),
            paris(2026, 3, 10, 9, 0)
        );
    }

    #[test]
    fn non_positive_work_returns_start() {
        let cal = paris_cal();
        let saturday = paris(2026, 3, 7, 10, 0);
        assert_eq!(cal.add_working(saturday, Duration::zero()), saturday);
        assert_eq!(cal.add_working(saturday, Duration::hours(-3)), saturday);
    }

    #[test]
    fn holiday_is_skipped() {
        let mut cal = paris_cal();
        cal.holidays.insert(date(2026, 12, 25)); // a Friday
        let due = cal.add_working(paris(2026, 12, 24, 18, 0), Duration::hours(2));
        assert_eq!(due, paris(2026, 12, 28, 9, 0));
        assert_eq!(
            cal.working_between(paris(2026, 12, 24, 0, 0), paris(2026, 12, 29, 0, 0)),
            Duration::hours(22)
        );
    }

    #[test]
    fn forty_eight_hours_is_four_days_and_four_hours() {
        let cal = paris_cal();
        // 11 h a day: Mon-Thu give 44 h, the last 4 h end Friday 12:00.
        let due = cal.add_working(paris(2026, 3, 2, 8, 0), Duration::hours(48));
        assert_eq!(due, paris(2026, 3, 6, 12, 0));
        // 168 h = 15 days 3 h: three weeks, then Monday 11:00.
        let due = cal.add_working(paris(2026, 3, 2, 8, 0), Duration::hours(168));
        assert_eq!(due, paris(2026, 3, 23, 11, 0));
    }

    #[test]
    fn dst_days_keep_local_windows() {
        let cal = every_day(chrono_tz::Europe::Paris, time(8, 0), time(19, 0));
        // 2026-03-29 (spring forward) and 2026-10-25 (fall back) are Sundays.
        for (mo, d, open_utc, close_utc) in [(3, 29, 6, 17), (10, 25, 7, 18)] {
            let midnight = paris(2026, mo, d, 0, 0);
            assert_eq!(
                cal.add_working(midnight, Duration::microseconds(1)) - Duration::microseconds(1),
                utc(2026, mo, d, open_utc, 0)
            );
            assert_eq!(
                cal.add_working(midnight, Duration::hours(11)),
                utc(2026, mo, d, close_utc, 0)
            );
            assert_eq!(
                cal.working_between(midnight, paris(2026, mo, d + 1, 0, 0)),
                Duration::hours(11)
            );
        }
    }

    #[test]
    fn dst_gap_and_overlap_inside_window() {
        let cal = every_day(chrono_tz::Europe::Paris, time(2, 30), time(4, 0));
        // Spring: 02:30 does not exist, the window opens at 03:00 CEST (01:00 UTC).
        let spring = paris(2026, 3, 29, 0, 0);
        assert_eq!(
            cal.add_working(spring, Duration::minutes(1)),
            utc(2026, 3, 29, 1, 1)
        );
        assert_eq!(
            cal.working_between(spring, paris(2026, 3, 30, 0, 0)),
            Duration::hours(1)
        );
        // Autumn: 02:30 happens twice, the earliest (CEST, 00:30 UTC) opens it;
        // 04:00 CET is 03:00 UTC, so the window lasts 2 h 30.
        let autumn = paris(2026, 10, 25, 0, 0);
        assert_eq!(
            cal.add_working(autumn, Duration::minutes(1)),
            utc(2026, 10, 25, 0, 31)
        );
        assert_eq!(
            cal.working_between(autumn, paris(2026, 10, 26, 0, 0)),
            Duration::minutes(150)
        );

        // Same in New York, whose spring forward was 2026-03-08 (02:00 -> 03:00).
        let ny = every_day(chrono_tz::America::New_York, time(2, 30), time(4, 0));
        let day = at(chrono_tz::America::New_York, 2026, 3, 8, 0, 0);
        assert_eq!(
            ny.add_working(day, Duration::minutes(1)),
            utc(2026, 3, 8, 7, 1)
        );
        assert_eq!(
            ny.working_between(day, day + Duration::days(1)),
            Duration::hours(1)
        );
    }

    #[test]
    fn working_between_inverts_add_working() {
        let mut cal = paris_cal();
        cal.holidays
            .extend([date(2026, 1, 1), date(2026, 4, 6), date(2026, 12, 25)]);
        let starts = [
            paris(2025, 12, 31, 18, 59),
            paris(2026, 1, 3, 12, 0),
            paris(2026, 3, 27, 7, 13),
            utc(2026, 3, 29, 1, 15), // 03:15 CEST, just after the gap
            paris(2026, 4, 3, 17, 45),
            paris(2026, 10, 23, 23, 59),
            paris(2026, 12, 24, 8, 0),
            paris(2026, 7, 14, 13, 37) + Duration::microseconds(123_456),
        ];
        let works = [1, 59, 60, 600, 659, 660, 661, 2880, 10_080]
            .map(Duration::minutes)
            .into_iter()
            .chain([Duration::microseconds(1), Duration::seconds(39_601)]);
        for start in starts {
            for work in works.clone() {
                let due = cal.add_working(start, work);
                assert!(due > start, "{start} + {work}");
                assert_eq!(cal.working_between(start, due), work, "{start} + {work}");
                // Nothing earlier would do.
                let before = due - Duration::microseconds(1);
                assert!(
                    cal.working_between(start, before) < work,
                    "{start} + {work}"
                );
            }
        }
    }

    #[test]
    fn working_between_edges() {
        let cal = paris_cal();
        let mon = paris(2026, 3, 9, 10, 0);
        assert_eq!(cal.working_between(mon, mon), Duration::zero());
        assert_eq!(
            cal.working_between(mon, mon - Duration::hours(1)),
            Duration::zero()
        );
        // Saturday to Sunday: nothing.
        assert_eq!(
            cal.working_between(paris(2026, 3, 7, 0, 0), paris(2026, 3, 8, 23, 0)),
            Duration::zero()
        );
        // Partial windows on both ends: Friday 17:00 -> Monday 09:30.
        assert_eq!(
            cal.working_between(paris(2026, 3, 6, 17, 0), paris(2026, 3, 9, 9, 30)),
            Duration::minutes(210)
        );
    }

    #[test]
    fn calendar_clock_is_plain_arithmetic() {
        let cal = paris_cal();
        let start = paris(2026, 3, 7, 10, 0) + Duration::microseconds(7);
        let d = Duration::hours(30);
        assert_eq!(add(SlaClock::Calendar, &cal, start, d), start + d);
        assert_eq!(between(SlaClock::Calendar, &cal, start, start + d), d);
        assert_eq!(between(SlaClock::Calendar, &cal, start + d, start), -d);
        // Business on the same input: Saturday 10:00 + 30 h = 11 h Mon + 11 h Tue + 8 h Wed.
        assert_eq!(
            add(SlaClock::Business, &cal, start, d),
            paris(2026, 3, 11, 16, 0)
        );
        assert_eq!(
            between(SlaClock::Business, &cal, start, paris(2026, 3, 11, 16, 0)),
            d
        );
        // Saturates instead of overflowing.
        assert_eq!(
            add(SlaClock::Calendar, &cal, start, Duration::MAX),
            DateTime::<Utc>::MAX_UTC
        );
        assert_eq!(
            add(SlaClock::Calendar, &cal, start, Duration::MIN),
            DateTime::<Utc>::MIN_UTC
        );
    }

    #[test]
    fn working_hours_validation() {
        use Weekday::*;
        assert!(WorkingHours::new(vec![], time(8, 0), time(19, 0)).is_err());
        assert!(WorkingHours::new(vec![Mon, Tue, Mon], time(8, 0), time(19, 0)).is_err());
        assert!(WorkingHours::new(vec![Mon], time(19, 0), time(8, 0)).is_err());
        assert!(WorkingHours::new(vec![Mon], time(8, 0), time(8, 0)).is_err());
        let default = WorkingHours::default();
        assert_eq!(
            WorkingHours::new(default.days.clone(), time(8, 0), time(19, 0)),
            Ok(default)
        );
    }

    #[test]
    fn sla_clock_names_round_trip() {
        for clock in [SlaClock::Calendar, SlaClock::Business] {
            assert_eq!(SlaClock::parse(clock.as_str()), Ok(clock));
        }
        assert!(SlaClock::parse("Business").is_err());
        assert!(SlaClock::parse("").is_err());
    }

    #[test]
    fn month_of_holidays_is_skipped() {
        let mut cal = paris_cal();
        // 2026-01-01 (Thu) to 2026-01-30 (Fri) off; Jan 31 is a Saturday.
        cal.holidays.extend(date(2026, 1, 1).iter_days().take(30));
        let due = cal.add_working(paris(2026, 1, 1, 9, 0), Duration::hours(1));
        assert_eq!(due, paris(2026, 2, 2, 9, 0));
    }

    #[test]
    fn gives_up_after_the_horizon() {
        let mut cal = paris_cal();
        cal.holidays.extend(date(2026, 1, 1).iter_days().take(4000));
        let start = paris(2026, 1, 1, 9, 0);
        let horizon = start + Duration::days(HORIZON_DAYS);
        assert_eq!(cal.add_working(start, Duration::hours(1)), horizon);
        assert_eq!(cal.working_between(start, horizon), Duration::zero());
        // Absurd work on a normal calendar also stops there.
        assert_eq!(paris_cal().add_working(start, Duration::MAX), horizon);
    }

    #[test]
    fn extreme_inputs_do_not_panic() {
        let cal = every_day(chrono_tz::Pacific::Kiritimati, time(0, 0), time(23, 59));
        let (min, max) = (DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC);
        for t in [min, max] {
            for tz_cal in [&cal, &paris_cal()] {
                let _ = tz_cal.add_working(t, Duration::hours(1));
                let _ = tz_cal.add_working(t, Duration::MAX);
                let _ = tz_cal.working_between(min, t);
                let _ = tz_cal.working_between(t, max);
            }
        }
        assert_eq!(cal.add_working(max, Duration::hours(1)), max);
        // Unvalidated, inverted hours count as no working time at all.
        let mut broken = paris_cal();
        broken.hours.start = time(19, 0);
        broken.hours.end = time(8, 0);
        let start = paris(2026, 3, 9, 9, 0);
        assert_eq!(
            broken.add_working(start, Duration::hours(1)),
            start + Duration::days(HORIZON_DAYS)
        );
    }
}
