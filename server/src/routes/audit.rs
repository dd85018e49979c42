use actix_web::{get, web};
use telederm_schemas::{self as wire, Problem};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    audit,
    auth::{policy, AuthenticatedUser},
    db::AuditFilter,
    domain::TerritoryCode,
    error::ApiError,
    state::AppState,
};

/// This resource's endpoints: each one's route and OpenAPI entry come from its attributes below.
pub(super) fn register(cfg: &mut ServiceConfig) {
    cfg.service(list_audit).service(verify_audit);
}

const DEFAULT_LIMIT: i64 = 100;
const MAX_LIMIT: i64 = 500;

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
    let allowed = match policy::audit_scope(caller.user()).map_err(|_| ApiError::Forbidden)? {
        policy::AuditScope::Everything => None,
        policy::AuditScope::Territories(mine) => Some(mine),
    };
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::validation("limit", format!("1 to {MAX_LIMIT}")));
    }
    let territories = match (&query.territory, allowed) {
        (Some(raw), allowed) => {
            let code =
                TerritoryCode::parse(raw).map_err(|m| ApiError::validation("territory", m))?;
            if allowed.is_some_and(|mine| !mine.contains(&code)) {
                return Err(ApiError::Forbidden);
            }
            Some(vec![code.to_string()])
        }
        (None, allowed) => allowed.map(|mine| mine.iter().map(ToString::to_string).collect()),
    };
    let filter = AuditFilter {
        case_id: query.case,
        actor_id: query.actor,
        action: query.action.clone(),
        from: query.from,
        to: query.to,
        territories,
        before_seq: query.before,
        limit,
    };
    let entries = audit::list(state.repo.as_ref(), &filter).await?;
    let next_before = (entries.len() as i64 == limit)
        .then(|| entries.last().map(|e| e.seq))
        .flatten();
    Ok(web::Json(wire::AuditPage {
        entries,
        next_before,
    }))
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
    policy::audit_scope(caller.user()).map_err(|_| ApiError::Forbidden)?;
    Ok(web::Json(
        audit::verify(state.repo.as_ref()).await?.to_wire(),
    ))
}
