//! `AuditRepo`: reading the hash-chained audit trail and its head row, and sealing it (lines are
//! appended unlinked by `effects::effects_in`, in the transaction of the change they record).

use anyhow::anyhow;
use async_trait::async_trait;

use super::{effects::effects_in, placeholders, Backend, Query, SqlRepo, Tx};
use crate::db::{
    AuditEntry, AuditFilter, AuditGap, AuditLink, AuditRecord, AuditRepo, Effects, RepoError,
};

pub(super) const AUDIT_COLUMNS: &str =
    "seq, at, actor_id, action, target_type, target_id, case_id, \
     territory_code, request_id, detail, prev_hash, hash";

/// What an append writes: the entry, without its number (given by the database) or its links.
pub(super) const ENTRY_COLUMNS: &str =
    "at, actor_id, action, target_type, target_id, case_id, territory_code, request_id, detail";
pub(super) const ENTRY_FIELDS: usize = 9;

/// Lines sealed per statement (3 parameters each).
const SEAL_CHUNK: usize = 300;

/// PostgreSQL's `lock_not_available`: `LOCK ... NOWAIT` found the lock taken.
const LOCK_NOT_AVAILABLE: &str = "55P03";

pub(super) fn bind_entry(q: Query, e: &AuditEntry) -> Query {
    q.bind(e.at)
        .bind(e.actor_id)
        .bind(e.action.as_str())
        .bind(e.target_type.as_str())
        .bind(e.target_id.as_deref())
        .bind(e.case_id)
        .bind(e.territory.as_deref())
        .bind(e.request_id.as_deref())
        .bind(e.detail.as_deref())
}

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

    async fn audit_lines_after(&self, after_seq: i64) -> Result<i64, RepoError> {
        let q = Query::new("SELECT COUNT(*) FROM audit_log WHERE seq > $1").bind(after_seq);
        let (n,): (i64,) = self.db.fetch_one(q).await?;
        Ok(n)
    }

    async fn seal_audit(
        &self,
        head: &(i64, String),
        links: &[AuditLink],
    ) -> Result<bool, RepoError> {
        let Some(last) = links.last() else {
            return Ok(true);
        };
        let mut tx = self.db.begin().await?;
        // The head first: a second sealer waits for this row (PostgreSQL), then finds it moved.
        let moved = tx
            .execute(
                Query::new(
                    "UPDATE audit_head SET seq = $1, hash = $2 \
                     WHERE id = 1 AND seq = $3 AND hash = $4",
                )
                .bind(last.seq)
                .bind(last.hash.as_str())
                .bind(head.0)
                .bind(head.1.as_str()),
            )
            .await?;
        if moved == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        for chunk in links.chunks(SEAL_CHUNK) {
            let rows = (0..chunk.len())
                .map(|i| format!("({})", placeholders(i * 3 + 1, 3)))
                .collect::<Vec<_>>()
                .join(", ");
            let mut q = Query::new(format!(
                "WITH v (seq, prev_hash, hash) AS (VALUES {rows}) \
                 UPDATE audit_log SET prev_hash = v.prev_hash, hash = v.hash FROM v \
                 WHERE audit_log.seq = v.seq AND audit_log.hash IS NULL"
            ));
            for l in chunk {
                q = q
                    .bind(l.seq)
                    .bind(l.prev_hash.as_str())
                    .bind(l.hash.as_str());
            }
            // Dropping the transaction rolls the head back too.
            if tx.execute(q).await? != chunk.len() as u64 {
                return Err(RepoError::Other(anyhow!(
                    "audit lines {} to {} were not all awaiting their seal",
                    chunk[0].seq,
                    chunk[chunk.len() - 1].seq
                )));
            }
        }
        tx.commit().await?;
        Ok(true)
    }

    async fn fill_audit_gap(&self, seq: i64, entry: &AuditEntry) -> Result<AuditGap, RepoError> {
        let mut tx = self.db.begin().await?;
        for statement in B::LOCK_APPENDS {
            if let Err(e) = tx.execute(Query::new(*statement)).await {
                tx.rollback().await?;
                let code = e.as_database_error().and_then(|d| d.code());
                return match code.as_deref() {
                    Some(LOCK_NOT_AVAILABLE) => Ok(AuditGap::InFlight),
                    _ => Err(e.into()),
                };
            }
        }
        // No append is in flight now: a number still without its line will never have one.
        let q = Query::new(format!(
            "INSERT INTO audit_log (seq, {ENTRY_COLUMNS}) VALUES ($1, {}) \
             ON CONFLICT (seq) DO NOTHING",
            placeholders(2, ENTRY_FIELDS)
        ))
        .bind(seq);
        let filled = tx.execute(bind_entry(q, entry)).await? == 1;
        tx.commit().await?;
        Ok(if filled {
            AuditGap::Filled
        } else {
            AuditGap::Appeared
        })
    }
}
