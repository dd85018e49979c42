//! User accounts.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Effects, RepoError, WebhookSecretRecord};
use crate::domain::{ChannelChoices, Email, User, UserId};
use telederm_schemas::Language;

#[async_trait]
pub trait UserRepo {
    /// Fails with `Conflict` when the email is taken. `webhook_secret`: the sealed secret of its
    /// webhook URL, stored with it.
    async fn create_user(
        &self,
        user: &User,
        password_hash: &str,
        webhook_secret: Option<&WebhookSecretRecord>,
        fx: &Effects,
    ) -> Result<(), RepoError>;
    async fn user(&self, id: UserId) -> Result<Option<User>, RepoError>;
    /// The user and its password hash, for login.
    async fn user_credentials(&self, email: &Email) -> Result<Option<(User, String)>, RepoError>;
    async fn list_users(&self) -> Result<Vec<User>, RepoError>;
    /// The display names of the users among `ids`, in one batch (disabled users keep theirs);
    /// an id with no user is absent from the map.
    async fn display_names(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, String>, RepoError>;
    /// Deletes its browser sessions with it. Returns the user as it now is, or `None` when it
    /// does not exist.
    async fn disable_user(
        &self,
        id: UserId,
        at: DateTime<Utc>,
        fx: &Effects,
    ) -> Result<Option<User>, RepoError>;
    /// Set a user's language and notification channels. Returns the user as it now is, or
    /// `None` when it does not exist.
    async fn set_notification_settings(
        &self,
        id: UserId,
        language: Language,
        channels: &ChannelChoices,
        fx: &Effects,
    ) -> Result<Option<User>, RepoError>;
}
