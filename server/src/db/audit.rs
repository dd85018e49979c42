//! The audit trail as the repository stores it: entries, chained records, and how to read them.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Effects, RepoError};
use crate::domain::audit::AuditEntry;

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
