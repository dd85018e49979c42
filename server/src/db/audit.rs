//! The audit trail as the repository stores it: entries, chained records, and how to read and
//! seal them. A change appends its lines unlinked, in its own transaction (`Effects`); the sealer
//! (`audit::seal`) links them in order shortly after and moves the head.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Effects, RepoError};
use crate::domain::audit::AuditEntry;

/// An audit line as stored: numbered when appended, linked (`prev_hash`, `hash`) once sealed.
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
    /// Both `None` until the line is sealed.
    pub prev_hash: Option<String>,
    pub hash: Option<String>,
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

/// The link the sealer computed for one line (`domain::audit::link_hash`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditLink {
    pub seq: i64,
    pub prev_hash: String,
    pub hash: String,
}

/// What became of a number that no visible line holds (`AuditRepo::fill_audit_gap`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditGap {
    /// Its append rolled back: a line saying so now holds the number.
    Filled,
    /// Its line committed meanwhile.
    Appeared,
    /// Appends are still in flight (PostgreSQL): it may yet appear; look again later.
    InFlight,
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
    /// Matching entries, newest first, sealed or not.
    async fn audit_entries(&self, filter: &AuditFilter) -> Result<Vec<AuditRecord>, RepoError>;
    /// Every line in order, sealed or not, from `after_seq` exclusive, a page at a time (for
    /// verification and sealing).
    async fn audit_chain(&self, after_seq: i64, limit: i64) -> Result<Vec<AuditRecord>, RepoError>;
    /// The last sealed line's (seq, hash) as the head row remembers it.
    async fn audit_head(&self) -> Result<(i64, String), RepoError>;
    /// How many lines come after `after_seq` (after the head: those awaiting their seal).
    async fn audit_lines_after(&self, after_seq: i64) -> Result<i64, RepoError>;
    /// Seal `links`, the lines right after `head` in order, and move the head to the last of
    /// them, in one transaction; `false`, with nothing written, when the head is no longer
    /// `head` (another sealer was first).
    async fn seal_audit(
        &self,
        head: &(i64, String),
        links: &[AuditLink],
    ) -> Result<bool, RepoError>;
    /// Number `seq` has no visible line: once no append is in flight, give it `entry` (its
    /// append rolled back, so the chain goes on without a hole).
    async fn fill_audit_gap(&self, seq: i64, entry: &AuditEntry) -> Result<AuditGap, RepoError>;
}
