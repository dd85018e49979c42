//! The dashboard's tables in the page's words: one `Table` per figure, each cell's text as shown,
//! so that the template draws them all alike and the tests read the same numbers as a person.

use chrono_tz::Tz;
use fluent_templates::fluent_bundle::FluentValue;
use telederm_schemas as wire;

use super::short_ref;
use crate::{
    domain::Priority,
    reports::dashboard::{AgeBand, Dashboard, Week},
    reports::sla::UNASSIGNED,
    web::{dates::format_datetime, i18n::Lang},
};

pub struct Cell {
    pub text: String,
    /// A link (the case's history), if the cell is one.
    pub href: Option<String>,
    /// A figure, aligned to the right (words are aligned to the left).
    pub numeric: bool,
}

impl Cell {
    fn text(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            href: None,
            numeric: false,
        }
    }

    fn num(text: impl Into<String>) -> Cell {
        Cell {
            numeric: true,
            ..Cell::text(text)
        }
    }
}

pub struct Table {
    /// Its `id` in the page, and the name of its CSV download (`/dashboard/<name>.csv`).
    pub name: &'static str,
    pub caption: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// Said instead of an empty table.
    pub empty: String,
}

/// Hours with one decimal, as the charts' axis reads them ("2,5 h", "2.5 h").
pub fn hours(lang: Lang, secs: Option<i64>) -> String {
    match secs {
        None => lang.t("coord-none"),
        Some(s) => {
            let h = format!("{:.1}", s as f64 / 3600.0);
            let h = if lang == Lang::Fr {
                h.replace('.', ",")
            } else {
                h
            };
            lang.t_with("coord-hours", [("hours", FluentValue::from(h))])
        }
    }
}

/// A share as a whole percentage ("25 %").
pub fn percent(lang: Lang, share: f64) -> String {
    lang.t_with(
        "coord-percent",
        [("value", FluentValue::from(format!("{:.0}", share * 100.0)))],
    )
}

pub fn priority(lang: Lang, p: Priority) -> String {
    lang.t(&format!("coord-priority-{}", p.as_str()))
}

/// "urgent cases", "demandes urgentes": the words agree in French.
pub fn priority_cases(lang: Lang, p: Priority) -> String {
    lang.t(&format!("coord-cases-{}", p.as_str()))
}

/// The SLA report's groups (per dermatologist or per priority) and its total.
pub fn sla(lang: Lang, name: &'static str, report: &wire::SlaReport) -> Table {
    let heads = [
        if name == "dermatologists" {
            "coord-col-dermatologist"
        } else {
            "coord-col-priority"
        },
        "coord-col-cases",
        "coord-col-answered",
        "coord-col-median",
        "coord-col-p90",
        "coord-col-breaches",
        "coord-col-breach-rate",
        "coord-col-open",
        "coord-col-at-risk",
    ];
    let label = |g: &wire::SlaGroup| match (name, g.key.as_str()) {
        (_, "total") if std::ptr::eq(g, &report.total) => lang.t("coord-total"),
        (_, UNASSIGNED) => lang.t("coord-unassigned"),
        ("priorities", key) => lang.t(&format!("coord-priority-{key}")),
        _ => g.label.clone().unwrap_or_else(|| g.key.clone()),
    };
    let rows = report
        .groups
        .iter()
        .chain((!report.groups.is_empty()).then_some(&report.total))
        .map(|g| {
            vec![
                Cell::text(label(g)),
                Cell::num(g.cases.to_string()),
                Cell::num(g.answered.to_string()),
                Cell::num(hours(lang, g.first_response.median_secs)),
                Cell::num(hours(lang, g.first_response.p90_secs)),
                Cell::num(g.breaches.to_string()),
                Cell::num(percent(lang, g.breach_rate)),
                Cell::num(g.open.to_string()),
                Cell::num(g.at_risk.to_string()),
            ]
        })
        .collect();
    Table {
        name,
        caption: lang.t(&format!("coord-table-{name}")),
        headers: heads.iter().map(|k| lang.t(k)).collect(),
        rows,
        empty: lang.t("coord-no-case"),
    }
}

