//! The week as the rota page draws it: for each local day and hour of a territory, who is on call
//! there, or whether only a fallback territory covers, or nobody (a gap). Consecutive hours of a
//! day with the same cover make one segment, drawn as one bar. Pure: the page brings the shifts.

use chrono::{
    offset::LocalResult, DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday,
};
use chrono_tz::Tz;

/// A shift as the grid needs it: when, and who (a name).
pub struct Span {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub who: String,
}

/// How one hour is covered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cover {
    /// The territory's own dermatologists cover the whole hour (their names).
    OnCall(Vec<String>),
    /// Not the territory's own, but its fallbacks fill the hour (the fallbacks' codes; the
    /// names of the territory's own dermatologists on call for part of it).
    Fallback {
        territories: Vec<String>,
        partly: Vec<String>,
    },
    /// Some of the hour has nobody, here or in a fallback (names of those on call for part).
    Gap { partly: Vec<String> },
}

/// Consecutive hours of one day with the same cover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// Local hour it starts at (0-23).
    pub start_hour: u32,
    pub hours: u32,
    pub cover: Cover,
}

/// The Monday of ISO week `2026-W49`; `None` when it is not one.
pub fn parse_week(raw: &str) -> Option<NaiveDate> {
    let (year, week) = raw.trim().split_once("-W")?;
    NaiveDate::from_isoywd_opt(year.parse().ok()?, week.parse().ok()?, Weekday::Mon)
}

/// `2026-W49`: the ISO week of `day`.
pub fn week_name(day: NaiveDate) -> String {
    let w = day.iso_week();
    format!("{}-W{:02}", w.year(), w.week())
}

/// The Monday of the week holding `day`.
pub fn monday_of(day: NaiveDate) -> NaiveDate {
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// The instant a local wall-clock time names: the earlier one when clocks go back, the end of
/// the gap when they go forward.
pub fn local_instant(tz: Tz, day: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    let naive = day.and_time(time);
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(a, b) => a.min(b).with_timezone(&Utc),
        // Spring forward: no gap in the tz database is longer than a few hours.
        LocalResult::None => (1..=4)
            .find_map(|h| {
                tz.from_local_datetime(&(naive + Duration::hours(h)))
                    .earliest()
            })
            .map_or_else(|| naive.and_utc(), |t| t.with_timezone(&Utc)),
    }
}

/// The instants `[start, end)` of local hour `hour` of `day`.
fn hour_bounds(tz: Tz, day: NaiveDate, hour: u32) -> (DateTime<Utc>, DateTime<Utc>) {
    let at = |d: NaiveDate, h: u32| {
        local_instant(
            tz,
            d,
            NaiveTime::from_hms_opt(h, 0, 0).unwrap_or(NaiveTime::MIN),
        )
    };
    let start = at(day, hour);
    let end = if hour == 23 {
        at(day + Duration::days(1), 0)
    } else {
        at(day, hour + 1)
    };
    // An hour that does not exist (spring forward) is judged at its instant.
    (start, end.max(start + Duration::seconds(1)))
}

/// Whether the spans together cover all of `[a, b)`.
fn covered(spans: &[(DateTime<Utc>, DateTime<Utc>)], a: DateTime<Utc>, b: DateTime<Utc>) -> bool {
    let mut sorted: Vec<_> = spans.iter().filter(|(s, e)| *s < b && *e > a).collect();
    sorted.sort_by_key(|(s, _)| *s);
    let mut reached = a;
    for (s, e) in sorted {
        if *s > reached {
            return false;
        }
        reached = reached.max(*e);
        if reached >= b {
            return true;
        }
    }
    reached >= b
}

/// Names of those whose spans overlap `[a, b)`, each once, in order of first appearance.
fn names_in(spans: &[Span], a: DateTime<Utc>, b: DateTime<Utc>) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for s in spans.iter().filter(|s| s.starts_at < b && s.ends_at > a) {
        if !names.contains(&s.who) {
            names.push(s.who.clone());
        }
    }
    names
}

fn cover_of(
    own: &[Span],
    fallbacks: &[(String, Vec<Span>)],
    a: DateTime<Utc>,
    b: DateTime<Utc>,
) -> Cover {
    let own_spans: Vec<_> = own.iter().map(|s| (s.starts_at, s.ends_at)).collect();
    let names = names_in(own, a, b);
    if covered(&own_spans, a, b) {
        return Cover::OnCall(names);
    }
    let mut all = own_spans;
    let mut territories = Vec::new();
    for (code, spans) in fallbacks {
        if spans.iter().any(|s| s.starts_at < b && s.ends_at > a) {
            territories.push(code.clone());
            all.extend(spans.iter().map(|s| (s.starts_at, s.ends_at)));
        }
    }
    if covered(&all, a, b) {
        Cover::Fallback {
            territories,
            partly: names,
        }
    } else {
        Cover::Gap { partly: names }
    }
}

