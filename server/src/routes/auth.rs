use actix_web::{get, post, web, HttpRequest};
use telederm_schemas::{LoginRequest, Problem, TokenResponse, User};
use utoipa_actix_web::service_config::ServiceConfig;

use secrecy::SecretString;

use crate::{
    error::ApiError,
    http::{client_addr::client_addr, AppState, AuthenticatedUser},
};

/// This resource's endpoints: each one's route and OpenAPI entry come from its attributes below.
pub(super) fn register(cfg: &mut ServiceConfig) {
    cfg.service(login).service(me);
}

/// Log in with email and password; returns a bearer token valid for at most one hour.
#[utoipa::path(tag = "auth", request_body = LoginRequest, responses(
    (status = 200, body = TokenResponse),
    (status = 401, description = "unknown user, wrong password or disabled user (one answer for all)", body = Problem, content_type = "application/problem+json"),
    (status = 429, description = "too many failures from this address, or from this address for this account (`Retry-After` says for how long)", body = Problem, content_type = "application/problem+json"),
))]
#[post("/auth/login")]
#[tracing::instrument(name = "login", skip_all)]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<LoginRequest>,
) -> Result<web::Json<TokenResponse>, ApiError> {
    let address = client_addr(&req, &state.trusted_proxies);
    let LoginRequest { email, password } = body.into_inner();
    let user = state
        .accounts
        .authenticate(&email, SecretString::from(password), address)
        .await?;
    let (access_token, expires_at) = state.tokens.issue(user.id, user.role)?;
    Ok(web::Json(TokenResponse {
        access_token,
        token_type: "Bearer".into(),
        expires_at,
    }))
}

/// The authenticated user, with its role.
#[utoipa::path(tag = "auth", security(("bearer" = [])), responses(
    (status = 200, body = User),
    (status = 401, body = Problem, content_type = "application/problem+json"),
))]
#[get("/me")]
pub async fn me(user: AuthenticatedUser) -> web::Json<User> {
    web::Json(user.user().to_wire())
}
