//! `OutboxRepo`: messages (webhooks, e-mails) written with the change that caused them, then
//! taken, sent, retried or parked by the delivery worker.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{effects::effects_in, placeholders, Backend, Query, SqlRepo, Tx};
use crate::db::{
    Effects, Notification, NotificationRecord, OutboxRepo, PendingNotification, RepoError,
};

#[async_trait]
impl<B: Backend> OutboxRepo for SqlRepo<B> {
    async fn take_due_notifications(
        &self,
        now: DateTime<Utc>,
        lock_until: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<PendingNotification>, RepoError> {
        // Materialised: PostgreSQL may run a plain subquery of an UPDATE more than once, and
        // then take more rows than the limit.
        let take = Query::new(format!(
            "WITH picked AS MATERIALIZED (SELECT id FROM outbox \
             WHERE delivered_at IS NULL AND parked_at IS NULL AND next_attempt_at <= $1 \
             AND (locked_until IS NULL OR locked_until <= $1) \
             ORDER BY next_attempt_at LIMIT $3 {}) \
             UPDATE outbox SET locked_until = $2 WHERE id IN (SELECT id FROM picked) RETURNING id",
            B::SKIP_LOCKED
        ))
        .bind(now)
        .bind(lock_until)
        .bind(limit);
        let ids: Vec<(Uuid,)> = self.db.fetch_all(take).await?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let read = Query::new(format!(
            "SELECT o.id, o.recipient_id, o.channel, o.event, o.case_id, o.payload, o.attempts, \
             CASE WHEN u.disabled_at IS NULL THEN u.webhook_url END AS webhook_url, \
             s.master_key_id AS secret_key_id, s.sealed AS secret_sealed, \
             u.email, u.display_name, u.language, u.role, \
             u.disabled_at IS NOT NULL AS disabled \
             FROM outbox o JOIN users u ON u.id = o.recipient_id \
             LEFT JOIN webhook_secrets s ON s.user_id = o.recipient_id \
             WHERE o.id IN ({}) ORDER BY o.next_attempt_at, o.id",
            placeholders(1, ids.len())
        ))
        .bind_all(ids.iter().map(|(id,)| *id));
        Ok(self.db.fetch_all(read).await?)
    }

    async fn notification_delivered(&self, id: Uuid, at: DateTime<Utc>) -> Result<(), RepoError> {
        self.db
            .execute(
                Query::new(
                    "UPDATE outbox SET attempts = attempts + 1, delivered_at = $2, \
                     locked_until = NULL, last_error = NULL WHERE id = $1",
                )
                .bind(id)
                .bind(at),
            )
            .await?;
        Ok(())
    }

    async fn notification_failed(
        &self,
        id: Uuid,
        at: DateTime<Utc>,
        retry_at: Option<DateTime<Utc>>,
        error: &str,
    ) -> Result<(), RepoError> {
        let q = match retry_at {
            Some(next) => Query::new(
                "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $2, \
                 locked_until = NULL, last_error = $3 WHERE id = $1",
            )
            .bind(id)
            .bind(next),
            None => Query::new(
                "UPDATE outbox SET attempts = attempts + 1, parked_at = $2, \
                 locked_until = NULL, last_error = $3 WHERE id = $1",
            )
            .bind(id)
            .bind(at),
        };
        self.db.execute(q.bind(error)).await?;
        Ok(())
    }

    async fn notifications(
        &self,
        parked_only: bool,
        case_id: Option<Uuid>,
        limit: i64,
    ) -> Result<Vec<NotificationRecord>, RepoError> {
        let q = Query::new(format!(
            "SELECT id, recipient_id, channel, event, case_id, created_at, attempts, \
             next_attempt_at, delivered_at, parked_at, last_error FROM outbox \
             WHERE ($1 IS NULL OR case_id = $1) {} \
             ORDER BY created_at DESC, id LIMIT $2",
            if parked_only {
                "AND parked_at IS NOT NULL"
            } else {
                ""
            }
        ))
        .bind(case_id)
        .bind(limit);
        Ok(self.db.fetch_all(q).await?)
    }

    async fn retry_notification(
        &self,
        id: Uuid,
        at: DateTime<Utc>,
        fx: &Effects,
    ) -> Result<bool, RepoError> {
        let mut tx = self.db.begin().await?;
        let moved = tx
            .execute(
                Query::new(
                    "UPDATE outbox SET parked_at = NULL, next_attempt_at = $2, attempts = 0 \
                     WHERE id = $1 AND parked_at IS NOT NULL",
                )
                .bind(id)
                .bind(at),
            )
            .await?;
        if moved != 1 {
            return Ok(false);
        }
        effects_in(&mut tx, fx).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn notification_postponed(
        &self,
        id: Uuid,
        until: DateTime<Utc>,
    ) -> Result<(), RepoError> {
        self.db
            .execute(
                Query::new(
                    "UPDATE outbox SET next_attempt_at = $2, locked_until = NULL WHERE id = $1",
                )
                .bind(id)
                .bind(until),
            )
            .await?;
        Ok(())
    }

    async fn take_new_cases_turn(
        &self,
        recipient_id: Uuid,
        now: DateTime<Utc>,
        since: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, RepoError> {
        let taken = self
            .db
            .execute(
                Query::new(
                    "UPDATE users SET new_cases_mailed_at = $2 WHERE id = $1 \
                     AND (new_cases_mailed_at IS NULL OR new_cases_mailed_at <= $3)",
                )
                .bind(recipient_id)
                .bind(now)
                .bind(since),
            )
            .await?;
        if taken == 1 {
            return Ok(None);
        }
        let q =
            Query::new("SELECT new_cases_mailed_at FROM users WHERE id = $1").bind(recipient_id);
        let row: Option<(Option<DateTime<Utc>>,)> = self.db.fetch_optional(q).await?;
        // A user gone meanwhile: nothing to wait for.
        Ok(row.and_then(|(at,)| at))
    }

    async fn give_back_new_cases_turn(
        &self,
        recipient_id: Uuid,
        taken_at: DateTime<Utc>,
    ) -> Result<(), RepoError> {
        self.db
            .execute(
                Query::new(
                    "UPDATE users SET new_cases_mailed_at = NULL \
                     WHERE id = $1 AND new_cases_mailed_at = $2",
                )
                .bind(recipient_id)
                .bind(taken_at),
            )
            .await?;
        Ok(())
    }

    async fn take_waiting_emails(
        &self,
        recipient_id: Uuid,
        event: &str,
        now: DateTime<Utc>,
        held_until: DateTime<Utc>,
    ) -> Result<Vec<(Uuid, String)>, RepoError> {
        let q = Query::new(format!(
            "UPDATE outbox SET locked_until = $4 WHERE id IN (SELECT id FROM outbox \
             WHERE recipient_id = $1 AND channel = 'email' AND event = $2 \
             AND delivered_at IS NULL AND parked_at IS NULL \
             AND (locked_until IS NULL OR locked_until <= $3 OR locked_until = $4) {}) \
             RETURNING id, payload",
            B::SKIP_LOCKED
        ))
        .bind(recipient_id)
        .bind(event)
        .bind(now)
        .bind(held_until);
        Ok(self.db.fetch_all(q).await?)
    }

    async fn has_notification(&self, id: Uuid) -> Result<bool, RepoError> {
        let row: Option<(Uuid,)> = self
            .db
            .fetch_optional(Query::new("SELECT id FROM outbox WHERE id = $1").bind(id))
            .await?;
        Ok(row.is_some())
    }

    async fn enqueue_once(&self, n: &Notification) -> Result<bool, RepoError> {
        let q = Query::new(
            "INSERT INTO outbox (id, recipient_id, channel, event, case_id, payload, \
             created_at, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) \
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(n.id)
        .bind(n.recipient_id)
        .bind(n.channel.as_str())
        .bind(n.event.as_str())
        .bind(n.case_id)
        .bind(n.payload.as_str())
        .bind(n.created_at);
        Ok(self.db.execute(q).await? == 1)
    }
}