/// The segments of local `day`, hour by hour, merged.
pub fn day_segments(
    tz: Tz,
    day: NaiveDate,
    own: &[Span],
    fallbacks: &[(String, Vec<Span>)],
) -> Vec<Segment> {
    let mut segments: Vec<Segment> = Vec::new();
    for hour in 0..24 {
        let (a, b) = hour_bounds(tz, day, hour);
        let cover = cover_of(own, fallbacks, a, b);
        match segments.last_mut() {
            Some(last) if last.cover == cover => last.hours += 1,
            _ => segments.push(Segment {
                start_hour: hour,
                hours: 1,
                cover,
            }),
        }
    }
    segments
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paris(d: u32, h: u32) -> DateTime<Utc> {
        local_instant(
            chrono_tz::Europe::Paris,
            NaiveDate::from_ymd_opt(2026, 12, d).unwrap(),
            NaiveTime::from_hms_opt(h, 0, 0).unwrap(),
        )
    }

    fn span(from: DateTime<Utc>, to: DateTime<Utc>, who: &str) -> Span {
        Span {
            starts_at: from,
            ends_at: to,
            who: who.into(),
        }
    }

    #[test]
    fn weeks_are_iso_weeks() {
        let monday = parse_week("2026-W49").unwrap();
        assert_eq!(monday, NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
        assert_eq!(week_name(monday + Duration::days(6)), "2026-W49");
        assert_eq!(
            monday_of(NaiveDate::from_ymd_opt(2026, 12, 3).unwrap()),
            monday
        );
        assert!(parse_week("2026-49").is_none());
        assert!(parse_week("2026-W60").is_none());
    }

    #[test]
    fn a_day_is_cut_where_its_cover_changes() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let own = [span(paris(1, 8), paris(1, 18), "Dr A")];
        let fallbacks = [(
            "84".to_owned(),
            vec![span(paris(1, 18), paris(1, 20), "Dr B")],
        )];
        let segments = day_segments(chrono_tz::Europe::Paris, day, &own, &fallbacks);
        let shape: Vec<(u32, u32)> = segments.iter().map(|s| (s.start_hour, s.hours)).collect();
        assert_eq!(shape, [(0, 8), (8, 10), (18, 2), (20, 4)]);
        assert_eq!(segments[0].cover, Cover::Gap { partly: vec![] });
        assert_eq!(segments[1].cover, Cover::OnCall(vec!["Dr A".into()]));
        assert_eq!(
            segments[2].cover,
            Cover::Fallback {
                territories: vec!["84".into()],
                partly: vec![]
            }
        );
    }

    #[test]
    fn an_hour_covered_only_in_part_is_a_gap() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let own = [span(
            paris(1, 0),
            paris(1, 9) + Duration::minutes(30),
            "Dr A",
        )];
        let segments = day_segments(chrono_tz::Europe::Paris, day, &own, &[]);
        assert_eq!(segments[1].start_hour, 9);
        assert_eq!(
            segments[1].cover,
            Cover::Gap {
                partly: vec!["Dr A".into()]
            }
        );
    }

    #[test]
    fn two_shifts_end_to_end_cover_the_day() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let own = [
            span(paris(1, 0), paris(1, 12), "Dr A"),
            span(paris(1, 12), paris(2, 0), "Dr B"),
        ];
        let segments = day_segments(chrono_tz::Europe::Paris, day, &own, &[]);
        assert_eq!(segments.len(), 2);
        assert!(segments.iter().all(|s| matches!(s.cover, Cover::OnCall(_))));
    }

    #[test]
    fn the_spring_forward_day_still_has_its_hours() {
        let day = NaiveDate::from_ymd_opt(2027, 3, 28).unwrap();
        let tz = chrono_tz::Europe::Paris;
        let start = local_instant(tz, day, NaiveTime::MIN);
        let own = [span(start, start + Duration::hours(23), "Dr A")];
        let segments = day_segments(tz, day, &own, &[]);
        assert_eq!(segments.len(), 1, "{segments:?}");
        assert_eq!(segments[0].hours, 24);
    }
}
