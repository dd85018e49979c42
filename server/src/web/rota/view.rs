//! The rota page's view: the week as rows of cells, its gaps in words, the targets and the
//! calendar, in the page's language.

use chrono::NaiveDate;
use fluent_templates::fluent_bundle::FluentValue;
use telederm_schemas as wire;

use super::week::{Cover, Segment, Span};
use crate::{
    domain::{weekday_name, Territory},
    web::{dates::format_date, i18n::Lang},
};

pub(super) struct Cell {
    pub(super) rowspan: u32,
    pub(super) class: &'static str,
    pub(super) label: String,
    pub(super) range: String,
    pub(super) day: String,
}

pub(super) struct Row {
    pub(super) hour: String,
    pub(super) cells: Vec<Cell>,
}

pub(super) struct TargetLine {
    pub(super) priority: &'static str,
    pub(super) label: String,
    pub(super) hours: String,
    pub(super) business: bool,
    pub(super) is_default: bool,
}

pub(super) struct Calendar {
    pub(super) days: Vec<(&'static str, String, bool)>,
    pub(super) start: String,
    pub(super) end: String,
    pub(super) holidays: String,
    pub(super) holiday_list: Vec<String>,
}

pub(super) fn spans(shifts: &[wire::Shift]) -> Vec<Span> {
    shifts
        .iter()
        .map(|s| Span {
            starts_at: s.starts_at,
            ends_at: s.ends_at,
            who: s.dermatologist.name.clone(),
        })
        .collect()
}

/// "Mon 30 Nov".
pub(super) fn day_label(lang: Lang, day: NaiveDate) -> String {
    use chrono::Datelike;
    lang.t_with(
        "rota-day",
        [
            (
                "weekday",
                FluentValue::from(
                    lang.t(&format!("weekday-{}", day.weekday().number_from_monday())),
                ),
            ),
            ("day", FluentValue::from(day.day().to_string())),
            (
                "month",
                FluentValue::from(lang.t(&format!("month-{}", day.month()))),
            ),
        ],
    )
}

pub(super) fn hour(h: u32) -> String {
    format!("{h:02}:00")
}

pub(super) fn range(s: &Segment) -> String {
    format!("{}–{}", hour(s.start_hour), hour(s.start_hour + s.hours))
}

pub(super) fn label(lang: Lang, cover: &Cover) -> (&'static str, String) {
    let partly = |names: &[String]| {
        (!names.is_empty()).then(|| {
            lang.t_with(
                "rota-partly",
                [("names", FluentValue::from(names.join(", ")))],
            )
        })
    };
    match cover {
        Cover::OnCall(names) => ("on-call", names.join(", ")),
        Cover::Fallback {
            territories,
            partly: names,
        } => {
            let mut text = lang.t_with(
                "rota-cover-fallback",
                [("codes", FluentValue::from(territories.join(", ")))],
            );
            if let Some(p) = partly(names) {
                text = format!("{text} · {p}");
            }
            ("fallback", text)
        }
        Cover::Gap { partly: names } => {
            let mut text = lang.t("rota-gap");
            if let Some(p) = partly(names) {
                text = format!("{text} · {p}");
            }
            ("gap", text)
        }
    }
}

/// Hours as rows, days as columns; a segment is one cell spanning its hours (the table puts
/// each cell in the first free column, so cells are given in the order of the days).
pub(super) fn rows(lang: Lang, days: &[Vec<Segment>], labels: &[String]) -> Vec<Row> {
    (0..24)
        .map(|h| Row {
            hour: hour(h),
            cells: days
                .iter()
                .zip(labels)
                .filter_map(|(segments, day)| {
                    let s = segments.iter().find(|s| s.start_hour == h)?;
                    let (class, label) = label(lang, &s.cover);
                    Some(Cell {
                        rowspan: s.hours,
                        class,
                        label,
                        range: range(s),
                        day: day.clone(),
                    })
                })
                .collect(),
        })
        .collect()
}

/// "Tue 1 Dec, 00:00–08:00" for every gap of the week.
pub(super) fn gaps(days: &[Vec<Segment>], labels: &[String]) -> Vec<String> {
    days.iter()
        .zip(labels)
        .flat_map(|(segments, day)| {
            segments
                .iter()
                .filter(|s| matches!(s.cover, Cover::Gap { .. }))
                .map(move |s| format!("{day}, {}", range(s)))
        })
        .collect()
}

pub(super) fn target_line(lang: Lang, p: &wire::SlaPolicy) -> TargetLine {
    let priority = match p.priority {
        wire::Priority::Urgent => "urgent",
        wire::Priority::Routine => "routine",
    };
    TargetLine {
        priority,
        label: lang.t(&format!("priority-{priority}")),
        hours: format!("{}", (p.target_hours * 100.0).round() / 100.0),
        business: p.clock == wire::SlaClock::Business,
        is_default: p.default,
    }
}

pub(super) fn calendar(lang: Lang, t: &Territory) -> Calendar {
    let days = [
        chrono::Weekday::Mon,
        chrono::Weekday::Tue,
        chrono::Weekday::Wed,
        chrono::Weekday::Thu,
        chrono::Weekday::Fri,
        chrono::Weekday::Sat,
        chrono::Weekday::Sun,
    ];
    Calendar {
        days: days
            .iter()
            .map(|d| {
                (
                    weekday_name(*d),
                    lang.t(&format!("weekday-{}", d.number_from_monday())),
                    t.hours.days.contains(d),
                )
            })
            .collect(),
        start: t.hours.start.format("%H:%M").to_string(),
        end: t.hours.end.format("%H:%M").to_string(),
        holidays: t
            .holidays
            .iter()
            .map(|d| d.format("%Y-%m-%d").to_string())
            .collect::<Vec<_>>()
            .join("\n"),
        holiday_list: t.holidays.iter().map(|d| format_date(lang, *d)).collect(),
    }
}
