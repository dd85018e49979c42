use actix_web::{get, put, web};
use telederm_schemas::{self as wire, Problem};

use crate::{
    audit,
    auth::{policy, AuthenticatedUser},
    db::{Effects, SlaPolicyRecord},
    domain::{Priority, TerritoryCode},
    error::ApiError,
    sla::policy::{clock_from_wire, parse_target, policies_of},
    state::AppState,
};

/// The response-time targets of a territory, both priorities (coordinators of the territory,
/// admins). A priority without a policy shows the built-in default.
#[utoipa::path(get, path = "/api/v1/territories/{code}/sla", tag = "sla", params(("code" = String, Path)), security(("bearer" = [])), responses(
    (status = 200, body = Vec<wire::SlaPolicy>),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
))]
#[get("/territories/{code}/sla")]
pub async fn get_sla(
    state: web::Data<AppState>,
    caller: AuthenticatedUser,
    code: web::Path<String>,
) -> Result<web::Json<Vec<wire::SlaPolicy>>, ApiError> {
    let code = territory(&state, &code).await?;
    if !policy::can_manage_sla(caller.user(), &code) {
        return Err(ApiError::Forbidden);
    }
    Ok(web::Json(
        policies_of(state.repo.as_ref(), code.as_str()).await?,
    ))
}

/// Set the target of one priority (coordinators of the territory, admins). Cases already
/// submitted keep the target they were given.
#[utoipa::path(put, path = "/api/v1/territories/{code}/sla/{priority}", tag = "sla",
    params(("code" = String, Path), ("priority" = wire::Priority, Path)), request_body = wire::SetSlaPolicy,
    security(("bearer" = [])), responses(
    (status = 200, body = Vec<wire::SlaPolicy>),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[put("/territories/{code}/sla/{priority}")]
#[tracing::instrument(skip_all, fields(territory = %path.0))]
pub async fn set_sla(
    state: web::Data<AppState>,
    caller: AuthenticatedUser,
    path: web::Path<(String, Priority)>,
    body: web::Json<wire::SetSlaPolicy>,
) -> Result<web::Json<Vec<wire::SlaPolicy>>, ApiError> {
    let (raw, priority) = path.into_inner();
    let code = territory(&state, &raw).await?;
    if !policy::can_manage_sla(caller.user(), &code) {
        return Err(ApiError::Forbidden);
    }
    let minutes =
        parse_target(body.target_hours).map_err(|m| ApiError::validation("target_hours", m))?;
    let at = state.clock.now();
    let record = SlaPolicyRecord {
        territory_code: code.to_string(),
        priority,
        target_minutes: minutes,
        clock: clock_from_wire(body.clock),
        updated_at: at,
        updated_by: Some(caller.id().as_uuid()),
    };
    let fx = Effects::audit(
        audit::entry(
            at,
            Some(caller.id().as_uuid()),
            "sla_policy.set",
            "sla_policy",
            Some(format!("{code}/{}", priority.as_str())),
        )
        .in_territory(code.as_str())
        .detail(serde_json::json!({ "target_minutes": minutes, "clock": record.clock.as_str() })),
    );
    state.repo.save_sla_policy(&record, &fx).await?;
    tracing::info!(priority = priority.as_str(), minutes, "SLA policy set");
    Ok(web::Json(
        policies_of(state.repo.as_ref(), code.as_str()).await?,
    ))
}

async fn territory(state: &AppState, raw: &str) -> Result<TerritoryCode, ApiError> {
    let code = TerritoryCode::parse(raw).map_err(|_| ApiError::NotFound("territory"))?;
    state
        .repo
        .territory(&code)
        .await?
        .map(|t| t.code)
        .ok_or(ApiError::NotFound("territory"))
}
