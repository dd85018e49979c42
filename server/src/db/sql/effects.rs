//! What every change writes besides itself, in its own transaction: its notifications (outbox
//! rows) and its audit lines (`Effects`). An event without them never commits, and neither do
//! they alone.
//!
//! Appending to the audit chain locks the head row first (`UPDATE ... RETURNING`): on PostgreSQL
//! concurrent appenders wait for each other, on SQLite the statement takes the write lock. Every
//! transaction appends last, after its case rows, so the lock order never crosses.

use super::{audit::AUDIT_COLUMNS, Query, Tx};
use crate::db::{Effects, Notification, RepoError};
use crate::domain::audit::{link_hash, AuditEntry};

pub(super) async fn effects_in(tx: &mut impl Tx, fx: &Effects) -> Result<(), RepoError> {
    for n in &fx.notify {
        enqueue_in(tx, n).await?;
    }
    append_in(tx, &fx.audit).await
}

async fn enqueue_in(tx: &mut impl Tx, n: &Notification) -> Result<(), RepoError> {
    tx.execute(
        Query::new(
            "INSERT INTO outbox (id, recipient_id, channel, event, case_id, payload, \
             created_at, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
        )
        .bind(n.id)
        .bind(n.recipient_id)
        .bind(n.channel.as_str())
        .bind(n.event.as_str())
        .bind(n.case_id)
        .bind(n.payload.as_str())
        .bind(n.created_at),
    )
    .await?;
    Ok(())
}

/// Chain the entries after the head and move the head to the last one.
async fn append_in(tx: &mut impl Tx, entries: &[AuditEntry]) -> Result<(), RepoError> {
    if entries.is_empty() {
        return Ok(());
    }
    let (mut seq, mut prev): (i64, String) = tx
        .fetch_one(Query::new(
            "UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash",
        ))
        .await?;
    for e in entries {
        seq += 1;
        let hash = link_hash(&prev, seq, e);
        tx.execute(
            Query::new(format!(
                "INSERT INTO audit_log ({AUDIT_COLUMNS}) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
            ))
            .bind(seq)
            .bind(e.at)
            .bind(e.actor_id)
            .bind(e.action.as_str())
            .bind(e.target_type.as_str())
            .bind(e.target_id.as_deref())
            .bind(e.case_id)
            .bind(e.territory.as_deref())
            .bind(e.request_id.as_deref())
            .bind(e.detail.as_deref())
            .bind(prev.as_str())
            .bind(hash.as_str()),
        )
        .await?;
        prev = hash;
    }
    tx.execute(
        Query::new("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
            .bind(seq)
            .bind(prev),
    )
    .await?;
    Ok(())
}
