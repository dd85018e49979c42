//! What every change writes besides itself, in its own transaction: its notifications (outbox
//! rows) and its audit lines (`Effects`). An event without them never commits, and neither do
//! they alone.
//!
//! Audit lines are appended without their links, so a change locks nothing shared beyond its own
//! rows: no global head to wait for (`audit::seal` links them later, in order).

use super::{
    audit::{bind_entry, ENTRY_COLUMNS, ENTRY_FIELDS},
    placeholders, Query, Tx,
};
use crate::db::{Effects, Notification, RepoError};
use crate::domain::audit::AuditEntry;

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

/// Append the entries unlinked, numbered in order: on SQLite by the single writer (the largest
/// number plus one), on PostgreSQL by a sequence, so appenders do not wait for each other. The
/// sealer (`audit::seal`) links them shortly after.
async fn append_in(tx: &mut impl Tx, entries: &[AuditEntry]) -> Result<(), RepoError> {
    if entries.is_empty() {
        return Ok(());
    }
    let rows = (0..entries.len())
        .map(|i| format!("({})", placeholders(i * ENTRY_FIELDS + 1, ENTRY_FIELDS)))
        .collect::<Vec<_>>()
        .join(", ");
    let mut q = Query::new(format!(
        "INSERT INTO audit_log ({ENTRY_COLUMNS}) VALUES {rows}"
    ));
    for e in entries {
        q = bind_entry(q, e);
    }
    tx.execute(q).await?;
    Ok(())
}
