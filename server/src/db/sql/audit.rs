//! `AuditRepo`: reading the hash-chained audit trail and its head row (lines are appended by
//! `effects::effects_in`, in the transaction of the change they record).

use async_trait::async_trait;

use super::{effects::effects_in, placeholders, Backend, Query, SqlRepo, Tx};
use crate::db::{AuditFilter, AuditRecord, AuditRepo, Effects, RepoError};

pub(super) const AUDIT_COLUMNS: &str =
    "seq, at, actor_id, action, target_type, target_id, case_id, \
     territory_code, request_id, detail, prev_hash, hash";

#[async_trait]
impl<B: Backend> AuditRepo for SqlRepo<B> {
    async fn record(&self, fx: &Effects) -> Result<(), RepoError> {
        let mut tx = self.db.begin().await?;
        effects_in(&mut tx, fx).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn audit_entries(&self, f: &AuditFilter) -> Result<Vec<AuditRecord>, RepoError> {
        let mut sql = format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_log \
             WHERE ($1 IS NULL OR case_id = $1) AND ($2 IS NULL OR actor_id = $2) \
             AND ($3 IS NULL OR action = $3) AND ($4 IS NULL OR at >= $4) \
             AND ($5 IS NULL OR at < $5) AND ($6 IS NULL OR seq < $6)"
        );
        if let Some(ts) = &f.territories {
            if ts.is_empty() {
                return Ok(Vec::new());
            }
            sql.push_str(&format!(
                " AND territory_code IN ({})",
                placeholders(8, ts.len())
            ));
        }
        sql.push_str(" ORDER BY seq DESC LIMIT $7");
        let q = Query::new(sql)
            .bind(f.case_id)
            .bind(f.actor_id)
            .bind(f.action.as_deref())
            .bind(f.from)
            .bind(f.to)
            .bind(f.before_seq)
            .bind(f.limit)
            .bind_all(f.territories.iter().flatten());
        Ok(self.db.fetch_all(q).await?)
    }

    async fn audit_chain(&self, after_seq: i64, limit: i64) -> Result<Vec<AuditRecord>, RepoError> {
        let q = Query::new(format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2"
        ))
        .bind(after_seq)
        .bind(limit);
        Ok(self.db.fetch_all(q).await?)
    }

    async fn audit_head(&self) -> Result<(i64, String), RepoError> {
        Ok(self
            .db
            .fetch_one(Query::new("SELECT seq, hash FROM audit_head WHERE id = 1"))
            .await?)
    }
}
