use actix_web::{delete, get, patch, post, web, HttpResponse};
use telederm_schemas::{self as wire, Problem};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::{
    error::ApiError,
    http::{AppState, AuthenticatedUser},
};

/// This resource's endpoints: each one's route and OpenAPI entry come from its attributes below.
pub(super) fn register(cfg: &mut ServiceConfig) {
    cfg.service(list_shifts)
        .service(create_shift)
        .service(move_shift)
        .service(delete_shift);
}

/// On-call shifts of a territory overlapping a period (default: the coming 7 days).
/// Coordinators of the territory, admins and dermatologists.
#[utoipa::path(tag = "rota", params(wire::ShiftQuery), security(("bearer" = [])), responses(
    (status = 200, body = Vec<wire::Shift>),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[get("/shifts")]
#[tracing::instrument(skip_all)]
pub async fn list_shifts(
    state: web::Data<AppState>,
    caller: AuthenticatedUser,
    query: web::Query<wire::ShiftQuery>,
) -> Result<web::Json<Vec<wire::Shift>>, ApiError> {
    let shifts = state
        .rota
        .shifts(caller.user(), &query.territory, query.from, query.to)
        .await?;
    Ok(web::Json(shifts))
}

/// Put a dermatologist on call for a territory (coordinators of that territory, admins).
///
/// A dermatologist's shifts in one territory may not overlap (`409 conflict`); different
/// dermatologists' may.
#[utoipa::path(tag = "rota", request_body = wire::CreateShift, security(("bearer" = [])), responses(
    (status = 201, body = wire::Shift),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "the dermatologist already has a shift in that territory overlapping this one", body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[post("/shifts")]
#[tracing::instrument(skip_all)]
pub async fn create_shift(
    state: web::Data<AppState>,
    caller: AuthenticatedUser,
    body: web::Json<wire::CreateShift>,
) -> Result<HttpResponse, ApiError> {
    let shift = state.rota.create_shift(caller.user(), &body).await?;
    Ok(HttpResponse::Created().json(shift))
}

/// New times for a shift, in place (coordinators of its territory, admins): one change, audited
/// as `shift.moved`.
#[utoipa::path(tag = "rota", request_body = wire::MoveShift, security(("bearer" = [])), responses(
    (status = 200, body = wire::Shift),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "the dermatologist already has another shift in that territory overlapping the new times", body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[patch("/shifts/{id}")]
#[tracing::instrument(skip_all, fields(shift_id = %id))]
pub async fn move_shift(
    state: web::Data<AppState>,
    caller: AuthenticatedUser,
    id: web::Path<Uuid>,
    body: web::Json<wire::MoveShift>,
) -> Result<web::Json<wire::Shift>, ApiError> {
    Ok(web::Json(
        state.rota.move_shift(caller.user(), *id, &body).await?,
    ))
}

/// Remove a shift (coordinators of its territory, admins).
#[utoipa::path(tag = "rota", security(("bearer" = [])), responses(
    (status = 204, description = "deleted"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
))]
#[delete("/shifts/{id}")]
#[tracing::instrument(skip_all, fields(shift_id = %id))]
pub async fn delete_shift(
    state: web::Data<AppState>,
    caller: AuthenticatedUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    state.rota.delete_shift(caller.user(), *id).await?;
    Ok(HttpResponse::NoContent().finish())
}
