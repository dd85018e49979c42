//! The calendar's arithmetic, checked at exact instants (DST days and holidays included).
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
