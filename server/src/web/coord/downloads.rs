//! `GET /dashboard/<table>.csv?from=...&to=...&territory=...`: each table of the dashboard for a
//! spreadsheet. The per-dermatologist and per-priority tables are the SLA report's own CSV (the
//! same bytes as `GET /api/v1/reports/sla?format=csv`); the others use the same conventions:
//! durations in seconds, days as ISO dates, times in RFC 3339 UTC, codes rather than words.

use actix_web::{get, http::header, web, HttpRequest, HttpResponse};
use chrono_tz::Tz;

use super::{
    period::{Period, PeriodForm},
    places_of,
};
use crate::{
    domain::Priority,
    http::AppState,
    reports::{
        dashboard::{AgeBand, Dashboard},
        sla_csv, ReportError,
    },
    web::{errors::WebError, form, home_of, layout::see_other, session::SignedIn},
};

#[get("/dashboard/{table}.csv")]
pub(super) async fn table(
    state: web::Data<AppState>,
    me: SignedIn,
    req: HttpRequest,
    name: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let Some(places) = places_of(&state, me.user()).await? else {
        return Ok(see_other(home_of(me.user())));
    };
    let form: PeriodForm = form::query(&req);
    let (period, errors) = Period::read(me.lang(), &form, &places, state.clock.now());
    if !errors.is_empty() {
        return Err(WebError::Invalid);
    }
    let user = me.user();
    let name = name.into_inner();
    let body = match name.as_str() {
        "dermatologists" | "priorities" => {
            let by = if name == "priorities" {
                "priority"
            } else {
                "dermatologist"
            };
            let (report, _) = state
                .reports
                .sla(user, &period.query(Some(by)))
                .await
                .map_err(refused)?;
            sla_csv(&report)
        }
        "weeks-urgent" | "weeks-routine" | "breaches" | "open-cases" | "at-risk" => {
            let d = state
                .reports
                .dashboard(user, &period.query(None), period.tz)
                .await
                .map_err(refused)?;
            match name.as_str() {
                "weeks-urgent" => weeks_csv(&d, period.tz, Some(Priority::Urgent)),
                "weeks-routine" => weeks_csv(&d, period.tz, Some(Priority::Routine)),
                "breaches" => weeks_csv(&d, period.tz, None),
                "open-cases" => open_csv(&d),
                _ => at_risk_csv(&d),
            }
        }
        _ => return Err(WebError::NotFound),
    }
    .map_err(|e| WebError::Internal(e.into()))?;
    let filename = format!("telederm-{name}-{}-{}.csv", period.from_day, period.to_day);
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .body(body))
}

fn refused(e: ReportError) -> WebError {
    match e {
        ReportError::Internal(e) => WebError::Internal(e),
        ReportError::Forbidden | ReportError::Validation(_) => WebError::Invalid,
    }
}

fn opt(v: Option<i64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// One priority's first response per week, or (`None`) the breaches per week.
fn weeks_csv(d: &Dashboard, tz: Tz, priority: Option<Priority>) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    match priority {
        Some(_) => w.write_record([
            "week_start",
            "week_end",
            "cases",
            "responded",
            "first_response_median_secs",
            "first_response_p90_secs",
        ])?,
        None => w.write_record(["week_start", "week_end", "cases", "breaches"])?,
    }
    for week in &d.weeks {
        let start = week.start.with_timezone(&tz).date_naive().to_string();
        // The last day of the week, included.
        let end = (week.end.with_timezone(&tz) - chrono::Duration::seconds(1))
            .date_naive()
            .to_string();
        match priority {
            Some(p) => {
                let f = week.of(p);
                w.write_record([
                    start,
                    end,
                    f.cases.to_string(),
                    f.responded.to_string(),
                    opt(f.median_secs),
                    opt(f.p90_secs),
                ])?
            }
            None => w.write_record([
                start,
                end,
                (week.urgent.cases + week.routine.cases).to_string(),
                week.breaches.to_string(),
            ])?,
        }
    }
    finish(w)
}

fn open_csv(d: &Dashboard) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["age_band", "open"])?;
    for (band, n) in AgeBand::ALL.iter().zip(d.open_by_age) {
        w.write_record([band.as_str().to_owned(), n.to_string()])?;
    }
    finish(w)
}

fn at_risk_csv(d: &Dashboard) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "case",
        "territory",
        "priority",
        "status",
        "submitted_at",
        "due_at",
        "step",
    ])?;
    for c in &d.at_risk {
        w.write_record([
            c.id.to_string(),
            c.territory.clone(),
            c.priority.as_str().to_owned(),
            c.status.as_str().to_owned(),
            c.submitted_at.to_rfc3339(),
            c.due_at.to_rfc3339(),
            c.step.as_str().to_owned(),
        ])?;
    }
    finish(w)
}

fn finish(w: csv::Writer<Vec<u8>>) -> Result<String, csv::Error> {
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    // The writer only writes the UTF-8 strings given to it.
    Ok(String::from_utf8(bytes).unwrap_or_default())
}
