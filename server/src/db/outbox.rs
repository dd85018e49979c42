//! The webhook outbox: messages waiting to be sent, and their delivery state.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Effects, RepoError};

/// An outbox message ready to send, with where to send it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PendingNotification {
    pub id: Uuid,
    pub recipient_id: Uuid,
    pub event: String,
    pub case_id: Option<Uuid>,
    pub payload: String,
    pub attempts: i32,
    /// The recipient's current webhook URL (`None`: removed since, or the user disabled).
    pub webhook_url: Option<String>,
    /// The recipient's sealed signing secret and the master key that sealed it (`None`: a URL
    /// set before per-recipient secrets, never rotated).
    pub secret_key_id: Option<String>,
    pub secret_sealed: Option<Vec<u8>>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NotificationRecord {
    pub id: Uuid,
    pub recipient_id: Uuid,
    pub event: String,
    pub case_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub parked_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
}

#[async_trait]
pub trait OutboxRepo {
    /// Take up to `limit` messages due at `now`, locking them until `lock_until` so that another
    /// instance does not send them too.
    async fn take_due_notifications(
        &self,
        now: DateTime<Utc>,
        lock_until: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<PendingNotification>, RepoError>;
    async fn notification_delivered(&self, id: Uuid, at: DateTime<Utc>) -> Result<(), RepoError>;
    /// A failed attempt: try again at `retry_at`, or park the message when `None`.
    async fn notification_failed(
        &self,
        id: Uuid,
        at: DateTime<Utc>,
        retry_at: Option<DateTime<Utc>>,
        error: &str,
    ) -> Result<(), RepoError>;
    /// Parked messages (or all messages of a case), newest first.
    async fn notifications(
        &self,
        parked_only: bool,
        case_id: Option<Uuid>,
        limit: i64,
    ) -> Result<Vec<NotificationRecord>, RepoError>;
    /// Put a parked message back in line; `false` if it is not parked.
    async fn retry_notification(
        &self,
        id: Uuid,
        at: DateTime<Utc>,
        fx: &Effects,
    ) -> Result<bool, RepoError>;
}
