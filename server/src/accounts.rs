//! User accounts: creation (one path for the API, the `admin create-user` command and the demo)
//! and webhook settings: the URL, checked against internal networks, and its signing secret,
//! made anew whenever the URL is set or the secret rotated, sealed, and shown this once.

use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};
use telederm_schemas as wire;

use crate::{
    audit,
    auth::{password::hash_password, policy},
    db::{Effects, Repo, WebhookSecretRecord},
    domain::{NewUser, User, UserId, ValidationErrors, WebhookUrl},
    error::ApiError,
    keys::KeyService,
    notify::{secret, target::TargetPolicy},
    state::AppState,
};

/// What account changes need: the database, the keys that seal webhook secrets, and where
/// webhooks may point.
pub struct Accounts<'a> {
    repo: &'a dyn Repo,
    /// `None`: an operator's command creating a user without a webhook, which needs no key
    /// file (the first admin may be created before `keys init`).
    keys: Option<&'a KeyService>,
    targets: TargetPolicy,
}

/// A user, with the webhook secret made for it by this very change (shown once, never again).
pub struct WithSecret {
    pub user: User,
    pub webhook_secret: Option<SecretString>,
}

impl WithSecret {
    pub fn to_wire(&self) -> wire::UserWithSecret {
        wire::UserWithSecret {
            user: self.user.to_wire(),
            webhook_secret: self
                .webhook_secret
                .as_ref()
                .map(|s| s.expose_secret().to_owned()),
        }
    }
}

impl<'a> Accounts<'a> {
    pub fn new(repo: &'a dyn Repo, keys: &'a KeyService, targets: TargetPolicy) -> Accounts<'a> {
        Accounts {
            repo,
            keys: Some(keys),
            targets,
        }
    }

    /// Accounts without webhook secrets: setting a webhook fails.
    pub fn without_keys(repo: &'a dyn Repo, targets: TargetPolicy) -> Accounts<'a> {
        Accounts {
            repo,
            keys: None,
            targets,
        }
    }

    pub fn of(state: &'a AppState) -> Accounts<'a> {
        Accounts::new(state.repo.as_ref(), &state.keys, state.webhook_targets)
    }

    /// Check that the territories it names exist and that its webhook may point where it does,
    /// hash the password, store the user (recorded in the audit trail as done by `by`, or by an
    /// operator's command when `None`) with the sealed secret of its webhook.
    pub async fn create_user(
        &self,
        new: NewUser,
        by: Option<UserId>,
        at: DateTime<Utc>,
    ) -> Result<WithSecret, ApiError> {
        let mut errors = ValidationErrors::default();
        for (field, code) in new.referenced_territories() {
            if self.repo.territory(code).await?.is_none() {
                errors.add(field, format!("territory `{code}` does not exist"));
            }
        }
        if let Some(url) = &new.webhook_url {
            self.check_target(url, &mut errors).await;
        }
        errors.finish(Some(()))?;
        let hash = hash_password(new.password.secret().clone()).await?;
        let user = User {
            id: UserId::new(),
            email: new.email,
            display_name: new.display_name,
            role: new.role,
            home_territory: new.home_territory,
            territories: new.territories,
            rpps: new.rpps,
            webhook_url: new.webhook_url,
            disabled_at: None,
            created_at: at,
        };
        let (webhook_secret, sealed) = match &user.webhook_url {
            Some(_) => self.new_secret(user.id).map(|(s, r)| (Some(s), Some(r)))?,
            None => (None, None),
        };
        let mut entry = audit::entry(
            at,
            by.map(|u| u.as_uuid()),
            "user.created",
            "user",
            Some(user.id.to_string()),
        )
        .detail(serde_json::json!({ "role": user.role.as_str() }));
        entry.territory = user.home_territory.as_ref().map(ToString::to_string);
        self.repo
            .create_user(&user, &hash, sealed.as_ref(), &Effects::audit(entry))
            .await?;
        Ok(WithSecret {
            user,
            webhook_secret,
        })
    }

    /// Set the webhook URL of `target` (admins, or a user for itself) with a new secret, or
    /// remove both (`None`).
    pub async fn set_webhook(
        &self,
        caller: &User,
        target: UserId,
        url: Option<WebhookUrl>,
        at: DateTime<Utc>,
    ) -> Result<WithSecret, ApiError> {
        if !policy::can_manage_webhook(caller, target).is_allowed() {
            return Err(ApiError::Forbidden);
        }
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
            .ok_or(ApiError::NotFound("user"))?;
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
        at: DateTime<Utc>,
    ) -> Result<WithSecret, ApiError> {
        if !policy::can_manage_webhook(caller, target).is_allowed() {
            return Err(ApiError::Forbidden);
        }
        let user = self
            .repo
            .user(target)
            .await?
            .ok_or(ApiError::NotFound("user"))?;
        let no_url = || ApiError::InvalidState("the user has no webhook URL: set one first".into());
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

    async fn check_target(&self, url: &WebhookUrl, errors: &mut ValidationErrors) {
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

    fn new_secret(&self, user: UserId) -> Result<(SecretString, WebhookSecretRecord), ApiError> {
        let keys = self.keys.ok_or_else(|| {
            anyhow::anyhow!("no master key file: webhook secrets cannot be sealed")
        })?;
        let secret = secret::generate();
        let sealed = secret::seal(keys, user.as_uuid(), &secret)?;
        Ok((secret, sealed))
    }
}
