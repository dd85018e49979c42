//! Users' webhook URLs and their sealed signing secrets.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Effects, RepoError};
use crate::domain::{User, UserId, WebhookUrl};

/// A user's webhook signing secret, sealed by the master key named.
#[derive(Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct WebhookSecretRecord {
    pub user_id: Uuid,
    pub master_key_id: String,
    pub sealed: Vec<u8>,
}

impl std::fmt::Debug for WebhookSecretRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookSecretRecord")
            .field("user_id", &self.user_id)
            .field("master_key_id", &self.master_key_id)
            .finish_non_exhaustive()
    }
}

#[async_trait]
pub trait WebhookRepo {
    /// Set a user's webhook URL with its new secret, or remove both (`None`, `None`). Returns
    /// the user as it now is, or `None` when it does not exist.
    async fn set_webhook(
        &self,
        id: UserId,
        url: Option<&WebhookUrl>,
        secret: Option<&WebhookSecretRecord>,
        at: DateTime<Utc>,
        fx: &Effects,
    ) -> Result<Option<User>, RepoError>;
    /// Replace the secret of a user who has a webhook URL; `false` when it has none.
    async fn replace_webhook_secret(
        &self,
        secret: &WebhookSecretRecord,
        at: DateTime<Utc>,
        fx: &Effects,
    ) -> Result<bool, RepoError>;
    /// Secrets not sealed by `master_key_id`, a page at a time (for rotation).
    async fn webhook_secrets_not_under(
        &self,
        master_key_id: &str,
        limit: i64,
    ) -> Result<Vec<WebhookSecretRecord>, RepoError>;
    /// Replace a sealed secret if it is still `old` (so a secret rotated meanwhile is never
    /// overwritten by the old one); `false` if it changed.
    async fn reseal_webhook_secret(
        &self,
        old: &WebhookSecretRecord,
        new: &WebhookSecretRecord,
        at: DateTime<Utc>,
    ) -> Result<bool, RepoError>;
    /// How many secrets each master key seals.
    async fn webhook_secret_counts(&self) -> Result<Vec<(String, i64)>, RepoError>;
}
