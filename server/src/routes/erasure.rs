//! Erasing a case (administrators), and the territories' retention periods.

use actix_web::{get, post, put, web, HttpResponse};
use telederm_schemas::{self as wire, Problem};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::{
    error::ApiError,
    http::{AppState, AuthenticatedUser},
    retention::Eraser,
};

/// This resource's endpoints: each one's route and OpenAPI entry come from its attributes below.
pub(super) fn register(cfg: &mut ServiceConfig) {
    cfg.service(erase_case)
        .service(get_retention)
        .service(set_retention);
}

fn eraser(state: &AppState) -> Eraser {
    Eraser::new(state.repo.clone(), state.store.clone(), state.clock.clone())
}

/// Erase a closed or cancelled case (administrators): its data key is destroyed (so nothing of
/// it opens again, backups included), its photos deleted, its clinical text blanked; one audit
/// line stays, and the figures reports count. Afterwards the case answers 410 `case_erased`.
#[utoipa::path(tag = "cases", security(("bearer" = [])), responses(
    (status = 204, description = "erased"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "invalid_state: the case is in progress (queued, claimed, waiting on the GP, answered): close or cancel it first", body = Problem, content_type = "application/problem+json"),
    (status = 410, description = "case_erased: erased already", body = Problem, content_type = "application/problem+json"),
))]
#[post("/cases/{id}/erase")]
#[tracing::instrument(skip_all, fields(case_id = %id))]
pub async fn erase_case(
    state: web::Data<AppState>,
    caller: AuthenticatedUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    eraser(&state).erase_by_admin(caller.user(), *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// How long the territory keeps a closed case before `telederm-server cases purge` erases it
/// (administrators and coordinators).
#[utoipa::path(tag = "administration", security(("bearer" = [])), responses(
    (status = 200, body = wire::Retention),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
))]
#[get("/territories/{code}/retention")]
pub async fn get_retention(
    state: web::Data<AppState>,
    caller: AuthenticatedUser,
    code: web::Path<String>,
) -> Result<web::Json<wire::Retention>, ApiError> {
    let retention_days = eraser(&state).retention_days(caller.user(), &code).await?;
    Ok(web::Json(wire::Retention { retention_days }))
}

/// Set the territory's retention period in days after closing (administrators; audited).
#[utoipa::path(tag = "administration", request_body = wire::Retention, security(("bearer" = [])), responses(
    (status = 200, body = wire::Retention),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[put("/territories/{code}/retention")]
#[tracing::instrument(skip_all, fields(territory = %code))]
pub async fn set_retention(
    state: web::Data<AppState>,
    caller: AuthenticatedUser,
    code: web::Path<String>,
    body: web::Json<wire::Retention>,
) -> Result<web::Json<wire::Retention>, ApiError> {
    let retention_days = eraser(&state)
        .set_retention_days(caller.user(), &code, body.retention_days)
        .await?;
    Ok(web::Json(wire::Retention { retention_days }))
}
