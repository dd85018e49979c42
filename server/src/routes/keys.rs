use actix_web::{get, web};
use telederm_schemas::{self as wire, Problem};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    error::ApiError,
    http::{AppState, AuthenticatedUser},
};

/// This resource's endpoints: each one's route and OpenAPI entry come from its attributes below.
pub(super) fn register(cfg: &mut ServiceConfig) {
    cfg.service(key_status);
}

/// Master keys and how many data keys each wraps (admins). Never key material.
#[utoipa::path(tag = "administration", security(("bearer" = [])), responses(
    (status = 200, body = wire::KeyStatus),
    (status = 403, body = Problem, content_type = "application/problem+json"),
))]
#[get("/keys")]
pub async fn key_status(
    state: web::Data<AppState>,
    caller: AuthenticatedUser,
) -> Result<web::Json<wire::KeyStatus>, ApiError> {
    Ok(web::Json(state.admin.key_status(caller.user()).await?))
}
