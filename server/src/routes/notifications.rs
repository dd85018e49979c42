use actix_web::{get, post, web};
use serde::Deserialize;
use telederm_schemas::{self as wire, Problem};
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::{
    audit,
    auth::AuthenticatedUser,
    db::{Effects, NotificationRecord},
    domain::Role,
    error::ApiError,
    state::AppState,
};

/// This resource's endpoints: each one's route and OpenAPI entry come from its attributes below.
pub(super) fn register(cfg: &mut ServiceConfig) {
    cfg.service(list_notifications).service(retry_notification);
}

const LIMIT: i64 = 200;

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
    caller.require(Role::Admin)?;
    let records = state
        .repo
        .notifications(query.parked.unwrap_or(true), query.case, LIMIT)
        .await?;
    Ok(web::Json(
        records
            .into_iter()
            .map(to_wire)
            .collect::<anyhow::Result<_>>()?,
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
    caller.require(Role::Admin)?;
    let id = id.into_inner();
    let at = state.clock.now();
    let fx = Effects::audit(audit::entry(
        at,
        Some(caller.id().as_uuid()),
        "notification.retried",
        "notification",
        Some(id.to_string()),
    ));
    if !state.repo.retry_notification(id, at, &fx).await? {
        return Err(ApiError::NotFound("parked notification"));
    }
    Ok(actix_web::HttpResponse::NoContent().finish())
}

fn to_wire(n: NotificationRecord) -> anyhow::Result<wire::Notification> {
    let last_error = n
        .last_error
        .as_deref()
        .map(str::parse::<wire::DeliveryFailure>)
        .transpose()
        .map_err(anyhow::Error::msg)?;
    Ok(wire::Notification {
        id: n.id,
        recipient_id: n.recipient_id,
        event: n.event,
        case_id: n.case_id,
        created_at: n.created_at,
        attempts: n.attempts,
        next_attempt_at: n.next_attempt_at,
        delivered_at: n.delivered_at,
        parked_at: n.parked_at,
        last_error,
    })
}