/// "12 nov." for a week starting on 12 November, where the period's days are read.
pub fn week_label(lang: Lang, week: &Week, tz: Tz) -> String {
    use chrono::Datelike;
    let day = week.start.with_timezone(&tz).date_naive();
    lang.t_with(
        "coord-week-label",
        [
            ("day", FluentValue::from(day.day().to_string())),
            (
                "month",
                FluentValue::from(lang.t(&format!("month-{}", day.month()))),
            ),
        ],
    )
}

/// First response of one priority's cases, week by week.
pub fn response_weeks(lang: Lang, d: &Dashboard, tz: Tz, p: Priority) -> Table {
    let heads = [
        "coord-col-week",
        "coord-col-cases",
        "coord-col-responded",
        "coord-col-median",
        "coord-col-p90",
    ];
    let rows = d
        .weeks
        .iter()
        .map(|w| {
            let f = w.of(p);
            vec![
                Cell::text(week_label(lang, w, tz)),
                Cell::num(f.cases.to_string()),
                Cell::num(f.responded.to_string()),
                Cell::num(hours(lang, f.median_secs)),
                Cell::num(hours(lang, f.p90_secs)),
            ]
        })
        .collect();
    let name = match p {
        Priority::Urgent => "weeks-urgent",
        Priority::Routine => "weeks-routine",
    };
    Table {
        name,
        caption: lang.t_with(
            "coord-table-response",
            [("cases", FluentValue::from(priority_cases(lang, p)))],
        ),
        headers: heads.iter().map(|k| lang.t(k)).collect(),
        rows,
        empty: lang.t("coord-no-case"),
    }
}

/// Breaches among the cases submitted each week.
pub fn breach_weeks(lang: Lang, d: &Dashboard, tz: Tz) -> Table {
    let rows = d
        .weeks
        .iter()
        .map(|w| {
            vec![
                Cell::text(week_label(lang, w, tz)),
                Cell::num((w.urgent.cases + w.routine.cases).to_string()),
                Cell::num(w.breaches.to_string()),
            ]
        })
        .collect();
    Table {
        name: "breaches",
        caption: lang.t("coord-table-breaches"),
        headers: ["coord-col-week", "coord-col-cases", "coord-col-breaches"]
            .iter()
            .map(|k| lang.t(k))
            .collect(),
        rows,
        empty: lang.t("coord-no-case"),
    }
}

pub fn age_band(lang: Lang, band: AgeBand) -> String {
    lang.t(&format!("coord-age-{}", band.as_str()))
}

pub fn open_cases(lang: Lang, d: &Dashboard) -> Table {
    Table {
        name: "open-cases",
        caption: lang.t("coord-table-open-cases"),
        headers: vec![lang.t("coord-col-age"), lang.t("coord-col-open")],
        rows: AgeBand::ALL
            .iter()
            .zip(d.open_by_age)
            .map(|(band, n)| vec![Cell::text(age_band(lang, *band)), Cell::num(n.to_string())])
            .collect(),
        empty: lang.t("coord-no-case"),
    }
}

/// The cases at risk, each a link to its (non-clinical) history in the audit trail.
pub fn at_risk(lang: Lang, d: &Dashboard, zones: &dyn Fn(&str) -> Tz) -> Table {
    let heads = [
        "coord-col-case",
        "coord-col-territory",
        "coord-col-priority",
        "coord-col-status",
        "coord-col-submitted",
        "coord-col-due",
        "coord-col-step",
    ];
    let rows = d
        .at_risk
        .iter()
        .map(|c| {
            let tz = zones(&c.territory);
            vec![
                Cell {
                    text: lang.t_with(
                        "coord-case-history",
                        [("case", FluentValue::from(short_ref(c.id)))],
                    ),
                    href: Some(format!("/audit?case={}", c.id)),
                    numeric: false,
                },
                Cell::text(c.territory.clone()),
                Cell::text(priority(lang, c.priority)),
                Cell::text(lang.t(&format!(
                    "coord-status-{}",
                    c.status.as_str().replace('_', "-")
                ))),
                Cell::text(format_datetime(lang, c.submitted_at, tz)),
                Cell::text(format_datetime(lang, c.due_at, tz)),
                Cell::text(lang.t(&format!("coord-step-{}", c.step.as_str()))),
            ]
        })
        .collect();
    Table {
        name: "at-risk",
        caption: lang.t("coord-table-at-risk"),
        headers: heads.iter().map(|k| lang.t(k)).collect(),
        rows,
        empty: lang.t("coord-no-case-at-risk"),
    }
}
