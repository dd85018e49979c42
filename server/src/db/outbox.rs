//! The outbox: messages waiting to be sent (webhooks and e-mails), and their delivery state.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{sql::Name, Effects, Notification, RepoError};
use telederm_schemas::Channel;

/// An outbox message ready to send, with where to send it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PendingNotification {
    pub id: Uuid,
    pub recipient_id: Uuid,
    #[sqlx(try_from = "Name")]
    pub channel: Channel,
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
    /// The recipient as it is now: e-mails go to its login address, in its language.
    pub email: String,
    pub display_name: String,
    pub language: String,
    pub role: String,
    pub disabled: bool,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NotificationRecord {
    pub id: Uuid,
    pub recipient_id: Uuid,
    #[sqlx(try_from = "Name")]
    pub channel: Channel,
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
    /// Put a message off until `until` without counting an attempt (an e-mail that waits for
    /// the next "new cases" message).
    async fn notification_postponed(&self, id: Uuid, until: DateTime<Utc>)
        -> Result<(), RepoError>;
    /// Take the recipient's turn for a "new cases" e-mail at `now`, if its last one went at or
    /// before `since` (or never): `None`. Otherwise `Some(when the last one went)`: another
    /// instance, or an earlier pass, has the turn.
    async fn take_new_cases_turn(
        &self,
        recipient_id: Uuid,
        now: DateTime<Utc>,
        since: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, RepoError>;
    /// Give back the turn taken at `taken_at` (the e-mail did not go), unless taken again since.
    async fn give_back_new_cases_turn(
        &self,
        recipient_id: Uuid,
        taken_at: DateTime<Utc>,
    ) -> Result<(), RepoError>;
    /// Every `event` e-mail waiting for the recipient, due or not, locked until `lock_until` (so
    /// that they go out together, once): free ones and those this pass holds (`held_until`).
    async fn take_waiting_emails(
        &self,
        recipient_id: Uuid,
        event: &str,
        now: DateTime<Utc>,
        held_until: DateTime<Utc>,
    ) -> Result<Vec<(Uuid, String)>, RepoError>;
    /// Whether a message with this id is in the outbox (whatever its state).
    async fn has_notification(&self, id: Uuid) -> Result<bool, RepoError>;
    /// Put a message in the outbox unless one with its id is there already (`false`): a
    /// message made by a periodic pass, with an id derived from what it is about, is made once
    /// whatever the instances.
    async fn enqueue_once(&self, n: &Notification) -> Result<bool, RepoError>;
}
