use actix_web::{get, post, web, HttpResponse};
use telederm_schemas::{self as wire, Problem};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::{
    error::ApiError,
    http::{AppState, AuthenticatedUser},
};

/// This resource's endpoints: each one's route and OpenAPI entry come from its attributes below.
pub(super) fn register(cfg: &mut ServiceConfig) {
    cfg.service(list_queue)
        .service(claim_next)
        .service(claim_case)
        .service(release_case);
}

/// The cases the calling dermatologist may take now: queued cases of the territories where it is
/// on call, and of territories with nobody on call that fall back to one of them. Urgent first,
/// then earliest due, then earliest submitted. Triage fields only; the first `limit` (default 50).
#[utoipa::path(tag = "queue", security(("bearer" = [])), params(wire::QueueQuery), responses(
    (status = 200, body = Vec<wire::QueueItem>),
    (status = 400, description = "bad_request: `limit` is not a number", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "validation_failed: `limit` out of 1 to 200", body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
))]
#[get("/queue")]
pub async fn list_queue(
    state: web::Data<AppState>,
    caller: AuthenticatedUser,
    query: web::Query<wire::QueueQuery>,
) -> Result<web::Json<Vec<wire::QueueItem>>, ApiError> {
    Ok(web::Json(state.cases.queue(caller.user(), &query).await?))
}

/// Claim the first case of the caller's queue and open it; 204 when the queue is empty.
#[utoipa::path(tag = "queue", security(("bearer" = [])), responses(
    (status = 200, body = wire::Case),
    (status = 204, description = "the queue is empty"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
))]
#[post("/queue/claim-next")]
#[tracing::instrument(skip_all)]
pub async fn claim_next(
    state: web::Data<AppState>,
    caller: AuthenticatedUser,
) -> Result<HttpResponse, ApiError> {
    Ok(match state.cases.claim_next(caller.user()).await? {
        Some(case) => HttpResponse::Ok().json(case),
        None => HttpResponse::NoContent().finish(),
    })
}

/// Claim a case, exclusively: of concurrent claims one wins, the others get 409 `conflict`.
#[utoipa::path(tag = "queue", security(("bearer" = [])), responses(
    (status = 200, body = wire::Case),
    (status = 403, description = "not a dermatologist, or no longer on call for a case it worked on", body = Problem, content_type = "application/problem+json"),
    (status = 404, description = "no such case, or not on call for its territory (whatever its state)", body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json"),
))]
#[post("/cases/{id}/claim")]
#[tracing::instrument(skip_all, fields(case_id = %id))]
pub async fn claim_case(
    state: web::Data<AppState>,
    caller: AuthenticatedUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<wire::Case>, ApiError> {
    Ok(web::Json(state.cases.claim(caller.user(), *id).await?))
}

/// Give a claimed case back to the queue (its claimer only).
#[utoipa::path(tag = "queue", security(("bearer" = [])), responses(
    (status = 204, description = "back in the queue"),
    (status = 403, description = "not a dermatologist, or claimed by another dermatologist of the territory", body = Problem, content_type = "application/problem+json"),
    (status = 404, description = "no such case, or none of the caller's business (whatever its state)", body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "invalid_state: not claimed", body = Problem, content_type = "application/problem+json"),
))]
#[post("/cases/{id}/release")]
#[tracing::instrument(skip_all, fields(case_id = %id))]
pub async fn release_case(
    state: web::Data<AppState>,
    caller: AuthenticatedUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    state.cases.release(caller.user(), *id).await?;
    Ok(HttpResponse::NoContent().finish())
}
