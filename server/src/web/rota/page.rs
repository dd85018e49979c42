//! `GET /rota?territory=13&week=2026-W49`: a territory's week (default: the person's first
//! territory, this week), hour by hour, with its gaps named; its shifts; its settings.

use crate::web::fields::Fields;
use actix_web::{get, http::StatusCode, web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::{Duration, NaiveDate};
use chrono_tz::Tz;
use fluent_templates::fluent_bundle::FluentValue;
use serde::Deserialize;
use uuid::Uuid;

use super::{
    input_value, manages_rotas,
    view::{calendar, day_label, gaps, rows, spans, target_line, Calendar, Row, TargetLine},
    web_error,
    week::{self, Segment},
};
use crate::{
    auth::policy::{can_manage_calendar, can_manage_rota},
    domain::{Role, Territory},
    http::AppState,
    rota::RotaError,
    web::{
        dates::{format_date, format_datetime},
        errors::WebError,
        form::{self, FieldErrors},
        home_of,
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

struct ShiftLine {
    id: Uuid,
    who: String,
    from: String,
    to: String,
    starts_value: String,
    ends_value: String,
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
        may_edit_calendar: can_manage_calendar(user, &territory.code).is_allowed(),
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
