use actix_web::{get, post, put, web, HttpResponse};
use telederm_schemas::{self as wire, Problem};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::{
    domain::{NewUser, ValidationErrors, WebhookUrl},
    error::ApiError,
    http::{AppState, AuthenticatedUser},
};

/// This resource's endpoints: each one's route and OpenAPI entry come from its attributes below.
pub(super) fn register(cfg: &mut ServiceConfig) {
    cfg.service(list_users)
        .service(create_user)
        .service(set_webhook)
        .service(rotate_webhook_secret)
        .service(disable_user);
}

/// List users (admins); coordinators may list dermatologists, to build the rota.
#[utoipa::path(tag = "administration", params(wire::UserQuery), security(("bearer" = [])), responses(
    (status = 200, body = Vec<wire::User>),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
))]
#[get("/users")]
#[tracing::instrument(skip_all)]
pub async fn list_users(
    state: web::Data<AppState>,
    caller: AuthenticatedUser,
    query: web::Query<wire::UserQuery>,
) -> Result<web::Json<Vec<wire::User>>, ApiError> {
    let users = state.accounts.users(caller.user(), query.role).await?;
    Ok(web::Json(users.iter().map(|u| u.to_wire()).collect()))
}

/// Create a user (admins). With a webhook URL, the answer carries its signing secret, this once.
#[utoipa::path(tag = "administration", request_body = wire::CreateUser, security(("bearer" = [])), responses(
    (status = 201, body = wire::UserWithSecret),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "email already in use", body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[post("/users")]
#[tracing::instrument(skip_all)]
pub async fn create_user(
    state: web::Data<AppState>,
    caller: AuthenticatedUser,
    body: web::Json<wire::CreateUser>,
) -> Result<HttpResponse, ApiError> {
    state.accounts.may_create(caller.user())?;
    let new = NewUser::parse(body.into_inner())?;
    let created = state.accounts.create(caller.user(), new).await?;
    Ok(shown_once(HttpResponse::Created(), created.to_wire()))
}

/// Set a user's webhook URL (admins, and a user for itself): it gets a new signing secret, in
/// the answer this once; `null` removes both. The URL must point to a public address (https in
/// production).
#[utoipa::path(tag = "administration", request_body = wire::SetWebhook, security(("bearer" = [])), responses(
    (status = 200, body = wire::UserWithSecret),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "not a URL, or one pointing inside a private network", body = Problem, content_type = "application/problem+json"),
))]
#[put("/users/{id}/webhook")]
#[tracing::instrument(skip_all, fields(target_user = %id))]
pub async fn set_webhook(
    state: web::Data<AppState>,
    caller: AuthenticatedUser,
    id: web::Path<Uuid>,
    body: web::Json<wire::SetWebhook>,
) -> Result<HttpResponse, ApiError> {
    let url = match &body.webhook_url {
        Some(raw) => {
            let mut errors = ValidationErrors::default();
            let url = errors.check("webhook_url", WebhookUrl::parse(raw));
            Some(errors.finish(url)?)
        }
        None => None,
    };
    let changed = state
        .accounts
        .set_webhook(caller.user(), id.into_inner().into(), url)
        .await?;
    tracing::info!("webhook set");
    Ok(shown_once(HttpResponse::Ok(), changed.to_wire()))
}

/// A new signing secret for a user's webhook (admins, and a user for itself), in the answer this
/// once; the old one stops working at once.
#[utoipa::path(tag = "administration", security(("bearer" = [])), responses(
    (status = 200, body = wire::UserWithSecret),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "the user has no webhook URL", body = Problem, content_type = "application/problem+json"),
))]
#[post("/users/{id}/webhook-secret")]
#[tracing::instrument(skip_all, fields(target_user = %id))]
pub async fn rotate_webhook_secret(
    state: web::Data<AppState>,
    caller: AuthenticatedUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let rotated = state
        .accounts
        .rotate_webhook_secret(caller.user(), id.into_inner().into())
        .await?;
    tracing::info!("webhook secret rotated");
    Ok(shown_once(HttpResponse::Ok(), rotated.to_wire()))
}

/// An answer that may carry a webhook secret: no cache may keep it.
fn shown_once(
    mut response: actix_web::HttpResponseBuilder,
    body: wire::UserWithSecret,
) -> HttpResponse {
    response
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(body)
}

/// Disable a user (admins): it can no longer log in and its tokens stop working at once.
#[utoipa::path(tag = "administration", security(("bearer" = [])), responses(
    (status = 200, body = wire::User),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "an admin cannot disable itself", body = Problem, content_type = "application/problem+json"),
))]
#[post("/users/{id}/disable")]
#[tracing::instrument(skip_all, fields(target_user = %id))]
pub async fn disable_user(
    state: web::Data<AppState>,
    caller: AuthenticatedUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<wire::User>, ApiError> {
    let user = state
        .accounts
        .disable(caller.user(), id.into_inner().into())
        .await?;
    Ok(web::Json(user.to_wire()))
}
