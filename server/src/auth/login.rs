//! Email + password login. Unknown users, wrong passwords and disabled users all get the same
//! answer, after the same work.

use std::net::IpAddr;

use secrecy::SecretString;
use telederm_schemas::{LoginRequest, TokenResponse};

use crate::{auth::password::verify_password, domain::Email, error::ApiError, state::AppState};

pub async fn login(
    state: &AppState,
    req: LoginRequest,
    address: Option<IpAddr>,
) -> Result<TokenResponse, ApiError> {
    let account = req.email.trim().to_lowercase();
    state
        .throttle
        .begin_attempt(&account, address)
        .map_err(|retry_after_secs| ApiError::RateLimited { retry_after_secs })?;

    let found = match Email::parse(&req.email) {
        Ok(email) => state.repo.user_credentials(&email).await?,
        Err(_) => None,
    };
    let (user, hash) = match found {
        Some((user, hash)) => (Some(user), Some(hash)),
        None => (None, None),
    };
    // Bounded: argon2 takes ~19 MiB and tens of milliseconds per check.
    let permit = state
        .password_permits
        .clone()
        .acquire_owned()
        .await
        .map_err(anyhow::Error::from)?;
    let password_ok = verify_password(hash, SecretString::from(req.password), permit).await?;
    let user = match user {
        Some(user) if password_ok && !user.is_disabled() => user,
        _ => {
            tracing::info!(outcome = "refused", "login");
            return Err(ApiError::BadCredentials);
        }
    };
    state.throttle.record_success(&account, address);
    let (access_token, expires_at) = state.tokens.issue(user.id, user.role)?;
    tracing::info!(outcome = "success", user_id = %user.id, "login");
    Ok(TokenResponse {
        access_token,
        token_type: "Bearer".into(),
        expires_at,
    })
}
