use actix_web::{get, put, web};
use telederm_schemas::{self as wire, Problem};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    domain::Priority,
    error::ApiError,
    http::{AppState, AuthenticatedUser},
};

/// This resource's endpoints: each one's route and OpenAPI entry come from its attributes below.
pub(super) fn register(cfg: &mut ServiceConfig) {
    cfg.service(get_sla).service(set_sla);
}

/// The response-time targets of a territory, both priorities (coordinators of the territory,
/// admins). A priority without a policy shows the built-in default.
#[utoipa::path(tag = "sla", security(("bearer" = [])), responses(
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
    Ok(web::Json(state.rota.targets(caller.user(), &code).await?))
}

/// Set the target of one priority (coordinators of the territory, admins). Cases already
/// submitted keep the target they were given.
#[utoipa::path(tag = "sla", request_body = wire::SetSlaPolicy, security(("bearer" = [])), responses(
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
    let (territory, priority) = path.into_inner();
    Ok(web::Json(
        state
            .rota
            .set_target(caller.user(), &territory, priority, &body)
            .await?,
    ))
}
