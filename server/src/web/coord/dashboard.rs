//! `GET /dashboard`: response times against the targets for the coordinator's territories and a
//! period (default: the last eight weeks), every chart with its numbers in a table beside it.

use std::collections::HashMap;

use actix_web::{get, http::StatusCode, web, HttpRequest, HttpResponse};
use askama::Template;
use chrono_tz::Tz;
use fluent_templates::fluent_bundle::FluentValue;

use super::{
    charts::{self, Line, Words},
    period::{Period, PeriodForm},
    places_of,
    tables::{self, Table},
};
use crate::{
    domain::{Priority, Territory, User},
    http::AppState,
    reports::{dashboard::AgeBand, ReportError},
    web::{
        dates::format_date,
        errors::WebError,
        form::{self, FieldErrors},
        home_of,
        i18n::Lang,
        layout::{self, see_other, Ctx},
        session::SignedIn,
    },
};

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// A chart and the table of its numbers.
pub struct Figure {
    pub svg: String,
    pub table: Table,
}

pub struct Figures {
    pub period_text: String,
    pub within_target: String,
    pub response: Vec<Figure>,
    pub breaches: Figure,
    pub open: Figure,
    pub targets: Vec<String>,
    pub at_risk: Table,
    pub by_dermatologist: Table,
    pub by_priority: Table,
    /// `from=...&to=...&territory=...`, for the CSV links.
    pub query: String,
}

#[derive(Template)]
#[template(path = "coord/dashboard.html")]
struct DashboardPage {
    ctx: Ctx,
    from: String,
    to: String,
    territories: Vec<Choice>,
    errors: FieldErrors,
    figures: Option<Figures>,
}

