use actix_web::{get, patch, post, web, HttpResponse};
use telederm_schemas::{self as wire, Problem};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    domain::Territory,
    error::ApiError,
    http::{AppState, AuthenticatedUser},
};

/// This resource's endpoints: each one's route and OpenAPI entry come from its attributes below.
pub(super) fn register(cfg: &mut ServiceConfig) {
    cfg.service(list_territories)
        .service(get_territory)
        .service(create_territory)
        .service(update_territory);
}

/// Every territory (any signed-in user: codes and names only).
#[utoipa::path(tag = "administration", security(("bearer" = [])), responses(
    (status = 200, body = Vec<wire::Territory>),
    (status = 401, body = Problem, content_type = "application/problem+json"),
))]
#[get("/territories")]
pub async fn list_territories(
    state: web::Data<AppState>,
    _caller: AuthenticatedUser,
) -> Result<web::Json<Vec<wire::Territory>>, ApiError> {
    let all = state.rota.territories().await?;
    Ok(web::Json(all.iter().map(Territory::to_wire).collect()))
}

/// One territory.
#[utoipa::path(tag = "administration", security(("bearer" = [])), responses(
    (status = 200, body = wire::Territory),
    (status = 404, body = Problem, content_type = "application/problem+json"),
))]
#[get("/territories/{code}")]
pub async fn get_territory(
    state: web::Data<AppState>,
    _caller: AuthenticatedUser,
    code: web::Path<String>,
) -> Result<web::Json<wire::Territory>, ApiError> {
    Ok(web::Json(state.rota.territory(&code).await?.to_wire()))
}

/// Create a territory (admins).
#[utoipa::path(tag = "administration", request_body = wire::CreateTerritory, security(("bearer" = [])), responses(
    (status = 201, body = wire::Territory),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[post("/territories")]
#[tracing::instrument(skip_all)]
pub async fn create_territory(
    state: web::Data<AppState>,
    caller: AuthenticatedUser,
    body: web::Json<wire::CreateTerritory>,
) -> Result<HttpResponse, ApiError> {
    let territory = state.rota.create_territory(caller.user(), &body).await?;
    Ok(HttpResponse::Created().json(territory.to_wire()))
}

/// Change a territory's name, timezone or fallbacks (admins), or its working hours and holidays
/// (admins and the territory's coordinators); absent fields stay.
#[utoipa::path(tag = "administration", request_body = wire::UpdateTerritory, security(("bearer" = [])), responses(
    (status = 200, body = wire::Territory),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[patch("/territories/{code}")]
#[tracing::instrument(skip_all, fields(territory = %code))]
pub async fn update_territory(
    state: web::Data<AppState>,
    caller: AuthenticatedUser,
    code: web::Path<String>,
    body: web::Json<wire::UpdateTerritory>,
) -> Result<web::Json<wire::Territory>, ApiError> {
    let territory = state
        .rota
        .update_territory(caller.user(), &code, &body)
        .await?;
    Ok(web::Json(territory.to_wire()))
}
