//! `ErasureRepo`: crypto-shredding a case, and the territories' retention periods.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{effects::effects_in, placeholders, Backend, Query, SqlRepo, Tx};
use crate::{
    db::{Effects, ErasureRepo, RepoError},
    domain::CaseStatus,
};

/// What a blanked sealed column holds (the columns are NOT NULL): nothing that opens.
const BLANK: &[u8] = &[];

#[async_trait]
impl<B: Backend> ErasureRepo for SqlRepo<B> {
    async fn erase_case(
        &self,
        case_id: Uuid,
        statuses: &[CaseStatus],
        at: DateTime<Utc>,
        fx: &Effects,
    ) -> Result<Option<Vec<String>>, RepoError> {
        let mut tx = self.db.begin().await?;
        let erased = tx
            .execute(
                Query::new(format!(
                    "UPDATE cases SET clinical = $2, phototype = NULL, photo_kinds = NULL, \
                     erased_at = $3 WHERE id = $1 AND erased_at IS NULL AND status IN ({})",
                    placeholders(4, statuses.len())
                ))
                .bind(case_id)
                .bind(BLANK)
                .bind(at)
                .bind_all(statuses.iter().copied()),
            )
            .await?;
        if erased == 0 {
            tx.rollback().await?;
            return Ok(None);
        }
        let keys: Vec<(String,)> = tx
            .fetch_all(
                Query::new("SELECT blob_key FROM photos WHERE case_id = $1 ORDER BY blob_key")
                    .bind(case_id),
            )
            .await?;
        for sql in [
            "DELETE FROM data_keys WHERE case_id = $1",
            "DELETE FROM photos WHERE case_id = $1",
            "UPDATE answers SET sealed = $2 WHERE case_id = $1",
            "UPDATE info_requests SET sealed = $2, \
             reply_sealed = CASE WHEN reply_sealed IS NULL THEN NULL ELSE $2 END \
             WHERE case_id = $1",
        ] {
            let q = Query::new(sql).bind(case_id);
            let q = if sql.contains("$2") { q.bind(BLANK) } else { q };
            tx.execute(q).await?;
        }
        tx.execute(
            Query::new("UPDATE outcomes SET histology_sealed = NULL WHERE case_id = $1")
                .bind(case_id),
        )
        .await?;
        effects_in(&mut tx, fx).await?;
        tx.commit().await?;
        Ok(Some(keys.into_iter().map(|(k,)| k).collect()))
    }

    async fn closed_before(
        &self,
        territory: &str,
        before: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<Uuid>, RepoError> {
        // The closing time is the case's last move to `closed` in its history.
        let q = Query::new(
            "SELECT id FROM (SELECT c.id AS id, \
                (SELECT MAX(e.at) FROM case_events e \
                 WHERE e.case_id = c.id AND e.to_status = $2) AS closed_at \
              FROM cases c \
              WHERE c.territory_code = $1 AND c.status = $2 AND c.erased_at IS NULL) closed \
             WHERE closed_at < $3 ORDER BY closed_at, id LIMIT $4",
        )
        .bind(territory)
        .bind(CaseStatus::Closed)
        .bind(before)
        .bind(limit);
        let rows: Vec<(Uuid,)> = self.db.fetch_all(q).await?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    async fn retention_periods(&self) -> Result<Vec<(String, i32)>, RepoError> {
        let q = Query::new("SELECT code, retention_days FROM territories ORDER BY code");
        Ok(self.db.fetch_all(q).await?)
    }

    async fn set_retention_days(
        &self,
        territory: &str,
        days: i32,
        fx: &Effects,
    ) -> Result<bool, RepoError> {
        let mut tx = self.db.begin().await?;
        let updated = tx
            .execute(
                Query::new("UPDATE territories SET retention_days = $2 WHERE code = $1")
                    .bind(territory)
                    .bind(days),
            )
            .await?;
        if updated == 0 {
            return Ok(false);
        }
        effects_in(&mut tx, fx).await?;
        tx.commit().await?;
        Ok(true)
    }
}
