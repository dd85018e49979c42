//! `GET /rota?territory=13&week=2026-W49`: a territory's week (default: the person's first
//! territory, this week), hour by hour, with its gaps named; its shifts; its settings.

use actix_web::{get, http::StatusCode, web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::{Duration, NaiveDate};
use chrono_tz::Tz;
use fluent_templates::fluent_bundle::FluentValue;
use serde::Deserialize;
use telederm_schemas as wire;
use uuid::Uuid;

use super::{
    fields::Fields,
    input_value, manages_rotas, web_error,
    week::{self, Cover, Segment, Span},
};
use crate::{
    auth::policy::{can_manage_rota, can_manage_territories},
    domain::{weekday_name, Role, Territory},
    http::AppState,
    rota::RotaError,
    web::{
        dates::{format_date, format_datetime},
        errors::WebError,
        form::{self, FieldErrors},
        home_of,
        i18n::Lang,
        layout::{self, see_other, Ctx},
        session::SignedIn,
    },
};

#[derive(Deserialize, Default)]
pub(super) struct Query {
    pub territory: Option<String>,
    pub week: Option<String>,
    pub done: Option<String>,
}

/// A form the page refused, shown again with what was sent and what to fix.
#[derive(Default)]
pub(super) struct Refused {
    /// `add`, `move`, `target`, `calendar`.
    pub form: &'static str,
    /// The shift being moved, or the priority whose target was refused.
    pub which: String,
    pub fields: Fields,
    pub errors: FieldErrors,
}

struct Cell {
    rowspan: u32,
    class: &'static str,
    label: String,
    range: String,
    day: String,
}

struct Row {
    hour: String,
    cells: Vec<Cell>,
}

struct ShiftLine {
    id: Uuid,
    who: String,
    from: String,
    to: String,
    starts_value: String,
    ends_value: String,
}

struct TargetLine {
    priority: &'static str,
    label: String,
    hours: String,
    business: bool,
    is_default: bool,
}

struct Calendar {
    days: Vec<(&'static str, String, bool)>,
    start: String,
    end: String,
    holidays: String,
    holiday_list: Vec<String>,
}

#[derive(Template)]
#[template(path = "rota/week.html")]
struct RotaPage {
    ctx: Ctx,
    territories: Vec<(String, String, bool)>,
    code: String,
    name: String,
    tz_name: String,
    week: String,
    week_label: String,
    prev_week: String,
    next_week: String,
    days: Vec<String>,
    rows: Vec<Row>,
    gaps: Vec<String>,
    unknown_fallbacks: String,
    fallbacks: String,
    shifts: Vec<ShiftLine>,
    dermatologists: Vec<(String, String)>,
    refused: Refused,
    targets: Vec<TargetLine>,
    calendar: Calendar,
    may_edit_calendar: bool,
    notice: Option<String>,
}

impl RotaPage {
    /// What the refused form `form` sent as `name` (`default` when it is not that form).
    fn sent<'a>(&'a self, form: &str, which: &str, name: &str, default: &'a str) -> &'a str {
        if self.refused.form == form && self.refused.which == which {
            self.refused.fields.get(name)
        } else {
            default
        }
    }

    /// The message next to field `name` of `form`, if that form was refused.
    fn error(&self, form: &str, which: &str, name: &str) -> Option<&str> {
        (self.refused.form == form && self.refused.which == which)
            .then(|| self.refused.errors.get(name))
            .flatten()
    }
}

#[get("/rota")]
pub(super) async fn show(
    state: web::Data<AppState>,
    me: SignedIn,
    req: HttpRequest,
) -> Result<HttpResponse, WebError> {
    if !manages_rotas(me.user()) {
        return Ok(see_other(home_of(me.user())));
    }
    let query: Query = form::query(&req);
    render(&state, &me, &query, StatusCode::OK, Refused::default()).await
}

/// The page, for `query`'s territory and week, with `refused` shown if a form was.
pub(super) async fn render(
    state: &AppState,
    me: &SignedIn,
    query: &Query,
    status: StatusCode,
    refused: Refused,
) -> Result<HttpResponse, WebError> {
    let lang = me.lang();
    let user = me.user();
    let all = state.rota.territories().await.map_err(web_error)?;
    let mine: Vec<&Territory> = all
        .iter()
        .filter(|t| can_manage_rota(user, &t.code).is_allowed())
        .collect();
    let territory = match query.territory.as_deref().map(str::trim) {
        Some(code) if !code.is_empty() => state.rota.territory(code).await.map_err(web_error)?,
        _ => match mine.first() {
            Some(t) => (*t).clone(),
            None => return Err(WebError::NotFound),
        },
    };
    if !can_manage_rota(user, &territory.code).is_allowed() {
        return Err(WebError::Forbidden);
    }
    let tz = territory.timezone.tz();
    let today = state.clock.now().with_timezone(&tz).date_naive();
    let monday = query
        .week
        .as_deref()
        .and_then(week::parse_week)
        .unwrap_or_else(|| week::monday_of(today));
    let from = week::local_instant(tz, monday, chrono::NaiveTime::MIN);
    let to = week::local_instant(tz, monday + Duration::days(7), chrono::NaiveTime::MIN);

    let code = territory.code.to_string();
    let shifts = state
        .rota
        .shifts(user, &code, Some(from), Some(to))
        .await
        .map_err(web_error)?;
    let mut fallback_spans = Vec::new();
    let mut unknown = Vec::new();
    for f in &territory.fallbacks {
        match state
            .rota
            .shifts(user, f.as_str(), Some(from), Some(to))
            .await
        {
            Ok(s) => fallback_spans.push((f.to_string(), spans(&s))),
            // Not this coordinator's territory: its cover cannot be shown.
            Err(RotaError::Forbidden) => unknown.push(f.to_string()),
            Err(e) => return Err(web_error(e)),
        }
    }
    let own = spans(&shifts);
    let days: Vec<NaiveDate> = (0..7).map(|d| monday + Duration::days(d)).collect();
    let day_segments: Vec<Vec<Segment>> = days
        .iter()
        .map(|d| week::day_segments(tz, *d, &own, &fallback_spans))
        .collect();
    let day_labels: Vec<String> = days.iter().map(|d| day_label(lang, *d)).collect();

    let dermatologists = state
        .accounts
        .users(user, Some(Role::Dermatologist))
        .await?
        .into_iter()
        .filter(|u| !u.is_disabled())
        .map(|u| (u.id.to_string(), u.display_name.as_str().to_owned()))
        .collect();
    let targets = state
        .rota
        .targets(user, &code)
        .await
        .map_err(web_error)?
        .iter()
        .map(|p| target_line(lang, p))
        .collect();

    let page = RotaPage {
        territories: mine
            .iter()
            .map(|t| {
                let code = t.code.to_string();
                let chosen = t.code == territory.code;
                (code, t.name.as_str().to_owned(), chosen)
            })
            .collect(),
        name: territory.name.as_str().to_owned(),
        tz_name: territory.timezone.name().to_owned(),
        week: week::week_name(monday),
        week_label: lang.t_with(
            "rota-week-of",
            [
                ("from", FluentValue::from(format_date(lang, monday))),
                (
                    "to",
                    FluentValue::from(format_date(lang, monday + Duration::days(6))),
                ),
            ],
        ),
        prev_week: week::week_name(monday - Duration::days(7)),
        next_week: week::week_name(monday + Duration::days(7)),
        rows: rows(lang, &day_segments, &day_labels),
        gaps: gaps(&day_segments, &day_labels),
        days: day_labels,
        unknown_fallbacks: unknown.join(", "),
        fallbacks: territory
            .fallbacks
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        shifts: shifts
            .iter()
            .map(|s| ShiftLine {
                id: s.id,
                who: s.dermatologist.name.clone(),
                from: format_datetime(lang, s.starts_at, tz),
                to: format_datetime(lang, s.ends_at, tz),
                starts_value: input_value(s.starts_at, tz),
                ends_value: input_value(s.ends_at, tz),
            })
            .collect(),
        dermatologists,
        targets,
        calendar: calendar(lang, &territory),
        may_edit_calendar: can_manage_territories(user).is_allowed(),
        notice: query
            .done
            .as_deref()
            .and_then(|d| lang.find(&format!("rota-done-{d}"))),
        code,
        refused,
        ctx: me.ctx(),
    };
    layout::render(status, &page)
}

fn spans(shifts: &[wire::Shift]) -> Vec<Span> {
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
fn day_label(lang: Lang, day: NaiveDate) -> String {
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

fn hour(h: u32) -> String {
    format!("{h:02}:00")
}

fn range(s: &Segment) -> String {
    format!("{}–{}", hour(s.start_hour), hour(s.start_hour + s.hours))
}

fn label(lang: Lang, cover: &Cover) -> (&'static str, String) {
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
fn rows(lang: Lang, days: &[Vec<Segment>], labels: &[String]) -> Vec<Row> {
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
fn gaps(days: &[Vec<Segment>], labels: &[String]) -> Vec<String> {
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

fn target_line(lang: Lang, p: &wire::SlaPolicy) -> TargetLine {
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

fn calendar(lang: Lang, t: &Territory) -> Calendar {
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

/// The zone of the territory a form names (the page's forms always name one).
pub(super) async fn zone(state: &AppState, territory: &str) -> Result<Tz, WebError> {
    Ok(state
        .rota
        .territory(territory)
        .await
        .map_err(web_error)?
        .timezone
        .tz())
}
