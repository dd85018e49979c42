//! A user's webhook: its URL (checked against internal networks when saved) and its signing
//! secret, sealed at rest and shown once.

use secrecy::SecretString;

use super::{require, AccountError, AccountService, WithSecret};
use crate::{
    audit,
    auth::policy::can_manage_webhook,
    db::{Effects, WebhookSecretRecord},
    domain::{User, UserId, ValidationErrors, WebhookUrl},
    keys::webhook_secret as secret,
};

impl AccountService {
    /// Set the webhook URL of `target` (admins, or a user for itself) with a new secret, or
    /// remove both (`None`).
    pub async fn set_webhook(
        &self,
        caller: &User,
        target: UserId,
        url: Option<WebhookUrl>,
    ) -> Result<WithSecret, AccountError> {
        require(can_manage_webhook(caller, target))?;
        let at = self.clock.now();
        if let Some(url) = &url {
            let mut errors = ValidationErrors::default();
            self.check_target(url, &mut errors).await;
            errors.finish(Some(()))?;
        }
        let (webhook_secret, sealed) = match &url {
            Some(_) => self.new_secret(target).map(|(s, r)| (Some(s), Some(r)))?,
            None => (None, None),
        };
        // The URL is not recorded: it may carry a token of the receiver's.
        let entry = audit::entry(
            at,
            Some(caller.id.as_uuid()),
            "user.webhook_set",
            "user",
            Some(target.to_string()),
        )
        .detail(serde_json::json!({ "removed": url.is_none() }));
        let user = self
            .repo
            .set_webhook(
                target,
                url.as_ref(),
                sealed.as_ref(),
                at,
                &Effects::audit(entry),
            )
            .await?
            .ok_or(AccountError::NotFound("user"))?;
        Ok(WithSecret {
            user,
            webhook_secret,
        })
    }

    /// A new signing secret for the webhook of `target` (admins, or a user for itself); the old
    /// one stops working at once.
    pub async fn rotate_webhook_secret(
        &self,
        caller: &User,
        target: UserId,
    ) -> Result<WithSecret, AccountError> {
        require(can_manage_webhook(caller, target))?;
        let at = self.clock.now();
        let user = self
            .repo
            .user(target)
            .await?
            .ok_or(AccountError::NotFound("user"))?;
        let no_url = || AccountError::NotNow("the user has no webhook URL: set one first");
        if user.webhook_url.is_none() {
            return Err(no_url());
        }
        let (secret, sealed) = self.new_secret(target)?;
        let entry = audit::entry(
            at,
            Some(caller.id.as_uuid()),
            "user.webhook_secret_rotated",
            "user",
            Some(target.to_string()),
        );
        if !self
            .repo
            .replace_webhook_secret(&sealed, at, &Effects::audit(entry))
            .await?
        {
            return Err(no_url());
        }
        Ok(WithSecret {
            user,
            webhook_secret: Some(secret),
        })
    }

    pub(super) async fn check_target(&self, url: &WebhookUrl, errors: &mut ValidationErrors) {
        let parsed = url::Url::parse(url.as_str());
        let checked = match &parsed {
            Ok(u) => self
                .targets
                .check_at_save(u)
                .await
                .map_err(|e| e.to_string()),
            Err(_) => Err("not a valid URL".to_owned()),
        };
        errors.check("webhook_url", checked);
    }

    pub(super) fn new_secret(
        &self,
        user: UserId,
    ) -> Result<(SecretString, WebhookSecretRecord), AccountError> {
        let keys = self.keys.as_deref().ok_or_else(|| {
            anyhow::anyhow!("no master key file: webhook secrets cannot be sealed")
        })?;
        let secret = secret::generate();
        let sealed = secret::seal(keys, user.as_uuid(), &secret)?;
        Ok((secret, sealed))
    }
}
