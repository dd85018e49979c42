//! Times as a person reads them: in the territory's time zone, in the reader's language
//! (`mar. 8 déc. 16:37`, `Tue 8 Dec 16:37`). The names of days and months are in the Fluent
//! files like every other word.

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use chrono_tz::Tz;
use fluent_templates::fluent_bundle::FluentValue;

use super::Lang;

/// Day of the week, day, month and time of `at` where `tz` is.
pub fn format_datetime(lang: Lang, at: DateTime<Utc>, tz: Tz) -> String {
    let local = at.with_timezone(&tz);
    let weekday = lang.t(&format!("weekday-{}", local.weekday().number_from_monday()));
    let month = lang.t(&format!("month-{}", local.month()));
    lang.t_with(
        "datetime-short",
        [
            ("weekday", FluentValue::from(weekday)),
            ("day", FluentValue::from(local.day().to_string())),
            ("month", FluentValue::from(month)),
            (
                "time",
                FluentValue::from(format!("{:02}:{:02}", local.hour(), local.minute())),
            ),
        ],
    )
}

/// A time span as a person reads it: "45 min", "3 h 20 min", "2 j 4 h" (whole minutes, floored).
pub fn format_duration(lang: Lang, span: chrono::Duration) -> String {
    let minutes = span.num_minutes().max(0);
    let (days, hours, mins) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    let (key, a, b) = match (days, hours) {
        (0, 0) => ("duration-minutes", mins, 0),
        (0, _) if mins == 0 => ("duration-hours-only", hours, 0),
        (0, _) => ("duration-hours", hours, mins),
        _ if hours == 0 => ("duration-days-only", days, 0),
        _ => ("duration-days", days, hours),
    };
    lang.t_with(
        key,
        [("a", FluentValue::from(a)), ("b", FluentValue::from(b))],
    )
}

/// A calendar day: "8 déc. 2026", "8 Dec 2026".
pub fn format_date(lang: Lang, day: NaiveDate) -> String {
    let month = lang.t(&format!("month-{}", day.month()));
    lang.t_with(
        "date-short",
        [
            ("day", FluentValue::from(day.day().to_string())),
            ("month", FluentValue::from(month)),
            ("year", FluentValue::from(day.year().to_string())),
        ],
    )
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }

    #[test]
    fn a_span_reads_in_minutes_hours_or_days() {
        let m = chrono::Duration::minutes;
        assert_eq!(format_duration(Lang::Fr, m(45)), "45 min");
        assert_eq!(format_duration(Lang::Fr, m(200)), "3 h 20 min");
        assert_eq!(format_duration(Lang::Fr, m(180)), "3 h");
        assert_eq!(format_duration(Lang::Fr, m(3 * 1440 + 125)), "3 j 2 h");
        assert_eq!(format_duration(Lang::En, m(3 * 1440 + 125)), "3 d 2 h");
        assert_eq!(format_duration(Lang::Fr, m(2 * 1440 + 20)), "2 j");
        assert_eq!(
            format_date(Lang::Fr, NaiveDate::from_ymd_opt(2026, 12, 8).unwrap()),
            "8 déc. 2026"
        );
        assert_eq!(
            format_date(Lang::En, NaiveDate::from_ymd_opt(2026, 12, 8).unwrap()),
            "8 Dec 2026"
        );
    }

    #[test]
    fn french_and_english_short_forms_in_paris_time() {
        // 15:37 UTC is 16:37 in Paris in winter (UTC+1).
        let at = utc(2026, 12, 8, 15, 37);
        assert_eq!(
            format_datetime(Lang::Fr, at, chrono_tz::Europe::Paris),
            "mar. 8 déc. 16:37"
        );
        assert_eq!(
            format_datetime(Lang::En, at, chrono_tz::Europe::Paris),
            "Tue 8 Dec 16:37"
        );
    }

    #[test]
    fn the_territory_zone_moves_the_day_and_follows_summer_time() {
        // 22:30 UTC on Sunday 29 March 2026: Paris has just gone to UTC+2, so it is Monday.
        let at = utc(2026, 3, 29, 22, 30);
        assert_eq!(
            format_datetime(Lang::Fr, at, chrono_tz::Europe::Paris),
            "lun. 30 mars 00:30"
        );
        // Réunion (UTC+4) and Guadeloupe (UTC-4), where the same instant falls.
        assert_eq!(
            format_datetime(Lang::En, at, chrono_tz::Indian::Reunion),
            "Mon 30 Mar 02:30"
        );
        assert_eq!(
            format_datetime(Lang::Fr, at, chrono_tz::America::Guadeloupe),
            "dim. 29 mars 18:30"
        );
    }

    #[test]
    fn every_day_and_month_has_its_name() {
        for lang in Lang::ALL {
            for d in 1..=7 {
                assert!(lang.has(&format!("weekday-{d}"), &[]), "{lang:?} day {d}");
            }
            for m in 1..=12 {
                assert!(lang.has(&format!("month-{m}"), &[]), "{lang:?} month {m}");
            }
        }
        // 1 August 2026 was a Saturday.
        assert_eq!(
            format_datetime(Lang::Fr, utc(2026, 8, 1, 7, 5), chrono_tz::UTC),
            "sam. 1 août 07:05"
        );
    }
}
