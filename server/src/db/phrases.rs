//! Saved phrases: the sentences a dermatologist puts in its reports again and again.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::RepoError;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PhraseRecord {
    pub id: Uuid,
    pub user_id: Uuid,
    pub text: String,
    pub created_at: DateTime<Utc>,
}

#[async_trait]
pub trait PhraseRepo {
    /// `user_id`'s phrases, oldest first.
    async fn phrases(&self, user_id: Uuid) -> Result<Vec<PhraseRecord>, RepoError>;
    async fn add_phrase(&self, phrase: &PhraseRecord) -> Result<(), RepoError>;
    /// `false` when `user_id` has no such phrase.
    async fn delete_phrase(&self, user_id: Uuid, id: Uuid) -> Result<bool, RepoError>;
}
