use actix_web::{get, patch, post, web, HttpResponse};
use telederm_schemas::{self as wire, Problem};

use crate::{
    audit,
    auth::AuthenticatedUser,
    db::{Effects, Repo},
    domain::{Role, Territory, TerritoryCode, ValidationErrors},
    error::ApiError,
    state::AppState,
};

/// Every territory (any signed-in user: codes and names only).
#[utoipa::path(get, path = "/api/v1/territories", tag = "administration", security(("bearer" = [])), responses(
    (status = 200, body = Vec<wire::Territory>),
    (status = 401, body = Problem, content_type = "application/problem+json"),
))]
#[get("/territories")]
pub async fn list_territories(
    state: web::Data<AppState>,
    _caller: AuthenticatedUser,
) -> Result<web::Json<Vec<wire::Territory>>, ApiError> {
    let all = state.repo.list_territories().await?;
    Ok(web::Json(all.iter().map(Territory::to_wire).collect()))
}

/// One territory.
#[utoipa::path(get, path = "/api/v1/territories/{code}", tag = "administration", params(("code" = String, Path)), security(("bearer" = [])), responses(
    (status = 200, body = wire::Territory),
    (status = 404, body = Problem, content_type = "application/problem+json"),
))]
#[get("/territories/{code}")]
pub async fn get_territory(
    state: web::Data<AppState>,
    _caller: AuthenticatedUser,
    code: web::Path<String>,
) -> Result<web::Json<wire::Territory>, ApiError> {
    Ok(web::Json(find(&state, &code).await?.to_wire()))
}

/// Create a territory (admins).
#[utoipa::path(post, path = "/api/v1/territories", tag = "administration", request_body = wire::CreateTerritory, security(("bearer" = [])), responses(
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
    caller.require(Role::Admin)?;
    let territory = Territory::parse(&body)?;
    check_fallbacks_exist(state.repo.as_ref(), &territory).await?;
    let at = state.clock.now();
    let fx = Effects::audit(
        audit::entry(
            at,
            Some(caller.id().as_uuid()),
            "territory.created",
            "territory",
            Some(territory.code.to_string()),
        )
        .in_territory(territory.code.as_str()),
    );
    state.repo.create_territory(&territory, at, &fx).await?;
    tracing::info!(territory = %territory.code, "territory created");
    Ok(HttpResponse::Created().json(territory.to_wire()))
}

/// Change a territory's name, timezone or fallbacks (admins); absent fields stay.
#[utoipa::path(patch, path = "/api/v1/territories/{code}", tag = "administration", params(("code" = String, Path)), request_body = wire::UpdateTerritory, security(("bearer" = [])), responses(
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
    caller.require(Role::Admin)?;
    let current = find(&state, &code).await?;
    let next = current.updated(&body)?;
    check_fallbacks_exist(state.repo.as_ref(), &next).await?;
    let at = state.clock.now();
    let fx = Effects::audit(
        audit::entry(
            at,
            Some(caller.id().as_uuid()),
            "territory.updated",
            "territory",
            Some(next.code.to_string()),
        )
        .in_territory(next.code.as_str()),
    );
    if !state.repo.update_territory(&next, &fx).await? {
        return Err(ApiError::NotFound("territory"));
    }
    tracing::info!("territory updated");
    Ok(web::Json(next.to_wire()))
}

async fn find(state: &AppState, raw: &str) -> Result<Territory, ApiError> {
    let code = TerritoryCode::parse(raw).map_err(|_| ApiError::NotFound("territory"))?;
    state
        .repo
        .territory(&code)
        .await?
        .ok_or(ApiError::NotFound("territory"))
}

pub async fn check_fallbacks_exist(repo: &dyn Repo, t: &Territory) -> Result<(), ApiError> {
    let mut errors = ValidationErrors::default();
    for f in &t.fallbacks {
        if repo.territory(f).await?.is_none() {
            errors.add("fallbacks", format!("territory `{f}` does not exist"));
        }
    }
    Ok(errors.finish(Some(()))?)
}
