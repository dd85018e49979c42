//! Browser sessions: one row per signed-in browser, found by the SHA-256 of its cookie's id.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::RepoError;

/// A session as stored. `id_hash` is the SHA-256 of the id the cookie carries, never the id.
#[derive(Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SessionRecord {
    pub id_hash: Vec<u8>,
    pub user_id: Uuid,
    /// Put in the session's forms and checked on every change they post.
    pub csrf_token: String,
    /// The language chosen while signed in (`fr`, `en`), if any.
    pub language: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

impl std::fmt::Debug for SessionRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionRecord")
            .field("user_id", &self.user_id)
            .field("language", &self.language)
            .field("created_at", &self.created_at)
            .field("last_seen_at", &self.last_seen_at)
            .finish_non_exhaustive()
    }
}

#[async_trait]
pub trait SessionRepo {
    async fn create_session(&self, session: &SessionRecord) -> Result<(), RepoError>;
    async fn session(&self, id_hash: &[u8]) -> Result<Option<SessionRecord>, RepoError>;
    /// Record activity; `false` when the session is gone.
    async fn touch_session(&self, id_hash: &[u8], at: DateTime<Utc>) -> Result<bool, RepoError>;
    /// `false` when the session is gone.
    async fn set_session_language(
        &self,
        id_hash: &[u8],
        language: Option<&str>,
    ) -> Result<bool, RepoError>;
    /// `false` when there was no such session.
    async fn delete_session(&self, id_hash: &[u8]) -> Result<bool, RepoError>;
    /// Forget the sessions idle since before `idle_before` or opened before `opened_before`;
    /// returns how many.
    async fn delete_expired_sessions(
        &self,
        idle_before: DateTime<Utc>,
        opened_before: DateTime<Utc>,
    ) -> Result<u64, RepoError>;
}
