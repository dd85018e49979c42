//! Email + password login. Unknown users, wrong passwords and disabled users all get the same
//! answer, after the same work.

use std::net::IpAddr;

use secrecy::SecretString;
use telederm_schemas::{LoginRequest, TokenResponse};

use crate::{
    audit,
    auth::password::verify_password,
    db::{Effects, RepoError},
    domain::{Email, User},
    error::ApiError,
    state::AppState,
};

/// Every checked attempt goes into the audit trail: the account when it exists (never the typed
/// email otherwise), and the address.
async fn record(
    state: &AppState,
    user: Option<&User>,
    action: &str,
    address: Option<IpAddr>,
) -> Result<(), RepoError> {
    let mut entry = audit::entry(
        state.clock.now(),
        user.map(|u| u.id.as_uuid()),
        action,
        "session",
        user.map(|u| u.id.to_string()),
    )
    .detail(serde_json::json!({ "address": address.map(|a| a.to_string()) }));
    entry.territory = user.and_then(|u| u.home_territory.as_ref().map(ToString::to_string));
    state.repo.record(&Effects::audit(entry)).await
}

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
        other => {
            tracing::info!(outcome = "refused", "login");
            record(state, other.as_ref(), "auth.login_failed", address).await?;
            return Err(ApiError::BadCredentials);
        }
    };
    record(state, Some(&user), "auth.login", address).await?;
    state.throttle.record_success(&account, address);
    let (access_token, expires_at) = state.tokens.issue(user.id, user.role)?;
    tracing::info!(outcome = "success", user_id = %user.id, "login");
    Ok(TokenResponse {
        access_token,
        token_type: "Bearer".into(),
        expires_at,
    })
}
