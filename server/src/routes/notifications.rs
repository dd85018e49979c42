use actix_web::{get, post, web};
use serde::Deserialize;
use telederm_schemas::{self as wire, Problem};
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::{
    error::ApiError,
    http::{AppState, AuthenticatedUser},
};

/// This resource's endpoints: each one's route and OpenAPI entry come from its attributes below.
pub(super) fn register(cfg: &mut ServiceConfig) {
    cfg.service(list_notifications).service(retry_notification);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NotificationQuery {
    /// Only the parked messages (default true).
    pub parked: Option<bool>,
    pub case: Option<Uuid>,
}

/// Webhook messages, newest first: by default those parked after their last attempt (admins).
#[utoipa::path(tag = "administration", params(NotificationQuery), security(("bearer" = [])), responses(
    (status = 200, body = Vec<wire::Notification>),
    (status = 403, body = Problem, content_type = "application/problem+json"),
))]
#[get("/notifications")]
pub async fn list_notifications(
    state: web::Data<AppState>,
    caller: AuthenticatedUser,
    query: web::Query<NotificationQuery>,
) -> Result<web::Json<Vec<wire::Notification>>, ApiError> {
    Ok(web::Json(
        state
            .admin
            .notifications(caller.user(), query.parked.unwrap_or(true), query.case)
            .await?,
    ))
}

/// Put a parked message back in line for delivery (admins).
#[utoipa::path(tag = "administration", security(("bearer" = [])), responses(
    (status = 204, description = "queued for delivery again"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, description = "no such parked message", body = Problem, content_type = "application/problem+json"),
))]
#[post("/notifications/{id}/retry")]
pub async fn retry_notification(
    state: web::Data<AppState>,
    caller: AuthenticatedUser,
    id: web::Path<Uuid>,
) -> Result<actix_web::HttpResponse, ApiError> {
    state
        .admin
        .retry_notification(caller.user(), id.into_inner())
        .await?;
    Ok(actix_web::HttpResponse::NoContent().finish())
}
