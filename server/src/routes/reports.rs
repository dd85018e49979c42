use actix_web::{get, http::header, web, HttpRequest, HttpResponse};
use telederm_schemas::{self as wire, Problem};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    error::ApiError,
    http::{AppState, AuthenticatedUser},
    reports::{outcomes_csv, parse_query, sla_csv, Format},
};

/// This resource's endpoints: each one's route and OpenAPI entry come from its attributes below.
pub(super) fn register(cfg: &mut ServiceConfig) {
    cfg.service(sla).service(outcomes);
}

/// Turnaround against the targets for cases submitted in `[from, to)`, by default the last 30
/// days (coordinators for their territories, admins). `format=csv` for a spreadsheet.
#[utoipa::path(tag = "reports", params(wire::ReportQuery), security(("bearer" = [])), responses(
    (status = 200, body = wire::SlaReport),
    (status = 200, description = "with `format=csv`", content_type = "text/csv"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[get("/reports/sla")]
pub async fn sla(
    state: web::Data<AppState>,
    caller: AuthenticatedUser,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let query = parse_query(req.query_string())?;
    let (report, format) = state.reports.sla(caller.user(), &query).await?;
    match format {
        Format::Json => Ok(HttpResponse::Ok().json(report)),
        Format::Csv => csv_response(sla_csv(&report), "sla"),
    }
}

/// Delay from submission to the in-person visit, biopsy and histology, per territory, for cases
/// submitted in `[from, to)`, by default the last 30 days.
#[utoipa::path(tag = "reports", params(wire::ReportQuery), security(("bearer" = [])), responses(
    (status = 200, body = wire::OutcomesReport),
    (status = 200, description = "with `format=csv`", content_type = "text/csv"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[get("/reports/outcomes")]
pub async fn outcomes(
    state: web::Data<AppState>,
    caller: AuthenticatedUser,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let query = parse_query(req.query_string())?;
    let (report, format) = state.reports.outcomes(caller.user(), &query).await?;
    match format {
        Format::Json => Ok(HttpResponse::Ok().json(report)),
        Format::Csv => csv_response(outcomes_csv(&report), "outcomes"),
    }
}

fn csv_response(body: Result<String, csv::Error>, name: &str) -> Result<HttpResponse, ApiError> {
    let body = body.map_err(anyhow::Error::from)?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"telederm-{name}.csv\""),
        ))
        .body(body))
}
