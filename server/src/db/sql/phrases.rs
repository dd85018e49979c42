//! `PhraseRepo`: a dermatologist's saved phrases.

use async_trait::async_trait;
use uuid::Uuid;

use super::{Backend, Query, SqlRepo};
use crate::db::{PhraseRecord, PhraseRepo, RepoError};

#[async_trait]
impl<B: Backend> PhraseRepo for SqlRepo<B> {
    async fn phrases(&self, user_id: Uuid) -> Result<Vec<PhraseRecord>, RepoError> {
        let q = Query::new(
            "SELECT id, user_id, text, created_at FROM saved_phrases WHERE user_id = $1 \
             ORDER BY created_at, id",
        )
        .bind(user_id);
        Ok(self.db.fetch_all(q).await?)
    }

    async fn add_phrase(&self, p: &PhraseRecord) -> Result<(), RepoError> {
        let q = Query::new(
            "INSERT INTO saved_phrases (id, user_id, text, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(p.id)
        .bind(p.user_id)
        .bind(p.text.as_str())
        .bind(p.created_at);
        self.db.execute(q).await?;
        Ok(())
    }

    async fn delete_phrase(&self, user_id: Uuid, id: Uuid) -> Result<bool, RepoError> {
        let q = Query::new("DELETE FROM saved_phrases WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(user_id);
        Ok(self.db.execute(q).await? == 1)
    }
}
