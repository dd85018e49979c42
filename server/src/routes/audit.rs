use actix_web::{get, web};
use telederm_schemas::{self as wire, Problem};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    error::ApiError,
    http::{AppState, AuthenticatedUser},
};

/// This resource's endpoints: each one's route and OpenAPI entry come from its attributes below.
pub(super) fn register(cfg: &mut ServiceConfig) {
    cfg.service(list_audit).service(verify_audit);
}

/// The audit trail, newest first (coordinators: the lines of their territories; admins: all).
#[utoipa::path(tag = "audit", params(wire::AuditQuery), security(("bearer" = [])), responses(
    (status = 200, body = wire::AuditPage),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[get("/audit")]
pub async fn list_audit(
    state: web::Data<AppState>,
    caller: AuthenticatedUser,
    query: web::Query<wire::AuditQuery>,
) -> Result<web::Json<wire::AuditPage>, ApiError> {
    Ok(web::Json(
        state.reports.audit_trail(caller.user(), &query).await?,
    ))
}

/// Walk the whole chain and report the first broken link (coordinators and admins).
#[utoipa::path(tag = "audit", security(("bearer" = [])), responses(
    (status = 200, body = wire::AuditVerification),
    (status = 403, body = Problem, content_type = "application/problem+json"),
))]
#[get("/audit/verify")]
pub async fn verify_audit(
    state: web::Data<AppState>,
    caller: AuthenticatedUser,
) -> Result<web::Json<wire::AuditVerification>, ApiError> {
    Ok(web::Json(state.reports.verify_audit(caller.user()).await?))
}