#[get("/dashboard")]
pub(super) async fn show(
    state: web::Data<AppState>,
    me: SignedIn,
    req: HttpRequest,
) -> Result<HttpResponse, WebError> {
    let Some(places) = places_of(&state, me.user()).await? else {
        return Ok(see_other(home_of(me.user())));
    };
    let lang = me.lang();
    let form: PeriodForm = form::query(&req);
    let (period, mut errors) = Period::read(lang, &form, &places, state.clock.now());
    let figures = if errors.is_empty() {
        match figures(&state, me.user(), lang, &period, &places).await {
            Ok(f) => Some(f),
            Err(ReportError::Internal(e)) => return Err(WebError::Internal(e)),
            // The form's own checks come first; the service's are the same rules.
            Err(_) => {
                errors.add("to", lang.t("coord-invalid-period"));
                None
            }
        }
    } else {
        None
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = DashboardPage {
        ctx: me.ctx(),
        from: form
            .from
            .clone()
            .unwrap_or_else(|| period.from_day.to_string()),
        to: form.to.clone().unwrap_or_else(|| period.to_day.to_string()),
        territories: choices(lang, &places, period.territory.as_deref()),
        errors,
        figures,
    };
    layout::render(status, &page)
}

fn choices(lang: Lang, places: &[Territory], chosen: Option<&str>) -> Vec<Choice> {
    std::iter::once(Choice {
        value: String::new(),
        label: lang.t("coord-all-territories"),
        selected: chosen.is_none(),
    })
    .chain(places.iter().map(|t| Choice {
        value: t.code.to_string(),
        label: format!("{} ({})", t.name.as_str(), t.code),
        selected: chosen == Some(t.code.as_str()),
    }))
    .collect()
}

async fn figures(
    state: &AppState,
    user: &User,
    lang: Lang,
    period: &Period,
    places: &[Territory],
) -> Result<Figures, ReportError> {
    let d = state
        .reports
        .dashboard(user, &period.query(None), period.tz)
        .await?;
    let (by_derm, _) = state
        .reports
        .sla(user, &period.query(Some("dermatologist")))
        .await?;
    let (by_priority, _) = state
        .reports
        .sla(user, &period.query(Some("priority")))
        .await?;
    let zones: HashMap<String, Tz> = places
        .iter()
        .map(|t| (t.code.to_string(), t.timezone.tz()))
        .collect();
    let zone = |code: &str| zones.get(code).copied().unwrap_or(period.tz);
    let labels: Vec<String> = d
        .weeks
        .iter()
        .map(|w| tables::week_label(lang, w, period.tz))
        .collect();
    let hours = |secs: Option<i64>| secs.map(|s| s as f64 / 3600.0);
    let mut response = Vec::new();
    let mut targets_text = Vec::new();
    for p in [Priority::Urgent, Priority::Routine] {
        let name = tables::priority(lang, p);
        let mut targets: Vec<(String, f64)> = Vec::new();
        for t in d.targets.iter().filter(|t| t.priority == p) {
            let h = t.minutes as f64 / 60.0;
            let text = lang.t_with(
                "coord-target",
                [
                    ("priority", FluentValue::from(name.clone())),
                    ("territory", FluentValue::from(t.territory.clone())),
                    ("hours", FluentValue::from(format_hours(lang, h))),
                ],
            );
            targets_text.push(text);
            if !targets.iter().any(|(_, known)| *known == h) {
                let legend = lang.t_with(
                    "coord-target-legend",
                    [("hours", FluentValue::from(format_hours(lang, h)))],
                );
                targets.push((legend, h));
            }
        }
        let words = Words {
            title: lang.t_with(
                "coord-chart-response",
                [("priority", FluentValue::from(name))],
            ),
            y_axis: lang.t("coord-axis-hours"),
        };
        let median = Line {
            legend: lang.t("coord-legend-median"),
            hours: d.weeks.iter().map(|w| hours(w.of(p).median_secs)).collect(),
        };
        let p90 = Line {
            legend: lang.t("coord-legend-p90"),
            hours: d.weeks.iter().map(|w| hours(w.of(p).p90_secs)).collect(),
        };
        response.push(Figure {
            svg: charts::response_times(&words, &labels, &median, &p90, &targets),
            table: tables::response_weeks(lang, &d, period.tz, p),
        });
    }
    let breaches_svg = charts::bars(
        &Words {
            title: lang.t("coord-chart-breaches"),
            y_axis: lang.t("coord-axis-cases"),
        },
        &labels,
        &d.weeks.iter().map(|w| w.breaches).collect::<Vec<_>>(),
    );
    let bands: Vec<String> = AgeBand::ALL
        .iter()
        .map(|b| tables::age_band(lang, *b))
        .collect();
    let open_svg = charts::bars(
        &Words {
            title: lang.t("coord-chart-open"),
            y_axis: lang.t("coord-axis-cases"),
        },
        &bands,
        &d.open_by_age,
    );
    let within = lang.t_with(
        "coord-within-target",
        [
            ("within", FluentValue::from(d.responded_in_time)),
            ("responded", FluentValue::from(d.responded)),
            (
                "percent",
                FluentValue::from(tables::percent(
                    lang,
                    crate::reports::stats::share(d.responded_in_time, d.responded),
                )),
            ),
        ],
    );
    Ok(Figures {
        period_text: lang.t_with(
            "coord-period",
            [
                (
                    "from",
                    FluentValue::from(format_date(lang, period.from_day)),
                ),
                ("to", FluentValue::from(format_date(lang, period.to_day))),
                // Days and weeks are counted in this zone (the first territory's, for several).
                ("zone", FluentValue::from(period.tz.name())),
            ],
        ),
        within_target: within,
        response,
        breaches: Figure {
            svg: breaches_svg,
            table: tables::breach_weeks(lang, &d, period.tz),
        },
        open: Figure {
            svg: open_svg,
            table: tables::open_cases(lang, &d),
        },
        targets: targets_text,
        at_risk: tables::at_risk(lang, &d, &zone),
        by_dermatologist: tables::sla(lang, "dermatologists", &by_derm),
        by_priority: tables::sla(lang, "priorities", &by_priority),
        query: period.query_string(),
    })
}

/// "48 h", "7,5 h": whole hours without decimals.
fn format_hours(lang: Lang, h: f64) -> String {
    let text = if h.fract() == 0.0 {
        format!("{h:.0}")
    } else {
        format!("{h:.1}")
    };
    let text = if lang == Lang::Fr {
        text.replace('.', ",")
    } else {
        text
    };
    lang.t_with("coord-hours", [("hours", FluentValue::from(text))])
}
