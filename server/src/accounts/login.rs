//! Email + password sign-in, for every front door (the API issues a token after it, the web pages
//! a session). Unknown users, wrong passwords and disabled users all get the same answer, after
//! the same work; every checked attempt goes into the audit trail.

use std::net::IpAddr;

use secrecy::SecretString;

use super::{AccountError, AccountService};
use crate::{
    audit,
    auth::password::verify_password,
    db::Effects,
    domain::{Email, User},
};

impl AccountService {
    /// The user behind these credentials, or `BadCredentials`; `RateLimited` after too many
    /// failures for the account or the address.
    pub async fn authenticate(
        &self,
        email: &str,
        password: SecretString,
        address: Option<IpAddr>,
    ) -> Result<User, AccountError> {
        let account = email.trim().to_lowercase();
        self.throttle
            .begin_attempt(&account, address)
            .map_err(|retry_after_secs| AccountError::RateLimited { retry_after_secs })?;
        let found = match Email::parse(email) {
            Ok(email) => self.repo.user_credentials(&email).await?,
            Err(_) => None,
        };
        let (user, hash) = match found {
            Some((user, hash)) => (Some(user), Some(hash)),
            None => (None, None),
        };
        // Bounded: argon2 takes ~19 MiB and tens of milliseconds per check.
        let permit = self
            .password_permits
            .clone()
            .acquire_owned()
            .await
            .map_err(anyhow::Error::from)?;
        let password_ok = verify_password(hash, password, permit).await?;
        let user = match user {
            Some(user) if password_ok && !user.is_disabled() => user,
            other => {
                tracing::info!(outcome = "refused", "login");
                self.record_login(other.as_ref(), "auth.login_failed", address)
                    .await?;
                return Err(AccountError::BadCredentials);
            }
        };
        self.record_login(Some(&user), "auth.login", address)
            .await?;
        self.throttle.record_success(&account, address);
        tracing::info!(outcome = "success", user_id = %user.id, "login");
        Ok(user)
    }

    /// The account when it exists (never the typed email otherwise), and the address.
    async fn record_login(
        &self,
        user: Option<&User>,
        action: &str,
        address: Option<IpAddr>,
    ) -> Result<(), AccountError> {
        let mut entry = audit::entry(
            self.clock.now(),
            user.map(|u| u.id.as_uuid()),
            action,
            "session",
            user.map(|u| u.id.to_string()),
        )
        .detail(serde_json::json!({ "address": address.map(|a| a.to_string()) }));
        entry.territory = user.and_then(|u| u.home_territory.as_ref().map(ToString::to_string));
        Ok(self.repo.record(&Effects::audit(entry)).await?)
    }
}
