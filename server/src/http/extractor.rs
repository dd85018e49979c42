use std::future::Future;
use std::pin::Pin;

use actix_web::{dev::Payload, http::header, web, FromRequest, HttpRequest};

use crate::{
    domain::{User, UserId},
    error::ApiError,
    http::AppState,
};

/// The caller, authenticated by a bearer token and still enabled in the database. What it may
/// do is the services' question to `auth::policy`, never the handler's.
///
/// The user is read afresh on every request, so disabling a user or changing its role takes
/// effect at once, whatever tokens it still holds.
#[derive(Debug, Clone)]
pub struct AuthenticatedUser(User);

impl AuthenticatedUser {
    pub fn user(&self) -> &User {
        &self.0
    }

    pub fn id(&self) -> UserId {
        self.0.id
    }
}

fn bearer_token(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
        .filter(|t| !t.is_empty())
}

impl FromRequest for AuthenticatedUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer_token(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| anyhow::anyhow!("application state missing"))?;
            let claims = token
                .and_then(|t| state.tokens.verify(&t))
                .ok_or(ApiError::Unauthenticated)?;
            match state.repo.user(claims.sub.into()).await? {
                Some(user) if !user.is_disabled() => Ok(AuthenticatedUser(user)),
                _ => Err(ApiError::Unauthenticated),
            }
        })
    }
}
