//! Retention and erasure: how long each territory keeps closed cases, and crypto-shredding.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Effects, RepoError};
use crate::domain::CaseStatus;

#[async_trait]
pub trait ErasureRepo {
    /// Erase the case in one transaction if its status is one of `statuses` and it is not erased
    /// yet: delete its data key and its photo rows, blank its sealed text (case, answer,
    /// questions, replies, histology) and its phototype, set `erased_at`, and write `fx` (the
    /// audit line). Times, territory, priority, history, SLA facts and outcome dates stay. The
    /// blob keys of its photos (for the caller to delete from the store), or `None` when the
    /// case did not qualify.
    async fn erase_case(
        &self,
        case_id: Uuid,
        statuses: &[CaseStatus],
        at: DateTime<Utc>,
        fx: &Effects,
    ) -> Result<Option<Vec<String>>, RepoError>;
    /// Closed, not yet erased cases of the territory, closed before `before`, oldest first, at
    /// most `limit`.
    async fn closed_before(
        &self,
        territory: &str,
        before: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<Uuid>, RepoError>;
    /// Every territory's code and retention period in days.
    async fn retention_periods(&self) -> Result<Vec<(String, i32)>, RepoError>;
    /// `false` when the territory does not exist.
    async fn set_retention_days(
        &self,
        territory: &str,
        days: i32,
        fx: &Effects,
    ) -> Result<bool, RepoError>;
}
