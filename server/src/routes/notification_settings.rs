//! `/me/notifications`: the signed-in user's language and notification channels.

use actix_web::{get, put, web};
use telederm_schemas::{self as wire, Problem};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    error::ApiError,
    http::{AppState, AuthenticatedUser},
};

/// This resource's endpoints: each one's route and OpenAPI entry come from its attributes below.
pub(super) fn register(cfg: &mut ServiceConfig) {
    cfg.service(show).service(update);
}

/// Where the user's notifications go: its language, and per kind of event its role is told of,
/// e-mail, webhook, both or none (with the role's default).
#[utoipa::path(tag = "notifications", security(("bearer" = [])), responses(
    (status = 200, body = wire::NotificationSettings),
    (status = 401, body = Problem, content_type = "application/problem+json"),
))]
#[get("/me/notifications")]
pub async fn show(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
) -> web::Json<wire::NotificationSettings> {
    web::Json(
        state
            .accounts
            .notification_settings(user.user(), state.notifier.email_available()),
    )
}

/// Change the language and the channels named (the others keep their choice). A kind of event
/// the role is not told of, or a webhook for the daily digest, is 422 with the field
/// `channels.<kind>`.
#[utoipa::path(tag = "notifications", request_body = wire::SetNotificationSettings, security(("bearer" = [])), responses(
    (status = 200, body = wire::NotificationSettings),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[put("/me/notifications")]
#[tracing::instrument(skip_all)]
pub async fn update(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    req: web::Json<wire::SetNotificationSettings>,
) -> Result<web::Json<wire::NotificationSettings>, ApiError> {
    let settings = state
        .accounts
        .set_notification_settings(user.user(), &req, state.notifier.email_available())
        .await?;
    Ok(web::Json(settings))
}
