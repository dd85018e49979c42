//! `SessionRepo`: browser sessions. A disabled user's are deleted with it (`users.rs`).

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{Backend, Query, SqlRepo};
use crate::db::{RepoError, SessionRecord, SessionRepo};

#[async_trait]
impl<B: Backend> SessionRepo for SqlRepo<B> {
    async fn create_session(&self, s: &SessionRecord) -> Result<(), RepoError> {
        self.db
            .execute(
                Query::new(
                    "INSERT INTO web_sessions (id_hash, user_id, csrf_token, language, \
                     created_at, last_seen_at) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(s.id_hash.as_slice())
                .bind(s.user_id)
                .bind(s.csrf_token.as_str())
                .bind(s.language.as_deref())
                .bind(s.created_at)
                .bind(s.last_seen_at),
            )
            .await?;
        Ok(())
    }

    async fn session(&self, id_hash: &[u8]) -> Result<Option<SessionRecord>, RepoError> {
        let q = Query::new(
            "SELECT id_hash, user_id, csrf_token, language, created_at, last_seen_at \
             FROM web_sessions WHERE id_hash = $1",
        )
        .bind(id_hash);
        Ok(self.db.fetch_optional(q).await?)
    }

    async fn touch_session(&self, id_hash: &[u8], at: DateTime<Utc>) -> Result<bool, RepoError> {
        let q = Query::new("UPDATE web_sessions SET last_seen_at = $2 WHERE id_hash = $1")
            .bind(id_hash)
            .bind(at);
        Ok(self.db.execute(q).await? == 1)
    }

    async fn set_session_language(
        &self,
        id_hash: &[u8],
        language: Option<&str>,
    ) -> Result<bool, RepoError> {
        let q = Query::new("UPDATE web_sessions SET language = $2 WHERE id_hash = $1")
            .bind(id_hash)
            .bind(language);
        Ok(self.db.execute(q).await? == 1)
    }

    async fn delete_session(&self, id_hash: &[u8]) -> Result<bool, RepoError> {
        let q = Query::new("DELETE FROM web_sessions WHERE id_hash = $1").bind(id_hash);
        Ok(self.db.execute(q).await? == 1)
    }

    async fn delete_expired_sessions(
        &self,
        idle_before: DateTime<Utc>,
        opened_before: DateTime<Utc>,
    ) -> Result<u64, RepoError> {
        let q = Query::new("DELETE FROM web_sessions WHERE last_seen_at < $1 OR created_at < $2")
            .bind(idle_before)
            .bind(opened_before);
        Ok(self.db.execute(q).await?)
    }
}
