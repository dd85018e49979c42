//! What a change writes besides itself, in its own transaction: audit entries and notifications.
//! An event without its audit line or its notification never commits, and neither do they alone.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::RepoError;

/// One line of the audit trail before it is chained (the repo gives it its `seq` and hashes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    /// `None`: the system (a worker, or an operator's command).
    pub actor_id: Option<Uuid>,
    /// e.g. `case.read`, `case.claimed`, `auth.login_failed`, `shift.created`.
    pub action: String,
    /// `case`, `photo`, `user`, `territory`, `shift`, `sla_policy`, `keys`, `notification`.
    pub target_type: String,
    pub target_id: Option<String>,
    pub case_id: Option<Uuid>,
    /// Whose coordinators may read the entry.
    pub territory: Option<String>,
    pub request_id: Option<String>,
    /// Small JSON object; never clinical text.
    pub detail: Option<String>,
}

/// A chained audit line as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditRecord {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub action: String,
    pub target_type: String,
    pub target_id: Option<String>,
    pub case_id: Option<Uuid>,
    pub territory_code: Option<String>,
    pub request_id: Option<String>,
    pub detail: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditRecord {
    pub fn entry(&self) -> AuditEntry {
        AuditEntry {
            at: self.at,
            actor_id: self.actor_id,
            action: self.action.clone(),
            target_type: self.target_type.clone(),
            target_id: self.target_id.clone(),
            case_id: self.case_id,
            territory: self.territory_code.clone(),
            request_id: self.request_id.clone(),
            detail: self.detail.clone(),
        }
    }
}

/// A webhook message waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub id: Uuid,
    pub recipient_id: Uuid,
    /// e.g. `case.queued`, `case.answered`, `sla.breached`.
    pub event: String,
    pub case_id: Option<Uuid>,
    /// The JSON body to POST: ids, event, link; never clinical content.
    pub payload: String,
    pub created_at: DateTime<Utc>,
}

/// The side effects of one change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Effects {
    pub audit: Vec<AuditEntry>,
    pub notify: Vec<Notification>,
}

impl Effects {
    pub fn audit(entry: AuditEntry) -> Effects {
        Effects {
            audit: vec![entry],
            notify: Vec::new(),
        }
    }

    pub fn with(mut self, notify: Vec<Notification>) -> Effects {
        self.notify.extend(notify);
        self
    }

    /// The effects once the case is known (claim-next finds its case inside the transaction).
    pub fn for_case(&self, case_id: Uuid, territory: &str) -> Effects {
        let mut fx = self.clone();
        for a in &mut fx.audit {
            a.case_id.get_or_insert(case_id);
            a.target_id.get_or_insert_with(|| case_id.to_string());
            a.territory.get_or_insert_with(|| territory.to_owned());
        }
        for n in &mut fx.notify {
            n.case_id.get_or_insert(case_id);
        }
        fx
    }
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub case_id: Option<Uuid>,
    pub actor_id: Option<Uuid>,
    pub action: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// `None`: every territory and the entries without one (admins).
    pub territories: Option<Vec<String>>,
    /// Entries before this `seq` (paging backwards, newest first).
    pub before_seq: Option<i64>,
    pub limit: i64,
}

#[async_trait]
pub trait AuditRepo {
    /// Append entries and notifications on their own (reads, logins, operators' commands).
    async fn record(&self, fx: &Effects) -> Result<(), RepoError>;
    /// Matching entries, newest first.
    async fn audit_entries(&self, filter: &AuditFilter) -> Result<Vec<AuditRecord>, RepoError>;
    /// The chain in order, from `after_seq` exclusive, a page at a time (for verification).
    async fn audit_chain(&self, after_seq: i64, limit: i64) -> Result<Vec<AuditRecord>, RepoError>;
    /// The last link's (seq, hash) as the head row remembers it.
    async fn audit_head(&self) -> Result<(i64, String), RepoError>;
}

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
